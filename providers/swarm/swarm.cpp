// The Swarm provider: services, overlays and secrets through a manager's API.
#include "providers/swarm/swarm.hpp"
#include "providers/swarm/swarm_json.hpp"

#include "engine/model/ownership.hpp"
#include "providers/docker/engine_json.hpp"
#include "util/hash.hpp"
#include "util/json_writer.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <future>
#include <set>
#include <sstream>
#include <thread>

namespace fs = std::filesystem;

namespace dockerops::swarm {

using namespace docker::detail;
using namespace swarm::detail;
using docker::HttpResponse;
using docker::url_encode;
using simdjson::dom::array;
using simdjson::dom::element;

namespace {

constexpr const char* kServiceLabel = "io.dockerops.service";   // on a secret: the service it was made for

std::string base64(const std::string& data) {
    std::string out(4 * ((data.size() + 2) / 3) + 1, '\0');
    int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), reinterpret_cast<const unsigned char*>(data.data()),
                            static_cast<int>(data.size()));
    out.resize(n);
    return out;
}

// A task state past running: its container has stopped, or never ran.
bool task_ended(const std::string& state) {
    return state == "complete" || state == "shutdown" || state == "failed" || state == "rejected" || state == "remove" ||
           state == "orphaned";
}

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
    return s;
}

struct NodeInfo {
    std::string hostname;
    bool ready = false;
};

// A service's tasks as dockerops counts them: running on a node that is up.
struct TaskCount {
    int running = 0;
    std::set<std::string> down_nodes;   // nodes holding tasks it wants running, which are down
    std::string last_error;             // the newest task error
    std::map<std::string, int> waiting; // tasks meant to run, not running yet, by state (pending, preparing, ...)
};

}  // namespace

bool has_ipvs() {
    std::error_code ec;
    if (fs::exists("/proc/net/ip_vs", ec)) return true;
    std::ifstream release("/proc/sys/kernel/osrelease");
    std::string r;
    std::getline(release, r);
    return !r.empty() && fs::exists("/lib/modules/" + r + "/kernel/net/netfilter/ipvs", ec);
}

Result<std::unique_ptr<SwarmEngine>> SwarmEngine::connect_from_env(Options options, std::shared_ptr<docker::CallTrace> trace) {
    auto m = docker::DockerEngine::connect_from_env(std::move(trace));
    if (!m) return m.error();
    return connect(std::move(*m), std::move(options));
}

Result<std::unique_ptr<SwarmEngine>> SwarmEngine::connect(std::unique_ptr<docker::DockerEngine> manager, Options options) {
    const std::string where = "engine " + manager->endpoint().display();
    auto r = manager->call("GET", "/info");
    if (!r) return r.error();
    if (!is_2xx(r->status)) return manager->engine_error(*r, where, "info");
    Parsed p(r->body);
    bool control = false;
    if (p.ok) (void)!p.doc["Swarm"]["ControlAvailable"].get_bool().get(control);
    if (!control) {
        const std::string state = p.ok ? str(p.doc["Swarm"], "LocalNodeState") : std::string();
        return Error{"target swarm needs a swarm manager, and this engine is " +
                         (state == "active" ? std::string("a worker") : "not in a swarm (" + (state.empty() ? "inactive" : state) + ")"),
                     where, 0};
    }
    if (options.endpoint_mode.empty()) {
        // Over a unix socket the manager runs on this machine's kernel: without
        // IPVS there are no virtual IPs and no routing mesh.
        const bool local = manager->endpoint().kind == docker::Endpoint::Kind::Unix;
        options.endpoint_mode = local && !has_ipvs() ? "dnsrr" : "vip";
    }
    return std::unique_ptr<SwarmEngine>(new SwarmEngine(std::move(manager), std::move(options)));
}

bool SwarmEngine::dnsrr() const { return options_.endpoint_mode == "dnsrr"; }

ProviderTraits SwarmEngine::traits() const {
    ProviderTraits t;
    t.target = Target::Swarm;
    t.services = true;
    if (dnsrr())
        t.notes.push_back("target swarm: no IPVS on this kernel, so services have dnsrr endpoints (no virtual IP) and "
                          "publish their ports in host mode, on the nodes that run their tasks (no routing mesh)");
    return t;
}

