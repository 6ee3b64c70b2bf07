#pragma once
// How an instance runs beyond its image and command: restart policy, limits,
// health check, user, capabilities and the like (the rows of engine/model/keys).
// Each key may be set on a container (the default for its instances) and on an
// instance; unset keys leave the engine's (or the image's) own behaviour. Built
// by engine/config, put onto the ContainerSpec by engine/desired.
#include "engine/model/keys.hpp"
#include "engine/model/spec.hpp"

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dockerops {

struct RuntimeOptions {
    // The keys of the table (engine/model/keys), each where it lands in the
    // spec; only those in `set` were written. Held once and shared by the
    // copies (an instance that sets no key of its own shares its container's):
    // a 100,000-instance project holds one spec per distinct set of keys, not
    // one per instance. Written through `values_mut`, which makes this copy's own.
    const ContainerSpec& values() const;
    ContainerSpec& values_mut();
    std::uint64_t set = 0;                                   // bit i: key_table()[i]
    // Read besides the table (kLoaderOnlyRuntimeKeys): not part of the spec.
    // How long apply waits for the instance to be ready (a job: to end) before it fails.
    std::optional<long long> ready_timeout_ms;
    // env_file entries, already read (KEY -> value), below the instance's own env.
    std::shared_ptr<const std::map<std::string, std::string>> env_from_files;

    bool has(const KeyRow& row) const;
    bool has(std::string_view name) const;     // a row's name
    void put(const KeyRow& row, KeyValue&& value);
    // Every key this one leaves unset takes the value of `defaults`.
    void fill_from(const RuntimeOptions& defaults);
    // The keys set, onto a spec; the others keep the spec's (the engine's or the image's own).
    void apply_to(ContainerSpec& spec) const;

private:
    std::shared_ptr<ContainerSpec> values_;   // null: no key set
};

// "5s", "1m30s", "250ms", "2h", "1.5s" -> nanoseconds; nullopt when not one.
std::optional<long long> parse_duration_ns(std::string_view text);
// `node`: a node's host name, or "label:KEY=VALUE" (a node label).
bool valid_node_selector(std::string_view text);
// volumes_from: "instance:db.one" (an instance of the project) or
// "container:NAME" (an engine container), either with ":ro" or ":rw".
struct VolumesFromRef {
    bool instance = false;
    std::string name;        // db.one, or the container's name
    bool read_only = false;
};
std::optional<VolumesFromRef> parse_volumes_from(std::string_view text);
// `node` as a Swarm placement constraint: node.hostname==NAME, node.labels.KEY==VALUE.
std::string placement_constraint(std::string_view node);
// "512m", "1g", "64k", "1048576", "2gb" -> bytes (binary multiples, as docker); nullopt when not one.
std::optional<long long> parse_bytes(std::string_view text);
// "no", "always", "unless-stopped", "on-failure", "on-failure:3".
bool valid_restart_policy(std::string_view text);
// A signal name as docker takes it: "SIGTERM", "TERM", "SIGRTMIN+3", or a number.
bool valid_signal(std::string_view text);

}  // namespace dockerops
