#pragma once
// An in-memory engine for planner and executor tests: the same Provider
// interface as the real one, state shared between connections, failures on
// demand, and a log of calls. Never used outside tests/.
#include "engine/model/ownership.hpp"
#include "engine/apply/provider.hpp"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <set>
#include <thread>

namespace dockerops::test {

struct FakeState {
    std::mutex m;
    std::map<std::string, ObservedContainer> containers;   // by id
    std::map<std::string, ObservedImage> images;           // by id
    std::map<std::string, ObservedNetwork> networks;       // by id
    std::map<std::string, ObservedVolume> volumes;         // by name
    std::vector<std::string> calls;                        // "create demo-web-one", in order
    std::map<std::string, std::string> build_cache;        // tag -> the id a build of it gives back (the engine's cache answering whole)
    std::map<std::string, ContainerSpec> created;          // by name: the spec of each create (kept after removal)
    std::vector<EngineEvent> events;                       // what stream_events gives (those labelled for the project)
    int next = 1;
    // Failures on demand.
    std::set<std::string> fail_build;       // tags
    std::set<std::string> exit_on_start;    // container names: start, then exit (1)
    std::set<std::string> fail_create;      // container names
    std::set<std::string> throw_on_create;  // container names: create throws (an exception inside a worker)
    std::set<std::string> exit_when_env;    // "K=V": a container with it exits on start
    std::map<std::string, std::map<std::string, std::string>> env;   // container id -> env
    // Concurrency seen in slow operations.
    std::chrono::milliseconds op_delay{0};
    std::atomic<int> running{0};
    std::atomic<int> max_running{0};

    ObjectKinds kinds{ObjectKind::Image, ObjectKind::Network, ObjectKind::Container, ObjectKind::Volume};
    bool services = false;                  // as a swarm: ProviderTraits::services, updates in place
    int attached_exit = 0;                  // what an attached run exits with
    std::map<std::string, std::map<std::string, std::string>> registry;   // what a pull can fetch: ref -> labels
    std::map<std::string, int> job_exit;    // container name -> the exit code wait_exit sees
    std::map<std::string, bool> image_healthcheck;   // what observe says of images by name (HEALTHCHECK or not)
    bool seed_fails = false;                // seed_from_image stops after its first file, with an error
    std::set<std::string> recovers;         // container names: an unhealthy one waited for becomes healthy
    // Builds that must be in flight together: each of these tags' builds waits
    // (30 s at most, then fails) until every one of them has started.
    std::set<std::string> build_together;
    std::set<std::string> builds_started;
    std::condition_variable build_started;

    std::string new_id(const std::string& prefix) { return prefix + std::to_string(next++); }
    ObservedContainer* by_name(const std::string& name) {
        for (auto& [_, c] : containers) if (c.name == name) return &c;
        return nullptr;
    }
    ObservedContainer* by_ref(const std::string& ref) {
        auto it = containers.find(ref);
        return it != containers.end() ? &it->second : by_name(ref);
    }
    std::string image_ids_by_tag_of(const std::string& tag) {
        std::lock_guard<std::mutex> l(m);
        for (auto& [id, img] : images)
            if (std::find(img.tags.begin(), img.tags.end(), tag) != img.tags.end()) return id;
        return "";
    }
    // A built image as an engine would hold it (for hand-made scenarios).
    void add_image(const std::string& tag, std::map<std::string, std::string> labels) {
        std::lock_guard<std::mutex> l(m);
        for (auto& [id, img] : images) std::erase(img.tags, tag);
        std::string id = new_id("sha256:img");
        images[id] = ObservedImage{id, {tag}, std::move(labels), 0};
    }
};

class FakeEngine final : public Provider {
public:
    explicit FakeEngine(std::shared_ptr<FakeState> s) : s_(std::move(s)) {}

