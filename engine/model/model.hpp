#pragma once
// The validated model of a project: what the user declared, with the seed's
// instance-type defaults already resolved. Built only by the loaders
// (engine/config, engine/legacy); everything downstream reads it.
#include "engine/model/diagnostics.hpp"
#include "engine/model/kinds.hpp"
#include "engine/model/runtime.hpp"
#include "engine/model/spec.hpp"

#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace dockerops {

// The files a project is read from.
inline constexpr std::string_view kConfigFileName = "dockerops.toml";
inline constexpr std::string_view kHostFileName = "dockerops.host.toml";
inline constexpr std::string_view kLegacyDir = "apps_containers";   // the 2016 layout

enum class InstanceType { Standard, Published, Master, Interactive, Safemode };

std::string_view to_string(InstanceType t);
std::optional<InstanceType> parse_instance_type(std::string_view s);
std::vector<std::string> instance_type_names();
// The seed's shortcut: an instance named after a type gets it, any other is standard.
InstanceType type_for_instance_name(std::string_view name);

// The switches of the seed's table. Precedence, lowest first: the type's
// defaults, the file, the command line (`run --set`).
struct Switches {
    bool linked = true;
    bool publish_ports = false;
    bool persistent_data = false;
    bool persistent_opt = false;
    bool persistent_log = false;
};
Switches type_defaults(InstanceType t);
// Names as written in the file and on the command line, in table order.
const std::vector<std::string>& switch_names();
bool* switch_field(Switches& s, std::string_view name);  // nullptr for an unknown name

struct Link {
    std::string alias;       // DB -> DB_CONTAINER_IP, and a DNS alias "DB"
    std::string container;   // target container (empty for an external link)
    std::string instance;    // resolved target instance (empty for an external link)
    bool instance_given = true;   // false: "an instance of that container" (first by name)
    bool external = false;        // target outside the project: <ALIAS>_CONTAINER_IP from env/host file
    SourcePos pos;
    std::string target_id() const { return container + "." + instance; }
};

// depends_on: start after `target` (an instance id) meets `condition`:
// "started" (its own readiness), "healthy" (its health check passes) or
// "completed" (it ran to the end with exit 0: a job, such as a migration).
enum class Condition { Started, Healthy, Completed };
std::string_view to_string(Condition c);
std::optional<Condition> parse_condition(std::string_view text);
struct Dependency {
    std::string target;
    Condition condition = Condition::Started;
    SourcePos pos;
};

// `pull` with `image`: "missing" (when the engine lacks it), "always", "never".
enum class PullPolicy { Missing, Always, Never };
std::string_view to_string(PullPolicy p);
std::optional<PullPolicy> parse_pull_policy(std::string_view text);

struct Volume {
    std::string source;      // absolute host path (bind) or a volume name
    std::string target;      // absolute path inside the container
    bool read_only = false;
    bool bind = true;
    // `secrets` / `configs` (compose's file secrets and configs): a host file,
    // read-only; a Swarm secret or config on target swarm. Empty: a volume.
    std::string as = {};
    std::string digest = {};   // of the file's content, read when the file was loaded
};

struct Container {
    std::string name;
    // `image = "redis:7"`: taken as it is (pulled per `pull`), no build folder.
    std::string image;                              // normalized reference; empty: built from `path`
    PullPolicy pull = PullPolicy::Missing;          // with `image`
    std::filesystem::path path;                     // absolute build context folder
    std::map<std::string, std::string> build_args;
    std::string dockerfile;                         // relative to `path`; empty: "Dockerfile"
    std::string build_target;                       // a stage of a multi-stage Dockerfile; empty: the last
    std::vector<std::string> profiles;              // active only with one of these (--profile); empty: always
    std::vector<PortSpec> ports;                    // the default for its instances
    bool builtin = false;                           // shipped with dockerops (engine/model/builtins): tagged dockerops/NAME
    RuntimeOptions runtime;                         // the default for its instances
    std::optional<std::vector<std::string>> command;   // the default command of its instances
    SourcePos pos;
};

// 'dockerops run --rm': a one-off copy of an instance, attached to the
// caller's terminal and removed when it ends.
struct OneOff {
    std::string data_of;    // the instance whose data folders it mounts (its own name: none are made)
    bool tty = false;       // a TTY (the caller's terminal); else its output and errors apart
    std::optional<std::vector<std::string>> command;   // none: the instance's own
};

struct Instance {
    std::string container;
    std::string name;
    InstanceType type = InstanceType::Standard;
    std::string group;
    Switches switches;
    std::set<std::string> switches_in_file;   // the ones the file set: they beat a type given on the command line
    std::vector<Link> links;
    std::map<std::string, std::string> env;
    std::vector<std::string> required_env;
    std::vector<std::string> secret_env;
    std::vector<Volume> volumes;
    std::vector<PortSpec> ports;                // explicit host ports (the instance's, else its container's)
    std::vector<std::string> secret_files;      // secrets mounted at /run/secrets/NAME instead of env
    std::string hostname;                       // default <container>-<instance>
    std::vector<std::string> aliases;           // more DNS names, on each of its networks (compose: the service's name)
    // The networks it is on: "default" (the project network) and [networks.NAME]
    // names; empty: the project network only.
    std::vector<std::string> networks;
    std::map<std::string, std::vector<std::string>> network_aliases;   // more DNS names on one network ("default", NAME)
    std::string container_name;                 // the engine's name; default <project>-<container>-<instance>
    std::string ipv4_address;                   // its address on the project network; empty: the planner picks one
    std::optional<std::vector<std::string>> command;   // none: the image's own
    double sleep = 0;
    bool init = true;
    bool adhoc = false;                         // started by 'dockerops run', not declared: kept by apply
    std::optional<OneOff> one_off;              // run --rm
    RuntimeOptions runtime;                     // the instance's own, then its container's (filled at load)
    std::vector<Dependency> depends_on;         // resolved to instance ids
    SourcePos pos;

