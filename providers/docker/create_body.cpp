// The body of POST /containers/create: a ContainerSpec as the engine's API
// (1.41) takes it, and the parts a Swarm service spec shares.
#include "providers/docker/docker.hpp"
#include "util/json_writer.hpp"

#include <map>
#include <set>

namespace dockerops::docker {

JsonWriter& write_ulimits(JsonWriter& w, const std::vector<Ulimit>& ulimits) {
    w.begin_array();
    for (const auto& u : ulimits)
        w.begin_object().key("Name").value(u.name).key("Soft").value(static_cast<std::int64_t>(u.soft))
            .key("Hard").value(static_cast<std::int64_t>(u.hard)).end_object();
    return w.end_array();
}

JsonWriter& write_health(JsonWriter& w, const HealthSpec& h) {
    w.begin_object().key("Test").strings(h.test);
    w.key("Interval").value(static_cast<std::int64_t>(h.interval_ns));
    w.key("Timeout").value(static_cast<std::int64_t>(h.timeout_ns));
    w.key("StartPeriod").value(static_cast<std::int64_t>(h.start_period_ns));
    w.key("Retries").value(h.retries);
    return w.end_object();
}

// "/dev/fuse", "/dev/sda:/dev/xvda", "/dev/sda:/dev/xvda:rwm": docker's --device.
static JsonWriter& write_devices(JsonWriter& w, const std::vector<std::string>& devices) {
    w.begin_array();
    for (const auto& d : devices) {
        std::vector<std::string> parts;
        std::size_t start = 0;
        for (std::size_t colon; (colon = d.find(':', start)) != std::string::npos; start = colon + 1) parts.push_back(d.substr(start, colon - start));
        parts.push_back(d.substr(start));
        const std::string& host = parts[0];
        const std::string& inside = parts.size() > 1 ? parts[1] : host;
        const std::string perms = parts.size() > 2 ? parts[2] : "rwm";
        w.begin_object().key("PathOnHost").value(host).key("PathInContainer").value(inside).key("CgroupPermissions").value(perms).end_object();
    }
    return w.end_array();
}

// The keys of how the process is isolated and logged (HostConfig).
static void write_namespaces(JsonWriter& w, const ContainerSpec& s) {
    if (s.mem_reservation) w.key("MemoryReservation").value(static_cast<std::int64_t>(s.mem_reservation));
    if (!s.extras().sysctls.empty()) w.key("Sysctls").object(s.extras().sysctls);
    if (!s.extras().security_opt.empty()) w.key("SecurityOpt").strings(s.extras().security_opt);
    if (!s.extras().devices.empty()) write_devices(w.key("Devices"), s.extras().devices);
    if (!s.extras().pid_mode.empty()) w.key("PidMode").value(s.extras().pid_mode);
    if (!s.extras().ipc_mode.empty()) w.key("IpcMode").value(s.extras().ipc_mode);
    if (!s.extras().log_driver.empty() || !s.extras().log_options.empty())
        w.key("LogConfig").begin_object().key("Type").value(s.extras().log_driver.empty() ? std::string("json-file") : s.extras().log_driver)
            .key("Config").object(s.extras().log_options).end_object();
}

std::vector<std::string> aliases_on(const ContainerSpec& s, const std::string& network) {
    std::vector<std::string> all = s.aliases;
    if (auto it = s.extras().network_aliases.find(network); it != s.extras().network_aliases.end()) all.insert(all.end(), it->second.begin(), it->second.end());
    return all;
}

std::string container_create_body(const ContainerSpec& s) {
    JsonWriter w;
    w.begin_object();
    w.key("Image").value(s.image);
    if (!s.hostname.empty()) w.key("Hostname").value(s.hostname);
    if (s.command) w.key("Cmd").strings(*s.command);
    if (s.extras().entrypoint) w.key("Entrypoint").strings(*s.extras().entrypoint);
    w.key("Env").begin_array();
    for (const auto& [k, v] : s.env) w.value(k + "=" + v);
    w.end_array();
    w.key("Labels").object(s.labels);
    w.key("Tty").value(s.tty).key("OpenStdin").value(s.open_stdin).key("StdinOnce").value(s.stdin_once);
    w.key("AttachStdin").value(s.open_stdin).key("AttachStdout").value(s.open_stdin).key("AttachStderr").value(s.open_stdin);
    if (!s.extras().working_dir.empty()) w.key("WorkingDir").value(s.extras().working_dir);
    if (!s.extras().user.empty()) w.key("User").value(s.extras().user);
    if (!s.extras().stop_signal.empty()) w.key("StopSignal").value(s.extras().stop_signal);
    if (s.extras().stop_grace_period) w.key("StopTimeout").value(static_cast<std::int64_t>(*s.extras().stop_grace_period));
    std::set<std::string> exposed;
    for (const auto& p : s.ports) exposed.insert(std::to_string(p.port) + "/" + p.protocol);
    exposed.insert(s.extras().expose.begin(), s.extras().expose.end());
    w.key("ExposedPorts").begin_object();
    for (const auto& k : exposed) w.key(k).begin_object().end_object();
    w.end_object();
    if (s.extras().health) write_health(w.key("Healthcheck"), *s.extras().health);
    w.key("HostConfig").begin_object();
    w.key("Init").value(s.init);
    // Bindings grouped by container port (a port may be bound more than once).
    std::map<std::string, std::vector<const PortSpec*>> bindings;
    for (const auto& p : s.ports)
        if (p.publish) bindings[std::to_string(p.port) + "/" + p.protocol].push_back(&p);
    w.key("PortBindings").begin_object();
    for (const auto& [key, list] : bindings) {
        w.key(key).begin_array();
        for (const PortSpec* p : list) {
            w.begin_object().key("HostIp").value(p->host_ip);
            w.key("HostPort").value(p->host_port ? std::to_string(p->host_port) : std::string()).end_object();
        }
        w.end_array();
    }
    w.end_object();
    w.key("Binds").begin_array();
    for (const auto& m : s.mounts) w.value(m.source + ":" + m.target + (m.read_only ? ":ro" : ":rw"));
    w.end_array();
    if (!s.restart_policy.empty() && s.restart_policy != "no") {
        // "on-failure:3" is the name "on-failure" and a retry count.
        auto colon = s.restart_policy.find(':');
        w.key("RestartPolicy").begin_object().key("Name").value(s.restart_policy.substr(0, colon));
        if (colon != std::string::npos) w.key("MaximumRetryCount").value(std::stoi(s.restart_policy.substr(colon + 1)));
        w.end_object();
    }
    if (s.memory) w.key("Memory").value(static_cast<std::int64_t>(s.memory));
    if (s.nano_cpus) w.key("NanoCpus").value(static_cast<std::int64_t>(s.nano_cpus));
    if (s.pids_limit) w.key("PidsLimit").value(static_cast<std::int64_t>(s.pids_limit));
    if (s.shm_size) w.key("ShmSize").value(static_cast<std::int64_t>(s.shm_size));
    if (s.privileged) w.key("Privileged").value(true);
    if (!s.extras().ulimits.empty()) write_ulimits(w.key("Ulimits"), s.extras().ulimits);
    if (!s.extras().extra_hosts.empty()) w.key("ExtraHosts").strings(s.extras().extra_hosts);
    if (!s.extras().dns.empty()) w.key("Dns").strings(s.extras().dns);
    if (!s.extras().cap_add.empty()) w.key("CapAdd").strings(s.extras().cap_add);
    if (!s.extras().cap_drop.empty()) w.key("CapDrop").strings(s.extras().cap_drop);
    if (!s.extras().tmpfs.empty()) w.key("Tmpfs").object(s.extras().tmpfs);
    if (s.read_only) w.key("ReadonlyRootfs").value(true);
    if (!s.extras().volumes_from.empty()) w.key("VolumesFrom").strings(s.extras().volumes_from);
    write_namespaces(w, s);
    if (!s.extras().network_mode.empty()) w.key("NetworkMode").value(s.extras().network_mode);
    else if (!s.network.empty()) w.key("NetworkMode").value(s.network);
    w.end_object();
    if (!s.network.empty() && s.extras().network_mode.empty()) {
        w.key("NetworkingConfig").begin_object().key("EndpointsConfig").begin_object().key(s.network).begin_object();
        if (!s.ipv4.empty()) w.key("IPAMConfig").begin_object().key("IPv4Address").value(s.ipv4).end_object();
        w.key("Aliases").strings(aliases_on(s, s.network));
        if (!s.links.empty()) w.key("Links").strings(s.links);
        w.end_object().end_object().end_object();
    }
    w.end_object();
    return w.str();
}

}  // namespace dockerops::docker
