// The JSON form of a plan: `plan --json`, `plan -o FILE`, `apply FILE`.
// Stable (sorted keys where maps, plan order for actions); documented in
// schemas/plan.schema.json.
#include "engine/desired/context.hpp"
#include "util/hash.hpp"
#include "engine/model/keys.hpp"
#include "engine/model/secrets.hpp"
#include "engine/model/spec_hash.hpp"
#include "planner/plan.hpp"
#include "util/json_writer.hpp"

#include <simdjson.h>

#include <algorithm>
#include <future>
#include <thread>

namespace dockerops {


namespace {

// A secret's digest as the spec label holds it (the planner wrote it there).
std::string digest_of(const ContainerSpec& s, const std::string& canonical_key) {
    auto label = s.labels.find(labels::kSpec);
    if (label == s.labels.end()) return "(sensitive)";
    auto canon = canonical_from_json(label->second);
    if (!canon || !canon->count(canonical_key)) return "(sensitive)";
    return canon->at(canonical_key);
}

void write_spec(JsonWriter& w, const ContainerSpec& s, const std::vector<std::string>& secrets) {
    w.begin_object();
    w.key("name").value(s.name).key("image").value(s.image).key("hostname").value(s.hostname);
    w.key("command");
    if (s.command) w.strings(*s.command); else w.null();
    w.key("env").begin_object();
    for (const auto& [k, v] : s.env) {
        bool secret = std::find(secrets.begin(), secrets.end(), k) != secrets.end();
        w.key(k).value(secret ? digest_of(s, "env." + k) : v);
    }
    w.end_object();
    w.key("secret_files").begin_object();
    for (const auto& [k, _] : s.extras().secret_files) w.key(k).value(digest_of(s, "secret_file." + k));
    w.end_object();
    w.key("secrets_dir").value(s.extras().secrets_dir);
    w.key("ports").begin_array();
    for (const auto& p : s.ports)
        w.begin_object().key("port").value(p.port).key("protocol").value(p.protocol).key("publish").value(p.publish)
            .key("host_ip").value(p.host_ip).key("host_port").value(p.host_port).end_object();
    w.end_array();
    w.key("mounts").begin_array();
    for (const auto& m : s.mounts) {
        w.begin_object().key("source").value(m.source).key("target").value(m.target).key("read_only").value(m.read_only)
            .key("bind").value(m.bind).key("seed").value(m.seed).key("file").value(m.file)
            .key("driver").value(m.driver).key("driver_options").object(m.driver_options);
        if (m.external) w.key("external").value(true);   // written only when set: plans of before read the same
        if (!m.as.empty()) w.key("as").value(m.as);
        if (m.as == "config") w.key("digest").value(m.digest);   // a secret's content digest stays out of the plan
        w.end_object();
    }
    w.end_array();
    w.key("network").value(s.network).key("ipv4").value(s.ipv4);
    w.key("aliases").strings(s.aliases).key("links").strings(s.links);
    if (!s.extras().extra_networks.empty()) w.key("extra_networks").strings(s.extras().extra_networks);
    if (!s.extras().network_aliases.empty()) {
        w.key("network_aliases").begin_object();
        for (const auto& [net, names] : s.extras().network_aliases) w.key(net).strings(names);
        w.end_object();
    }
    w.key("init").value(s.init);
    for (const auto& row : key_table()) {
        w.key(row.json);
        row.write(w, s);
    }
    w.end_object();
}

using simdjson::dom::element;
using Node = simdjson::simdjson_result<element>;

std::string str(Node e) {
    std::string_view v;
    return e.get_string().get(v) == simdjson::SUCCESS ? std::string(v) : std::string();
}
bool boolean(Node e) {
    bool b = false;
    return e.get_bool().get(b) == simdjson::SUCCESS && b;
}
std::map<std::string, std::string> smap(Node e) {
    std::map<std::string, std::string> out;
    simdjson::dom::object o;
    if (e.get_object().get(o) == simdjson::SUCCESS)
        for (auto [k, v] : o) out[std::string(k)] = str(Node(element(v)));
    return out;
}
std::vector<std::string> strings(Node e) {
    std::vector<std::string> out;
    simdjson::dom::array a;
    if (e.get_array().get(a) == simdjson::SUCCESS)
        for (auto v : a) out.push_back(str(Node(element(v))));
    return out;
}
std::optional<std::vector<std::string>> opt_strings(Node e) {
    if (e.is_null()) return std::nullopt;
    simdjson::dom::array a;
    if (e.get_array().get(a) != simdjson::SUCCESS) return std::nullopt;
    return strings(e);
}

ContainerSpec read_spec(Node e) {
    ContainerSpec s;
    s.name = str(e["name"]);
    s.image = str(e["image"]);
    s.hostname = str(e["hostname"]);
    s.command = opt_strings(e["command"]);
    const auto env = smap(e["env"]);
    s.env = StringMap(boost::container::ordered_unique_range, env.begin(), env.end());
    // The extras are allocated only for a value that is set.
    if (auto v = smap(e["secret_files"]); !v.empty()) s.extras_mut().secret_files = std::move(v);
    if (auto v = str(e["secrets_dir"]); !v.empty()) s.extras_mut().secrets_dir = std::move(v);
    simdjson::dom::array a;
    if (e["ports"].get_array().get(a) == simdjson::SUCCESS)
        for (auto p : a) {
            int64_t port = 0, host_port = 0;
            (void)!Node(element(p))["port"].get_int64().get(port);
            (void)!Node(element(p))["host_port"].get_int64().get(host_port);
            s.ports.push_back({static_cast<int>(port), str(Node(element(p))["protocol"]), boolean(Node(element(p))["publish"]),
                               str(Node(element(p))["host_ip"]), static_cast<int>(host_port)});
        }
    if (e["mounts"].get_array().get(a) == simdjson::SUCCESS)
        for (auto m : a) {
            Node n(element{m});
            s.mounts.push_back({str(n["source"]), str(n["target"]), boolean(n["read_only"]), boolean(n["bind"]), boolean(n["seed"]),
                                boolean(n["file"]), str(n["driver"]), smap(n["driver_options"]), boolean(n["external"]),
                                str(n["as"]), str(n["digest"])});
        }
    s.network = str(e["network"]);
    s.ipv4 = str(e["ipv4"]);
    s.aliases = strings(e["aliases"]);
    if (auto v = strings(e["extra_networks"]); !v.empty()) s.extras_mut().extra_networks = std::move(v);
    simdjson::dom::object na;
    if (e["network_aliases"].get_object().get(na) == simdjson::SUCCESS)
        for (auto [net, names] : na) s.extras_mut().network_aliases[std::string(net)] = strings(Node(element(names)));
    s.links = strings(e["links"]);
    s.init = boolean(e["init"]);
    for (const auto& row : key_table()) {
        element v;
        if (e[row.json].get(v) == simdjson::SUCCESS) row.read(v, s);
    }
    return s;
}

void write_action(JsonWriter& w, const Action& a) {
    w.begin_object();
    w.key("id").value(a.id).key("action").value(std::string(to_string(a.kind))).key("key").value(a.key);
    w.key("object").value(a.object).key("cause").value(a.cause);
    w.key("depends_on").begin_array();
    for (int dep : a.depends_on) w.value(dep);
    w.end_array();
    if (!a.target_id.empty()) w.key("target_id").value(a.target_id);
    if (!a.target_name.empty()) w.key("target_name").value(a.target_name);
    if (!a.path.empty()) w.key("path").value(a.path);
    if (a.sleep > 0) w.key("sleep").value(a.sleep);
    if (a.ready_timeout > 0) w.key("ready_timeout").value(a.ready_timeout);
    if (a.job) w.key("job").value(true);
    if (!a.secret_env.empty()) w.key("secret_env").strings(a.secret_env);
    if (a.build) {
        w.key("build").begin_object().key("context").value(a.build->context_dir).key("tag").value(a.build->tag);
        w.key("build_args").object(a.build->build_args).key("labels").object(a.build->labels);
        w.key("no_cache").value(a.build->no_cache);
        if (!a.build->dockerfile.empty()) w.key("dockerfile").value(a.build->dockerfile);
        if (!a.build->target.empty()) w.key("target").value(a.build->target);
        w.end_object();
    }
    if (a.network) {
        w.key("network").begin_object().key("name").value(a.network->name).key("subnet").value(a.network->subnet);
        w.key("gateway").value(a.network->gateway).key("labels").object(a.network->labels);
        if (a.network->internal) w.key("internal").value(true);
        w.end_object();
    }
    if (a.container) {
        w.key("container");
        a.container.read([&](const ContainerSpec& spec) { write_spec(w, spec, a.secret_env); });
    }
    w.end_object();
}

// The actions in batches. With two cores or more, the second half of each
// batch is written on another thread while this one writes the first (making
// each create's spec is most of the work), and the halves go to the sink in
// order: the text is the same as written in one go, and a batch's text is all
// that is held at once.
void write_actions(const std::vector<Action>& actions, const std::function<void(const std::string&)>& sink) {
    constexpr std::size_t kBatch = 2048;
    constexpr std::size_t kPiece = 64 * 1024;   // what the sink is given at a time
    const bool parallel = std::thread::hardware_concurrency() > 1 && actions.size() > kBatch / 4;
    auto write_range = [&](std::size_t from, std::size_t to) {
        std::vector<std::string> pieces;
        JsonWriter w = JsonWriter::inside_array(from == 0);
        for (std::size_t i = from; i < to; ++i) {
            write_action(w, actions[i]);
            if (w.str().size() >= kPiece) pieces.push_back(w.take());
        }
        if (!w.str().empty()) pieces.push_back(w.take());
        return pieces;
    };
    auto give = [&](const std::vector<std::string>& pieces) {
        for (const auto& piece : pieces) sink(piece);
    };
    for (std::size_t from = 0; from < actions.size(); from += kBatch) {
        const std::size_t to = std::min(actions.size(), from + kBatch);
        if (!parallel) {
            give(write_range(from, to));
            continue;
        }
        const std::size_t mid = from + (to - from) / 2;
        auto second = std::async(std::launch::async, write_range, mid, to);
        give(write_range(from, mid));
        give(second.get());
    }
}

}  // namespace

std::string render_json(const Plan& plan) {
    std::string out;
    render_json(plan, [&](const std::string& piece) { out += piece; });
    return out;
}

void render_json(const Plan& plan, const std::function<void(const std::string&)>& sink) {
    JsonWriter w;
    w.begin_object();
    w.key("format").value(1).key("project").value(plan.project);
    if (plan.target != Target::Docker) w.key("target").value(target_name(plan.target));   // plans of one engine read as before
    w.key("observed").begin_object().key("fingerprint").value(plan.observed.fingerprint)
        .key("lines").strings(plan.observed.lines);
    // What was observed, so that apply observes the same before comparing.
    w.key("host_ports").strings(plan.observed.scope.host_ports);
    if (!plan.observed.scope.compose_project.empty()) w.key("compose_project").value(plan.observed.scope.compose_project);
    if (plan.observed.scope.image_refs) w.key("image_refs").strings(*plan.observed.scope.image_refs);
    if (plan.observed.scope.names) w.key("names").strings(*plan.observed.scope.names);
    if (plan.observed.scope.earlier_builds) w.key("earlier_builds").value(true);
    if (plan.observed.scope.policy_restarted) w.key("policy_restarted").strings(*plan.observed.scope.policy_restarted);
    w.end_object();
    w.key("warnings").strings(plan.warnings);
    w.key("summary").value(summary_line(plan));
    w.key("actions").begin_array();
    sink(w.take());
    write_actions(plan.actions, sink);
    w.end_array();
    w.key("conflicts").begin_array();
    for (const auto& c : plan.conflicts) w.begin_object().key("object").value(c.object).key("message").value(c.message).end_object();
    w.end_array();
    w.end_object();
    sink(w.take() + "\n");
}

Result<Plan> parse_plan_json(const std::string& json) {
    simdjson::dom::parser parser;
    simdjson::padded_string body(json);
    element doc;
    if (auto err = parser.parse(body).get(doc); err)
        return Error{std::string("not a plan file: ") + simdjson::error_message(err)};
    Node root(element{doc});
    int64_t format = 0;
    if (root["format"].get_int64().get(format) != simdjson::SUCCESS || format != 1)
        return Error{"not a plan file of format 1 (write it with 'dockerops plan -o FILE')"};
    Plan plan;
    plan.project = str(root["project"]);
    if (std::string t = str(root["target"]); !t.empty()) {
        auto target = parse_target(t);
        if (!target) return Error{"the plan file's target '" + t + "' is not docker or swarm"};
        plan.target = *target;
    }
    plan.observed.fingerprint = str(root["observed"]["fingerprint"]);
    plan.observed.lines = strings(root["observed"]["lines"]);
    plan.observed.scope.host_ports = strings(root["observed"]["host_ports"]);
    plan.observed.scope.compose_project = str(root["observed"]["compose_project"]);
    plan.observed.scope.image_refs = opt_strings(root["observed"]["image_refs"]);
    plan.observed.scope.names = opt_strings(root["observed"]["names"]);
    plan.observed.scope.earlier_builds = boolean(root["observed"]["earlier_builds"]);
    plan.observed.scope.policy_restarted = opt_strings(root["observed"]["policy_restarted"]);
    plan.warnings = strings(root["warnings"]);
    simdjson::dom::array actions;
    if (root["actions"].get_array().get(actions) != simdjson::SUCCESS) return Error{"the plan file has no actions list"};
    for (auto ae : actions) {
        Node e(element{ae});
        Action a;
        int64_t id = 0;
        (void)!e["id"].get_int64().get(id);
        a.id = static_cast<int>(id);
        auto kind = parse_action_kind(str(e["action"]));
        if (!kind) return Error{"unknown action '" + str(e["action"]) + "' in the plan file"};
        a.kind = *kind;
        a.key = str(e["key"]);
        a.object = str(e["object"]);
        a.cause = str(e["cause"]);
        simdjson::dom::array deps;
        if (e["depends_on"].get_array().get(deps) == simdjson::SUCCESS)
            for (auto d : deps) {
                int64_t v = 0;
                (void)!Node(element(d)).get_int64().get(v);
                a.depends_on.push_back(static_cast<int>(v));
            }
        a.target_id = str(e["target_id"]);
        a.target_name = str(e["target_name"]);
        a.path = str(e["path"]);
        double sleep = 0;
        if (e["sleep"].get_double().get(sleep) == simdjson::SUCCESS) a.sleep = sleep;
        double ready_timeout = 0;
        if (e["ready_timeout"].get_double().get(ready_timeout) == simdjson::SUCCESS) a.ready_timeout = ready_timeout;
        a.secret_env = strings(e["secret_env"]);
        a.job = boolean(e["job"]);
        if (!e["build"].error()) {
            Node b = e["build"];
            bool no_cache = boolean(b["no_cache"]);
            a.build = BuildSpec{str(b["context"]), str(b["tag"]), smap(b["build_args"]), smap(b["labels"]), no_cache,
                                str(b["dockerfile"]), str(b["target"])};
        }
        if (!e["network"].error()) {
            Node n = e["network"];
            a.network = NetworkSpec{str(n["name"]), str(n["subnet"]), str(n["gateway"]), smap(n["labels"]), boolean(n["internal"])};
        }
        if (!e["container"].error()) a.container = read_spec(e["container"]);
        plan.actions.push_back(std::move(a));
    }
    simdjson::dom::array conflicts;
    if (root["conflicts"].get_array().get(conflicts) == simdjson::SUCCESS)
        for (auto c : conflicts) plan.conflicts.push_back({str(Node(element(c))["object"]), str(Node(element(c))["message"])});
    return plan;
}

Status fill_secrets(Plan& plan, const std::function<std::optional<std::string>(const std::string&)>& lookup,
                    const std::string& secret_key, Redactor& secrets) {
    auto fill = [&](const std::string& k, std::string& slot, const std::string& object) -> Status {
        auto v = lookup(k);
        if (!v) return Error{"secret " + k + " is not set (the plan needs it)", object};
        if (slot != secret_digest(secret_key, *v))
            return Error{"secret " + k + " differs from the one the plan was made with (or the project's secret key "
                         "changed); make a new plan", object};
        secrets.add(*v);
        slot = *v;
        return ok_status();
    };
    for (auto& a : plan.actions) {
        if (!a.container) continue;
        for (const auto& k : a.secret_env) {
            auto it = a.container->env.find(k);
            if (it == a.container->env.end()) continue;
            if (auto s = fill(k, it->second, a.object); !s) return s;
        }
        if (a.container->has_extras())
            for (auto& [k, v] : a.container->extras_mut().secret_files)
                if (auto s = fill(k, v, a.object); !s) return s;
    }
    return ok_status();
}

}  // namespace dockerops
