#pragma once
// What the executor asks an engine to create: plain data, filled by the
// desired-state graph and hashed for the spec-hash label.
#include "util/boxed.hpp"

#include <boost/container/flat_map.hpp>

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dockerops {

namespace labels {
inline constexpr const char* kProject = "io.dockerops.project";
inline constexpr const char* kContainer = "io.dockerops.container";
inline constexpr const char* kInstance = "io.dockerops.instance";
inline constexpr const char* kSpecHash = "io.dockerops.spec-hash";
inline constexpr const char* kSpec = "io.dockerops.spec";
// Ownership: written by dockerops at create on containers (and on its networks
// and volumes), never on images, so that nothing made from an image can carry
// it; see engine/ownership.hpp for the rule.
inline constexpr const char* kOwner = "io.dockerops.owner";
// Images have keys of their own: a container copies every label of its image,
// and must not look like one of ours for it.
inline constexpr const char* kImageProject = "io.dockerops.image.project";
inline constexpr const char* kImageContainer = "io.dockerops.image.container";
inline constexpr const char* kContextHash = "io.dockerops.image.context-hash";
inline constexpr const char* kContextFiles = "io.dockerops.image.context-files";
// What dockerops 0.1 wrote on images (read, never written).
inline constexpr const char* kLegacyContextHash = "io.dockerops.context-hash";
inline constexpr const char* kLegacyContextFiles = "io.dockerops.context-files";
inline constexpr const char* kLock = "io.dockerops.lock";
// Where the project was last applied from ("host:/path"): on its home record.
inline constexpr const char* kHome = "io.dockerops.home";
// An instance started by 'dockerops run' that the file does not declare: kept by apply.
inline constexpr const char* kAdhoc = "io.dockerops.adhoc";
}  // namespace labels

// The names a replacement passes through: the new container is made as
// <name>-dockerops-new, the old one steps aside as <name>-dockerops-old.
inline constexpr std::string_view kReplaceNewSuffix = "-dockerops-new";
inline constexpr std::string_view kReplaceOldSuffix = "-dockerops-old";
// The project lock is named <project> + this (engine/apply/lock.hpp).
inline constexpr std::string_view kLockSuffix = "-dockerops-lock";
// The project's home record, <project> + this: a container created and never
// started, as the lock is, labelled with where the project was last applied
// from. Listed with the project's containers (no extra call), never an instance.
inline constexpr std::string_view kHomeSuffix = "-dockerops-home";

// A container's env and labels: a few entries each, iterated in key order as
// a std::map is, but held in one array. A map's node costs 112 bytes of heap
// for its 64 bytes of two short strings; a 100,000-instance plan holds ten of
// them per instance.
using StringMap = boost::container::flat_map<std::string, std::string>;

struct PortSpec {
    int port = 0;                  // container port
    std::string protocol = "tcp";  // tcp | udp
    bool publish = false;          // bound to a host port
    std::string host_ip;           // empty: all addresses
    int host_port = 0;             // when published: 0 = one the engine picks
    bool operator==(const PortSpec&) const = default;
};
// "8080:80", "127.0.0.1:5432:5432/tcp", "53:53/udp", "9000-9002:9000-9002",
// "80" (an engine-chosen host port), "[::1]:80:80": docker's syntax, ranges
// expanded. nullopt with `error` set when the text is not one.
std::optional<std::vector<PortSpec>> parse_port_mapping(const std::string& text, std::string& error);
// The most ports one `ports` entry may publish ("8000-8999:8000-8999" is 1,000).
inline constexpr int kMaxPortsPerEntry = 1000;

struct MountSpec {
    std::string source;     // host path (bind) or volume name
    std::string target;
    bool read_only = false;
    bool bind = true;
    // A persistent folder: filled from what the image has at `target` the first
    // time (while it is absent or empty), never overwritten afterwards.
    bool seed = false;
    // A secret file (source is a file the executor writes from secret_files,
    // mode 0400), not a folder.
    bool file = false;
    // A named volume's driver and its options ([volumes.NAME]); empty: the engine's local driver.
    std::string driver = {};
    std::map<std::string, std::string> driver_options = {};
    // A volume the project uses and does not own ([volumes.NAME] external):
    // it must exist; never made, labelled or removed by dockerops.
    bool external = false;
    // "secret" or "config" (the instance's `secrets` / `configs`): a host file
    // mounted read-only on one engine, a Swarm secret or config on target
    // swarm; `digest` is the sha256 of its content when the file was read.
    std::string as = {};
    std::string digest = {};
    bool operator==(const MountSpec&) const = default;
};

struct HealthSpec {
    std::vector<std::string> test;   // ["CMD-SHELL", "..."]
    long long interval_ns = 0, timeout_ns = 0, start_period_ns = 0;
    int retries = 0;
    bool operator==(const HealthSpec&) const = default;
};

struct Ulimit {
    std::string name;        // nofile, nproc, ...
    long long soft = 0, hard = 0;
    bool operator==(const Ulimit&) const = default;
};

// The keys few instances set, kept apart from the spec's common part: a spec
// holds them on the heap only when one of them is set (ContainerSpec::extras).
// A plain instance's spec is then about a quarter of the size; a 100,000-
// instance plan holds one per instance.
struct SpecExtras {
    std::optional<std::vector<std::string>> entrypoint; // none: the image's
    // Secrets given as files: NAME -> value, written to <secrets_dir>/NAME on
    // the host and mounted read-only at /run/secrets/NAME.
    std::map<std::string, std::string> secret_files;
    std::string secrets_dir;
    // Networks joined besides `network` (engine names), connected after create:
    // the engine of Debian 12 takes one network in a create.
    std::vector<std::string> extra_networks;
    std::map<std::string, std::vector<std::string>> network_aliases;   // engine network name -> its own more aliases
    std::optional<HealthSpec> health;
    std::string working_dir;
    std::vector<Ulimit> ulimits;
    std::vector<std::string> extra_hosts;               // "name:address"
    std::vector<std::string> dns;
    std::string user;
    std::string stop_signal;
    std::optional<long long> stop_grace_period;         // seconds; none: the engine's 10
    std::vector<std::string> cap_add, cap_drop;
    std::map<std::string, std::string> tmpfs;           // path -> options
    std::map<std::string, std::string> sysctls;
    std::vector<std::string> security_opt;              // "no-new-privileges:true", "seccomp=unconfined"
    std::vector<std::string> devices;                   // "/dev/fuse", "/dev/sda:/dev/xvda:rwm"
    std::vector<std::string> expose;                    // "80/tcp": exposed, not published
    std::string pid_mode;                               // "host", "container:NAME"
    // "host", "none", "bridge", "container:NAME": not on the project's
    // networks (compile turns "instance:web.one" into its container's name).
    std::string network_mode;
    std::string ipc_mode;                               // "host", "shareable", "private", "none"
    // "NAME" or "NAME:ro": the volumes of those containers, mounted at their
    // places (compile turns "instance:web.one" into its container's name).
    std::vector<std::string> volumes_from;
    std::string platform;                               // "linux/amd64": the image variant the container runs
    std::string log_driver;                             // "json-file", "local", "none", ...
    std::map<std::string, std::string> log_options;
    // "global": one task on every node (target swarm; target docker runs one
    // container); empty: replicated, `replicas` of them.
    std::string mode;
    std::string node;
    // How a service's tasks roll on an update: parallelism, delay and monitor
    // (seconds: "1.5s"), order, failure_action; unset ones are dockerops's own
    // (1 at a time, no delay, start-first, rollback, 2 s).
    std::map<std::string, std::string> update;
    // How they roll back when an update fails: the same keys (failure_action
    // pause or continue); unset ones are the update's, then pause.
    std::map<std::string, std::string> rollback;
};

struct ContainerSpec {
    std::string name;                                   // demo-web-one
    std::string image;                                  // demo/web:latest or an image id
    std::string hostname;
    std::optional<std::vector<std::string>> command;    // none: the image's
    StringMap env;
    StringMap labels;
    std::vector<PortSpec> ports;
    std::vector<MountSpec> mounts;
    std::string network;                                // demo (the project network)
    std::string ipv4;                                   // fixed address in the project subnet
    std::vector<std::string> aliases;                   // DNS names on the network (and on each extra one)
    std::vector<std::string> links;                     // "container-name:ALIAS", scoped to this container
    bool init = true;
    std::string restart_policy;                         // "", "unless-stopped", ...
    bool tty = false;
    bool open_stdin = false;
    bool stdin_once = false;                            // an attached run: its input ends with the caller's (not a key)
    bool read_only = false;
    bool privileged = false;
    // The keys of engine/model/keys (one row each there): 0 or empty = the engine's default.
    long long memory = 0;                               // bytes
    long long nano_cpus = 0;
    long long pids_limit = 0;
    long long shm_size = 0;                             // bytes of /dev/shm
    long long mem_reservation = 0;                      // bytes: a soft memory limit
    // Swarm only (providers/swarm); the docker provider runs one container.
    int replicas = 1;

    // The rarely set keys: read through extras() (all at their defaults while
    // none is set: nothing is allocated), written through extras_mut() (which
    // allocates them). Copied with the spec, as a value.
    const SpecExtras& extras() const { return extras_ ? *extras_ : no_extras(); }
    SpecExtras& extras_mut() { return extras_ ? *extras_ : extras_.emplace(); }
    bool has_extras() const { return extras_.has_value(); }

    Boxed<SpecExtras> extras_;

private:
    static const SpecExtras& no_extras() {
        static const SpecExtras none{};
        return none;
    }
};

struct NetworkSpec {
    std::string name;
    std::string subnet;     // IPv4 CIDR: 10.130.16.0/20
    std::string gateway;
    std::map<std::string, std::string> labels;
    bool internal = false;   // no way out of the host
};

struct BuildSpec {
    std::string context_dir;                    // absolute
    std::string tag;                            // demo/web:latest
    std::map<std::string, std::string> build_args;
    std::map<std::string, std::string> labels;
    bool no_cache = false;
    std::string dockerfile = {};                // relative to context_dir; empty: "Dockerfile"
    std::string target = {};                    // a stage; empty: the last
};

}  // namespace dockerops
