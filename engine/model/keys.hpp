#pragma once
// The key table: one row per configuration key of how an instance runs (the
// keys a container sets for its instances and an instance for itself). A row
// says everything the layers need to know about its key, so that adding one
// is a row here, a field of ContainerSpec (of its SpecExtras when few
// instances set it: held apart, allocated only when set) and the providers'
// mapping:
//   - its name in dockerops.toml, and the form its value takes (type and
//     checks: the loader reads each form, engine/config/runtime_keys);
//   - where it lands in the spec (a member of ContainerSpec or SpecExtras);
//   - its name in the canonical spec the spec hash is made of (never renamed:
//     a project applied by an earlier release must plan "No changes.");
//   - its name in the plan's JSON form, and how a change of it is worded;
//   - whether a Swarm service carries it.
// The loader's key lists, the runtime options' inheritance, the canonical
// spec, plan JSON (write and read), `dockerops config` and the checks of the
// JSON Schema and docs/configuration.md all walk this table.
#include "engine/model/spec.hpp"

#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace simdjson::dom { class element; }

namespace dockerops {

class JsonWriter;
using CanonicalSpec = std::map<std::string, std::string>;

// The form of a key's value in the file: its type and the checks on it.
enum class KeyForm : std::uint8_t {
    Restart,         // "no", "always", "unless-stopped", "on-failure[:N]"
    Memory,          // a size, at least the engine's minimum of 6m
    Bytes,           // a size above 0: "64m", "1g", or an integer of bytes
    Cpus,            // a number above 0 (held as nano CPUs)
    PositiveInteger,
    Replicas,        // 0 to 1000
    Mode,            // "replicated" (held as unset) or "global"
    Node,            // a node's host name, or label:KEY=VALUE
    Ulimits,         // { nofile = { soft, hard }, nproc = N }
    ExtraHosts,      // ["name:address"] or { name = "address" }
    Addresses,       // IP addresses
    Labels,          // { KEY = "value" }, none of them io.dockerops.*
    User,            // a name or uid, optionally :group
    AbsolutePath,
    Command,         // a string (split as a shell would) or an array of strings
    Signal,          // "SIGTERM", "TERM", a number
    GraceSeconds,    // a duration, rounded up to whole seconds
    Capabilities,    // ["NET_ADMIN", "CAP_SYS_PTRACE"]
    Tmpfs,           // ["/run", "/run:size=64m"]
    Bool,
    Health,          // { test, interval, timeout, retries, start_period, disable }
    Text,            // a string, not empty, passed as it is (the engine checks it)
    Strings,         // an array of strings, passed as they are
    Map,             // { KEY = "value" }, passed as it is
    Ports,           // ["80", "53/udp"]: container ports, not published
    NetworkMode,     // "host", "none", "bridge", "container:NAME", "instance:web.one"
    VolumesFrom,     // ["instance:web.one", "container:NAME:ro"]
    Update,          // { parallelism = 2, delay = "5s", order = "start-first", failure_action = "rollback", monitor = "10s" }
};

// A value as the loader read it, in the alternative its form gives.
using KeyValue = std::variant<std::string, long long, bool, std::vector<std::string>,
                              std::map<std::string, std::string>, std::vector<Ulimit>, HealthSpec>;

struct KeyRow {
    std::string_view name;        // in dockerops.toml (and in compose files)
    KeyForm form;
    std::string_view canonical;   // in the canonical spec; a prefix ("ulimit", "label") for one entry per item
    std::string_view json;        // in the plan's JSON form (a ContainerSpec member's own name)
    std::string_view summary;     // one line: the JSON Schema's description of the key (a test holds them equal)
    bool services = true;         // a Swarm service carries it (else the plan warns that it is left out)
    bool human_size = false;      // a change is worded in sizes ("256 MiB"), not bytes
    bool compose_text = false;    // a compose service key of the same name and one string, taken as it is
    // The typed access to the spec, made from the member by engine/model/keys.cpp.
    void (*assign)(KeyValue&& value, ContainerSpec& spec);
    void (*copy)(const ContainerSpec& from, ContainerSpec& to);
    bool (*is_set)(const ContainerSpec& spec);    // differs from the spec's default
    void (*canon)(const KeyRow& row, const ContainerSpec& spec, CanonicalSpec& out);
    void (*write)(JsonWriter& w, const ContainerSpec& spec);    // the value, its key already written
    void (*read)(const simdjson::dom::element& value, ContainerSpec& spec);
};

// Every row, in the order the docs list them.
std::span<const KeyRow> key_table();
const KeyRow* find_key(std::string_view name);
// The row whose canonical entries include `canonical_key` ("ulimit.nofile" -> ulimits).
const KeyRow* find_key_by_canonical(std::string_view canonical_key);
// The keys read besides the table's rows, on a container and on an instance alike.
inline constexpr std::string_view kLoaderOnlyRuntimeKeys[] = {"env_file", "ready_timeout"};
// A JSON array as text: the canonical form of a list.
std::string canonical_list(const std::vector<std::string>& v);
// 268435456 -> "256 MiB", 1536 -> "1536 bytes" (exact); what `human_size` rows show.
std::string human_bytes(long long bytes);
// 1500000000 in units of 1e9 -> "1.5": exact, no trailing zeros.
std::string decimal_text(long long value, long long unit);

}  // namespace dockerops