// --- observe ---

namespace {

// The nodes by id, and the host names of those not ready.
struct Nodes {
    std::map<std::string, NodeInfo> by_id;
    std::string down;
};
Nodes read_nodes(const std::string& body) {
    Nodes out;
    Parsed np(body);
    array arr;
    if (np.ok && np.doc.get_array().get(arr) == simdjson::SUCCESS)
        for (auto n : arr) {
            NodeInfo& info = out.by_id[str(n, "ID")] = {str(n["Description"], "Hostname"), str(n["Status"], "State") == "ready"};
            if (!info.ready) out.down += (out.down.empty() ? "" : ", ") + info.hostname;
        }
    return out;
}

// The tasks meant to run, counted by service: running on a ready node, or
// waiting in some state; the nodes down under them; the last error said.
// (desired: only the tasks meant to be in that state; empty: the list is already those.)
std::map<std::string, TaskCount> count_tasks(const std::string& body, const Nodes& nodes, const std::string& desired = {}) {
    std::map<std::string, TaskCount> counts;
    Parsed tp(body);
    array arr;
    if (tp.ok && tp.doc.get_array().get(arr) == simdjson::SUCCESS)
        for (auto t : arr) {
            if (!desired.empty() && str(t, "DesiredState") != desired) continue;
            TaskCount& c = counts[str(t, "ServiceID")];
            auto n = nodes.by_id.find(str(t, "NodeID"));
            const bool node_up = n != nodes.by_id.end() && n->second.ready;
            if (!node_up && n != nodes.by_id.end()) c.down_nodes.insert(n->second.hostname);
            const std::string state = str(t["Status"], "State");
            if (state == "running" && node_up) ++c.running;
            else if (state != "running") ++c.waiting[state];
            if (std::string err = str(t["Status"], "Err"); !err.empty()) c.last_error = err;
        }
    return counts;
}

// Why a service is short of tasks: "1 of 3 tasks running (2 pending; on node3, which is down)".
std::string degraded_detail(const TaskCount& tc, std::int64_t want, const std::string& update, const std::string& nodes_down) {
    std::string detail = std::to_string(tc.running) + " of " + std::to_string(want) + " tasks running";
    std::vector<std::string> why;
    for (const auto& [st, k] : tc.waiting) why.push_back(std::to_string(k) + " " + st);
    if (!tc.down_nodes.empty()) {
        std::string down;
        for (const auto& h : tc.down_nodes) down += (down.empty() ? "" : ", ") + h;
        why.push_back("on " + down + ", which is down");
    } else if (!nodes_down.empty()) {
        why.push_back("node down: " + nodes_down);
    }
    if (!update.empty() && update != "completed" && update != "updating") why.push_back("update " + update);
    if (!tc.last_error.empty()) why.push_back(tc.last_error);
    for (std::size_t i = 0; i < why.size(); ++i) detail += (i ? "; " : " (") + why[i] + (i + 1 == why.size() ? ")" : "");
    return detail;
}

// A service as the planner sees an instance: running when all its tasks run.
ObservedContainer service_as_container(element svc, std::map<std::string, TaskCount>& counts, const Nodes& nodes) {
    ObservedContainer c;
    c.id = str(svc, "ID");
    auto spec = svc["Spec"];
    c.name = str(spec, "Name");
    c.labels = string_map(spec, "Labels");
    c.created = unix_seconds(str(svc, "CreatedAt"));
    auto cs = spec["TaskTemplate"]["ContainerSpec"];
    c.image = str(cs, "Image");
    c.image_id = c.label(kImageIdLabel);
    int64_t want = 1;
    const TaskCount& tc = counts[c.id];
    if (spec["Mode"]["Global"].error() == simdjson::SUCCESS) {   // one on every node that is up
        want = tc.running;
        for (const auto& [state, n] : tc.waiting) want += n;
        want = std::max<int64_t>(want, 1);
    } else if (spec["Mode"]["Replicated"]["Replicas"].get_int64().get(want) != simdjson::SUCCESS) {
        want = 1;
    }
    const std::string update = str(svc["UpdateStatus"], "State");
    if (tc.running >= want && update != "rollback_completed" && update != "paused" && update != "rollback_paused") {
        c.state = "running";
    } else {
        c.state = "degraded";
        c.detail = degraded_detail(tc, want, update, nodes.down);
    }
    array list;
    // As a container's mounts: binds and volumes (a tmpfs is the spec's `tmpfs`, not a mount).
    if (cs["Mounts"].get_array().get(list) == simdjson::SUCCESS)
        for (auto m : list)
            if (const std::string type = lower(str(m, "Type")); type != "tmpfs")
                c.mounts.push_back({type, str(m, "Source"), str(m, "Target"), false});
    // A secret's file name is under /run/secrets unless absolute; a config's under /.
    for (const bool config : {false, true})
        if (cs[config ? "Configs" : "Secrets"].get_array().get(list) == simdjson::SUCCESS)
            for (auto sec : list) {
                const std::string file = str(sec["File"], "Name");
                const std::string target = file.starts_with("/") ? file : (config ? "/" : "/run/secrets/") + file;
                c.mounts.push_back({"bind", str(sec, config ? "ConfigName" : "SecretName"), target, true});
            }
    if (spec["EndpointSpec"]["Ports"].get_array().get(list) == simdjson::SUCCESS)
        for (auto p : list)
            c.ports.push_back({static_cast<int>(num(p, "TargetPort")), str(p, "Protocol"), "", static_cast<int>(num(p, "PublishedPort"))});
    return c;
}

}  // namespace

