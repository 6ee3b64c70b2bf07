// dockerops.toml -> Project. The file is read in one pass that collects every
// problem with its position; links are resolved once all instances are known.
#include "engine/config.hpp"

#include "engine/files.hpp"
#include "engine/legacy.hpp"
#include "engine/toml_guard.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <set>
#include <sstream>

namespace fs = std::filesystem;

namespace dockerops {

namespace {

const std::vector<std::string> kTopKeys{"project", "containers", "instances"};
const std::vector<std::string> kProjectKeys{"name", "containers_dir", "data_dir", "allow_empty"};
const std::vector<std::string> kContainerKeys{"path", "build_args", "ports"};
const std::vector<std::string> kInstanceKeys{
    "container", "name", "type", "group", "links", "env", "required_env", "secret_env",
    "publish_ports", "linked", "persistent_data", "persistent_opt", "persistent_log",
    "volumes", "hostname", "command", "sleep", "init", "ports", "secret_files"};
const std::vector<std::string> kLinkKeys{"name", "container", "instance", "external"};
const std::vector<std::string> kHostKeys{"env"};
constexpr std::string_view kNameRule = "names match [a-z0-9][a-z0-9_-]*";
constexpr std::string_view kEnvRule = "names match [A-Za-z_][A-Za-z0-9_]*";

// File system questions about paths taken from the file never throw: a path
// the system refuses (a name too long, say) is simply not a folder.
bool is_dir(const fs::path& p) {
    std::error_code ec;
    return fs::is_directory(p, ec);
}
bool is_file(const fs::path& p) {
    std::error_code ec;
    return fs::is_regular_file(p, ec);
}
fs::path canonical_or_normal(const fs::path& p, std::error_code& ec) {
    auto c = fs::weakly_canonical(p, ec);
    return ec ? p.lexically_normal() : c;
}
fs::path canonical_or_normal(const fs::path& p) {
    std::error_code ec;
    return canonical_or_normal(p, ec);
}

std::string a_type(const toml::node& n) {
    switch (n.type()) {
        case toml::node_type::string: return "a string";
        case toml::node_type::integer: return "an integer";
        case toml::node_type::floating_point: return "a float";
        case toml::node_type::boolean: return "a boolean";
        case toml::node_type::array: return "an array";
        case toml::node_type::table: return "a table";
        case toml::node_type::date: return "a date";
        case toml::node_type::time: return "a time";
        case toml::node_type::date_time: return "a date-time";
        default: return "nothing";
    }
}

// A link as written, before targets are resolved.
struct LinkDecl {
    std::string alias;
    std::string target;        // string form: "db-master" or "db"; empty for the table form
    std::string container;     // table form
    std::string instance;      // table form, may be empty
    bool external = false;
    SourcePos pos;
    SourcePos target_pos;
};

struct InstanceDecl {
    Instance inst;
    std::vector<LinkDecl> links;
    SourcePos container_pos;
    SourcePos name_pos;
    bool ports_given = false;  // else the container's ports apply
    bool complete = true;      // container and name were readable
};

class Loader {
public:
    // Relative paths in the file start from `root`, made absolute here: bind
    // mounts and build contexts must not depend on the current folder.
    Loader(std::string display, fs::path root, Diagnostics& d)
        : file_(std::move(display)), root_(fs::absolute(root).lexically_normal()), d_(d) {}

    std::optional<Project> load(const toml::table& doc, const toml::table* host, const std::string& host_display);

private:
    SourcePos pos(const toml::source_region& r) const {
        return {file_, static_cast<int>(r.begin.line), static_cast<int>(r.begin.column)};
    }
    SourcePos pos(const toml::node& n) const { return pos(n.source()); }
    SourcePos pos(const toml::key& k) const { return pos(k.source()); }

    void check_keys(const toml::table& t, const std::vector<std::string>& known, const std::string& where);
    const toml::node* typed(const toml::table& t, std::string_view key, toml::node_type type,
                            const std::string& where, std::string_view what);
    std::optional<std::string> get_string(const toml::table& t, std::string_view key, const std::string& where);
    std::optional<bool> get_bool(const toml::table& t, std::string_view key, const std::string& where);
    std::map<std::string, std::string> read_env_table(const toml::table& t, const std::string& where,
                                                      bool reject_reserved);
    std::vector<std::string> read_name_list(const toml::table& t, std::string_view key, const std::string& where);

