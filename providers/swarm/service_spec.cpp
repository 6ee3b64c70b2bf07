// A ContainerSpec as a Swarm service spec (POST /services/create and
// /services/{id}/update), and the services the manager lists as the
// ObservedContainer the planner reads.
#include "engine/model/ownership.hpp"
#include "engine/model/runtime.hpp"
#include "providers/swarm/swarm.hpp"
#include "util/json_writer.hpp"

#include <filesystem>

namespace dockerops::swarm {

namespace {

// "size=64m,mode=1777" -> TmpfsOptions; the options Swarm has no field for are refused at plan time.
void tmpfs_options(JsonWriter& w, const std::string& opts) {
    long long size = 0;
    long long mode = -1;
    std::size_t start = 0;
    while (start <= opts.size()) {
        std::size_t comma = opts.find(',', start);
        std::string one = opts.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
        start = comma == std::string::npos ? opts.size() + 1 : comma + 1;
        if (one.starts_with("size=")) size = parse_bytes(one.substr(5)).value_or(0);
        else if (one.starts_with("mode=")) mode = std::strtoll(one.c_str() + 5, nullptr, 8);
    }
    w.key("TmpfsOptions").begin_object();
    if (size > 0) w.key("SizeBytes").value(static_cast<std::int64_t>(size));
    if (mode >= 0) w.key("Mode").value(static_cast<std::int64_t>(mode));
    w.end_object();
}

void mounts(JsonWriter& w, const ContainerSpec& s) {
    const std::string project = s.labels.count(labels::kProject) ? s.labels.at(labels::kProject) : std::string();
    w.key("Mounts").begin_array();
    for (const auto& m : s.mounts) {
        if (m.file || !m.as.empty()) continue;   // secret files, `secrets` and `configs` are Swarm secrets and configs
        w.begin_object().key("Target").value(m.target).key("ReadOnly").value(m.read_only);
        if (m.bind) {
            w.key("Type").value("bind").key("Source").value(m.source);
        } else {
            // Made by each node's engine when a task first mounts it, labelled as the
            // executor labels a volume on one engine (destroy --purge-data finds it).
            w.key("Type").value("volume").key("Source").value(m.source);
            if (m.external) {   // made outside the project: used as it is
                w.end_object();
                continue;
            }
            w.key("VolumeOptions").begin_object().key("Labels").object(
                {{labels::kProject, project}, {labels::kOwner, volume_owner_token(project, m.source)}});
            if (!m.driver.empty())
                w.key("DriverConfig").begin_object().key("Name").value(m.driver).key("Options").object(m.driver_options).end_object();
            w.end_object();
        }
        w.end_object();
    }
    for (const auto& [path, opts] : s.extras().tmpfs) {
        w.begin_object().key("Type").value("tmpfs").key("Target").value(path);
        tmpfs_options(w, opts);
        w.end_object();
    }
    w.end_array();
}

void container_spec(JsonWriter& w, const ContainerSpec& s, const std::string& image, const std::vector<SecretRef>& secrets) {
    w.key("ContainerSpec").begin_object();
    w.key("Image").value(image);
    std::map<std::string, std::string> user_labels;
    for (const auto& [k, v] : s.labels)
        if (!k.starts_with("io.dockerops.")) user_labels[k] = v;
    w.key("Labels").object(user_labels);
    if (s.extras().entrypoint) w.key("Command").strings(*s.extras().entrypoint);
    if (s.command) w.key("Args").strings(*s.command);
    if (!s.hostname.empty()) w.key("Hostname").value(s.hostname);
    w.key("Env").begin_array();
    for (const auto& [k, v] : s.env) w.value(k + "=" + v);
    w.end_array();
    if (!s.extras().working_dir.empty()) w.key("Dir").value(s.extras().working_dir);
    if (!s.extras().user.empty()) w.key("User").value(s.extras().user);
    w.key("Init").value(s.init);
    if (!s.extras().stop_signal.empty()) w.key("StopSignal").value(s.extras().stop_signal);
    if (s.extras().stop_grace_period) w.key("StopGracePeriod").value(static_cast<std::int64_t>(*s.extras().stop_grace_period * 1'000'000'000LL));
    if (s.read_only) w.key("ReadOnly").value(true);
    mounts(w, s);
    for (const bool configs : {false, true}) {
        const std::string kind = configs ? "Config" : "Secret";
        w.key(kind + "s").begin_array();
        for (const auto& r : secrets) {
            if (r.config != configs) continue;
            w.begin_object().key(kind + "ID").value(r.id).key(kind + "Name").value(r.name);
            w.key("File").begin_object().key("Name").value(r.file).key("UID").value("0").key("GID").value("0")
                .key("Mode").value(r.mode).end_object();
            w.end_object();
        }
        w.end_array();
    }
    if (!s.extras().extra_hosts.empty()) {
        // "name:address" -> "address name", as /etc/hosts reads.
        w.key("Hosts").begin_array();
        for (const auto& h : s.extras().extra_hosts) {
            auto colon = h.find(':');
            w.value(h.substr(colon + 1) + " " + h.substr(0, colon));
        }
        w.end_array();
    }
    if (!s.extras().dns.empty()) w.key("DNSConfig").begin_object().key("Nameservers").strings(s.extras().dns).end_object();
    if (!s.extras().cap_add.empty()) w.key("CapabilityAdd").strings(s.extras().cap_add);
    if (!s.extras().cap_drop.empty()) w.key("CapabilityDrop").strings(s.extras().cap_drop);
    if (!s.extras().ulimits.empty()) docker::write_ulimits(w.key("Ulimits"), s.extras().ulimits);
    if (s.extras().health) docker::write_health(w.key("HealthCheck"), *s.extras().health);
    w.end_object();
}

}  // namespace

std::string service_spec_body(const ContainerSpec& s, const std::string& image, const std::vector<SecretRef>& secrets,
                              bool dnsrr, std::uint64_t force_update) {
    JsonWriter w;
    w.begin_object();
    w.key("Name").value(s.name);
    std::map<std::string, std::string> ours;
    for (const auto& [k, v] : s.labels)
        if (k.starts_with("io.dockerops.")) ours[k] = v;
    ours[std::string(kImageIdLabel)] = s.image;   // the id the owner token names (the spec has the registry's name)
    w.key("Labels").object(ours);

    w.key("TaskTemplate").begin_object();
    container_spec(w, s, image, secrets);
    w.key("Resources").begin_object().key("Limits").begin_object();
    if (s.nano_cpus) w.key("NanoCPUs").value(static_cast<std::int64_t>(s.nano_cpus));
    if (s.memory) w.key("MemoryBytes").value(static_cast<std::int64_t>(s.memory));
    if (s.pids_limit) w.key("Pids").value(static_cast<std::int64_t>(s.pids_limit));
    w.end_object().end_object();
    if (!s.restart_policy.empty() && s.restart_policy != "no") {
        // Unset: Swarm's own (any). always and unless-stopped are "any"; on-failure[:N] keeps its count.
        auto colon = s.restart_policy.find(':');
        const std::string name = s.restart_policy.substr(0, colon);
        w.key("RestartPolicy").begin_object().key("Condition").value(name == "on-failure" ? "on-failure" : "any");
        if (colon != std::string::npos) w.key("MaxAttempts").value(static_cast<std::int64_t>(std::stoll(s.restart_policy.substr(colon + 1))));
        w.end_object();
    }
    w.key("Placement").begin_object().key("Constraints").begin_array();
    if (!s.extras().node.empty()) w.value(placement_constraint(s.extras().node));
    w.end_array().end_object();
    w.key("Networks").begin_array();
    if (!s.network.empty()) w.begin_object().key("Target").value(s.network).key("Aliases").strings(s.aliases).end_object();
    w.end_array();
    w.key("ForceUpdate").value(static_cast<std::int64_t>(force_update));
    w.end_object();

    if (s.extras().mode == "global") w.key("Mode").begin_object().key("Global").begin_object().end_object().end_object();
    else w.key("Mode").begin_object().key("Replicated").begin_object().key("Replicas").value(static_cast<std::int64_t>(s.replicas)).end_object().end_object();
    bool publishes = false;
    for (const auto& p : s.ports) publishes = publishes || p.publish;
    // Start-first keeps the service up during an update, unless a host-mode
    // port would be held twice on one node.
    const std::string order = publishes && dnsrr ? "stop-first" : "start-first";
    // The file's `update` over those defaults; a rollback rolls as its own
    // `rollback` says, else as the update does, and pauses if it fails in turn.
    for (const char* key : {"UpdateConfig", "RollbackConfig"}) {
        const bool update = std::string(key) == "UpdateConfig";
        auto given = [&](const char* k, const std::string& dflt) {
            if (!update)
                if (auto it = s.extras().rollback.find(k); it != s.extras().rollback.end()) return it->second;
            if (!update && std::string(k) == "failure_action") return std::string("pause");
            auto it = s.extras().update.find(k);
            return it == s.extras().update.end() ? dflt : it->second;
        };
        w.key(key).begin_object().key("Parallelism").value(static_cast<std::int64_t>(std::stoll(given("parallelism", "1"))));
        w.key("Delay").value(static_cast<std::int64_t>(parse_duration_ns(given("delay", "0s")).value_or(0)));
        w.key("FailureAction").value(given("failure_action", "rollback"));
        w.key("Monitor").value(static_cast<std::int64_t>(parse_duration_ns(given("monitor", "2s")).value_or(2'000'000'000LL)));
        w.key("Order").value(given("order", order)).end_object();
    }
    w.key("EndpointSpec").begin_object().key("Mode").value(dnsrr ? "dnsrr" : "vip").key("Ports").begin_array();
    for (const auto& p : s.ports) {
        if (!p.publish) continue;
        w.begin_object().key("Protocol").value(p.protocol).key("TargetPort").value(p.port);
        if (p.host_port) w.key("PublishedPort").value(p.host_port);
        w.key("PublishMode").value(dnsrr ? "host" : "ingress").end_object();
    }
    w.end_array().end_object();
    w.end_object();
    return w.str();
}

}  // namespace dockerops::swarm