Result<ObservedState> SwarmEngine::observe(const std::string& project, const ObserveScope& scope) {
    // Images and networks as on one engine (the manager's), and three swarm
    // lists: services, the tasks meant to run, and nodes: five calls, whatever
    // the number of services; the swarm calls go out at once.
    auto on_own_connection = [this](std::string path) {
        return std::async(std::launch::async, [endpoint = manager_->endpoint(), path = manager_->api(path)] {
            docker::HttpClient client(endpoint);
            docker::HttpRequest req;
            req.path = path;
            return client.send(req);
        });
    };
    auto services_call = on_own_connection("/services");
    auto tasks_call = on_own_connection("/tasks?filters=" + filter("desired-state", {"running"}));
    auto nodes_call = on_own_connection("/nodes");
    auto base = manager_->observe_engine(project, false, scope);   // its containers are tasks, not instances
    if (!base) return base.error();
    ObservedState s = std::move(*base);
    // Each answer read in turn; the first that failed is the error.
    auto body_of = [&](auto& call, const char* what) -> Result<std::string> {
        auto r = call.get();
        if (!r) return r.error();
        if (!is_2xx(r->status)) return manager_->engine_error(*r, "project " + project, what);
        return std::move(r->body);
    };
    auto nodes_body = body_of(nodes_call, "list nodes");
    if (!nodes_body) return nodes_body.error();
    const Nodes nodes = read_nodes(*nodes_body);
    auto tasks_body = body_of(tasks_call, "list tasks");
    if (!tasks_body) return tasks_body.error();
    auto counts = count_tasks(*tasks_body, nodes);
    auto services_body = body_of(services_call, "list services");
    if (!services_body) return services_body.error();
    Parsed sp(*services_body);
    std::vector<ObservedContainer> all;
    array arr;
    if (sp.ok && sp.doc.get_array().get(arr) == simdjson::SUCCESS)
        for (auto svc : arr) all.push_back(service_as_container(svc, counts, nodes));
    classify_containers(s, std::move(all));
    return s;
}

// --- images on the nodes ---

Result<std::string> SwarmEngine::image_for_nodes(const ContainerSpec& spec) {
    auto img = manager_->inspect_image(spec.image);
    if (!img) return img.error();
    if (options_.registry.empty()) return spec.image;   // a single-node swarm, or an image every node has
    const std::string project = spec.labels.count(labels::kProject) ? spec.labels.at(labels::kProject) : "dockerops";
    const std::string container = spec.labels.count(labels::kContainer) ? spec.labels.at(labels::kContainer) : "image";
    const std::string repo = options_.registry + "/" + project + "/" + container;
    // The tag names the bytes: the image id's first 12 hex digits.
    std::string id = img->id;
    if (id.starts_with("sha256:")) id = id.substr(7);
    const std::string tag = id.substr(0, 12);
    if (auto t = manager_->tag_image(img->id, repo, tag); !t) return t.error();
    auto digest = options_.pushes->once(repo + ":" + tag, [&] { return manager_->push_image(repo, tag); });
    if (!digest) return Error{"could not push to the registry " + options_.registry + ": " + digest.error().message,
                              "image " + repo + ":" + tag};
    return repo + ":" + tag + "@" + *digest;
}

