// What a desired state asks that Swarm services cannot do: refused at plan
// time, each line naming the instance and the key (docs/swarm.md lists them).
#include "planner/planning.hpp"

#include "engine/model/keys.hpp"

namespace dockerops {

std::vector<std::string> unmappable_to_services(const DesiredState& d) {
    std::vector<std::string> out;
    bool built = false;
    for (const auto& [name, img] : d.images) built = built || !img.pulled;
    if (built && d.registry.empty())
        out.push_back("[project] registry: the project builds images, and a swarm's nodes get them only from a registry "
                      "(registry = \"host:port\"; scripts/swarm.sh runs one for the test cluster)");
    for (const auto& di : d.instances) {
        const ContainerSpec& s = *di.spec;
        if (di.attach)
            out.push_back(di.id + ": an interactive instance (run --interactive) needs a terminal on one engine: use target docker");
        if (di.job)
            out.push_back(di.id + ": depends_on \"completed\" makes it a job that runs to its end; services run until removed");
        for (const auto& m : s.mounts) {
            if (!m.bind || m.file || !m.as.empty() || !s.extras().node.empty()) continue;   // a secret or config is the swarm's
            out.push_back(di.id + ": the host folder " + m.source + " (at " + m.target + ") is on one machine: pin the instance "
                          "with node = \"NAME\" (or node = \"label:KEY=VALUE\"), or use a named volume");
        }
        for (const auto& p : s.ports)
            if (!p.host_ip.empty() && p.host_ip != "0.0.0.0")
                out.push_back(di.id + ": ports publishes on " + p.host_ip + ":" + std::to_string(p.host_port) +
                              "; a service publishes on every address of a node (drop the address)");
        for (const auto& row : key_table())
            if (!row.services && row.is_set(s))
                out.push_back(di.id + ": " + std::string(row.name) + " is not carried by a Swarm service (the engine's service spec has no such "
                              "field): leave it out on target swarm");
        if (s.tty || s.open_stdin)
            out.push_back(di.id + ": a terminal (tty, stdin) is for target docker");
        if (!s.extras().extra_networks.empty() || s.network != d.network.name)
            out.push_back(di.id + ": networks besides the project's are for target docker (a service is on the project's overlay)");
    }
    return out;
}

}  // namespace dockerops
