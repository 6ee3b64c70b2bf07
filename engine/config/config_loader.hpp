#pragma once
// The loader of dockerops.toml, shared by engine/config.cpp (the document,
// [project], [containers], [[instances]], the public functions) and
// engine/config_checks.cpp (links, volumes, ports, and what the engine would
// refuse). Internal to engine/config: nothing else includes it.
#include "engine/config/config.hpp"
#include "engine/config/interpolate.hpp"

#include <toml++/toml.h>

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace dockerops::config_detail {

namespace fs = std::filesystem;

inline const std::vector<std::string> kTopKeys{"project", "containers", "instances", "volumes", "networks"};
inline const std::vector<std::string> kProjectKeys{"name", "containers_dir", "data_dir", "allow_empty", "subnet", "target", "registry"};
// Keys of how an instance runs, on a container (the default) and on an
// instance: the key table's rows (engine/model/keys) and the loader's own two.
inline std::vector<std::string> with_runtime_keys(std::vector<std::string> keys) {
    for (const auto& row : key_table()) keys.emplace_back(row.name);
    for (auto k : kLoaderOnlyRuntimeKeys) keys.emplace_back(k);
    return keys;
}
inline const std::vector<std::string> kContainerKeys =
    with_runtime_keys({"path", "build_args", "ports", "image", "pull", "command", "dockerfile", "target", "profiles"});
inline const std::vector<std::string> kInstanceKeys = with_runtime_keys(
    {"container", "name", "type", "group", "links", "env", "required_env", "secret_env", "publish_ports", "linked",
     "persistent_data", "persistent_opt", "persistent_log", "volumes", "hostname", "command", "sleep", "init", "ports",
     "secret_files", "secrets", "configs", "depends_on", "aliases", "container_name", "networks", "ipv4_address", "network_aliases"});
inline const std::vector<std::string> kLinkKeys{"name", "container", "instance", "external"};
inline const std::vector<std::string> kHostKeys{"env", "nodes"};
inline constexpr std::string_view kNameRule = "names match [a-z0-9][a-z0-9_-]*";
inline constexpr std::string_view kEnvRule = "names match [A-Za-z_][A-Za-z0-9_]*";

// File system questions about paths taken from the file never throw: a path
// the system refuses (a name too long, say) is simply not a folder.
inline bool is_dir(const fs::path& p) {
    std::error_code ec;
    return fs::is_directory(p, ec);
}
inline bool is_file(const fs::path& p) {
    std::error_code ec;
    return fs::is_regular_file(p, ec);
}
inline fs::path canonical_or_normal(const fs::path& p, std::error_code& ec) {
    auto c = fs::weakly_canonical(p, ec);
    return ec ? p.lexically_normal() : c;
}
inline fs::path canonical_or_normal(const fs::path& p) {
    std::error_code ec;
    return canonical_or_normal(p, ec);
}

inline std::string a_type(const toml::node& n) {
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

// The instance itself lives in the loader's own array (its place in the
// project's list at the end: no second copy of 100,000 instances).
struct InstanceDecl {
    Instance* inst = nullptr;
    std::vector<LinkDecl> links;
    std::vector<Dependency> depends;   // as written: target "db.master", "db-master" or "db"
    SourcePos container_pos;
    SourcePos name_pos;
    bool ports_given = false;  // else the container's ports apply
    bool complete = true;      // container and name were readable
};

// What the command line says over the file: -p and --profile.
struct LoaderSettings {
    std::string project_name;             // empty: [project] name, else the folder's
    std::vector<std::string> profiles;    // the active ones
    std::optional<fs::path> share_dir;    // dockerops's share folder (the built-in containers)
    std::string registry = {};            // --registry or DOCKEROPS_REGISTRY over [project] registry
};

// TOML text parsed, or nullopt with the error at its place (bounded, ASCII outside strings).
std::optional<toml::table> parse_toml(std::string_view text, const std::string& display, Diagnostics& d);
// `${VAR}` forms in every string of the document replaced in place (the
// string keeps its position); problems reported at the string.
void interpolate_document(toml::node& node, const VariableLookup& lookup, Diagnostics& d);

class Loader {
public:
    // Relative paths in the file start from `root`, made absolute here: bind
    // mounts and build contexts must not depend on the current folder.
    Loader(std::string display, fs::path root, Diagnostics& d, LoaderSettings settings = {})
        : file_(std::move(display)), root_(fs::absolute(root).lexically_normal()), d_(d), settings_(std::move(settings)) {}

    // Each instance's table is emptied once it is read: its memory goes to the
    // instances that follow, and the peak is not the document plus the project.
    std::optional<Project> load(toml::table& doc, const toml::table* host, const std::string& host_display);

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
    // The host file's [nodes]: a swarm node's host name -> "unix://PATH" or "tcp://HOST:PORT".
    std::map<std::string, std::string> read_node_table(const toml::table& t);
    std::vector<std::string> read_name_list(const toml::table& t, std::string_view key, const std::string& where);
    // [volumes.NAME] / [networks.NAME]: external = true and name = "..." (kind:
    // "volume" or "network"; own_name: how the project names its own; made:
    // the keys that go only with one the project makes). The engine's name,
    // or empty when it is not external.
    std::string read_external(const toml::table& t, const std::string& name, const std::string& where, const std::string& kind,
                              const std::string& own_name, std::initializer_list<const char*> made);

    void read_project(const toml::table* t, Project& p);
    void declare_builtins(Project& p, const std::vector<InstanceDecl>& decls);
    void read_containers(const toml::node* n, Project& p);
    bool read_image_container(const toml::table& t, const std::string& where, Container& c);
    void read_volume_decls(const toml::node* n, Project& p);
    void read_depends_on(const toml::node& n, const std::string& where, InstanceDecl& decl);
    void resolve_depends_on(std::vector<InstanceDecl>& decls);
    // A cycle of links and depends_on: one error at its first edge, naming
    // every edge with its line and what it is ("links to", "depends on").
    void check_cycles(const std::vector<InstanceDecl>& decls);
    void read_instance_identity(const toml::table& t, InstanceDecl& decl, std::string& where);
    void read_instance_env(const toml::table& t, const std::string& where, Instance& inst);
    void read_instance(const toml::table& t, std::size_t index, InstanceDecl& decl);
    void read_links(const toml::node& n, const std::string& where, InstanceDecl& decl);
    void read_volumes(const toml::node& n, const std::string& where, Instance& inst);
    // `secrets` / `configs`: ["./FILE:TARGET"], a host file read-only at TARGET.
    void read_files_as(const toml::node& n, const std::string& key, const std::string& where, Instance& inst);
    void read_command(const toml::node& n, const std::string& where, Instance& inst);
    void inherit_runtime(Instance& inst, const RuntimeOptions& defaults);
    // runtime_keys.cpp
    void read_runtime(const toml::table& t, const std::string& where, RuntimeOptions& r);
    std::optional<KeyValue> read_number_key(const KeyRow& row, const toml::node& n, const std::string& where);
    std::optional<KeyValue> read_text_key(const KeyRow& row, const toml::table& t, const std::string& where);
    std::optional<KeyValue> read_list_key(const KeyRow& row, const toml::table& t, const std::string& where);
    std::optional<KeyValue> read_checked_strings(const KeyRow& row, const toml::table& t, const std::string& where);
    std::optional<KeyValue> read_healthcheck(const toml::node& n, const std::string& where);
    std::optional<KeyValue> read_ulimits(const toml::node& n, const std::string& where);
    std::optional<KeyValue> read_update(const std::string& key, const toml::node& n, const std::string& where);
    std::optional<KeyValue> read_extra_hosts(const toml::node& n, const std::string& where);
    std::optional<KeyValue> read_labels(const toml::table& t, const std::string& key, const std::string& where);
    void read_env_files(const toml::table& t, const std::string& where, RuntimeOptions& r);
    std::optional<long long> read_duration(const toml::node& n, const std::string& what);
    std::optional<std::vector<std::string>> read_string_list(const toml::table& t, std::string_view key,
                                                             const std::string& where);
    std::vector<PortSpec> read_ports(const toml::node& n, const std::string& where);
    void check_engine_limits(const Project& p, const std::vector<InstanceDecl>& decls, const toml::table& doc);
    // Instances a link may name: dashed names and containers (for suggestions), and each container's instance names.
    struct LinkTargets {
        std::map<std::string, const Instance*> by_dashed;   // "db-master" -> that instance
        std::vector<std::string> candidates;
        std::map<std::string, std::vector<std::string>> by_container;   // sorted
    };
    bool resolve_link_target(const Project& p, const LinkTargets& known,
                             const LinkDecl& l, Link& link);
    bool pick_link_instance(const InstanceDecl& d, const LinkTargets& known, const LinkDecl& l, Link& link);
    void resolve_links(Project& p, std::vector<InstanceDecl>& decls);

    void read_build_keys(const toml::table& t, const std::string& where, Container& c);
    void read_profiles(const toml::table& t, const std::string& where, Container& c, Project& p);
    void read_instance_names(const toml::table& t, const std::string& where, Instance& inst);
    void set_dormant(Project& p, std::vector<InstanceDecl>& decls);
    void read_network_decls(const toml::node* n, Project& p);
    void check_network_refs(const Project& p);
    void check_links_share_network(const std::vector<InstanceDecl>& decls);

    SourceName file_;   // copied into every position: a pointer, not a string
    fs::path root_;
    Diagnostics& d_;
    LoaderSettings settings_;
    std::vector<std::pair<std::string, SourcePos>> network_refs_;   // instances' `networks`, checked once all are read
};

}  // namespace dockerops::config_detail
