// An instance's names and networks: aliases, container_name, networks,
// network_aliases, ipv4_address; [networks.NAME]; the checks between them.
#include "engine/config/config_loader.hpp"

#include "util/cidr.hpp"

#include <algorithm>
#include <map>

namespace dockerops::config_detail {

// aliases = ["web"], container_name = "shop-web": how others and the engine name it.
void Loader::read_instance_names(const toml::table& t, const std::string& where, Instance& inst) {
    if (auto list = read_string_list(t, "aliases", where)) {
        for (const auto& a : *list)
            if (!valid_hostname(a)) d_.error(pos(*t.get("aliases")), "alias '" + a + "' in " + where + " is not a valid host name");
            else if (std::find(inst.aliases.begin(), inst.aliases.end(), a) == inst.aliases.end()) inst.aliases.push_back(a);
    }
    if (auto list = read_string_list(t, "networks", where)) {
        for (const auto& n : *list) {
            if (std::find(inst.networks.begin(), inst.networks.end(), n) != inst.networks.end())
                d_.error(pos(*t.get("networks")), "network '" + n + "' is listed twice in " + where);
            else inst.networks.push_back(n);
            network_refs_.emplace_back(n, pos(*t.get("networks")));
        }
        if (list->empty()) d_.error(pos(*t.get("networks")), "networks in " + where + " is empty", "leave it out for the project network");
    }
    if (auto* na = typed(t, "network_aliases", toml::node_type::table, where, "a table of networks' aliases")) {
        for (auto&& [k, v] : *na->as_table()) {
            const std::string net(k.str());
            const bool on = inst.networks.empty() ? net == "default" : std::find(inst.networks.begin(), inst.networks.end(), net) != inst.networks.end();
            if (!on) d_.error(pos(k), "network_aliases in " + where + " names '" + net + "', a network it is not on");
            auto* names = v.as_array();
            std::vector<std::string> list;
            if (names) {
                for (const auto& a : *names) {
                    if (auto s = a.as_string(); s && valid_hostname(s->get())) list.push_back(s->get());
                    else d_.error(pos(a), "an alias in network_aliases of " + where + " must be a host name");
                }
            }
            if (!names) d_.error(pos(v), "network_aliases." + net + " in " + where + " must be an array of names");
            inst.network_aliases[net] = list;
        }
    }
    if (auto ip = get_string(t, "ipv4_address", where)) {
        if (!parse_ipv4(*ip)) d_.error(pos(*t.get("ipv4_address")), "ipv4_address '" + *ip + "' in " + where + " is not an IPv4 address");
        else if (!inst.networks.empty() && std::find(inst.networks.begin(), inst.networks.end(), "default") == inst.networks.end())
            d_.error(pos(*t.get("ipv4_address")), "ipv4_address in " + where + " is an address on the project network, which it is not on");
        else inst.ipv4_address = *ip;
    }
    if (auto name = get_string(t, "container_name", where)) {
        const bool ok = !name->empty() && name->size() <= 128 && std::isalnum(static_cast<unsigned char>((*name)[0])) &&
                        name->find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") == std::string::npos;
        if (!ok) d_.error(pos(*t.get("container_name")), "container_name '" + *name + "' in " + where + " is not a container name",
                          "[a-zA-Z0-9][a-zA-Z0-9_.-]*, as the engine takes it");
        else inst.container_name = *name;
    }
}

// [networks.NAME] subnet = "10.30.0.0/24", internal = true
// [networks.NAME] external = true, name = "shared-front" (a network made outside the project)
void Loader::read_network_decls(const toml::node* n, Project& p) {
    if (!n) return;
    auto* t = n->as_table();
    if (!t) {
        d_.error(pos(*n), "'networks' must be a table of networks, not " + a_type(*n), "write [networks.NAME] sections");
        return;
    }
    for (auto&& [k, v] : *t) {
        const std::string name(k.str()), where = "[networks." + name + "]";
        if (!valid_name(name) || name == "default") {
            d_.error(pos(k), "network name '" + name + "' is not valid",
                     name == "default" ? "\"default\" is the project network" : std::string(kNameRule));
            continue;
        }
        auto* nt = v.as_table();
        if (!nt) {
            d_.error(pos(v), where + " must be a table, not " + a_type(v));
            continue;
        }
        check_keys(*nt, {"subnet", "internal", "external", "name"}, where);
        NetworkDecl decl;
        decl.pos = pos(k);
        decl.name = read_external(*nt, name, where, "network", "<project>-" + name, {"subnet", "internal"});
        decl.external = !decl.name.empty();
        if (auto subnet = get_string(*nt, "subnet", where)) {
            auto cidr = parse_cidr(*subnet);
            if (!cidr || cidr->prefix < 8 || cidr->prefix > 28)
                d_.error(pos(*nt->get("subnet")), "subnet '" + *subnet + "' in " + where + " is not an IPv4 network from /8 to /28");
            else decl.subnet = cidr->str();
        }
        decl.internal = get_bool(*nt, "internal", where).value_or(false);
        p.networks[name] = decl;
    }
}

// A link's address and the engine's link are on the project network: both ends must be on it.
void Loader::check_links_share_network(const std::vector<InstanceDecl>& decls) {
    auto on_project = [](const Instance& i) {
        return i.networks.empty() || std::find(i.networks.begin(), i.networks.end(), "default") != i.networks.end();
    };
    // Every instance on the project network (no `networks` anywhere): every link is.
    if (std::all_of(decls.begin(), decls.end(), [&](const InstanceDecl& d) { return on_project(*d.inst); })) return;
    std::map<std::string, const Instance*> by_id;
    for (const auto& d : decls) by_id[d.inst->id()] = d.inst;
    for (const auto& d : decls)
        for (const auto& l : d.inst->links) {
            if (l.external) continue;
            auto t = by_id.find(l.target_id());
            if (on_project(*d.inst) && (t == by_id.end() || on_project(*t->second))) continue;
            d_.error(l.pos, d.inst->id() + " links to " + l.target_id() + ", and a link needs both on the project network",
                     "add \"default\" to the networks of both, or reach it by its container's name instead of a link");
        }
}

void Loader::check_network_refs(const Project& p) {
    std::vector<std::string> known{"default"};
    for (const auto& [name, _] : p.networks) known.push_back(name);
    for (const auto& [name, at] : network_refs_)
        if (name != "default" && !p.networks.count(name))
            d_.error(at, "network '" + name + "' is not declared", suggest(name, known, "networks ([networks.NAME]; \"default\" is the project's)"));
}

}  // namespace dockerops::config_detail