    void read_project(const toml::table* t, Project& p);
    void read_containers(const toml::node* n, Project& p);
    std::optional<InstanceDecl> read_instance(const toml::table& t, std::size_t index);
    void read_links(const toml::node& n, const std::string& where, InstanceDecl& decl);
    void read_volumes(const toml::node& n, const std::string& where, Instance& inst);
    void read_command(const toml::node& n, const std::string& where, Instance& inst);
    std::vector<PortSpec> read_ports(const toml::node& n, const std::string& where);
    void check_engine_limits(const Project& p, const std::vector<InstanceDecl>& decls, const toml::table& doc);
    void resolve_links(Project& p, std::vector<InstanceDecl>& decls);

    std::string file_;
    fs::path root_;
    Diagnostics& d_;
};

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
std::map<std::string, std::string> Loader::read_env_table(const toml::table& t, const std::string& where,
                                                          bool reject_reserved) {
    std::map<std::string, std::string> out;
    const auto& reserved = reserved_env_names();
    for (auto&& [k, v] : t) {
        std::string key(k.str());
        if (!valid_env_name(key)) {
            d_.error(pos(k), "variable name '" + key + "' in " + where + " is not valid", std::string(kEnvRule));
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
        std::string shown;
        if (auto path = get_string(*ct, "path", where)) {
            c.path = root_ / *path;
            shown = *path;
            c.pos = pos(*ct->get("path"));
        } else {
            c.path = p.containers_dir / name;
            std::error_code ec;
            shown = fs::relative(c.path, root_, ec).string();
        }
        if (auto* ba = typed(*ct, "build_args", toml::node_type::table, where, "a table"))
            c.build_args = read_env_table(*ba->as_table(), "build_args of container '" + name + "'", false);
        if (auto* ports = ct->get("ports")) c.ports = read_ports(*ports, where);
        if (!is_dir(c.path))
            d_.error(c.pos, "folder '" + shown + "' of container '" + name + "' does not exist");
        else if (!is_file(c.path / "Dockerfile"))
            d_.error(c.pos, "container '" + name + "' has no Dockerfile in '" + shown + "'");
        c.path = canonical_or_normal(c.path);
        p.containers[name] = std::move(c);
    }
}

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

std::optional<InstanceDecl> Loader::read_instance(const toml::table& t, std::size_t index) {
    InstanceDecl decl;
    Instance& inst = decl.inst;
    inst.pos = pos(t);
    std::string where = "[[instances]] entry " + std::to_string(index + 1);
    check_keys(t, kInstanceKeys, where);

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
    if (auto* ports = t.get("ports")) {
        inst.ports = read_ports(*ports, where);
        decl.ports_given = true;
    }
    inst.secret_files = read_name_list(t, "secret_files", where);
    for (const auto& v : inst.secret_files) {
        bool twice = inst.env.count(v) || std::find(inst.secret_env.begin(), inst.secret_env.end(), v) != inst.secret_env.end() ||
                     std::find(inst.required_env.begin(), inst.required_env.end(), v) != inst.required_env.end();
        if (twice)
            d_.error(pos(*t.get("secret_files")), "'" + v + "' is in secret_files and in env, required_env or secret_env of " + where,
                     "a secret is given to the instance one way: as a file or as a variable");
    }
    if (auto* links = t.get("links")) read_links(*links, where, decl);
    if (auto* vols = t.get("volumes")) read_volumes(*vols, where, inst);
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
        if (inst.sleep < 0) d_.error(pos(*sleep), "'sleep' in " + where + " must not be negative");
    }
    if (auto init = get_bool(t, "init", where)) inst.init = *init;
    return decl;
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
        for (const auto& port : d.inst.ports) {
            if (port.host_port == 0) continue;
            const std::string key = (port.host_ip.empty() ? "*" : port.host_ip) + ":" + std::to_string(port.host_port) + "/" + port.protocol;
            auto [it, fresh] = bound.emplace(key, d.inst.id());
            if (!fresh && it->second != d.inst.id())
                d_.error(d.name_pos, d.inst.id() + " binds host port " + key + ", which " + it->second + " binds too",
                         "give each instance its own host port (an instance's ports replace its container's)");
        }
    }
    for (const auto& d : decls) {
        if (!d.complete || (!d.inst.hostname.empty() && d.inst.hostname != d.inst.dashed())) continue;
        const std::string host = d.inst.dashed();
        if (host.size() > 63)
            d_.error(d.name_pos, "the host name of " + d.inst.id() + ", '" + host + "', is " + std::to_string(host.size()) +
                                     " characters; a host name label is at most 63",
                     "shorten the container or instance name, or set 'hostname'");
    }
    if (!d_.has_errors() && decls.empty() && p.containers.empty() && !p.allow_empty)
        d_.error({file_, 1, 1}, "the file declares no containers and no instances: applied, it would remove every container "
                                "of project '" + p.name + "'",
                 "declare [containers.NAME] and [[instances]], or set allow_empty = true in [project] to mean it");
}

void Loader::resolve_links(Project& p, std::vector<InstanceDecl>& decls) {
    std::vector<std::string> dashed;     // string-form targets: container-instance, or a container
    std::map<std::string, std::vector<std::string>> by_container;   // container -> instance names, sorted
    for (const auto& d : decls) {
        if (!d.complete) continue;
        dashed.push_back(d.inst.dashed());
        by_container[d.inst.container].push_back(d.inst.name);
    }
    for (auto& [_, names] : by_container) std::sort(names.begin(), names.end());
    std::vector<std::string> candidates = dashed;
    for (const auto& [c, _] : p.containers) candidates.push_back(c);

    for (auto& d : decls) {
        if (!d.complete) continue;
        for (auto& l : d.links) {
            Link link;
            link.alias = l.alias;
            link.pos = l.pos;
            link.external = l.external;
            if (l.external) {
                d.inst.links.push_back(std::move(link));
                continue;
            }
            if (!l.target.empty()) {
                // "db-master": an instance by its dashed name; "db": any instance of container db.
                bool found = false;
                for (const auto& o : decls) {
                    if (o.complete && o.inst.dashed() == l.target) {
                        link.container = o.inst.container;
                        link.instance = o.inst.name;
                        found = true;
                        break;
                    }
                }
                if (!found && p.containers.count(l.target)) {
                    link.container = l.target;
                    link.instance_given = false;
                    found = true;
                }
                if (!found) {
                    d_.error(l.target_pos, "link target '" + l.target + "' is not an instance",
                             suggest(l.target, candidates, "instances"));
                    continue;
                }
            } else {
                if (!p.containers.count(l.container)) {
                    d_.error(l.target_pos, "link '" + l.alias + "' names container '" + l.container +
                                               "', which is not declared",
                             suggest(l.container, p.container_names(), "containers"));
                    continue;
                }
                link.container = l.container;
                link.instance = l.instance;
                link.instance_given = !l.instance.empty();
                if (link.instance_given) {
                    const auto& names = by_container[l.container];
                    if (std::find(names.begin(), names.end(), l.instance) == names.end()) {
                        d_.error(l.target_pos, "link '" + l.alias + "' names instance '" + l.container + "." +
                                                   l.instance + "', which is not declared",
                                 suggest(l.instance, names, "instances of " + l.container));
                        continue;
                    }
                }
            }
            if (!link.instance_given) {
                const auto& names = by_container[link.container];
                if (names.empty()) {
                    d_.error(l.target_pos, "link '" + l.alias + "' targets container '" + link.container +
                                               "', which has no instances");
                    continue;
                }
                link.instance = names.front();
                if (names.size() > 1) {
                    std::string others;
                    for (std::size_t i = 1; i < names.size(); ++i)
                        others += (i > 1 ? ", " : "") + link.container + "." + names[i];
                    d_.warning(l.pos, "link '" + l.alias + "' of " + d.inst.id() + " goes to " + link.target_id() +
                                          ", the first of several instances of '" + link.container + "'",
                               "the others: " + others + "; name one to choose");
                }
            }
            if (link.container == d.inst.container && link.instance == d.inst.name) {
                d_.error(l.pos, "instance " + d.inst.id() + " links to itself");
                continue;
            }
            d.inst.links.push_back(std::move(link));
        }
    }
}

std::optional<Project> Loader::load(const toml::table& doc, const toml::table* host, const std::string& host_display) {
    Project p;
    p.root = canonical_or_normal(root_);
    check_keys(doc, kTopKeys, "the top level");

    const toml::table* project_table = nullptr;
    if (auto* n = doc.get("project")) {
        project_table = n->as_table();
        if (!project_table) d_.error(pos(*n), "'project' must be a table, not " + a_type(*n));
    }
    read_project(project_table, p);
    read_containers(doc.get("containers"), p);

    std::vector<InstanceDecl> decls;
    if (auto* n = doc.get("instances")) {
        auto* arr = n->as_array();
        if (!arr || !arr->is_array_of_tables()) {
            d_.error(pos(*n), "'instances' must be an array of tables", "write [[instances]] sections");
        } else {
            for (std::size_t i = 0; i < arr->size(); ++i)
                if (auto decl = read_instance(*arr->get(i)->as_table(), i)) decls.push_back(std::move(*decl));
        }
    }

    std::map<std::string, SourcePos> seen;
    for (const auto& d : decls) {
        if (!d.complete) continue;
        if (!p.containers.count(d.inst.container)) {
            d_.error(d.container_pos, "container '" + d.inst.container + "' is not declared",
                     suggest(d.inst.container, p.container_names(), "containers"));
        }
        auto [it, fresh] = seen.emplace(d.inst.id(), d.inst.pos);
        if (!fresh)
            d_.error(d.inst.pos, "duplicate instance '" + d.inst.id() + "'",
                     "first declared at line " + std::to_string(it->second.line));
    }
    resolve_links(p, decls);
    for (auto& d : decls)
        if (!d.ports_given && p.containers.count(d.inst.container)) d.inst.ports = p.containers.at(d.inst.container).ports;
    check_engine_limits(p, decls, doc);

    if (host) {
        Loader hl(host_display, root_, d_);
        hl.check_keys(*host, kHostKeys, "the host file");
        if (auto* env = hl.typed(*host, "env", toml::node_type::table, "the host file", "a table"))
            p.host_env = hl.read_env_table(*env->as_table(), "[env] of the host file", false);
    }

    if (d_.has_errors()) return std::nullopt;
    for (const auto& diag : d_.items())
        if (diag.severity == Severity::Warning) p.warnings.push_back(diag.message + (diag.hint.empty() ? "" : " (" + diag.hint + ")"));
    for (auto& d : decls) p.instances.push_back(std::move(d.inst));
    std::sort(p.instances.begin(), p.instances.end(),
              [](const Instance& a, const Instance& b) { return a.id() < b.id(); });
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

}  // namespace

LoadResult parse_project(std::string_view toml_text, const std::string& display, const fs::path& root,
                         std::optional<std::string_view> host_text, const std::string& host_display) {
    LoadResult r;
    auto doc = parse_toml(toml_text, display, r.diagnostics);
    std::optional<toml::table> host;
    if (host_text) host = parse_toml(*host_text, host_display, r.diagnostics);
    if (!doc) return r;
    if (host_text && !host) return r;
    Loader loader(display, root, r.diagnostics);
    r.project = loader.load(*doc, host ? &*host : nullptr, host_display);
    if (r.project) r.project->file = root / fs::path(display).filename();
    return r;
}

LoadResult load_project(const fs::path& path, const std::optional<fs::path>& host_file) {
    fs::path file = path;
    if (fs::is_directory(path)) {
        file = path / kConfigFileName;
        if (!fs::exists(file) && is_legacy_project(path)) return load_legacy_project(path, host_file);
    }
    LoadResult r;
    std::error_code size_ec;
    if (auto size = fs::file_size(file, size_ec); !size_ec && size > kMaxConfigBytes) {
        r.diagnostics.error({file.string(), 0, 0}, "the file is " + std::to_string(size / 1024) + " KiB: larger than the " +
                                                       std::to_string(kMaxConfigBytes / (1024 * 1024)) +
                                                       " MiB a configuration may be",
                            "a platform's declaration is far smaller; is this the right file?");
        return r;
    }
    auto text = read_text_file(file);
    if (!text) {
        std::string hint = fs::is_directory(path) ? "run 'dockerops init' to make one, or 'dockerops import' "
                                                    "for a 2016 project"
                                                  : "";
        r.diagnostics.error({file.string(), 0, 0}, "cannot read the configuration file", hint);
        return r;
    }
    fs::path root = file.parent_path().empty() ? fs::path(".") : file.parent_path();
    fs::path host = host_file ? *host_file : root / kHostFileName;
    std::optional<std::string> host_text;
    if (fs::exists(host)) {
        host_text = read_text_file(host);
        if (!host_text) {
            r.diagnostics.error({host.string(), 0, 0}, "cannot read the host file");
            return r;
        }
    } else if (host_file) {
        r.diagnostics.error({host.string(), 0, 0}, "the host file does not exist");
        return r;
    }
    r = parse_project(*text, file.string(), root,
                      host_text ? std::optional<std::string_view>(*host_text) : std::nullopt, host.string());
    if (r.project) r.project->file = fs::weakly_canonical(file);
    return r;
}

}  // namespace dockerops