    std::string id() const { return container + "." + name; }          // web.one
    // A type given on the command line. Lowest first: the new type's
    // defaults, then the switches the file set itself.
    void change_type(InstanceType t);
    std::string dashed() const { return container + "-" + name; }     // web-one (seed's link form)
};

// The instance 'dockerops run' starts when the file declares none of that
// name: its type from the name (as the seed), or the one given.
Instance adhoc_instance(const std::string& container, const std::string& name, std::optional<InstanceType> type);

// [networks.NAME]: a network besides the project's, joined by the instances
// that list it in `networks` (the engine's name is <project>-<NAME>).
struct NetworkDecl {
    std::string subnet;      // IPv4 CIDR; empty: the engine picks one
    bool internal = false;   // no way out of the host
    // external = true: a network made outside the project, joined by its own
    // name (`name`, default NAME); never made or removed, and it must exist.
    bool external = false;
    std::string name;        // the engine's name, when external
    SourcePos pos;
};

// [volumes.NAME]: a named volume's driver and options (used as "NAME:/path").
struct VolumeDecl {
    std::string driver;                               // empty: "local"
    std::map<std::string, std::string> options;       // driver options (local: type, device, o)
    // external = true: a volume made outside the project, used by its own
    // name (`name`, default NAME), never made or removed; it must exist.
    bool external = false;
    std::string name;                                 // the engine's name, when external
    SourcePos pos;
};

// Project::find_instance's index (id -> position): built on first use and
// again when the list has moved or changed size; a copy starts empty. Its own
// lock: a const Project may be looked up from several threads.
class InstanceLookup {
public:
    InstanceLookup() = default;
    InstanceLookup(const InstanceLookup&) {}
    InstanceLookup& operator=(const InstanceLookup&) {
        std::lock_guard<std::mutex> l(m_);
        by_id_.clear();
        data_ = nullptr;
        return *this;
    }
    const Instance* find(const std::vector<Instance>& instances, std::string_view id) const;

private:
    mutable std::mutex m_;
    mutable std::unordered_map<std::string, std::size_t> by_id_;
    mutable const Instance* data_ = nullptr;
    mutable std::size_t size_ = 0;
};

struct Project {
    std::string name;
    std::filesystem::path root;             // folder holding the configuration
    std::filesystem::path file;             // the configuration file (or legacy folder)
    std::filesystem::path containers_dir;   // absolute
    std::filesystem::path data_dir;         // absolute
    std::map<std::string, Container> containers;
    std::vector<Instance> instances;        // sorted by id
    std::map<std::string, std::string> host_env;   // dockerops.host.toml [env]
    // dockerops.host.toml [nodes]: a swarm node's host name -> its engine
    // ("unix://..." or "tcp://host:port"), for exec and shell on target swarm.
    std::map<std::string, std::string> swarm_nodes;
    std::vector<std::string> warnings;             // from the loader, shown again in plans
    bool legacy = false;
    bool allow_empty = false;                      // [project] allow_empty: no instances is meant
    std::string subnet;                            // [project] subnet (IPv4 CIDR); empty: the planner picks one
    std::map<std::string, VolumeDecl> volumes;     // [volumes.NAME]
    std::map<std::string, NetworkDecl> networks;   // [networks.NAME]
    Target target = Target::Docker;                // [project] target: one engine, or services on a swarm
    bool target_given = false;                     // the file said which
    std::string registry;                          // [project] registry "host:port": images reach swarm nodes through it
    // Containers whose profiles are not active: their instances are neither
    // created nor removed (compose's rule), so not in `instances` either.
    std::set<std::string> dormant;
    bool compose = false;                          // read from a compose file
    // dockerops's share folder, where the built-in containers are (found by
    // the command line: engine/model/builtins); nullopt: not found.
    std::optional<std::filesystem::path> share_dir;

    // By id ("web.one"), through an index: a project of 100,000 instances
    // resolves its links in linear time. (Instances are renamed only before
    // they are added to the list.)
    const Instance* find_instance(std::string_view id) const;
    const Container* find_container(std::string_view name) const;
    InstanceLookup lookup_;
    std::vector<std::string> instance_ids() const;
    std::vector<std::string> container_names() const;
};

// [a-z0-9][a-z0-9_-]* : project, container, instance and group names.
bool valid_name(std::string_view s);
// [A-Za-z_][A-Za-z0-9_]* : environment variable names and link aliases.
bool valid_env_name(std::string_view s);
// A variable's name in `env`, env files and build args, as the engine takes
// it (compose passes "discovery.type"): printable, no '=', no space.
bool valid_env_key(std::string_view s);
// A path component of an image reference, as the engine checks it:
// [a-z0-9]+ joined by '.', '_', '__' or runs of '-'.
bool valid_image_component(std::string_view s);
// RFC 1123 host name, labels of at most 63 characters.
bool valid_hostname(std::string_view s);
// An image reference as the engine takes it ([host[:port]/]path[:tag][@digest],
// lower-case path components), normalized: no tag and no digest -> ":latest".
// nullopt when not one.
std::optional<std::string> normalize_image_reference(std::string_view ref);
// Shell-like split of a command string: whitespace separates, quotes group.
// Returns nullopt on an unterminated quote.
std::optional<std::vector<std::string>> split_command(std::string_view s);

// Variables every instance gets; the file may not set them.
const std::vector<std::string>& reserved_env_names();

}  // namespace dockerops