Result<std::string> Pushes::once(const std::string& ref, const std::function<Result<std::string>()>& push) {
    std::promise<Result<std::string>> mine;
    std::shared_future<Result<std::string>> theirs;
    {
        std::lock_guard lock(mutex_);
        auto [it, first] = pushes_.try_emplace(ref);
        if (first) it->second = mine.get_future().share();
        else theirs = it->second;
    }
    if (theirs.valid()) return theirs.get();
    auto digest = push();
    mine.set_value(digest);
    if (!digest) {   // the next one that needs it tries again
        std::lock_guard lock(mutex_);
        pushes_.erase(ref);
    }
    return digest;
}

// --- secrets ---

Result<std::vector<SecretRef>> SwarmEngine::make_secrets(const ContainerSpec& spec) {
    std::vector<SecretRef> out;
    for (const auto& m : spec.mounts) {
        if (!m.file && m.as.empty()) continue;
        std::ifstream in(m.source, std::ios::binary);
        std::stringstream data;
        data << in.rdbuf();
        if (!in) return Error{"cannot read the " + std::string(m.as.empty() ? "secret" : m.as) + " file " + m.source, spec.name};
        const bool config = m.as == "config";
        // Under /run/secrets a secret is named by its file; elsewhere by its absolute path.
        const std::string file = !config && m.target.starts_with("/run/secrets/") ? m.target.substr(13) : m.target;
        // A secret or config cannot change: a new value is a new one (named by its digest).
        const std::string name = spec.name + "-" + fs::path(m.target).filename().string() + "-" + sha256_hex(data.str()).substr(0, 12);
        auto id = make_one(spec, config ? "configs" : "secrets", name, data.str());
        if (!id) return id.error();
        out.push_back({*id, name, file, config, m.file ? 0400 : 0444});
    }
    return out;
}

// One secret or config (kind "secrets" or "configs"), or the one of that name made before.
Result<std::string> SwarmEngine::make_one(const ContainerSpec& spec, const std::string& kind, const std::string& name,
                                          const std::string& data) {
    const std::string project = spec.labels.count(labels::kProject) ? spec.labels.at(labels::kProject) : std::string();
    const std::string what = (kind == "configs" ? "config " : "secret ") + name;
    JsonWriter w;
    w.begin_object().key("Name").value(name).key("Labels").object({{labels::kProject, project}, {kServiceLabel, spec.name}});
    w.key("Data").value(base64(data)).end_object();
    auto r = call("POST", "/" + kind + "/create", w.str());
    if (!r) return r.error();
    std::string id;
    if (r->status == 409) {
        auto l = call("GET", "/" + kind + "?filters=" + filter("name", {name}));
        if (!l) return l.error();
        Parsed p(l->body);
        array arr;
        if (p.ok && p.doc.get_array().get(arr) == simdjson::SUCCESS)
            for (auto sec : arr)
                if (str(sec["Spec"], "Name") == name) id = str(sec, "ID");
    } else if (is_2xx(r->status)) {
        Parsed p(r->body);
        if (p.ok) id = str(p.doc, "ID");
    } else {
        return manager_->engine_error(*r, what, "create");
    }
    if (id.empty()) return Error{"the " + what + " was not found after it was made", spec.name};
    return id;
}

void SwarmEngine::remove_stale_secrets(const std::string& service, const std::vector<SecretRef>& keep) {
    for (const std::string kind : {"secrets", "configs"}) {
        auto l = call("GET", "/" + kind + "?filters=" + filter("label", {std::string(kServiceLabel) + "=" + service}));
        if (!l || !is_2xx(l->status)) continue;
        Parsed p(l->body);
        array arr;
        if (!p.ok || p.doc.get_array().get(arr) != simdjson::SUCCESS) continue;
        for (auto sec : arr) {
            const std::string id = str(sec, "ID");
            if (std::none_of(keep.begin(), keep.end(), [&](const SecretRef& k) { return k.id == id; }))
                (void)call("DELETE", "/" + kind + "/" + url_encode(id));   // refused while a task still uses it: the next change retries
        }
    }
}

