#pragma once
// The Docker Engine API (v1.41, negotiated down through /_ping) over http.hpp
// (the local socket directly, tcp:// through libcurl), answers parsed with
// simdjson. The only code in dockerops that talks to Docker; it never runs the
// docker command-line client.
#include "engine/apply/provider.hpp"
#include "providers/docker/http.hpp"
#include "util/json_writer.hpp"

#include <memory>
#include <string>

namespace dockerops::docker {

inline constexpr const char* kMaxApiVersion = "1.41";

class DockerEngine final : public Provider {
public:
    // Pings the engine and settles the API version: one clear Error if it does not answer.
    static Result<std::unique_ptr<DockerEngine>> connect(const Endpoint& endpoint);
    // connect(endpoint_from_env()).
    // `trace` (may be null) is told of every call.
    static Result<std::unique_ptr<DockerEngine>> connect_from_env(std::shared_ptr<CallTrace> trace = nullptr);

    ProviderTraits traits() const override {
        ProviderTraits t;
        t.home_record = true;   // its lock is a container: so is the home record
        return t;
    }

    const Endpoint& endpoint() const { return http_.endpoint(); }
    const std::string& api_version() const { return version_; }

    Result<ObservedState> observe(const std::string& project, const ObserveScope& scope = {}) override;
    // observe() without the container lists (providers/swarm: a manager's containers are tasks, not instances).
    Result<ObservedState> observe_engine(const std::string& project, bool with_containers, const ObserveScope& scope = {});
    // GETs of `paths` (under the API version) over `lanes` connections at once,
    // the first this engine's own; the answers in the order of `paths`.
    std::vector<Result<HttpResponse>> get_all(const std::vector<std::string>& paths, std::size_t lanes);
    Status add_inspected_detail(std::vector<ObservedContainer>& containers, const ObserveScope& scope);
    Result<std::string> build(const BuildSpec& spec, const std::function<void(const BuildEvent&)>& progress) override;
    Result<ImageConfig> inspect_image(const std::string& ref) override;
    Result<std::string> pull_image(const std::string& ref, const std::function<void(const BuildEvent&)>& progress) override;
    Result<std::string> create_network(const NetworkSpec& spec) override;
    Status remove_network(const std::string& id_or_name) override;
    Result<std::optional<ObservedNetwork>> find_network(const std::string& name) override;
    // The project lock as a container, never started (providers/docker/lock.cpp).
    Result<std::string> create_lock(const std::string& name, const std::map<std::string, std::string>& labels) override;
    Result<std::optional<LockObject>> find_lock(const std::string& name) override;
    Status remove_lock(const std::string& id) override;
    Result<std::string> create_container(const ContainerSpec& spec) override;
    Status start_container(const std::string& id) override;
    Status stop_container(const std::string& id, std::chrono::seconds timeout) override;
    Status unpause_container(const std::string& id) override;
    Status pause_container(const std::string& id) override;
    Status kill_container(const std::string& id, const std::string& signal) override;
    Status settle(const std::string& project, const std::string& since) override;
    Status remove_container(const std::string& id, bool force) override;
    Status rename_container(const std::string& id, const std::string& new_name) override;
    Status wait_ready(const std::string& id, std::chrono::milliseconds deadline,
                      const std::function<void(const std::string&)>& state = nullptr,
                      Unhealthy unhealthy = Unhealthy::Fails) override;
    Result<int> wait_exit(const std::string& id, std::chrono::milliseconds deadline) override;
    Result<ObservedContainer> inspect_container(const std::string& id) override;
    Result<ExecResult> exec(const std::string& id, const std::vector<std::string>& cmd) override;
    Result<std::string> logs_tail(const std::string& id, int lines) override;
    Status seed_from_image(const std::string& image, const std::string& path, const std::string& dest,
                           const std::string& project) override;
    Status create_volume(const std::string& name, const std::map<std::string, std::string>& labels, const std::string& driver,
                         const std::map<std::string, std::string>& driver_options) override;
    Result<bool> volume_exists(const std::string& name) override;
    Result<std::vector<ObservedVolume>> list_volumes(const std::string& project) override;
    Status remove_volume(const std::string& name) override;
    Status remove_image(const std::string& ref, bool force) override;
    ObjectKinds kinds() const override {
        return {ObjectKind::Image, ObjectKind::Network, ObjectKind::Container, ObjectKind::Volume};
    }
    Result<int> run_attached(const std::string& id, bool tty) override;
    Result<int> exec_attached(const std::string& id, const std::vector<std::string>& cmd) override;
    Status stream_logs(const std::string& id, const LogOptions& options, const std::function<void(std::string_view)>& out) override;
    Status stream_events(const std::string& project, const EventWindow& window, const std::function<void(const EngineEvent&)>& on) override;
    Result<ProcessTable> top(const std::string& id) override;
    Status copy_from_container(const std::string& id, const std::string& path, const std::filesystem::path& dest) override;
    Status copy_to_container(const std::string& id, const std::filesystem::path& src, const std::string& dest) override;
    // A registry's copy of an image (target swarm): tag it, push it, its digest ("sha256:...").
    Status tag_image(const std::string& id, const std::string& repo, const std::string& tag);
    Result<std::string> push_image(const std::string& repo, const std::string& tag);
    // Names of the containers publishing a host port (to say who holds it).
    Result<std::vector<std::string>> publishers_of(int port);

