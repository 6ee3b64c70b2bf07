// Address allocation. The project's subnet: its network's when it exists;
// else [project] subnet; else one picked from a pool (10.128.0.0/9), a /20 or
// larger as the project needs, avoiding every network on the engine. Each
// instance keeps the address the engine holds for it; a new one takes the
// first free address from a position derived from its id. Deterministic for a
// given observed state, so <ALIAS>_CONTAINER_IP is known at plan time and a
// replaced instance keeps its address. Linear in the number of instances.
#include "planner/planning.hpp"

#include "util/cidr.hpp"
#include "util/hash.hpp"

#include <unordered_set>

namespace dockerops {

namespace {

const Cidr kPool{0x0A800000u, 9};   // 10.128.0.0/9

// The smallest prefix from /20 up whose hosts hold twice the instances.
int default_prefix(std::size_t instances) {
    int prefix = 20;
    while (prefix > 12 && (std::uint64_t(1) << (32 - prefix)) - 3 < 2 * instances) --prefix;
    return prefix;
}

// The pool's block for a project: where its search starts.
Cidr pool_block(const std::string& project, int prefix, std::uint64_t offset) {
    const std::uint64_t blocks = std::uint64_t(1) << (prefix - kPool.prefix);
    const std::uint64_t index = (fnv1a(project) + offset) % blocks;
    return Cidr{kPool.base + static_cast<std::uint32_t>(index << (32 - prefix)), prefix};
}

const ObservedNetwork* overlapping(const Cidr& c, const ObservedState& o) {
    for (const auto& n : o.other_networks)
        if (auto theirs = parse_cidr(n.subnet); theirs && theirs->overlaps(c)) return &n;
    return nullptr;
}

Result<Cidr> choose_subnet(const DesiredState& d, const planning::ObservedIndex& o) {
    const std::string where = "project " + d.project;
    if (o.network && !o.network->subnet.empty()) {
        auto have = parse_cidr(o.network->subnet);
        if (!have) return Error{"the project network's subnet " + o.network->subnet + " is not an IPv4 network", where};
        if (!d.network.subnet.empty() && d.network.subnet != have->str())
            return Error{"the project network has subnet " + have->str() + ", the file says " + d.network.subnet +
                             ": 'dockerops destroy' (data is kept) and apply again to move the project to it",
                         where};
        return *have;
    }
    if (!d.network.subnet.empty()) {
        auto want = parse_cidr(d.network.subnet);
        if (!want) return Error{"subnet " + d.network.subnet + " is not an IPv4 network", where};
        if (const ObservedNetwork* n = overlapping(*want, o.state))
            return Error{"subnet " + want->str() + " overlaps network " + n->name + " (" + n->subnet + ") on the engine",
                         where + ": choose another [project] subnet"};
        return *want;
    }
    const int prefix = default_prefix(d.instances.size());
    const std::uint64_t blocks = std::uint64_t(1) << (prefix - kPool.prefix);
    for (std::uint64_t i = 0; i < blocks; ++i) {
        Cidr c = pool_block(d.project, prefix, i);
        if (!overlapping(c, o.state)) return c;
    }
    return Error{"no /" + std::to_string(prefix) + " in " + kPool.str() + " is free of the engine's networks",
                 where + ": set [project] subnet"};
}

}  // namespace

std::string default_subnet(const std::string& project) { return pool_block(project, 20, 0).str(); }

namespace planning {

Result<Addresses> allocate_addresses(const DesiredState& d, const ObservedIndex& o) {
    auto subnet = choose_subnet(d, o);
    if (!subnet) return subnet.error();
    Addresses out;
    out.subnet = subnet->str();
    out.gateway = ipv4_string(subnet->base + 1);
    // Hosts 2 .. size-2: the network address, the gateway and the broadcast are not given out.
    const std::uint64_t hosts = subnet->size() - 3;
    std::unordered_set<std::uint32_t> taken;
    taken.reserve(d.instances.size() * 2);
    out.of.reserve(d.instances.size());
    for (const auto& i : d.instances) {   // ipv4_address: given
        if (i.fixed_ipv4.empty()) continue;
        auto ip = parse_ipv4(i.fixed_ipv4);
        if (!ip || !subnet->contains(*ip) || *ip - subnet->base < 2 || *ip - subnet->base > hosts + 1)
            return Error{"ipv4_address " + i.fixed_ipv4 + " is not a host address of the project subnet " + out.subnet, i.id};
        if (!taken.insert(*ip).second) return Error{"ipv4_address " + i.fixed_ipv4 + " is given to two instances", i.id};
        out.of[i.id] = i.fixed_ipv4;
    }
    for (const auto& i : d.instances) {
        if (i.spec->network != d.network.name || out.of.count(i.id)) continue;   // on networks of its own only: the engine addresses it
        const ObservedContainer* c = o.current(i.spec->name);
        if (!c) continue;
        auto a = c->addresses.find(d.project);
        if (a == c->addresses.end()) continue;
        auto ip = parse_ipv4(a->second);
        if (!ip || !subnet->contains(*ip) || *ip - subnet->base < 2 || *ip - subnet->base > hosts + 1) continue;
        if (taken.insert(*ip).second) out.of[i.id] = a->second;
    }
    for (const auto& i : d.instances) {
        if (out.of.count(i.id) || i.spec->network != d.network.name) continue;
        if (taken.size() >= hosts)
            return Error{"the project subnet " + out.subnet + " has no free address left for " + i.id + " (" +
                             std::to_string(d.instances.size()) + " instances)",
                         "project " + d.project + ": set a larger [project] subnet (e.g. a /" +
                             std::to_string(default_prefix(d.instances.size())) +
                             "); an existing network keeps its subnet until 'dockerops destroy' and apply"};
        std::uint64_t host = fnv1a(i.id) % hosts;
        while (taken.count(subnet->base + 2 + static_cast<std::uint32_t>(host))) host = (host + 1) % hosts;
        const std::uint32_t ip = subnet->base + 2 + static_cast<std::uint32_t>(host);
        taken.insert(ip);
        out.of[i.id] = ipv4_string(ip);
    }
    return out;
}

}  // namespace planning
}  // namespace dockerops
