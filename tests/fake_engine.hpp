#pragma once
// An in-memory engine for planner and executor tests: the same Provider
// interface as the real one, state shared between connections, failures on
// demand, and a log of calls. Never used outside tests/.
#include "engine/provider.hpp"

#include <atomic>
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
    std::vector<std::string> calls;                        // "create demo-web-one", in order
    int next = 1;
    // Failures on demand.
    std::set<std::string> fail_build;       // tags
    std::set<std::string> exit_on_start;    // container names: start, then exit (1)
    std::set<std::string> fail_create;      // container names
    std::set<std::string> exit_when_env;    // "K=V": a container with it exits on start
    std::map<std::string, std::map<std::string, std::string>> env;   // container id -> env
    // Concurrency seen in slow operations.
    std::chrono::milliseconds op_delay{0};
    std::atomic<int> running{0};
    std::atomic<int> max_running{0};

    std::string new_id(const std::string& prefix) { return prefix + std::to_string(next++); }
    ObservedContainer* by_name(const std::string& name) {
        for (auto& [_, c] : containers) if (c.name == name) return &c;
        return nullptr;
    }
    ObservedContainer* by_ref(const std::string& ref) {
        auto it = containers.find(ref);
        return it != containers.end() ? &it->second : by_name(ref);
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

    Result<ObservedState> observe(const std::string& project) override {
        std::lock_guard<std::mutex> l(s_->m);
        s_->calls.push_back("observe " + project);
        ObservedState o;
        o.project = project;
        for (auto& [_, c] : s_->containers) if (c.label(labels::kProject) == project) o.containers.push_back(c);
        for (auto& [_, i] : s_->images)
            if (i.labels.count(labels::kProject) && i.labels.at(labels::kProject) == project) o.images.push_back(i);
        for (auto& [_, n] : s_->networks) if (n.label(labels::kProject) == project) o.networks.push_back(n);
        std::sort(o.containers.begin(), o.containers.end(), [](auto& a, auto& b) { return a.name < b.name; });
        return o;
    }
    Result<std::string> build(const BuildSpec& spec, const std::function<void(const BuildEvent&)>& progress) override {
        slow();
        std::lock_guard<std::mutex> l(s_->m);
        s_->calls.push_back("build " + spec.tag);
        if (s_->fail_build.count(spec.tag)) return Error{"build failed at Step 2/2 : RUN false: exit 1", "image " + spec.tag};
        if (progress) progress({BuildEvent::Kind::Step, "Step 1/1 : FROM x"});
        for (auto& [id, img] : s_->images) std::erase(img.tags, spec.tag);
        std::string id = s_->new_id("sha256:img");
        s_->images[id] = ObservedImage{id, {spec.tag}, spec.labels, 0};
        return id;
    }
    Result<ImageConfig> inspect_image(const std::string& ref) override {
        std::lock_guard<std::mutex> l(s_->m);
        for (auto& [id, img] : s_->images)
            if (id == ref || std::find(img.tags.begin(), img.tags.end(), ref) != img.tags.end()) return ImageConfig{id, {}, img.labels, false, {}, {}};
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
        s_->calls.push_back("remove-network " + ref);
        for (auto it = s_->networks.begin(); it != s_->networks.end(); ++it)
            if (it->first == ref || it->second.name == ref) { s_->networks.erase(it); return ok_status(); }
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
        if (s_->by_name(spec.name)) return Error{"Conflict. The container name is already in use", "container " + spec.name, 409};
        std::string image_id;
        for (auto& [id, img] : s_->images)
            if (std::find(img.tags.begin(), img.tags.end(), spec.image) != img.tags.end()) image_id = id;
        if (image_id.empty()) return Error{"No such image: " + spec.image, "container " + spec.name, 404};
        ObservedContainer c;
        c.id = s_->new_id("c");
        c.name = spec.name;
        c.labels = spec.labels;
        c.image = spec.image;
        c.image_id = image_id;
        c.state = "created";
        if (!spec.network.empty()) c.addresses[spec.network] = spec.ipv4;
        for (const auto& m : spec.mounts) c.mounts.push_back({m.bind ? "bind" : "volume", m.source, m.target, m.read_only});
        s_->containers[c.id] = c;
        s_->env[c.id] = spec.env;
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
    Status wait_ready(const std::string& id, std::chrono::milliseconds) override {
        std::lock_guard<std::mutex> l(s_->m);
        auto* c = s_->by_ref(id);
        if (!c) return Error{"No such container: " + id, "container " + id, 404};
        if (c->state != "running") return Error{"exited (" + std::to_string(c->exit_code) + ") on start", "container " + c->name};
        return ok_status();
    }
    Result<ObservedContainer> inspect_container(const std::string& id) override {
        std::lock_guard<std::mutex> l(s_->m);
        auto* c = s_->by_ref(id);
        if (!c) return Error{"No such container: " + id, "container " + id, 404};
        return *c;
    }
    Result<ExecResult> exec(const std::string&, const std::vector<std::string>&) override { return ExecResult{}; }
    Result<std::string> logs_tail(const std::string&, int) override { return std::string(); }
    Status seed_from_image(const std::string& image, const std::string& path, const std::string& dest) override {
        std::lock_guard<std::mutex> l(s_->m);
        s_->calls.push_back("seed " + dest + " from " + image + ":" + path);
        return ok_status();
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
