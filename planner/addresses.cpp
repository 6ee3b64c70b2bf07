// Address allocation: kept where the engine already has them, else the first
// free one from a position derived from the instance's id. Deterministic for a
// given observed state, so <ALIAS>_CONTAINER_IP is known at plan time and a
// replaced instance keeps its address.
#include "planner/planning.hpp"

#include "util/hash.hpp"

namespace dockerops {

namespace {

// "10.1.2.0/24" -> "10.1.2."
std::string prefix_of(const std::string& subnet) {
    auto slash = subnet.find('/');
    std::string base = subnet.substr(0, slash);
    auto dot = base.rfind('.');
    return dot == std::string::npos ? base : base.substr(0, dot + 1);
}

}  // namespace

std::string default_subnet(const std::string& project) {
    std::uint64_t h = fnv1a(project);
    return "10." + std::to_string(100 + h % 90) + "." + std::to_string((h / 90) % 256) + ".0/24";
}

namespace planning {

Result<Addresses> allocate_addresses(const DesiredState& d, const ObservedIndex& o) {
    Addresses out;
    out.subnet = o.network && !o.network->subnet.empty() ? o.network->subnet : default_subnet(d.project);
    out.prefix = prefix_of(out.subnet);
    std::set<int> taken{0, 1, 255};
    for (const auto& i : d.instances) {
        const ObservedContainer* c = o.current(i.spec.name);
        if (!c) continue;
        auto a = c->addresses.find(d.project);
        if (a == c->addresses.end() || !a->second.starts_with(out.prefix)) continue;
        int host = std::atoi(a->second.substr(out.prefix.size()).c_str());
        if (taken.insert(host).second) out.of[i.id] = a->second;
    }
    for (const auto& i : d.instances) {
        if (out.of.count(i.id)) continue;
        int host = 2 + static_cast<int>(fnv1a(i.id) % 253);
        for (int n = 0; n < 256 && taken.count(host); ++n) host = host >= 254 ? 2 : host + 1;
        if (taken.count(host))
            return Error{"the project subnet " + out.subnet + " has no free address left", "project " + d.project};
        taken.insert(host);
        out.of[i.id] = out.prefix + std::to_string(host);
    }
    return out;
}

}  // namespace planning
}  // namespace dockerops
