#pragma once
// The Swarm provider (target = "swarm"): the same Provider seam, onto a
// Docker Swarm through one of its managers. Each instance is a replicated
// service named like its container (<project>-<container>-<instance>), the
// project network an attachable overlay, a secret file a Swarm secret.
// Images are built on the manager's engine and reach the nodes through the
// project's registry: pushed, then named by digest in the service spec.
// Everything that is not a service (images, networks, volumes, builds) goes
// to the manager's own engine through providers/docker.
#include "engine/apply/provider.hpp"
#include "providers/docker/docker.hpp"

#include <functional>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <string>

namespace dockerops::swarm {

// Images pushed by this process, by "<repo>:<tag>": each is pushed once. The
// executor's workers each connect their own SwarmEngine, and instances of one
// type made at once would push one image twice at once (the registry answered
// one of two such pushes with a 500). Shared by the engines one CLI run makes.
class Pushes {
public:
    // The digest of repo:tag, pushed by `push` unless another caller pushes it
    // now (then its result) or pushed it already. A failed push is not kept.
    Result<std::string> once(const std::string& ref, const std::function<Result<std::string>()>& push);

private:
    std::mutex mutex_;
    std::map<std::string, std::shared_future<Result<std::string>>> pushes_;
};

struct Options {
    std::string registry;      // host:port ([project] registry); empty: images as they are named
    // "vip" or "dnsrr"; empty: dnsrr when the kernel has no IPVS (see has_ipvs).
    std::string endpoint_mode;
    // A node's host name -> its engine address (the host file's [nodes]):
    // exec and shell reach a task through the engine of the node it runs on.
    std::map<std::string, std::string> nodes = {};
    std::shared_ptr<Pushes> pushes = std::make_shared<Pushes>();
};

// The local image id a service was made from (its owner token names it).
inline constexpr const char* kImageIdLabel = "io.dockerops.image-id";

// A Swarm secret or config a service's spec names.
struct SecretRef {
    std::string id, name, file;   // file: the name under /run/secrets (a secret), or the absolute target
    bool config = false;          // a Swarm config (`configs`), not a secret
    std::int64_t mode = 0400;     // a secret file 0400; `secrets` / `configs` files 0444, as stack deploy makes them
};

// A task running now, and where: what exec and a shell reach.
struct RunningTask {
    std::string container_id, node_id, node;   // node: its host name
    std::int64_t slot = 0;
};

// A running task's container, and the engine of the node it runs on.
struct TaskEngine {
    std::string container_id;
    std::unique_ptr<docker::DockerEngine> engine;
};

// A service as wait_ready and inspect_container read it: its tasks made from
// the current spec, and its rolling update.
struct ServiceProgress {
    std::string id, name;
    std::map<std::string, std::string> labels;
    int want = 1, running = 0;
    std::string update, update_message;   // UpdateStatus
    std::vector<SecretRef> secrets;       // the secrets the current spec names
    bool rolled_back() const {
        return update == "rollback_started" || update == "rollback_completed" || update == "paused" || update == "rollback_paused";
    }
    bool ready() const { return running >= want && (update.empty() || update == "completed"); }
};

class SwarmEngine final : public Provider {
public:
    // The engine the environment names (DOCKER_HOST, TLS), which must be a
    // swarm manager: one clear Error when it is not.
    static Result<std::unique_ptr<SwarmEngine>> connect_from_env(Options options, std::shared_ptr<docker::CallTrace> trace = nullptr);
    static Result<std::unique_ptr<SwarmEngine>> connect(std::unique_ptr<docker::DockerEngine> manager, Options options);

    ProviderTraits traits() const override;
    ObjectKinds kinds() const override {
        return {ObjectKind::Image, ObjectKind::Network, ObjectKind::Container, ObjectKind::Volume};
    }
    // (scope: a service's published ports are the swarm's ingress, not a host's)
    Result<ObservedState> observe(const std::string& project, const ObserveScope& scope = {}) override;