    ObjectKinds kinds() const override { return s_->kinds; }
    ProviderTraits traits() const override {
        ProviderTraits t;
        if (s_->services) t.target = Target::Swarm, t.services = true, t.notes = {"a fake swarm"};
        return t;
    }
    // In place, as a service: the same id, the new labels and env.
    Status update_container(const std::string& id, const ContainerSpec& spec) override {
        std::lock_guard<std::mutex> l(s_->m);
        auto* c = s_->by_ref(id);
        if (!c) return Error{"No such service: " + id, "service " + id, 404};
        s_->calls.push_back("update " + c->name);
        for (const auto& [k, v] : spec.labels) c->labels[k] = v;
        c->image = spec.image;
        for (auto& [iid, img] : s_->images)
            if (iid == spec.image) c->image_id = iid;
        c->state = "running";
        c->detail.clear();
        s_->env[c->id] = {spec.env.begin(), spec.env.end()};
        return ok_status();
    }

    // The terminal: a run "ends" at once with FakeState::attached_exit; its
    // output is recorded as a call.
    Status stream_events(const std::string& project, const EventWindow& window, const std::function<void(const EngineEvent&)>& on) override {
        std::vector<EngineEvent> events;
        {
            std::lock_guard<std::mutex> l(s_->m);
            s_->calls.push_back("events " + project + " " + std::to_string(window.since) + ".." + std::to_string(window.until));
            for (const auto& e : s_->events) {
                auto it = e.attributes.find(labels::kProject);
                if (it != e.attributes.end() && it->second == project) events.push_back(e);
            }
        }
        for (const auto& e : events) on(e);
        return ok_status();
    }
    // A running container's one process: its command, as the engine's top lists it.
    Result<ProcessTable> top(const std::string& id) override {
        std::lock_guard<std::mutex> l(s_->m);
        auto* c = s_->by_ref(id);
        if (!c) return Error{"No such container: " + id, id, 404};
        if (c->state != "running") return Error{"container " + id + " is not running", id, 409};
        return ProcessTable{{"UID", "PID", "CMD"}, {{"root", "4242", "sleep 3600"}}};
    }
    Result<int> run_attached(const std::string& id, bool tty) override {
        std::lock_guard<std::mutex> l(s_->m);
        auto* c = s_->by_ref(id);
        if (!c) return Error{"No such container: " + id, id, 404};
        s_->calls.push_back("attach " + c->name + (tty ? "" : " (no tty)"));
        for (const auto& [_, n] : s_->networks)
            if (n.name.ends_with("-dockerops-lock")) s_->calls.push_back("attached while " + n.name + " is held");
        c->state = "exited";
        c->exit_code = s_->attached_exit;
        return s_->attached_exit;
    }
    Result<int> exec_attached(const std::string& id, const std::vector<std::string>& cmd) override {
        std::lock_guard<std::mutex> l(s_->m);
        auto* c = s_->by_ref(id);
        if (!c) return Error{"No such container: " + id, id, 404};
        s_->calls.push_back("exec-attached " + c->name + " " + (cmd.empty() ? std::string() : cmd[0]));
        return 0;
    }
    Status stream_logs(const std::string& id, const LogOptions&, const std::function<void(std::string_view)>& out) override {
        std::lock_guard<std::mutex> l(s_->m);
        auto* c = s_->by_ref(id);
        if (!c) return Error{"No such container: " + id, id, 404};
        out("logs of " + c->name + "\n");
        return ok_status();
    }

