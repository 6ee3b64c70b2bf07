// `dockerops config`: the project as dockerops resolved it, as JSON -- the
// instance types' defaults applied, each container's keys given to its
// instances, and where each variable comes from. Secrets are never printed.
#include "cli/ops/ops.hpp"
#include "cli/ops/steps.hpp"

#include "util/json_writer.hpp"

#include <cstdlib>

namespace dockerops::ops {

namespace {

// The keys set, as the plan's JSON form writes them (names and units: memory
// in bytes, nano_cpus, stop_grace_period in seconds, health in nanoseconds).
void write_runtime(JsonWriter& w, const RuntimeOptions& r) {
    for (const auto& row : key_table())
        if (r.has(row)) {
            w.key(row.json);
            row.write(w, r.values());
        }
    if (r.ready_timeout_ms) w.key("ready_timeout_ms").value(static_cast<std::int64_t>(*r.ready_timeout_ms));
}

// Where a variable given from outside is found: the environment, then the host file.
void write_outside(JsonWriter& w, const Project& p, const std::string& name, bool secret) {
    w.key(name).begin_object();
    const char* env = std::getenv(name.c_str());
    auto host = p.host_env.find(name);
    const bool found = env || host != p.host_env.end();
    w.key("from").value(env ? "environment" : host != p.host_env.end() ? "host file" : "missing (asked on a terminal)");
    w.key("value");
    if (!found) w.null();
    else if (secret) w.value("(sensitive)");
    else w.value(env ? std::string(env) : host->second);
    w.end_object();
}

void write_ports(JsonWriter& w, const std::vector<PortSpec>& ports) {
    w.begin_array();
    for (const auto& pt : ports)
        w.begin_object().key("port").value(pt.port).key("protocol").value(pt.protocol).key("publish").value(pt.publish)
            .key("host_ip").value(pt.host_ip).key("host_port").value(pt.host_port).end_object();
    w.end_array();
}

}  // namespace

int config(Session& s, const Where& where) {
    auto p = load_or_report(s, where);
    if (!p) return kExitError;
    JsonWriter w;
    w.begin_object();
    w.key("project").begin_object().key("name").value(p->name).key("file").value(p->file.string());
    w.key("root").value(p->root.string()).key("containers_dir").value(p->containers_dir.string());
    w.key("data_dir").value(p->data_dir.string()).key("subnet");
    if (p->subnet.empty()) w.null(); else w.value(p->subnet);
    w.key("legacy").value(p->legacy).end_object();
    w.key("containers").begin_object();
    for (const auto& [name, c] : p->containers) {
        w.key(name).begin_object();
        if (!c.image.empty()) w.key("image").value(c.image).key("pull").value(std::string(to_string(c.pull)));
        else w.key("image").value(image_tag(p->name, name)).key("path").value(c.path.string()).key("build_args").object(c.build_args);
        w.key("builtin").value(c.builtin).key("ports");
        write_ports(w, c.ports);
        w.key("runtime").begin_object();
        write_runtime(w, c.runtime);
        w.end_object().end_object();
    }
    w.end_object();
    w.key("instances").begin_array();
    for (const auto& i : p->instances) {
        w.begin_object().key("id").value(i.id()).key("container").value(i.container).key("name").value(i.name);
        w.key("container_name").value(i.container_name.empty() ? container_name(p->name, i.container, i.name) : i.container_name);
        w.key("aliases").strings(i.aliases);
        w.key("type").value(std::string(to_string(i.type))).key("group").value(i.group).key("hostname").value(i.hostname);
        w.key("switches").begin_object();
        for (const auto& sw : switch_names()) {
            Switches copy = i.switches;
            w.key(sw).value(*switch_field(copy, sw));
        }
        w.end_object();
        w.key("switches_from_file").strings(std::vector<std::string>(i.switches_in_file.begin(), i.switches_in_file.end()));
        w.key("env").object(i.env);
        w.key("required_env").begin_object();
        for (const auto& k : i.required_env) write_outside(w, *p, k, false);
        w.end_object().key("secret_env").begin_object();
        for (const auto& k : i.secret_env) write_outside(w, *p, k, true);
        w.end_object().key("secret_files").begin_object();
        for (const auto& k : i.secret_files) write_outside(w, *p, k, true);
        w.end_object();
        w.key("depends_on").begin_object();
        for (const auto& dep : i.depends_on) w.key(dep.target).value(std::string(to_string(dep.condition)));
        w.end_object();
        w.key("links").begin_array();
        for (const auto& l : i.links) {
            w.begin_object().key("alias").value(l.alias).key("external").value(l.external);
            if (!l.external) w.key("target").value(l.target_id());
            w.end_object();
        }
        w.end_array().key("ports");
        write_ports(w, i.ports);
        w.key("volumes").begin_array();
        for (const auto& v : i.volumes)
            w.begin_object().key("source").value(v.source).key("target").value(v.target).key("read_only").value(v.read_only)
                .key("bind").value(v.bind).end_object();
        w.end_array().key("command");
        if (i.command) w.strings(*i.command); else w.null();
        w.key("init").value(i.init).key("sleep").value(i.sleep);
        w.key("runtime").begin_object();
        write_runtime(w, i.runtime);
        w.end_object().end_object();
    }
    w.end_array().key("warnings").strings(p->warnings).end_object();
    s.ui.out(w.str() + "\n");
    return kExitOk;
}

}  // namespace dockerops::ops
