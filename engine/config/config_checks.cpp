// The loader's reading of links, volumes and ports, the resolution of links
// once every instance is known, and the checks of what the engine would refuse.
#include "engine/config/config_loader.hpp"

#include "util/hash.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>

namespace dockerops::config_detail {

void Loader::read_links(const toml::node& n, const std::string& where, InstanceDecl& decl) {
    auto* arr = n.as_array();
    if (!arr) {
        d_.error(pos(n), "'links' in " + where + " must be an array, not " + a_type(n));
        return;
    }
    for (const auto& e : *arr) {
        LinkDecl l;
        l.pos = pos(e);
        l.target_pos = l.pos;
        if (auto s = e.as_string()) {
            const std::string& text = s->get();
            auto colon = text.rfind(':');
            if (colon == std::string::npos || colon == 0 || colon + 1 == text.size()) {
                d_.error(l.pos, "link '" + text + "' must be written 'container-instance:ALIAS'",
                         "or as a table { name = \"ALIAS\", container = \"...\" }");
                continue;
            }
            l.target = text.substr(0, colon);
            l.alias = text.substr(colon + 1);
        } else if (auto t = e.as_table()) {
            check_keys(*t, kLinkKeys, "a link of " + where);
            auto name = get_string(*t, "name", "a link of " + where);
            if (!name) {
                if (!t->get("name")) d_.error(l.pos, "a link of " + where + " is missing 'name'");
                continue;
            }
            l.alias = *name;
            l.external = get_bool(*t, "external", "link " + *name).value_or(false);
            auto container = get_string(*t, "container", "link " + *name);
            auto instance = get_string(*t, "instance", "link " + *name);
            if (l.external) {
                if (t->get("container") || t->get("instance"))
                    d_.error(l.pos, "external link '" + l.alias + "' cannot name a container or instance",
                             "an external target is reached through " + l.alias + "_CONTAINER_IP");
            } else if (!container) {
                if (!t->get("container"))
                    d_.error(l.pos, "link '" + l.alias + "' is missing 'container'",
                             "or set external = true for a target outside the project");
                continue;
            } else {
                l.container = *container;
                l.instance = instance.value_or("");
                l.target_pos = pos(*t->get("container"));
            }
        } else {
            d_.error(l.pos, "a link in " + where + " must be a string or a table, not " + a_type(e));
            continue;
        }
        if (!valid_env_name(l.alias)) {
            d_.error(l.pos, "link alias '" + l.alias + "' is not valid", "aliases match [A-Za-z_][A-Za-z0-9_]*");
            continue;
        }
        bool dup = std::any_of(decl.links.begin(), decl.links.end(),
                               [&](const LinkDecl& o) { return o.alias == l.alias; });
        if (dup) {
            d_.error(l.pos, "link alias '" + l.alias + "' is used twice in " + where);
            continue;
        }
        decl.links.push_back(std::move(l));
    }
}

void Loader::read_volumes(const toml::node& n, const std::string& where, Instance& inst) {
    auto* arr = n.as_array();
    if (!arr) {
        d_.error(pos(n), "'volumes' in " + where + " must be an array, not " + a_type(n));
        return;
    }
    for (const auto& e : *arr) {
        auto s = e.as_string();
        if (!s) {
            d_.error(pos(e), "'volumes' in " + where + " must hold strings, not " + a_type(e));
            continue;
        }
        const std::string& text = s->get();
        std::vector<std::string> parts;
        std::stringstream ss(text);
        for (std::string part; std::getline(ss, part, ':');) parts.push_back(part);
        if (parts.size() < 2 || parts.size() > 3 || parts[0].empty() || parts[1].empty()) {
            d_.error(pos(e), "volume '" + text + "' must be written 'SOURCE:TARGET' or 'SOURCE:TARGET:ro'");
            continue;
        }
        Volume v;
        if (parts.size() == 3) {
            if (parts[2] != "ro" && parts[2] != "rw") {
                d_.error(pos(e), "volume '" + text + "' has mode '" + parts[2] + "'", "the mode is ro or rw");
                continue;
            }
            v.read_only = parts[2] == "ro";
        }
        if (parts[1].front() != '/') {
            d_.error(pos(e), "volume target '" + parts[1] + "' must be an absolute path");
            continue;
        }
        v.target = parts[1];
        const std::string& src = parts[0];
        if (src.front() == '/' || src.front() == '.') {
            v.bind = true;
            std::error_code ec;
            v.source = canonical_or_normal(src.front() == '/' ? fs::path(src) : root_ / src, ec).string();
            if (ec) {
                d_.error(pos(e), "volume source '" + src + "' is not a usable path: " + ec.message());
                continue;
            }
        } else if (valid_name(src)) {
            v.bind = false;
            v.source = src;
        } else {
            d_.error(pos(e), "volume source '" + src + "' is neither a path nor a valid volume name",
                     "paths start with / or ./; " + std::string(kNameRule));
            continue;
        }
        inst.volumes.push_back(std::move(v));
    }
}

// secrets = ["./db_password.txt:db_password"], configs = ["./nginx.conf:/etc/nginx/nginx.conf"]:
// a host file (./ or /), at TARGET; a bare TARGET is under /run/secrets/
// (secrets) or / (configs), as compose places them; no TARGET: the file's name.
void Loader::read_files_as(const toml::node& n, const std::string& key, const std::string& where, Instance& inst) {
    auto* arr = n.as_array();
    if (!arr) {
        d_.error(pos(n), "'" + key + "' in " + where + " must be an array of strings, not " + a_type(n));
        return;
    }
    const bool secret = key == "secrets";
    for (const auto& e : *arr) {
        auto s = e.as_string();
        const std::string text = s ? s->get() : std::string();
        const auto colon = text.find(':');
        const std::string src = text.substr(0, colon);
        std::string target = colon == std::string::npos ? fs::path(src).filename().string() : text.substr(colon + 1);
        if (!s || src.empty() || (src.front() != '/' && src.front() != '.') || target.empty() || target.find(':') != std::string::npos) {
            d_.error(pos(e), "'" + key + "' in " + where + " holds \"FILE:TARGET\" strings (FILE a host file, ./ or /), not " +
                                 (s ? "'" + text + "'" : a_type(e)));
            continue;
        }
        if (target.front() != '/') target = (secret ? "/run/secrets/" : "/") + target;
        std::error_code ec;
        const fs::path path = canonical_or_normal(src.front() == '/' ? fs::path(src) : root_ / src, ec);
        const bool file = !ec && fs::is_regular_file(path, ec);
        std::ifstream in(path, std::ios::binary);
        std::stringstream data;
        if (file) data << in.rdbuf();
        if (!file || !in) {
            d_.error(pos(e), "the file '" + src + "' of '" + key + "' in " + where + " cannot be read (it must be a file)");
            continue;
        }
        inst.volumes.push_back({path.string(), target, true, true, secret ? "secret" : "config", sha256_hex(data.str())});
    }
}

std::vector<PortSpec> Loader::read_ports(const toml::node& n, const std::string& where) {
    std::vector<PortSpec> out;
    auto* arr = n.as_array();
    if (!arr) {
        d_.error(pos(n), "'ports' in " + where + " must be an array of strings, not " + a_type(n),
                 "e.g. ports = [\"8080:80\", \"127.0.0.1:5432:5432\", \"53:53/udp\"]");
        return out;
    }
    for (const auto& e : *arr) {
        auto s = e.as_string();
        if (!s) {
            d_.error(pos(e), "'ports' in " + where + " must hold strings, not " + a_type(e));
            continue;
        }
        std::string why;
        auto parsed = parse_port_mapping(s->get(), why);
        if (!parsed) {
            d_.error(pos(e), "port '" + s->get() + "' in " + where + ": " + why,
                     "docker's syntax: [ADDRESS:][HOST:]CONTAINER[/tcp|udp], ports or equal ranges");
            continue;
        }
        for (const auto& p : *parsed) {
            bool dup = std::any_of(out.begin(), out.end(), [&](const PortSpec& o) {
                return o.host_port != 0 && o.host_port == p.host_port && o.protocol == p.protocol && o.host_ip == p.host_ip;
            });
            if (dup) d_.error(pos(e), "host port " + std::to_string(p.host_port) + "/" + p.protocol + " is given twice in " + where);
            else out.push_back(p);
        }
    }
    return out;
}

// What the engine would refuse later, refused now with a position: host
// names over 63 characters, image references it cannot parse or over 255
// characters; and a file that declares nothing, which would plan the removal
// of every container of a project of that name.
void Loader::check_engine_limits(const Project& p, const std::vector<InstanceDecl>& decls, const toml::table& doc) {
    SourcePos name_pos{file_, 1, 1};
    if (auto* t = doc.get("project"); t && t->as_table() && t->as_table()->get("name"))
        name_pos = pos(*t->as_table()->get("name"));
    if (!p.name.empty() && valid_name(p.name) && !valid_image_component(p.name))
        d_.error(name_pos, "project name '" + p.name + "' cannot start an image name",
                 "the engine wants letters and digits joined by '.', '_', '__' or '-', ending in a letter or digit");
    for (const auto& [name, c] : p.containers) {
        if (!valid_image_component(name))
            d_.error(c.pos, "container name '" + name + "' cannot be part of an image name",
                     "the engine wants letters and digits joined by '.', '_', '__' or '-', ending in a letter or digit");
        // The engine checks the full name, docker.io/<project>/<container>, against 255.
        const std::size_t ref = p.name.size() + 1 + name.size();
        if (ref > 245)
            d_.error(c.pos, "image name '" + p.name + "/" + name + "' is " + std::to_string(ref) +
                                " characters; the engine takes at most 245 (255 with the docker.io/ it puts before it)",
                     "shorten the project or container name");
    }
    // Two instances cannot bind one host port.
    std::map<std::string, std::string> bound;   // "127.0.0.1:8080/tcp" -> instance id
    for (const auto& d : decls) {
        if (!d.complete) continue;
        for (const auto& port : d.inst->ports) {
            if (port.host_port == 0) continue;
            const std::string key = (port.host_ip.empty() ? "*" : port.host_ip) + ":" + std::to_string(port.host_port) + "/" + port.protocol;
            auto [it, fresh] = bound.emplace(key, d.inst->id());
            if (!fresh && it->second != d.inst->id())
                d_.error(d.name_pos, d.inst->id() + " binds host port " + key + ", which " + it->second + " binds too",
                         "give each instance its own host port (an instance's ports replace its container's)");
        }
    }
    for (const auto& d : decls) {
        if (!d.complete || (!d.inst->hostname.empty() && d.inst->hostname != d.inst->dashed())) continue;
        const std::string host = d.inst->dashed();
        if (host.size() > 63)
            d_.error(d.name_pos, "the host name of " + d.inst->id() + ", '" + host + "', is " + std::to_string(host.size()) +
                                     " characters; a host name label is at most 63",
                     "shorten the container or instance name, or set 'hostname'");
    }
    if (!d_.has_errors() && decls.empty() && p.containers.empty() && !p.allow_empty)
        d_.error({file_, 1, 1}, "the file declares no containers and no instances: applied, it would remove every container "
                                "of project '" + p.name + "'",
                 "declare [containers.NAME] and [[instances]], or set allow_empty = true in [project] to mean it");
}

// A link's container and instance, from its target; false (with an error) when there is none.
bool Loader::resolve_link_target(const Project& p, const LinkTargets& known,
                                 const LinkDecl& l, Link& link) {
    if (!l.target.empty()) {
        // "db-master": an instance by its dashed name; "db": any instance of container db.
        if (auto it = known.by_dashed.find(l.target); it != known.by_dashed.end()) {
            link.container = it->second->container;
            link.instance = it->second->name;
            return true;
        }
        if (p.containers.count(l.target)) {
            link.container = l.target;
            link.instance_given = false;
            return true;
        }
        d_.error(l.target_pos, "link target '" + l.target + "' is not an instance", suggest(l.target, known.candidates, "instances"));
        return false;
    }
    if (!p.containers.count(l.container)) {
        d_.error(l.target_pos, "link '" + l.alias + "' names container '" + l.container + "', which is not declared",
                 suggest(l.container, p.container_names(), "containers"));
        return false;
    }
    link.container = l.container;
    link.instance = l.instance;
    link.instance_given = !l.instance.empty();
    if (!link.instance_given) return true;
    const auto it = known.by_container.find(l.container);
    const std::vector<std::string> none;
    const auto& names = it == known.by_container.end() ? none : it->second;
    if (std::find(names.begin(), names.end(), l.instance) != names.end()) return true;
    d_.error(l.target_pos, "link '" + l.alias + "' names instance '" + l.container + "." + l.instance + "', which is not declared",
             suggest(l.instance, names, "instances of " + l.container));
    return false;
}

// A link to a container (no instance named) goes to its first instance, with a
// warning when there are several; false (with an error) when it has none.
bool Loader::pick_link_instance(const InstanceDecl& d, const LinkTargets& known, const LinkDecl& l, Link& link) {
    const auto it = known.by_container.find(link.container);
    if (it == known.by_container.end() || it->second.empty()) {
        d_.error(l.target_pos, "link '" + l.alias + "' targets container '" + link.container + "', which has no instances");
        return false;
    }
    const auto& names = it->second;
    link.instance = names.front();
    if (names.size() > 1) {
        std::string others;
        for (std::size_t i = 1; i < names.size(); ++i) others += (i > 1 ? ", " : "") + link.container + "." + names[i];
        d_.warning(l.pos, "link '" + l.alias + "' of " + d.inst->id() + " goes to " + link.target_id() +
                              ", the first of several instances of '" + link.container + "'",
                   "the others: " + others + "; name one to choose");
    }
    return true;
}

void Loader::resolve_links(Project& p, std::vector<InstanceDecl>& decls) {
    LinkTargets known;
    for (const auto& d : decls) {
        if (!d.complete) continue;
        known.candidates.push_back(d.inst->dashed());
        known.by_dashed.emplace(d.inst->dashed(), d.inst);   // the first of a name, as the scan found it
        known.by_container[d.inst->container].push_back(d.inst->name);
    }
    for (auto& [_, names] : known.by_container) std::sort(names.begin(), names.end());
    for (const auto& [c, _] : p.containers) known.candidates.push_back(c);

    for (auto& d : decls) {
        if (!d.complete) continue;
        for (auto& l : d.links) {
            Link link;
            link.alias = l.alias;
            link.pos = l.pos;
            link.external = l.external;
            if (!l.external) {
                if (!resolve_link_target(p, known, l, link)) continue;
                if (!link.instance_given && !pick_link_instance(d, known, l, link)) continue;
                if (link.container == d.inst->container && link.instance == d.inst->name) {
                    d_.error(l.pos, "instance " + d.inst->id() + " links to itself");
                    continue;
                }
            }
            d.inst->links.push_back(std::move(link));
        }
    }
}

void Loader::check_cycles(const std::vector<InstanceDecl>& decls) {
    // Each instance id a number, in id order (one id declared twice: one
    // node, the edges of both); edges by number, in file order.
    std::vector<std::pair<std::string, std::size_t>> ids;   // id, declaration
    ids.reserve(decls.size());
    for (std::size_t i = 0; i < decls.size(); ++i)
        if (decls[i].complete) ids.emplace_back(decls[i].inst->id(), i);
    std::sort(ids.begin(), ids.end());
    std::vector<std::string> name;                          // node -> id
    std::vector<std::size_t> node_of(decls.size(), 0);      // declaration -> node
    for (const auto& [id, i] : ids) {
        if (name.empty() || name.back() != id) name.push_back(id);
        node_of[i] = name.size() - 1;
    }
    constexpr std::size_t kNone = static_cast<std::size_t>(-1);   // a target that is not declared: never on a path
    auto node = [&](const std::string& id) {
        auto it = std::lower_bound(name.begin(), name.end(), id);
        return it != name.end() && *it == id ? static_cast<std::size_t>(it - name.begin()) : kNone;
    };
    struct Edge {
        std::size_t to;   // kNone: not declared (no cycle passes there)
        const char* word;
        SourcePos pos;
    };
    std::vector<std::vector<Edge>> out(name.size());   // node -> what it needs, in file order
    for (std::size_t i = 0; i < decls.size(); ++i) {
        const auto& d = decls[i];
        if (!d.complete) continue;
        auto& edges = out[node_of[i]];
        for (const auto& l : d.inst->links)
            if (!l.external && !l.instance.empty()) edges.push_back({node(l.target_id()), "links to", l.pos});
        for (const auto& dep : d.inst->depends_on) edges.push_back({node(dep.target), "depends on", dep.pos});
    }
    // A depth-first walk in id order, so the cycle said is the same every
    // time; with a stack of its own, so a chain of 100,000 links is walked
    // as well as a short one.
    std::vector<char> state(name.size(), 0);   // 1 on the path, 2 done
    std::vector<std::pair<std::size_t, std::size_t>> at;   // the path: node, its next edge
    for (std::size_t root = 0; root < name.size(); ++root) {
        if (state[root] != 0) continue;
        state[root] = 1;
        at.emplace_back(root, 0);
        while (!at.empty()) {
            auto& [n, next] = at.back();
            if (next == out[n].size()) {
                state[n] = 2;
                at.pop_back();
                continue;
            }
            const Edge& e = out[n][next++];
            if (e.to == kNone || state[e.to] == 2) continue;
            if (state[e.to] == 0) {
                state[e.to] = 1;
                at.emplace_back(e.to, 0);
                continue;
            }
            // The cycle: from where e.to stands on the path to here. Each
            // step's edge is the one its node took last (next - 1).
            std::size_t first = 0;
            while (at[first].first != e.to) ++first;
            std::string said;
            bool all_links = true;
            for (std::size_t k = first; k < at.size(); ++k) {
                const Edge& step = out[at[k].first][at[k].second - 1];
                said += (said.empty() ? "" : ", ") + name[at[k].first] + " " + step.word + " " + name[step.to] + " (line " +
                        std::to_string(step.pos.line) + ")";
                all_links = all_links && std::string_view(step.word) == "links to";
            }
            const Edge& head = out[at[first].first][at[first].second - 1];
            d_.error(head.pos, std::string(all_links ? "link" : "dependency") + " cycle: " + said,
                     "an instance cannot start before itself: remove one of these");
            return;   // one cycle said: the next validate says the next
        }
    }
}

}  // namespace dockerops::config_detail