    // Every container is classified (the scope only narrows what a real engine lists).
    Result<ObservedState> observe(const std::string& project, const ObserveScope& scope = {}) override {
        std::lock_guard<std::mutex> l(s_->m);
        s_->calls.push_back("observe " + project);
        ObservedState o;
        o.project = project;
        o.scope = scope;
        // As the real provider: with image_refs, only the images named there
        // and the untagged ones are seen.
        auto seen = [&](const ObservedImage& i) {
            if (!scope.image_refs) return true;
            if (i.tags.empty())   // an earlier build: when asked for, or when a container runs it
                return scope.earlier_builds || std::any_of(s_->containers.begin(), s_->containers.end(),
                                                           [&](const auto& c) { return c.second.image_id == i.id; });
            for (const auto& t : i.tags)
                if (std::find(scope.image_refs->begin(), scope.image_refs->end(), t) != scope.image_refs->end()) return true;
            return false;
        };
        // The same rules as the real provider: every container through engine/ownership.
        std::vector<ObservedContainer> all;
        for (auto& [_, c] : s_->containers) all.push_back(c);
        classify_containers(o, std::move(all));
        for (auto& [_, i] : s_->images)
            if (seen(i) && image_concerns_project(i, project)) o.images.push_back(i);
        for (auto& [id, i] : s_->images)
            if (seen(i))
                for (const auto& t : i.tags) o.image_ids_by_tag[t] = id;
        o.image_healthcheck = s_->image_healthcheck;
        for (auto& [_, n] : s_->networks) {
            o.network_names.insert(n.name);
            if (network_is_ours(n, project)) o.networks.push_back(n);
            else if (!n.subnet.empty()) o.other_networks.push_back(n);
        }
        return o;
    }
    Result<std::string> build(const BuildSpec& spec, const std::function<void(const BuildEvent&)>& progress) override {
        slow();
        std::unique_lock<std::mutex> l(s_->m);
        if (s_->build_together.count(spec.tag)) {
            s_->builds_started.insert(spec.tag);
            s_->build_started.notify_all();
            auto all = [&] { return std::includes(s_->builds_started.begin(), s_->builds_started.end(),
                                                  s_->build_together.begin(), s_->build_together.end()); };
            if (!s_->build_started.wait_for(l, std::chrono::seconds(30), all))
                return Error{"built alone: the others of build_together never started", "image " + spec.tag};
        }
        s_->calls.push_back("build " + spec.tag);
        if (s_->fail_build.count(spec.tag)) return Error{"build failed at Step 2/2 : RUN false: exit 1", "image " + spec.tag};
        if (progress) progress({BuildEvent::Kind::Step, "Step 1/1 : FROM x"});
        for (auto& [id, img] : s_->images) std::erase(img.tags, spec.tag);
        if (auto cached = s_->build_cache.find(spec.tag); cached != s_->build_cache.end() && s_->images.count(cached->second)) {
            s_->images[cached->second].tags.push_back(spec.tag);
            return cached->second;
        }
        std::string id = s_->new_id("sha256:img");
        s_->images[id] = ObservedImage{id, {spec.tag}, spec.labels, 0};
        return id;
    }
    // A pull: from `registry` (ref -> labels), else the engine's refusal.
    Result<std::string> pull_image(const std::string& ref, const std::function<void(const BuildEvent&)>& progress) override {
        slow();
        std::lock_guard<std::mutex> l(s_->m);
        s_->calls.push_back("pull " + ref);
        auto it = s_->registry.find(ref);
        if (it == s_->registry.end())
            return Error{"pull failed: pull access denied for " + ref + ", repository does not exist", "image " + ref};
        if (progress) progress({BuildEvent::Kind::Output, "Pull complete"});
        for (auto& [id, img] : s_->images) std::erase(img.tags, ref);
        std::string id = s_->new_id("sha256:pulled");
        s_->images[id] = ObservedImage{id, {ref}, it->second, 0};
        return id;
    }
    Result<ImageConfig> inspect_image(const std::string& ref) override {
        std::lock_guard<std::mutex> l(s_->m);
        for (auto& [id, img] : s_->images)
            if (id == ref || std::find(img.tags.begin(), img.tags.end(), ref) != img.tags.end()) return ImageConfig{id, {}, img.labels, false, {}, {}, 0, {}};
        return Error{"No such image: " + ref, "image " + ref, 404};
    }
    Result<std::string> create_network(const NetworkSpec& spec) override {
        std::lock_guard<std::mutex> l(s_->m);
        s_->calls.push_back("network " + spec.name);
        for (auto& [_, n] : s_->networks)
            if (n.name == spec.name) return Error{"network with name " + spec.name + " already exists", "network " + spec.name, 409};
        std::string id = s_->new_id("net");
        s_->networks[id] = ObservedNetwork{id, spec.name, spec.subnet, spec.labels};
        return id;
    }
    Status remove_network(const std::string& ref) override {
        std::lock_guard<std::mutex> l(s_->m);
        for (auto it = s_->networks.begin(); it != s_->networks.end(); ++it)
            if (it->first == ref || it->second.name == ref) {
                s_->calls.push_back("remove-network " + it->second.name);   // by name, whatever it was asked by
                s_->networks.erase(it);
                return ok_status();
            }
        s_->calls.push_back("remove-network " + ref);
        return Error{"no such network", "network " + ref, 404};
    }
    Result<std::optional<ObservedNetwork>> find_network(const std::string& name) override {
        std::lock_guard<std::mutex> l(s_->m);
        for (auto& [_, n] : s_->networks) if (n.name == name) return std::optional<ObservedNetwork>(n);
        return std::optional<ObservedNetwork>();
    }
    Result<std::string> create_container(const ContainerSpec& spec) override {
        slow();
        std::lock_guard<std::mutex> l(s_->m);
        s_->calls.push_back("create " + spec.name);
        if (s_->fail_create.count(spec.name)) return Error{"create refused", "container " + spec.name, 500};
        if (s_->throw_on_create.count(spec.name)) throw std::runtime_error("stoi");
        if (s_->by_name(spec.name)) return Error{"Conflict. The container name is already in use", "container " + spec.name, 409};
        std::string image_id;
        for (auto& [id, img] : s_->images)
            if (id == spec.image || std::find(img.tags.begin(), img.tags.end(), spec.image) != img.tags.end()) image_id = id;
        if (image_id.empty()) return Error{"No such image: " + spec.image, "container " + spec.name, 404};
        ObservedContainer c;
        c.id = s_->new_id("c");
        c.name = spec.name;
        // As the engine does: the image's labels first, the container's over them.
        c.labels = s_->images.at(image_id).labels;
        for (const auto& [k, v] : spec.labels) c.labels[k] = v;
        for (const auto& p : spec.ports)
            if (p.publish) c.ports.push_back({p.port, p.protocol, p.host_ip, p.host_port});
        c.image = spec.image;
        c.image_id = image_id;
        c.state = "created";
        if (!spec.network.empty() && spec.extras().network_mode.empty()) c.addresses[spec.network] = spec.ipv4;
        c.network_mode = spec.extras().network_mode.empty() ? spec.network : spec.extras().network_mode;
        if (c.network_mode.starts_with("container:")) {   // the engine keeps the id of the container named
            const ObservedContainer* shared = s_->by_name(c.network_mode.substr(10));
            if (!shared) return Error{"No such container: " + c.network_mode.substr(10), "container " + spec.name, 404};
            c.network_mode = "container:" + shared->id;
            // As the engine: these are the shared network's own.
            if (!spec.hostname.empty() || !spec.ports.empty() || !spec.extras().expose.empty() || !spec.extras().dns.empty() ||
                !spec.extras().extra_hosts.empty())
                return Error{"conflicting options: hostname, ports, dns or extra hosts and the network mode",
                             "container " + spec.name, 400};
        }
        for (const auto& n : spec.extras().extra_networks) c.addresses[n] = "";   // joined after the create, as the provider does
        for (const auto& m : spec.mounts) c.mounts.push_back({m.bind ? "bind" : "volume", m.source, m.target, m.read_only});
        for (const auto& from : spec.extras().volumes_from) {   // as the engine: that container's mounts, at their places
            const bool ro = from.ends_with(":ro");
            const std::string name = from.substr(0, from.find(':'));
            const ObservedContainer* source = s_->by_name(name);
            if (!source) return Error{"No such container: " + name, "container " + spec.name, 404};
            for (auto m : source->mounts) {
                m.read_only = m.read_only || ro;
                c.mounts.push_back(m);
            }
        }
        s_->containers[c.id] = c;
        s_->env[c.id] = {spec.env.begin(), spec.env.end()};
        s_->created[spec.name] = spec;
        return c.id;
    }
    Status start_container(const std::string& id) override {
        slow();
        std::lock_guard<std::mutex> l(s_->m);
        auto* c = s_->by_ref(id);
        if (!c) return Error{"No such container: " + id, "container " + id, 404};
        s_->calls.push_back("start " + c->name);
        bool bad_env = false;
        for (const auto& [k, v] : s_->env[c->id]) bad_env = bad_env || s_->exit_when_env.count(k + "=" + v);
        if (s_->exit_on_start.count(c->name) || bad_env) { c->state = "exited"; c->exit_code = 1; }
        else c->state = "running";
        return ok_status();
    }
    Status stop_container(const std::string& id, std::chrono::seconds) override {
        std::lock_guard<std::mutex> l(s_->m);
        auto* c = s_->by_ref(id);
        if (!c) return Error{"No such container: " + id, "container " + id, 404};
        s_->calls.push_back("stop " + c->name);
        if (c->state == "running") { c->state = "exited"; c->exit_code = 0; }
        return ok_status();
    }
    Status remove_container(const std::string& id, bool force) override {
        std::lock_guard<std::mutex> l(s_->m);
        auto* c = s_->by_ref(id);
        if (!c) return Error{"No such container: " + id, "container " + id, 404};
        if (c->state == "running" && !force) return Error{"cannot remove a running container", "container " + id, 409};
        s_->calls.push_back("remove " + c->name);
        s_->containers.erase(c->id);
        return ok_status();
    }
    Status rename_container(const std::string& id, const std::string& name) override {
        std::lock_guard<std::mutex> l(s_->m);
        auto* c = s_->by_ref(id);
        if (!c) return Error{"No such container: " + id, "container " + id, 404};
        if (s_->by_name(name)) return Error{"name in use", "container " + id, 409};
        s_->calls.push_back("rename " + c->name + " " + name);
        c->name = name;
        return ok_status();
    }
    Status unpause_container(const std::string& id) override {
        std::lock_guard<std::mutex> l(s_->m);
        auto* c = s_->by_ref(id);
        if (!c) return Error{"No such container: " + id, "container " + id, 404};
        if (c->state != "paused") return Error{"container is not paused", "container " + c->name, 409};
        s_->calls.push_back("unpause " + c->name);
        c->state = "running";
        return ok_status();
    }
    Status pause_container(const std::string& id) override {
        std::lock_guard<std::mutex> l(s_->m);
        auto* c = s_->by_ref(id);
        if (!c) return Error{"No such container: " + id, "container " + id, 404};
        if (c->state != "running") return Error{"container is not running", "container " + c->name, 409};
        s_->calls.push_back("pause " + c->name);
        c->state = "paused";
        return ok_status();
    }
    Status kill_container(const std::string& id, const std::string& signal) override {
        std::lock_guard<std::mutex> l(s_->m);
        auto* c = s_->by_ref(id);
        if (!c) return Error{"No such container: " + id, "container " + id, 404};
        if (c->state != "running") return Error{"container is not running", "container " + c->name, 409};
        s_->calls.push_back("kill " + c->name + " " + signal);
        if (signal == "SIGKILL" || signal == "KILL" || signal == "9") c->state = "exited";
        return ok_status();
    }
    // Unhealthy stays unhealthy unless the test put its name in `recovers`.
    Status wait_ready(const std::string& id, std::chrono::milliseconds,
                      const std::function<void(const std::string&)>& = nullptr, Unhealthy unhealthy = Unhealthy::Fails) override {
        std::lock_guard<std::mutex> l(s_->m);
        auto* c = s_->by_ref(id);
        if (!c) return Error{"No such container: " + id, "container " + id, 404};
        if (c->state == "restarting") return Error{"crash loop: exited (" + std::to_string(c->exit_code) + ")", "container " + c->name};
        if (c->state != "running") return Error{"exited (" + std::to_string(c->exit_code) + ") on start", "container " + c->name};
        if (c->health == "unhealthy" || c->health == "starting") {
            if (unhealthy == Unhealthy::WaitedOut && s_->recovers.count(c->name)) c->health = "healthy";
            else if (unhealthy == Unhealthy::Fails && c->health == "unhealthy") return Error{"unhealthy", "container " + c->name};
            else return Error{"not ready after 1 s (running, health " + c->health + ")", "container " + c->name};
        }
        return ok_status();
    }
    // A job: it "runs to its end" now, exiting with job_exit (by container name, default 0).
    Result<int> wait_exit(const std::string& id, std::chrono::milliseconds) override {
        std::lock_guard<std::mutex> l(s_->m);
        auto* c = s_->by_ref(id);
        if (!c) return Error{"No such container: " + id, "container " + id, 404};
        s_->calls.push_back("wait " + c->name);
        c->state = "exited";
        c->exit_code = s_->job_exit.count(c->name) ? s_->job_exit.at(c->name) : 0;
        return c->exit_code;
    }
    Result<ObservedContainer> inspect_container(const std::string& id) override {
        std::lock_guard<std::mutex> l(s_->m);
        auto* c = s_->by_ref(id);
        if (!c) return Error{"No such container: " + id, "container " + id, 404};
        return *c;
    }
    Result<ExecResult> exec(const std::string&, const std::vector<std::string>&) override { return ExecResult{}; }
    Result<std::string> logs_tail(const std::string&, int) override { return std::string(); }
    Status seed_from_image(const std::string& image, const std::string& path, const std::string& dest,
                           const std::string&) override {
        std::lock_guard<std::mutex> l(s_->m);
        s_->calls.push_back("seed " + dest + " from " + image + ":" + path);
        // What the image holds there: one file, written into dest; with
        // seed_fails, the copy stops after it, as a killed one would.
        std::ofstream(std::filesystem::path(dest) / "from-image") << image;
        if (s_->seed_fails) return Error{"seed interrupted", "folder " + dest};
        return ok_status();
    }
    Status create_volume(const std::string& name, const std::map<std::string, std::string>& labels, const std::string& driver,
                         const std::map<std::string, std::string>&) override {
        std::lock_guard<std::mutex> l(s_->m);
        s_->calls.push_back("volume " + name + (driver.empty() ? "" : " driver " + driver));
        s_->volumes.emplace(name, ObservedVolume{name, labels});
        return ok_status();
    }
    Result<bool> volume_exists(const std::string& name) override {
        std::lock_guard<std::mutex> l(s_->m);
        return s_->volumes.count(name) > 0;
    }
    Result<std::vector<ObservedVolume>> list_volumes(const std::string& project) override {
        std::lock_guard<std::mutex> l(s_->m);
        std::vector<ObservedVolume> out;
        for (auto& [_, v] : s_->volumes)
            if (v.labels.count(labels::kProject) && v.labels.at(labels::kProject) == project) out.push_back(v);
        return out;
    }
    Status remove_volume(const std::string& name) override {
        std::lock_guard<std::mutex> l(s_->m);
        s_->calls.push_back("remove-volume " + name);
        return s_->volumes.erase(name) ? ok_status() : Status(Error{"no such volume", "volume " + name, 404});
    }
    Status remove_image(const std::string& ref, bool) override {
        std::lock_guard<std::mutex> l(s_->m);
        s_->calls.push_back("remove-image " + ref);
        for (auto it = s_->images.begin(); it != s_->images.end(); ++it) {
            auto& tags = it->second.tags;
            if (std::find(tags.begin(), tags.end(), ref) != tags.end()) {
                std::erase(tags, ref);
                return ok_status();
            }
            if (it->first == ref) {
                // As the engine without force: not while a container uses it.
                for (const auto& [cid, c] : s_->containers)
                    if (c.image_id == ref)
                        return Error{"conflict: unable to delete " + ref + " (must be forced) - image is being used by stopped container " + cid,
                                     "image " + ref, 409};
                s_->images.erase(it);
                return ok_status();
            }
        }
        return Error{"No such image: " + ref, "image " + ref, 404};
    }

private:
    void slow() {
        if (s_->op_delay.count() == 0) return;
        int now = ++s_->running;
        int seen = s_->max_running;
        while (now > seen && !s_->max_running.compare_exchange_weak(seen, now)) {}
        std::this_thread::sleep_for(s_->op_delay);
        --s_->running;
    }
    std::shared_ptr<FakeState> s_;
};

inline ProviderFactory fake_factory(std::shared_ptr<FakeState> s) {
    return [s]() -> Result<std::unique_ptr<Provider>> { return std::unique_ptr<Provider>(new FakeEngine(s)); };
}

}  // namespace dockerops::test