// --- services ---

Result<std::string> SwarmEngine::service_body(const ContainerSpec& spec, std::uint64_t force_update) {
    auto image = image_for_nodes(spec);
    if (!image) return image.error();
    auto secrets = make_secrets(spec);
    if (!secrets) return secrets.error();
    return service_spec_body(spec, *image, *secrets, dnsrr(), force_update);
}

Result<std::string> SwarmEngine::create_container(const ContainerSpec& spec) {
    auto body = service_body(spec, 0);
    if (!body) return body.error();
    auto r = call("POST", "/services/create", *body);
    if (!r) return r.error();
    if (!is_2xx(r->status)) return manager_->engine_error(*r, "service " + spec.name, "create");
    Parsed p(r->body);
    return p.ok ? str(p.doc, "ID") : std::string();
}

Status SwarmEngine::update_container(const std::string& id, const ContainerSpec& spec) {
    auto r = call("GET", "/services/" + url_encode(id));
    if (!r) return r.error();
    if (!is_2xx(r->status)) return manager_->engine_error(*r, "service " + spec.name, "inspect");
    Parsed p(r->body);
    int64_t version = 0, force = 0;
    if (p.ok) {
        (void)!p.doc["Version"]["Index"].get_int64().get(version);
        (void)!p.doc["Spec"]["TaskTemplate"]["ForceUpdate"].get_int64().get(force);
    }
    // ForceUpdate moves on every time: a service short of tasks (its spec
    // unchanged) has them all replaced where they can run now.
    auto body = service_body(spec, static_cast<std::uint64_t>(force) + 1);
    if (!body) return body.error();
    auto u = call("POST", "/services/" + url_encode(id) + "/update?version=" + std::to_string(version), *body);
    if (!u) return u.error();
    if (!is_2xx(u->status)) return manager_->engine_error(*u, "service " + spec.name, "update");
    return ok_status();
}

Status SwarmEngine::start_container(const std::string&) { return ok_status(); }    // a service runs once made
Status SwarmEngine::stop_container(const std::string&, std::chrono::seconds) { return ok_status(); }   // removal stops its tasks

Status SwarmEngine::remove_container(const std::string& id, bool) {
    auto info = call("GET", "/services/" + url_encode(id));
    std::string name = id;
    if (info && is_2xx(info->status)) {
        Parsed p(info->body);
        if (p.ok) name = str(p.doc["Spec"], "Name");
    }
    auto r = call("DELETE", "/services/" + url_encode(id));
    if (!r) return r.error();
    if (!is_2xx(r->status) && r->status != 404) return manager_->engine_error(*r, "service " + name, "remove");
    // Not waited for here: its tasks stop in the background, all of a
    // destroy's at once (the project's network is removed last, and that
    // removal waits until the tasks attached to it have stopped).
    remove_stale_secrets(name, {});
    return ok_status();
}

Status SwarmEngine::rename_container(const std::string& id, const std::string&) {
    return Error{"a service is not renamed: target swarm updates it in place", id};
}