    // Lower level, for tests, for the commands that need it, and for providers/swarm.
    Result<HttpResponse> call(const std::string& method, const std::string& path, const std::string& body = {},
                              std::chrono::milliseconds timeout = std::chrono::milliseconds(60'000));

    // A GET whose answer is passed to `on_data` as it arrives (a stream of
    // logs): with `follow`, for as long as the engine keeps it open.
    Result<HttpResponse> get_streamed(const std::string& path, const std::function<void(std::string_view)>& on_data, bool follow);
    // A non-2xx answer as an Error keeping the engine's own message.
    Error engine_error(const HttpResponse& r, const std::string& object, const std::string& doing) const;
    std::string api(const std::string& path) const { return "/v" + version_ + path; }

private:
    explicit DockerEngine(Endpoint e) : http_(std::move(e)) {}
    Status import_lock_image();

    HttpClient http_;
    std::string version_ = kMaxApiVersion;
};

// A health check as the engine takes it (a container's Healthcheck, a service's HealthCheck).
JsonWriter& write_health(JsonWriter& w, const HealthSpec& h);
JsonWriter& write_ulimits(JsonWriter& w, const std::vector<Ulimit>& ulimits);
// The create body for a spec (exposed for tests of the mapping).
std::string container_create_body(const ContainerSpec& spec);
// Its DNS names on one of its networks: those of every network, then that one's own.
std::vector<std::string> aliases_on(const ContainerSpec& spec, const std::string& network);
// "Exited (137) 5 seconds ago" -> 137; "Up 2 minutes (healthy)" -> health "healthy".
int exit_code_from_status(std::string_view status);
// The message of an engine's error answer (its JSON "message", else the body),
// at most 4 KiB of it, trailing blanks trimmed.
std::string quoted_engine_message(const std::string& raw);
// "1.41": digits, a dot, digits (an engine's Api-Version header is used only if so).
bool valid_api_version(std::string_view v);
// The host port named in the engine's "already in use / allocated" message; 0 otherwise.
int taken_port(std::string_view message);
// What kind of failure an engine's answer is (engine/model/result.hpp), from its status and message.
ErrorKind error_kind(long status, std::string_view message);
std::string health_from_status(std::string_view status);
// Seconds a running container has been up, from the list's Status ("Up 5
// seconds"): 0-59, or -1 for a minute or more, or not running.
int up_seconds_from_status(std::string_view status);
// Splits Docker's multiplexed stream: stdout and stderr payloads (a TTY's raw
// stream is all stdout).
struct Streams { std::string out, err; };
// The multiplexed stream read as it arrives: each whole frame's payload passed on.
class FrameReader {
public:
    void feed(std::string_view chunk, const std::function<void(std::string_view)>& payload);
private:
    std::string pending_;
};
Streams demultiplex(std::string_view raw);

}  // namespace dockerops::docker