    // Services.
    Result<std::string> create_container(const ContainerSpec& spec) override;
    Status update_container(const std::string& id, const ContainerSpec& spec) override;
    Status start_container(const std::string& id) override;
    Status stop_container(const std::string& id, std::chrono::seconds timeout) override;
    Status remove_container(const std::string& id, bool force) override;
    Status rename_container(const std::string& id, const std::string& new_name) override;
    Status wait_ready(const std::string& id, std::chrono::milliseconds deadline,
                      const std::function<void(const std::string&)>& state = nullptr,
                      Unhealthy unhealthy = Unhealthy::Fails) override;
    Result<int> wait_exit(const std::string& id, std::chrono::milliseconds deadline) override;
    Result<ObservedContainer> inspect_container(const std::string& id) override;
    Result<ExecResult> exec(const std::string& id, const std::vector<std::string>& cmd) override;
    Result<std::string> logs_tail(const std::string& id, int lines) override;
    Result<int> run_attached(const std::string& id, bool tty) override;
    Result<int> exec_attached(const std::string& id, const std::vector<std::string>& cmd) override;
    Status stream_logs(const std::string& id, const LogOptions& options, const std::function<void(std::string_view)>& out) override;

    // Networks: overlays, attachable (so that one-off containers can join).
    Result<std::string> create_network(const NetworkSpec& spec) override;
    Status remove_network(const std::string& id_or_name) override;
    Result<std::optional<ObservedNetwork>> find_network(const std::string& name) override;

    // The manager's engine.
    Result<std::string> build(const BuildSpec& spec, const std::function<void(const BuildEvent&)>& progress) override {
        return manager_->build(spec, progress);
    }
    Result<std::string> pull_image(const std::string& ref, const std::function<void(const BuildEvent&)>& progress) override {
        return manager_->pull_image(ref, progress);
    }
    Result<ImageConfig> inspect_image(const std::string& ref) override { return manager_->inspect_image(ref); }
    Status remove_image(const std::string& ref, bool force) override { return manager_->remove_image(ref, force); }
    Status seed_from_image(const std::string& image, const std::string& path, const std::string& dest,
                           const std::string& project) override {
        return manager_->seed_from_image(image, path, dest, project);
    }
    // Each node makes a named volume when a task first mounts it (labelled by the service spec).
    Status create_volume(const std::string&, const std::map<std::string, std::string>&, const std::string&,
                         const std::map<std::string, std::string>&) override {
        return ok_status();
    }
    // An external volume is looked for on the manager (the nodes' own are not asked).
    Result<bool> volume_exists(const std::string& name) override { return manager_->volume_exists(name); }
    Result<std::vector<ObservedVolume>> list_volumes(const std::string& project) override { return manager_->list_volumes(project); }
    Status remove_volume(const std::string& name) override { return manager_->remove_volume(name); }

private:
    SwarmEngine(std::unique_ptr<docker::DockerEngine> manager, Options options)
        : manager_(std::move(manager)), options_(std::move(options)) {}
    Result<docker::HttpResponse> call(const std::string& method, const std::string& path, const std::string& body = {}) {
        return manager_->call(method, path, body);
    }
    // The image as the nodes pull it: pushed to the registry, "<repo>:<tag>@sha256:...".
    Result<std::string> image_for_nodes(const ContainerSpec& spec);
    // Swarm secrets for the spec's secret files and `secrets`, and configs for
    // its `configs`: their references.
    Result<std::vector<SecretRef>> make_secrets(const ContainerSpec& spec);
    Result<std::string> make_one(const ContainerSpec& spec, const std::string& kind, const std::string& name, const std::string& data);
    // Secrets and configs labelled for the service that `keep` does not name.
    void remove_stale_secrets(const std::string& service, const std::vector<SecretRef>& keep);
    Result<std::string> service_body(const ContainerSpec& spec, std::uint64_t force_update);
    Result<ServiceProgress> progress(const std::string& id);
    std::string why_short(const std::string& service_id, int want);
    bool dnsrr() const;
    Status wait_tasks_left(const std::string& network_id, std::chrono::steady_clock::time_point until);
    // providers/swarm/task_reach.cpp
    Result<std::string> node_name(const std::string& node_id);
    Result<RunningTask> running_task(const std::string& service);
    Result<std::unique_ptr<docker::DockerEngine>> node_engine(const RunningTask& task, const std::string& service,
                                                              const std::string& what);
    // The running task exec and a shell reach (`what` names them in an error).
    Result<TaskEngine> reach(const std::string& service, const std::string& what);

    std::unique_ptr<docker::DockerEngine> manager_;
    Options options_;
};

// Whether this machine's kernel has IPVS (Swarm's virtual IPs and routing mesh need it).
bool has_ipvs();

// The service create/update body (exposed for tests of the mapping): `image`
// as the nodes pull it, `secrets` already made.
std::string service_spec_body(const ContainerSpec& spec, const std::string& image, const std::vector<SecretRef>& secrets,
                              bool dnsrr, std::uint64_t force_update);

}  // namespace dockerops::swarm
