// What reaches a service's tasks: exec and a shell through the engine of the
// node a task runs on (the host file's [nodes] says where that engine is), and
// the service's logs, streamed, each line prefixed by its task as `docker
// service logs` does.
#include "providers/swarm/swarm.hpp"
#include "providers/swarm/swarm_json.hpp"

#include "providers/docker/engine_json.hpp"

namespace dockerops::swarm {

using namespace docker::detail;
using namespace swarm::detail;
using docker::url_encode;
using simdjson::dom::array;
using simdjson::dom::element;

namespace {

// The value of `key` in a log line's details ("k=v,k=v"), URL-decoded keys
// and values being plain ids here.
std::string detail_of(std::string_view details, std::string_view key) {
    std::size_t at = 0;
    while (at < details.size()) {
        std::size_t end = details.find(',', at);
        if (end == std::string_view::npos) end = details.size();
        std::string_view pair = details.substr(at, end - at);
        if (pair.size() > key.size() && pair.substr(0, key.size()) == key && pair[key.size()] == '=')
            return std::string(pair.substr(key.size() + 1));
        at = end + 1;
    }
    return {};
}

// A service's name from its inspect answer; `otherwise` when unreadable.
std::string spec_name(const std::string& json, const std::string& otherwise) {
    Parsed p(json);
    std::string name = p.ok ? str(p.doc["Spec"], "Name") : std::string();
    return name.empty() ? otherwise : name;
}

}  // namespace

Result<std::string> SwarmEngine::node_name(const std::string& node_id) {
    auto r = call("GET", "/nodes/" + url_encode(node_id));
    if (!r) return r.error();
    if (!is_2xx(r->status)) return manager_->engine_error(*r, "node " + node_id, "inspect");
    Parsed p(r->body);
    if (!p.ok) return Error{"unreadable answer", "node " + node_id};
    return str(p.doc["Description"], "Hostname");
}

Result<RunningTask> SwarmEngine::running_task(const std::string& id) {
    auto r = call("GET", "/tasks?filters=" + filters({{"service", {id}}, {"desired-state", {"running"}}}));
    if (!r) return r.error();
    if (!is_2xx(r->status)) return manager_->engine_error(*r, "service " + id, "list tasks");
    Parsed p(r->body);
    array tasks;
    std::optional<RunningTask> best;
    if (p.ok && p.doc.get_array().get(tasks) == simdjson::SUCCESS)
        for (auto t : tasks) {
            if (str(t["Status"], "State") != "running") continue;
            RunningTask task;
            (void)!t["Slot"].get_int64().get(task.slot);
            task.node_id = str(t, "NodeID");
            task.container_id = str(t["Status"]["ContainerStatus"], "ContainerID");
            if (task.container_id.empty()) continue;
            if (!best || task.slot < best->slot) best = task;   // the lowest slot: the same task each time
        }
    if (!best) return Error{"the service has no running task to reach", "service " + id};
    auto name = node_name(best->node_id);
    if (!name) return name.error();
    best->node = *name;
    return *best;
}

Result<std::unique_ptr<docker::DockerEngine>> SwarmEngine::node_engine(const RunningTask& task, const std::string& id,
                                                                        const std::string& what) {
    auto address = options_.nodes.find(task.node);
    if (address == options_.nodes.end()) {
        std::string name = id;
        if (auto r = call("GET", "/services/" + url_encode(id)); r && is_2xx(r->status)) name = spec_name(r->body, id);
        return Error{what + " reaches a task through the engine of the node it runs on: its task " + std::to_string(task.slot) +
                         " runs on node " + task.node + ", which [nodes] of dockerops.host.toml does not name (add " +
                         task.node + " = \"tcp://HOST:2375\" or \"unix:///PATH\")",
                     "service " + name};
    }
    auto endpoint = docker::endpoint_for(address->second);
    if (!endpoint) return Error{endpoint.error().message, "node " + task.node + " (" + address->second + ")"};
    auto engine = docker::DockerEngine::connect(*endpoint);
    if (!engine) return Error{engine.error().message, "node " + task.node + " (" + address->second + ")"};
    return std::move(*engine);
}

Result<TaskEngine> SwarmEngine::reach(const std::string& id, const std::string& what) {
    auto task = running_task(id);
    if (!task) return task.error();
    auto engine = node_engine(*task, id, what);
    if (!engine) return engine.error();
    return TaskEngine{task->container_id, std::move(*engine)};
}

Result<ExecResult> SwarmEngine::exec(const std::string& id, const std::vector<std::string>& cmd) {
    auto t = reach(id, "exec");
    if (!t) return t.error();
    return t->engine->exec(t->container_id, cmd);
}

Result<int> SwarmEngine::exec_attached(const std::string& id, const std::vector<std::string>& cmd) {
    auto t = reach(id, "a shell");
    if (!t) return t.error();
    return t->engine->exec_attached(t->container_id, cmd);
}

Result<int> SwarmEngine::run_attached(const std::string& id, bool) {
    return Error{"an interactive run attaches to one container on one engine; a service's tasks are the swarm's "
                 "(dockerops shell reaches a running task, or target docker)",
                 id};
}

// Each line as the engine sends it with its details ("com.docker.swarm.task.id=...,...
// message"), passed on as "<service>.<slot>@<node> | message". The task and
// node names are asked for once each.
Status SwarmEngine::stream_logs(const std::string& id, const LogOptions& options, const std::function<void(std::string_view)>& out) {
    std::string q = "/services/" + url_encode(id) + "/logs?stdout=1&stderr=1&details=1" + (options.follow ? "&follow=1" : "");
    if (options.tail >= 0) q += "&tail=" + std::to_string(options.tail);
    if (options.since > 0) q += "&since=" + std::to_string(options.since);
    // The names are asked for on a second connection: the first carries the stream.
    std::unique_ptr<docker::DockerEngine> side;
    std::string service;                           // its name, asked for with the first line
    std::map<std::string, std::string> prefixes;   // task id -> "shop-web-one.2@swarm-node3 | "
    auto get = [&](const std::string& path) -> std::optional<std::string> {
        if (!side) {
            auto e = docker::DockerEngine::connect(manager_->endpoint());
            if (!e) return std::nullopt;
            side = std::move(*e);
        }
        auto r = side->call("GET", path);
        if (!r || !is_2xx(r->status)) return std::nullopt;
        return r->body;
    };
    auto field = [](const std::optional<std::string>& json, auto&& pick) -> std::string {
        if (!json) return {};
        Parsed p(*json);
        return p.ok ? pick(p.doc) : std::string();
    };
    auto prefix_of = [&](const std::string& task_id, const std::string& node_id) -> const std::string& {
        auto it = prefixes.find(task_id);
        if (it != prefixes.end()) return it->second;
        if (service.empty()) service = spec_name(get("/services/" + url_encode(id)).value_or(""), id);
        std::string slot = field(get("/tasks/" + url_encode(task_id)), [](element d) {
            int64_t n = 0;
            return d["Slot"].get_int64().get(n) == simdjson::SUCCESS ? std::to_string(n) : std::string("?");
        });
        if (slot.empty()) slot = "?";
        std::string node = field(get("/nodes/" + url_encode(node_id)), [](element d) { return str(d["Description"], "Hostname"); });
        return prefixes[task_id] = service + "." + slot + "@" + (node.empty() ? node_id : node) + " | ";
    };
    docker::FrameReader frames;
    auto r = manager_->get_streamed(q, [&](std::string_view chunk) {
        frames.feed(chunk, [&](std::string_view line) {
            const std::size_t space = line.find(' ');
            const std::string_view details = line.substr(0, space == std::string_view::npos ? 0 : space);
            const std::string task_id = detail_of(details, "com.docker.swarm.task.id");
            if (task_id.empty()) return out(line);
            std::string text = prefix_of(task_id, detail_of(details, "com.docker.swarm.node.id"));
            text.append(line.substr(space + 1));
            out(text);
        });
    }, options.follow);
    if (!r) return r.error();
    if (!is_2xx(r->status)) return manager_->engine_error(*r, "service " + id, "logs");
    return ok_status();
}

}  // namespace dockerops::swarm
