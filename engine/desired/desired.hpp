#pragma once
// The desired state: a Project compiled into the images to build and the
// containers to run, with every variable resolved. Addresses (and with them the
// <ALIAS>_CONTAINER_IP variables) are settled by the planner, which knows what
// the engine already holds.
#include "engine/model/model.hpp"
#include "engine/model/result.hpp"
#include "engine/model/secrets.hpp"
#include "engine/model/spec.hpp"
#include "util/shared_value.hpp"

#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace dockerops {

// Where values come from outside the file; the process's own by default, a
// fixed table in tests.
struct Environment {
    std::function<std::optional<std::string>(const std::string&)> getenv;
    std::function<std::optional<std::string>(const std::string&)> interface_address;
    // Asked for a variable found nowhere else (a prompt on a terminal); unset: not asked.
    std::function<std::optional<std::string>(const std::string& name, const std::string& instance, bool secret)> ask;
    // The project's secret key, asked for only when an instance has secrets
    // (cli/ops reads it, or makes it on first use); unset: a project with
    // secrets cannot be compiled.
    std::function<Result<std::string>()> secret_key;
    // Where every secret value is added, so that no output shows it; may be null.
    Redactor* secrets = nullptr;
    // Where secret files are written on the host: <secrets_root>/<project>/<container>_<instance>.
    std::filesystem::path secrets_root;
    // The project's key pair (dockerops init), mounted read-only when there is one.
    std::optional<std::filesystem::path> key_pair_dir;
};

struct CompileOptions {
    // Interactive and safemode instances run on a terminal ('dockerops run');
    // apply leaves them out unless asked.
    bool terminal_instances = false;
};

struct DesiredImage {
    std::string container;
    std::string tag;                                   // <project>/<container>:latest
    BuildSpec build;
    std::string context_hash;
    std::map<std::string, std::string> digests;        // rel -> sha256, to name changed files
    std::filesystem::path index;                       // its context's digest index (context_index); empty: none
    std::vector<std::string> parents;                  // project containers it is built FROM
    std::vector<PortSpec> exposed;                     // along the FROM chain within the project
    bool healthcheck = false;
    // `image = "redis:7"`: not built; `tag` is the reference, fetched per `pull`.
    bool pulled = false;
    PullPolicy pull = PullPolicy::Missing;
};

struct DesiredLink {
    std::string alias;
    std::string target;        // instance id; empty for an external link
    std::string external_ip;   // for an external link, from the environment or host file
};

struct DesiredInstance {
    std::string id;            // web.one
    std::string container;
    std::string name;
    std::string group;
    // Address and link variables filled in by the planner. Shared: a plan's
    // create keeps it and makes the full spec when it is asked for (planner).
    SharedValue<ContainerSpec> spec;
    std::set<std::string> secret_keys;
    std::vector<DesiredLink> links;
    double sleep = 0;
    std::string fixed_ipv4;    // ipv4_address: given, not picked
    double ready_timeout = 0;  // seconds; 0: the default (120 s, a job 30 min)
    bool healthcheck = false;
    bool attach = false;       // a terminal instance: run on the caller's terminal, removed when it ends
    std::vector<Dependency> depends_on;   // start after each target meets its condition
    std::string network_of;    // network_mode "instance:X": X, whose container's network it shares
    std::vector<std::string> volumes_of;   // volumes_from "instance:X": each X, whose container's volumes it mounts
    // Some instance depends_on it "completed": it runs to the end, exit 0 is
    // its ready (and, exited so, it is as desired).
    bool job = false;
};

struct DesiredState {
    std::string project;
    std::string secret_key;                        // HMAC key for secret digests (engine/secrets)
    std::string secrets_dir;                       // <secrets_root>/<project>: instances' secret files
    NetworkSpec network;                           // subnet: [project] subnet, or empty (the planner picks one)
    std::vector<NetworkSpec> extra_networks;       // [networks.NAME]: <project>-<NAME>, subnet as declared or the engine's
    std::set<std::string> external_networks;       // [networks.NAME] external: the engine's names, joined as they are
    std::map<std::string, DesiredImage> images;    // by container name
    std::vector<DesiredInstance> instances;        // sorted by id
    std::vector<std::string> warnings;
    std::string registry;                          // [project] registry (target swarm)
    std::set<std::string> dormant;                 // containers whose profiles are off: their instances are left as they are
    bool compose = false;                          // read from a compose file: docker-compose's containers of it are observed
    bool adopt = false;                            // apply --adopt: those are replaced by dockerops's own (else a conflict)
    bool no_deps = false;                          // plan/apply --no-deps: the targets alone, not the instances they need
    bool force_recreate = false;                   // plan/apply --force-recreate: every instance in scope replaced
    std::string home;                              // where this is planned from ("host:/path"); empty: not said
    const DesiredInstance* find(const std::string& id) const;
};

// Every missing variable is named in one error; nothing is half-resolved.
Result<DesiredState> compile(const Project& project, const Environment& env, CompileOptions options = {});
// The images only (what `dockerops build` needs): no variable is read.
// ContextDigests::Skip: the build contexts are not read (their digests and
// hash stay empty): for checks that need only what the Dockerfiles say.
enum class ContextDigests { Read, Skip };
Result<DesiredState> compile_images(const Project& project, ContextDigests digests = ContextDigests::Read);
// depends_on "healthy" on a target that has no health check (in its file, or
// in its Dockerfile and those it starts FROM): an error at the depends_on.
// Images taken as they are (`image = "..."`) are left to their own config.
Diagnostics check_health_conditions(const Project& project);

// What a terminal instance runs instead of its command: a login shell.
inline constexpr const char* kInteractiveShell = "if command -v bash >/dev/null 2>&1; then exec bash -l; else exec sh -l; fi";

std::string container_name(const std::string& project, const std::string& container, const std::string& instance);
std::string image_tag(const std::string& project, const std::string& container);

}  // namespace dockerops
