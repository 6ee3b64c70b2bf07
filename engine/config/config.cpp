// dockerops.toml -> Project. The file is read in one pass that collects every
// problem with its position; links are resolved once all instances are known.
#include "engine/config/config.hpp"
#include "engine/model/builtins.hpp"
#include "engine/config/config_loader.hpp"

#include "util/cidr.hpp"
#include "util/files.hpp"
#include "util/heap.hpp"
#include "engine/config/legacy.hpp"
#include "engine/config/toml_guard.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <set>
#include <sstream>
#include <unordered_map>

namespace fs = std::filesystem;

namespace dockerops {

namespace config_detail {

namespace {
// A registry's host[:port]: no scheme, no path, no space.
bool valid_registry(const std::string& r) {
    return !r.empty() && r.find('/') == std::string::npos && r.find_first_of(" \t@") == std::string::npos;
}

// v[j] = the old v[from[j]] for every j, in place: each cycle of the
// permutation is followed once, each element moved once (plus one per cycle).
template <class T>
void permute(std::vector<T>& v, const std::vector<std::size_t>& from) {
    std::vector<char> done(v.size(), 0);
    for (std::size_t start = 0; start < v.size(); ++start) {
        if (done[start] || from[start] == start) continue;
        T held = std::move(v[start]);
        std::size_t j = start;
        while (true) {
            done[j] = 1;
            const std::size_t k = from[j];
            if (k == start) {
                v[j] = std::move(held);
                break;
            }
            v[j] = std::move(v[k]);
            j = k;
        }
    }
}

// The declared instances sorted by id, in the loader's own array: the ids are
// sorted, the instances (large structs) moved along the permutation's cycles,
// and those left without a declaration (a dormant container's) dropped.
std::vector<Instance> sorted_by_id(std::vector<InstanceDecl>& decls, std::vector<Instance> insts) {
    std::vector<std::pair<std::string, std::size_t>> order;
    order.reserve(decls.size());
    for (const auto& d : decls) order.emplace_back(d.inst->id(), static_cast<std::size_t>(d.inst - insts.data()));
    decls.clear();
    std::sort(order.begin(), order.end());
    std::vector<std::size_t> from(insts.size());   // from[j]: the index whose instance goes to j
    std::vector<char> used(insts.size(), 0);
    std::size_t j = 0;
    for (const auto& [_, i] : order) from[j++] = i, used[i] = 1;
    for (std::size_t i = 0; i < insts.size(); ++i)
        if (!used[i]) from[j++] = i;
    permute(insts, from);
    insts.erase(insts.begin() + static_cast<std::ptrdiff_t>(order.size()), insts.end());
    return insts;
}
}  // namespace

void Loader::check_keys(const toml::table& t, const std::vector<std::string>& known, const std::string& where) {
    for (auto&& [k, v] : t) {
        std::string key(k.str());
        if (std::find(known.begin(), known.end(), key) == known.end())
            d_.error(pos(k), "unknown key '" + key + "' in " + where, suggest(key, known, "known keys"));
    }
}

const toml::node* Loader::typed(const toml::table& t, std::string_view key, toml::node_type type,
                                const std::string& where, std::string_view what) {
    const toml::node* n = t.get(key);
    if (!n) return nullptr;
    if (n->type() != type) {
        d_.error(pos(*n), "'" + std::string(key) + "' in " + where + " must be " + std::string(what) + ", not " +
                              a_type(*n));
        return nullptr;
    }
    return n;
}

std::optional<std::string> Loader::get_string(const toml::table& t, std::string_view key, const std::string& where) {
    if (auto* n = typed(t, key, toml::node_type::string, where, "a string")) return n->as_string()->get();
    return std::nullopt;
}

std::optional<bool> Loader::get_bool(const toml::table& t, std::string_view key, const std::string& where) {
    if (auto* n = typed(t, key, toml::node_type::boolean, where, "a boolean")) return n->as_boolean()->get();
    return std::nullopt;
}

// env-like tables: names checked, values a string, number or boolean (kept as text).
std::map<std::string, std::string> Loader::read_node_table(const toml::table& t) {
    std::map<std::string, std::string> out;
    for (auto&& [k, v] : t) {
        const std::string node(k.str());
        if (!valid_hostname(node)) {
            d_.error(pos(k), "'" + node + "' in [nodes] of the host file is not a host name", "a swarm node's name, as docker node ls shows it");
            continue;
        }
        const auto* s = v.as_string();
        const std::string address = s ? s->get() : std::string();
        const bool unix_path = address.starts_with("unix:///");
        const bool tcp = address.starts_with("tcp://") && address.size() > 6 && address.find('/', 6) == std::string::npos;
        if (!unix_path && !tcp) {
            d_.error(pos(v), "node '" + node + "' in [nodes] of the host file must be an engine address",
                     "\"unix:///PATH\" or \"tcp://HOST:PORT\", as DOCKER_HOST says it");
            continue;
        }
        out[node] = address;
    }
    return out;
}

std::map<std::string, std::string> Loader::read_env_table(const toml::table& t, const std::string& where,
                                                          bool reject_reserved) {
    std::map<std::string, std::string> out;
    const auto& reserved = reserved_env_names();
    for (auto&& [k, v] : t) {
        std::string key(k.str());
        if (!valid_env_key(key)) {
            d_.error(pos(k), "variable name '" + key + "' in " + where + " is not valid", "printable, no '=' and no space");
            continue;
        }
        if (reject_reserved && std::find(reserved.begin(), reserved.end(), key) != reserved.end()) {
            d_.error(pos(k), "'" + key + "' is set by dockerops and cannot be set in " + where);
            continue;
        }
        std::string value;
        if (auto s = v.as_string()) value = s->get();
        else if (auto i = v.as_integer()) value = std::to_string(i->get());
        else if (auto f = v.as_floating_point()) {
            std::ostringstream os;
            os << f->get();
            value = os.str();
        } else if (auto b = v.as_boolean()) value = b->get() ? "true" : "false";
        else {
            d_.error(pos(v), "'" + key + "' in " + where + " must be a string, number or boolean, not " + a_type(v));
            continue;
        }
        // A NUL ends the value inside the engine (runc refuses it); other control
        // characters but tab, newline and carriage return are refused with it.
        if (auto bad = std::find_if(value.begin(), value.end(), [](char ch) {
                const auto u = static_cast<unsigned char>(ch);
                return (u < 0x20 && ch != '\t' && ch != '\n' && ch != '\r') || u == 0x7f;
            });
            bad != value.end()) {
            char code[8];
            std::snprintf(code, sizeof code, "0x%02x", static_cast<unsigned char>(*bad));
            d_.error(pos(v), "the value of '" + key + "' in " + where + " holds a control character (" + code + ") at offset " +
                                 std::to_string(bad - value.begin()),
                     "the engine cannot pass it to a process; remove it");
            continue;
        }
        if (key.size() > 3 && key.ends_with("_IP") && value == "from_")
            d_.error(pos(v), "'" + key + "' in " + where + " says from_ but names no interface",
                     "write from_<interface>, e.g. from_eth0");
        out[key] = value;
    }
    return out;
}

std::vector<std::string> Loader::read_name_list(const toml::table& t, std::string_view key, const std::string& where) {
    std::vector<std::string> out;
    auto* n = typed(t, key, toml::node_type::array, where, "an array of variable names");
    if (!n) return out;
    const auto& reserved = reserved_env_names();
    for (const auto& e : *n->as_array()) {
        auto s = e.as_string();
        if (!s) {
            d_.error(pos(e), "'" + std::string(key) + "' in " + where + " must hold strings, not " + a_type(e));
            continue;
        }
        const std::string& name = s->get();
        if (!valid_env_name(name)) {
            d_.error(pos(e), "variable name '" + name + "' in " + std::string(key) + " is not valid",
                     std::string(kEnvRule));
        } else if (std::find(reserved.begin(), reserved.end(), name) != reserved.end()) {
            d_.error(pos(e), "'" + name + "' is set by dockerops and cannot be in " + std::string(key));
        } else if (std::find(out.begin(), out.end(), name) != out.end()) {
            d_.error(pos(e), "'" + name + "' is listed twice in " + std::string(key));
        } else {
            out.push_back(name);
        }
    }
    return out;
}

// The container's keys fill what the instance leaves unset; variables from
// env files sit below the instance's own env and its required ones.
void Loader::inherit_runtime(Instance& inst, const RuntimeOptions& defaults) {
    inst.runtime.fill_from(defaults);
    if (!inst.runtime.env_from_files) return;
    auto listed = [&](const std::vector<std::string>& v, const std::string& k) { return std::find(v.begin(), v.end(), k) != v.end(); };
    for (const auto& [k, v] : *inst.runtime.env_from_files)
        if (!inst.env.count(k) && !listed(inst.required_env, k) && !listed(inst.secret_env, k) && !listed(inst.secret_files, k))
            inst.env[k] = v;
}

void Loader::read_project(const toml::table* t, Project& p) {
    std::optional<std::string> name, cdir, ddir;
    SourcePos name_pos{file_, 0, 0}, cdir_pos{file_, 0, 0};
    if (t) {
        check_keys(*t, kProjectKeys, "[project]");
        name = get_string(*t, "name", "[project]");
        if (name) name_pos = pos(*t->get("name"));
        cdir = get_string(*t, "containers_dir", "[project]");
        if (cdir) cdir_pos = pos(*t->get("containers_dir"));
        ddir = get_string(*t, "data_dir", "[project]");
        p.allow_empty = get_bool(*t, "allow_empty", "[project]").value_or(false);
        if (auto subnet = get_string(*t, "subnet", "[project]")) {
            auto cidr = parse_cidr(*subnet);
            if (!cidr || cidr->prefix < 8 || cidr->prefix > 28)
                d_.error(pos(*t->get("subnet")), "subnet '" + *subnet + "' is not an IPv4 network from /8 to /28",
                         "for example \"10.20.0.0/16\" (the address's host bits zero)");
            else if (std::string special = special_purpose_overlap(*cidr); !special.empty())
                d_.error(pos(*t->get("subnet")), "subnet '" + *subnet + "' overlaps " + special +
                                                     ", which no network of containers may use",
                         "take a private range, for example \"10.20.0.0/16\" or \"172.20.0.0/16\"");
            else p.subnet = cidr->str();
        }
        if (auto target = get_string(*t, "target", "[project]")) {
            if (auto word = parse_target(*target); !word)
                d_.error(pos(*t->get("target")), "target '" + *target + "' is not \"docker\" or \"swarm\"",
                         "docker: one engine (the default); swarm: services on a Docker Swarm (docs/swarm.md)");
            else p.target = *word, p.target_given = true;
        }
        if (auto registry = get_string(*t, "registry", "[project]")) {
            if (!valid_registry(*registry))
                d_.error(pos(*t->get("registry")), "registry '" + *registry + "' is not a registry's host[:port]",
                         "for example \"10.77.0.11:5000\" (no scheme, no path)");
            else p.registry = *registry;
        }
    }
    if (!settings_.registry.empty()) {   // --registry (or DOCKEROPS_REGISTRY) over the file
        if (!valid_registry(settings_.registry))
            d_.error({file_, 0, 0}, "registry '" + settings_.registry + "' (--registry or DOCKEROPS_REGISTRY) is not a registry's host[:port]",
                     "for example \"10.77.0.11:5000\" (no scheme, no path)");
        else p.registry = settings_.registry;
    }
    if (!settings_.project_name.empty()) {   // -p (or COMPOSE_PROJECT_NAME) over the file
        name = settings_.project_name;
        name_pos = {file_, 0, 0};
    }
    if (name) {
        if (!valid_name(*name)) d_.error(name_pos, "project name '" + *name + "' is not valid", std::string(kNameRule));
        p.name = *name;
    } else {
        std::string folder = canonical_or_normal(root_).filename().string();
        std::transform(folder.begin(), folder.end(), folder.begin(), [](unsigned char c) { return std::tolower(c); });
        if (!valid_name(folder))
            d_.error(name_pos, "the folder name '" + folder + "' is not a valid project name",
                     "set name in [project]; " + std::string(kNameRule));
        p.name = folder;
    }
    if (cdir) {
        p.containers_dir = root_ / *cdir;
        if (!is_dir(p.containers_dir))
            d_.error(cdir_pos, "containers_dir '" + *cdir + "' is not a folder");
    } else if (!is_dir(root_ / "containers") && is_dir(root_ / "apps_containers")) {
        p.containers_dir = root_ / "apps_containers";   // the 2016 layout's folder name
    } else {
        p.containers_dir = root_ / "containers";
    }
    p.data_dir = root_ / (ddir ? *ddir : std::string("data"));
}

// `image = "redis:7"`: a container taken as it is, with no build folder.
// False when the container has no `image` (it is built).
bool Loader::read_image_container(const toml::table& t, const std::string& where, Container& c) {
    auto image = get_string(t, "image", where);
    auto pull = get_string(t, "pull", where);
    if (pull) {
        if (auto policy = parse_pull_policy(*pull)) c.pull = *policy;
        else d_.error(pos(*t.get("pull")), "pull in " + where + " must be \"missing\", \"always\" or \"never\", not '" + *pull + "'");
        if (!image) d_.error(pos(*t.get("pull")), "pull in " + where + " needs an image", "pull says when to fetch `image`; a built container has none");
    }
    if (!image) return false;
    const SourcePos at = pos(*t.get("image"));
    c.pos = at;
    if (auto ref = normalize_image_reference(*image)) c.image = *ref;
    else d_.error(at, "image '" + *image + "' in " + where + " is not an image reference",
                  "[registry/]name[:tag][@digest], lower-case names, e.g. \"redis:7\"");
    for (const char* key : {"path", "build_args", "dockerfile", "target"})
        if (t.get(key)) d_.error(pos(*t.get(key)), std::string(key) + " in " + where + " has no use with image",
                                 "a container is either built from a folder or taken as an image");
    if (is_builtin_container(c.name)) d_.error(at, "'" + c.name + "' is a built-in container and cannot be an image");
    return true;
}

void Loader::read_containers(const toml::node* n, Project& p) {
    if (!n) return;
    auto* t = n->as_table();
    if (!t) {
        d_.error(pos(*n), "'containers' must be a table of containers, not " + a_type(*n),
                 "write [containers.NAME] sections");
        return;
    }
    for (auto&& [k, v] : *t) {
        std::string name(k.str());
        std::string where = "[containers." + name + "]";
        if (!valid_name(name)) {
            d_.error(pos(k), "container name '" + name + "' is not valid", std::string(kNameRule));
            continue;
        }
        auto* ct = v.as_table();
        if (!ct) {
            d_.error(pos(v), "container '" + name + "' must be a table, not " + a_type(v));
            continue;
        }
        check_keys(*ct, kContainerKeys, where);
        Container c;
        c.name = name;
        c.pos = pos(k);
        if (auto* cmd = ct->get("command")) {
            Instance tmp;
            read_command(*cmd, where, tmp);
            c.command = tmp.command;
        }
        read_profiles(*ct, where, c, p);
        if (read_image_container(*ct, where, c)) {
            if (auto* ports = ct->get("ports")) c.ports = read_ports(*ports, where);
            read_runtime(*ct, where, c.runtime);
            p.containers[name] = std::move(c);
            continue;
        }
        std::string shown;
        if (auto path = get_string(*ct, "path", where)) {
            c.path = root_ / *path;
            shown = *path;
            c.pos = pos(*ct->get("path"));
        } else if (is_builtin_container(name) && !is_dir(p.containers_dir / name)) {
            // Shipped with dockerops: the installed copy (a project folder of that name wins).
            auto b = builtin_container(name, p.share_dir);
            if (!b) {
                d_.error(c.pos, b.error().text());
                continue;
            }
            c.path = b->path;
            c.builtin = true;
            shown = c.path.string();
        } else {
            c.path = p.containers_dir / name;
            std::error_code ec;
            shown = fs::relative(c.path, root_, ec).string();
        }
        if (auto* ba = typed(*ct, "build_args", toml::node_type::table, where, "a table"))
            c.build_args = read_env_table(*ba->as_table(), "build_args of container '" + name + "'", false);
        if (auto* ports = ct->get("ports")) c.ports = read_ports(*ports, where);
        read_runtime(*ct, where, c.runtime);
        read_build_keys(*ct, where, c);
        const std::string dockerfile = c.dockerfile.empty() ? "Dockerfile" : c.dockerfile;
        if (!is_dir(c.path))
            d_.error(c.pos, "folder '" + shown + "' of container '" + name + "' does not exist");
        else if (!is_file(c.path / dockerfile))
            d_.error(c.pos, "container '" + name + "' has no " + dockerfile + " in '" + shown + "'");
        c.path = canonical_or_normal(c.path);
        p.containers[name] = std::move(c);
    }
}

// dockerfile = "Dockerfile.prod" (in the build folder), target = "runtime" (a stage).
void Loader::read_build_keys(const toml::table& t, const std::string& where, Container& c) {
    if (auto df = get_string(t, "dockerfile", where)) {
        const fs::path rel = fs::path(*df).lexically_normal();
        if (df->empty() || rel.is_absolute() || (!rel.empty() && *rel.begin() == ".."))
            d_.error(pos(*t.get("dockerfile")), "dockerfile '" + *df + "' in " + where + " must be a file inside the build folder",
                     "a path relative to `path`, e.g. \"Dockerfile.prod\" or \"docker/Dockerfile\"");
        else if (rel != "Dockerfile") c.dockerfile = rel.string();
    }
    if (auto target = get_string(t, "target", where)) {
        if (target->empty() || target->find_first_of(" \t\n") != std::string::npos)
            d_.error(pos(*t.get("target")), "target '" + *target + "' in " + where + " is not a build stage's name");
        else c.build_target = *target;
    }
}

// profiles = ["debug"]: the container's instances exist only while one of
// them is active (--profile, COMPOSE_PROFILES); otherwise they are dormant.
void Loader::read_profiles(const toml::table& t, const std::string& where, Container& c, Project& p) {
    auto list = read_string_list(t, "profiles", where);
    if (!list) return;
    for (const auto& name : *list)
        if (!valid_name(name)) d_.error(pos(*t.get("profiles")), "profile '" + name + "' in " + where + " is not valid", std::string(kNameRule));
    c.profiles = *list;
    const auto& active = settings_.profiles;
    const bool on = std::any_of(list->begin(), list->end(), [&](const std::string& n) {
        return std::find(active.begin(), active.end(), n) != active.end() || std::find(active.begin(), active.end(), "*") != active.end();
    });
    if (!list->empty() && !on) p.dormant.insert(c.name);
}

// The instances of dormant containers are left out; one that an active
// instance needs is an error at that need, as compose refuses it.
void Loader::set_dormant(Project& p, std::vector<InstanceDecl>& decls) {
    if (p.dormant.empty()) return;
    auto dormant_target = [&](const std::string& target) {
        for (const auto& c : p.dormant)
            if (target == c || target.starts_with(c + ".") || target.starts_with(c + "-")) return true;
        return false;
    };
    std::erase_if(decls, [&](const InstanceDecl& d) { return p.dormant.count(d.inst->container) > 0; });
    for (const auto& d : decls) {
        for (const auto& dep : d.depends)
            if (dormant_target(dep.target))
                d_.error(dep.pos, d.inst->id() + " depends on '" + dep.target + "', whose profile is not active",
                         "activate it with --profile (or COMPOSE_PROFILES)");
        for (const auto& l : d.links)
            if (dormant_target(l.container.empty() ? l.target : l.container))
                d_.error(l.pos, d.inst->id() + " links to '" + (l.container.empty() ? l.target : l.container) + "', whose profile is not active",
                         "activate it with --profile (or COMPOSE_PROFILES)");
    }
}

// dockerops-base and dockerops-dns, named by an instance or a link and not
// declared: the installed copies (as a 2016 run.conf names them).
void Loader::declare_builtins(Project& p, const std::vector<InstanceDecl>& decls) {
    auto declare = [&](const std::string& name, const SourcePos& at) {
        if (!is_builtin_container(name) || p.containers.count(name)) return;
        auto b = builtin_container(name, p.share_dir);
        if (!b) {
            d_.error(at, b.error().text());
            return;
        }
        b->pos = at;
        p.containers[name] = std::move(*b);
    };
    for (const auto& d : decls) {
        if (!d.complete) continue;
        declare(d.inst->container, d.container_pos);
        for (const auto& l : d.links) {
            if (!l.container.empty()) declare(l.container, l.target_pos);
            // "dockerops-dns-master": the dashed form names a built-in container's instance.
            for (const auto& name : builtin_container_names())
                if (l.target == name) declare(name, l.target_pos);
        }
    }
}

void Loader::read_command(const toml::node& n, const std::string& where, Instance& inst) {
    if (auto s = n.as_string()) {
        auto words = split_command(s->get());
        if (!words) d_.error(pos(n), "command in " + where + " has an unterminated quote");
        else if (words->empty()) d_.error(pos(n), "command in " + where + " is empty", "leave it out to run the image's own");
        else inst.command = std::move(*words);
    } else if (auto a = n.as_array()) {
        std::vector<std::string> words;
        for (const auto& e : *a) {
            if (auto w = e.as_string()) words.push_back(w->get());
            else d_.error(pos(e), "command in " + where + " must hold strings, not " + a_type(e));
        }
        if (words.empty()) d_.error(pos(n), "command in " + where + " is empty", "leave it out to run the image's own");
        else inst.command = std::move(words);
    } else {
        d_.error(pos(n), "command in " + where + " must be a string or an array of strings, not " + a_type(n));
    }
}

// container and name; `where` becomes "instance web.one" when both are there.
void Loader::read_instance_identity(const toml::table& t, InstanceDecl& decl, std::string& where) {
    Instance& inst = *decl.inst;
    auto container = get_string(t, "container", where);
    auto name = get_string(t, "name", where);
    if (!t.get("container")) d_.error(inst.pos, where + " is missing 'container'");
    if (!t.get("name")) d_.error(inst.pos, where + " is missing 'name'");
    if (container) {
        inst.container = *container;
        decl.container_pos = pos(*t.get("container"));
    }
    if (name) {
        decl.name_pos = pos(*t.get("name"));
        if (!valid_name(*name)) {
            d_.error(pos(*t.get("name")), "instance name '" + *name + "' is not valid", std::string(kNameRule));
        }
        inst.name = *name;
    }
    decl.complete = container && name;
    if (decl.complete) where = "instance " + inst.id();
}

// env, required_env, secret_env, secret_files: each variable given one way.
void Loader::read_instance_env(const toml::table& t, const std::string& where, Instance& inst) {
    if (auto* env = typed(t, "env", toml::node_type::table, where, "a table"))
        inst.env = read_env_table(*env->as_table(), "env of " + where, true);
    inst.required_env = read_name_list(t, "required_env", where);
    inst.secret_env = read_name_list(t, "secret_env", where);
    for (const auto& list : {std::pair{"required_env", &inst.required_env}, std::pair{"secret_env", &inst.secret_env}}) {
        for (const auto& v : *list.second) {
            if (inst.env.count(v))
                d_.error(pos(*t.get(list.first)), "'" + v + "' is both in env and " + list.first + " of " + where,
                         "a variable is either given in the file or required from outside");
        }
    }
    for (const auto& v : inst.secret_env)
        if (std::find(inst.required_env.begin(), inst.required_env.end(), v) != inst.required_env.end())
            d_.error(pos(*t.get("secret_env")), "'" + v + "' is both in required_env and secret_env of " + where,
                     "secret_env variables are required too: list them once");
    inst.secret_files = read_name_list(t, "secret_files", where);
    for (const auto& v : inst.secret_files) {
        bool twice = inst.env.count(v) || std::find(inst.secret_env.begin(), inst.secret_env.end(), v) != inst.secret_env.end() ||
                     std::find(inst.required_env.begin(), inst.required_env.end(), v) != inst.required_env.end();
        if (twice)
            d_.error(pos(*t.get("secret_files")), "'" + v + "' is in secret_files and in env, required_env or secret_env of " + where,
                     "a secret is given to the instance one way: as a file or as a variable");
    }
}

void Loader::read_instance(const toml::table& t, std::size_t index, InstanceDecl& decl) {
    Instance& inst = *decl.inst;
    inst.pos = pos(t);
    std::string where = "[[instances]] entry " + std::to_string(index + 1);
    check_keys(t, kInstanceKeys, where);
    read_instance_identity(t, decl, where);

    inst.type = type_for_instance_name(inst.name);
    if (auto type = get_string(t, "type", where)) {
        if (auto parsed = parse_instance_type(*type)) inst.type = *parsed;
        else d_.error(pos(*t.get("type")), "unknown instance type '" + *type + "'",
                      suggest(*type, instance_type_names(), "types"));
    }
    inst.switches = type_defaults(inst.type);
    for (const auto& sw : switch_names())
        if (auto b = get_bool(t, sw, where)) {
            *switch_field(inst.switches, sw) = *b;
            inst.switches_in_file.insert(sw);
        }

    if (auto group = get_string(t, "group", where)) {
        if (!valid_name(*group)) d_.error(pos(*t.get("group")), "group name '" + *group + "' is not valid",
                                          std::string(kNameRule));
        inst.group = *group;
    }
    read_instance_env(t, where, inst);
    if (auto* ports = t.get("ports")) {
        inst.ports = read_ports(*ports, where);
        decl.ports_given = true;
    }
    if (auto* links = t.get("links")) read_links(*links, where, decl);
    if (auto* vols = t.get("volumes")) read_volumes(*vols, where, inst);
    for (const char* key : {"secrets", "configs"})
        if (auto* files = t.get(key)) read_files_as(*files, key, where, inst);
    read_instance_names(t, where, inst);
    if (auto hostname = get_string(t, "hostname", where)) {
        if (!valid_hostname(*hostname))
            d_.error(pos(*t.get("hostname")), "hostname '" + *hostname + "' is not valid",
                     "letters, digits and '-', at most 63 to a label");
        inst.hostname = *hostname;
    } else if (decl.complete) {
        inst.hostname = inst.dashed();
    }
    if (auto* cmd = t.get("command")) read_command(*cmd, where, inst);
    if (auto* sleep = t.get("sleep")) {
        if (auto i = sleep->as_integer()) inst.sleep = static_cast<double>(i->get());
        else if (auto f = sleep->as_floating_point()) inst.sleep = f->get();
        else d_.error(pos(*sleep), "'sleep' in " + where + " must be a number of seconds, not " + a_type(*sleep));
        // NaN, infinities and anything past a day are refused before any conversion.
        if (!(inst.sleep >= 0 && inst.sleep <= 86400)) {
            d_.error(pos(*sleep), "'sleep' in " + where + " must be a number of seconds from 0 to 86400");
            inst.sleep = 0;
        }
    }
    if (auto init = get_bool(t, "init", where)) inst.init = *init;
    read_runtime(t, where, inst.runtime);
    if (auto* deps = t.get("depends_on")) read_depends_on(*deps, where, decl);
}

std::optional<Project> Loader::load(toml::table& doc, const toml::table* host, const std::string& host_display) {
    Project p;
    p.root = canonical_or_normal(root_);
    p.share_dir = settings_.share_dir;
    check_keys(doc, kTopKeys, "the top level");

    const toml::table* project_table = nullptr;
    if (auto* n = doc.get("project")) {
        project_table = n->as_table();
        if (!project_table) d_.error(pos(*n), "'project' must be a table, not " + a_type(*n));
    }
    read_project(project_table, p);
    read_containers(doc.get("containers"), p);
    read_volume_decls(doc.get("volumes"), p);
    read_network_decls(doc.get("networks"), p);

    std::vector<InstanceDecl> decls;
    std::vector<Instance> insts;   // decls[i].inst points here: reserved once, never moved until the end
    if (auto* n = doc.get("instances")) {
        auto* arr = n->as_array();
        if (!arr || !arr->is_array_of_tables()) {
            d_.error(pos(*n), "'instances' must be an array of tables", "write [[instances]] sections");
        } else {
            decls.reserve(arr->size());
            insts.reserve(arr->size());
            advise_huge(insts.data(), insts.capacity() * sizeof(Instance));   // 77 MB at 100,000: faulted in 2 MiB at a time
            for (std::size_t i = 0; i < arr->size(); ++i) {
                auto& decl = decls.emplace_back();
                decl.inst = &insts.emplace_back();   // made in its place: an Instance is 768 bytes
                auto& table = *arr->get(i)->as_table();
                read_instance(table, i, decl);
                table.clear();   // nothing after this reads an instance's table
            }
        }
    }

    check_network_refs(p);
    set_dormant(p, decls);
    declare_builtins(p, decls);
    std::unordered_map<std::string, SourcePos> seen;
    seen.reserve(decls.size());
    for (const auto& d : decls) {
        if (!d.complete) continue;
        if (!p.containers.count(d.inst->container)) {
            d_.error(d.container_pos, "container '" + d.inst->container + "' is not declared",
                     suggest(d.inst->container, p.container_names(), "containers"));
        }
        auto [it, fresh] = seen.emplace(d.inst->id(), d.inst->pos);
        if (!fresh)
            d_.error(d.inst->pos, "duplicate instance '" + d.inst->id() + "'",
                     "first declared at line " + std::to_string(it->second.line));
    }
    resolve_links(p, decls);
    check_links_share_network(decls);
    resolve_depends_on(decls);
    check_cycles(decls);
    for (auto& d : decls) {
        auto c = p.containers.find(d.inst->container);
        if (c == p.containers.end()) continue;
        if (!d.ports_given) d.inst->ports = c->second.ports;
        if (!d.inst->command) d.inst->command = c->second.command;
        inherit_runtime(*d.inst, c->second.runtime);
    }
    check_engine_limits(p, decls, doc);

    if (host) {
        Loader hl(host_display, root_, d_);
        hl.check_keys(*host, kHostKeys, "the host file");
        if (auto* env = hl.typed(*host, "env", toml::node_type::table, "the host file", "a table"))
            p.host_env = hl.read_env_table(*env->as_table(), "[env] of the host file", false);
        if (auto* nodes = hl.typed(*host, "nodes", toml::node_type::table, "the host file", "a table"))
            p.swarm_nodes = hl.read_node_table(*nodes->as_table());
    }

    if (d_.has_errors()) return std::nullopt;
    for (const auto& diag : d_.items())
        if (diag.severity == Severity::Warning) p.warnings.push_back(diag.message + (diag.hint.empty() ? "" : " (" + diag.hint + ")"));
    p.instances = sorted_by_id(decls, std::move(insts));   // decls' pointers are stale from here
    return p;
}

std::optional<toml::table> parse_toml(std::string_view text, const std::string& display, Diagnostics& d) {
    if (text.size() > kMaxConfigBytes) {
        d.error({display, 0, 0}, "the file is " + std::to_string(text.size() / 1024) + " KiB: larger than the " +
                                     std::to_string(kMaxConfigBytes / (1024 * 1024)) + " MiB a configuration may be",
                "a platform's declaration is far smaller; is this the right file?");
        return std::nullopt;
    }
    if (auto h = find_toml_hazard(text)) {
        char cp[16];
        std::snprintf(cp, sizeof cp, "U+%04X", static_cast<unsigned>(h->code_point));
        d.error({display, h->line, h->column}, "TOML syntax error: character " + std::string(cp) + " is not allowed here",
                "outside strings and comments TOML allows only ASCII");
        return std::nullopt;
    }
    try {
        return toml::parse(text, std::string_view(display));
    } catch (const toml::parse_error& e) {
        d.error({display, static_cast<int>(e.source().begin.line), static_cast<int>(e.source().begin.column)},
                "TOML syntax error: " + std::string(e.description()));
        return std::nullopt;
    }
}

}  // namespace config_detail

}  // namespace dockerops