Result<ServiceProgress> SwarmEngine::progress(const std::string& id) {
    auto r = call("GET", "/services/" + url_encode(id));
    if (!r) return r.error();
    if (!is_2xx(r->status)) return manager_->engine_error(*r, "service " + id, "inspect");
    Parsed sp(r->body);
    if (!sp.ok) return Error{"unreadable answer", "service " + id};
    ServiceProgress p;
    p.id = str(sp.doc, "ID");
    p.name = str(sp.doc["Spec"], "Name");
    p.labels = string_map(sp.doc["Spec"], "Labels");
    // Every update moves ForceUpdate on (update_container), so every task is
    // replaced: only the tasks made from the current spec count.
    int64_t generation = 0, want = 1;
    (void)!sp.doc["Spec"]["TaskTemplate"]["ForceUpdate"].get_int64().get(generation);
    (void)!sp.doc["Spec"]["Mode"]["Replicated"]["Replicas"].get_int64().get(want);
    p.want = static_cast<int>(want);
    p.update = str(sp.doc["UpdateStatus"], "State");
    p.update_message = str(sp.doc["UpdateStatus"], "Message");
    array list;
    if (sp.doc["Spec"]["TaskTemplate"]["ContainerSpec"]["Secrets"].get_array().get(list) == simdjson::SUCCESS)
        for (auto ref : list) p.secrets.push_back({str(ref, "SecretID"), str(ref, "SecretName"), ""});
    if (sp.doc["Spec"]["TaskTemplate"]["ContainerSpec"]["Configs"].get_array().get(list) == simdjson::SUCCESS)
        for (auto ref : list) p.secrets.push_back({str(ref, "ConfigID"), str(ref, "ConfigName"), "", true});
    // A global service wants one task on every node that is up (at least one:
    // right after it is made, before the swarm has made its tasks).
    const bool global = sp.doc["Spec"]["Mode"]["Global"].error() == simdjson::SUCCESS;
    Nodes nodes;
    if (global) {
        auto n = call("GET", "/nodes");
        if (!n) return n.error();
        nodes = read_nodes(is_2xx(n->status) ? n->body : std::string());
    }
    auto t = call("GET", "/tasks?filters=" + filter("service", {id}));
    if (!t) return t.error();
    Parsed tp(t->body);
    int global_want = 0;
    if (tp.ok && tp.doc.get_array().get(list) == simdjson::SUCCESS)
        for (auto task : list) {
            if (str(task, "DesiredState") != "running") continue;
            int64_t made_from = 0;
            (void)!task["Spec"]["ForceUpdate"].get_int64().get(made_from);
            if (made_from != generation) continue;
            if (str(task["Status"], "State") == "running") ++p.running;
            if (global) {
                auto node = nodes.by_id.find(str(task, "NodeID"));
                if (node != nodes.by_id.end() && node->second.ready) ++global_want;
            }
        }
    if (global) p.want = std::max(1, global_want);
    return p;
}

// Why a service is short of tasks, as observe says it: "(2 pending; node
// down: swarm-node3; <the task's error>)"; empty when nothing says why. Asked
// once, when a wait for it fails.
std::string SwarmEngine::why_short(const std::string& id, int want) {
    auto t = call("GET", "/tasks?filters=" + filter("service", {id}));
    auto n = call("GET", "/nodes");
    if (!t || !n || !is_2xx(t->status) || !is_2xx(n->status)) return {};
    const Nodes nodes = read_nodes(n->body);
    auto counts = count_tasks(t->body, nodes, "running");
    const std::string detail = degraded_detail(counts[id], want, "", nodes.down);
    const auto open = detail.find(" (");
    return open == std::string::npos ? std::string() : detail.substr(open + 1);
}

Status SwarmEngine::wait_ready(const std::string& id, std::chrono::milliseconds deadline,
                               const std::function<void(const std::string&)>& state, Unhealthy) {
    const auto until = std::chrono::steady_clock::now() + deadline;
    std::string last;
    while (true) {
        auto p = progress(id);
        if (!p) return p.error();
        if (p->rolled_back())
            return Error{"the rolling update failed and Swarm rolled it back (" + p->update + "): " + p->update_message,
                         "service " + p->name};
        if (p->ready()) {
            // No task uses an older value any more: its secret goes.
            remove_stale_secrets(p->name, p->secrets);
            return ok_status();
        }
        const std::string now = std::to_string(p->running) + " of " + std::to_string(p->want) + " tasks running" +
                                (p->update == "updating" ? ", updating" : "");
        if (state && now != last) state(now);
        last = now;
        if (std::chrono::steady_clock::now() >= until) {
            const std::string why = why_short(p->id, p->want);
            return Error{"not ready in time: " + now + (why.empty() ? std::string() : " " + why), "service " + p->name};
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(250));
    }
}

Result<int> SwarmEngine::wait_exit(const std::string& id, std::chrono::milliseconds) {
    return Error{"a service does not run to an end on target swarm", id};
}

Result<ObservedContainer> SwarmEngine::inspect_container(const std::string& id) {
    auto p = progress(id);
    if (!p) return p.error();
    ObservedContainer c;
    c.id = id;
    c.name = p->name;
    c.labels = p->labels;
    c.image_id = c.label(kImageIdLabel);
    c.state = p->ready() ? "running" : "degraded";
    if (!p->ready()) c.detail = std::to_string(p->running) + " of " + std::to_string(p->want) + " tasks running";
    return c;
}

Result<std::string> SwarmEngine::logs_tail(const std::string& id, int lines) {
    auto r = call("GET", "/services/" + url_encode(id) + "/logs?stdout=1&stderr=1&tail=" + std::to_string(lines));
    if (!r) return r.error();
    if (!is_2xx(r->status)) return manager_->engine_error(*r, "service " + id, "logs");
    docker::Streams st = docker::demultiplex(r->body);
    return st.out + st.err;
}

// --- networks ---

Result<std::string> SwarmEngine::create_network(const NetworkSpec& spec) {
    JsonWriter w;
    w.begin_object().key("Name").value(spec.name).key("Driver").value("overlay").key("Attachable").value(true);
    w.key("CheckDuplicate").value(true).key("Labels").object(spec.labels);
    w.key("IPAM").begin_object().key("Driver").value("default").key("Config").begin_array();
    if (!spec.subnet.empty()) {
        w.begin_object().key("Subnet").value(spec.subnet);
        if (!spec.gateway.empty()) w.key("Gateway").value(spec.gateway);
        w.end_object();
    }
    w.end_array().end_object().end_object();
    auto r = call("POST", "/networks/create", w.str());
    if (!r) return r.error();
    if (!is_2xx(r->status)) return manager_->engine_error(*r, "network " + spec.name, "create");
    Parsed p(r->body);
    return p.ok ? str(p.doc, "Id") : std::string();
}

// Until no task on a node that is up is still attached to the network and
// not yet stopped: the tasks of the services just removed stop together
// (each within its stop_grace_period), so a destroy waits for them once.
Status SwarmEngine::wait_tasks_left(const std::string& network_id, std::chrono::steady_clock::time_point until) {
    auto n = call("GET", "/nodes");   // once: a node that goes down meanwhile keeps its tasks, and the deadline ends the wait
    if (!n) return n.error();
    if (!is_2xx(n->status)) return ok_status();   // the removal itself will say
    const Nodes nodes = read_nodes(n->body);
    while (std::chrono::steady_clock::now() < until) {
        auto t = call("GET", "/tasks");
        if (!t) return t.error();
        if (!is_2xx(t->status)) return ok_status();
        Parsed tp(t->body);
        array tasks;
        bool left = false;
        if (tp.ok && tp.doc.get_array().get(tasks) == simdjson::SUCCESS)
            for (auto task : tasks) {
                auto node = nodes.by_id.find(str(task, "NodeID"));
                if (node == nodes.by_id.end() || !node->second.ready || task_ended(str(task["Status"], "State"))) continue;
                array nets;
                if (task["NetworksAttachments"].get_array().get(nets) == simdjson::SUCCESS)
                    for (auto a : nets) left = left || str(a["Network"], "ID") == network_id;
            }
        if (!left) return ok_status();
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return ok_status();
}

Status SwarmEngine::remove_network(const std::string& id) {
    // The tasks of services just removed are still stopping (a task may take
    // its stop_grace_period): the wait is long. Then the engine may still
    // refuse a moment ("has active endpoints", "is in use by task").
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(180);
    if (auto net = manager_->find_network(id); net && *net)
        if (auto s = wait_tasks_left((*net)->id, until); !s) return s;
    while (true) {
        auto r = call("DELETE", "/networks/" + url_encode(id));
        if (!r) return r.error();
        if (is_2xx(r->status) || r->status == 404) return ok_status();
        Error e = manager_->engine_error(*r, "network " + id, "remove");
        const bool busy = e.kind == ErrorKind::InUse;
        if (std::chrono::steady_clock::now() >= until || !busy) return e;
        std::this_thread::sleep_for(std::chrono::milliseconds(250));
    }
}

Result<std::optional<ObservedNetwork>> SwarmEngine::find_network(const std::string& name) { return manager_->find_network(name); }

}  // namespace dockerops::swarm
