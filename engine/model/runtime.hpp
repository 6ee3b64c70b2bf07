#pragma once
// How an instance runs beyond its image and command: restart policy, limits,
// health check, user, capabilities and the like. Each key may be set on a
// container (the default for its instances) and on an instance; unset keys
// leave the engine's (or the image's) own behaviour. Built by engine/config,
// mapped onto the ContainerSpec by engine/desired.
#include "engine/model/spec.hpp"

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dockerops {

struct RuntimeOptions {
    std::optional<std::string> restart;                      // no | on-failure[:N] | always | unless-stopped
    std::optional<long long> memory;                         // bytes
    std::optional<long long> nano_cpus;                      // cpus x 1e9
    std::optional<long long> pids_limit;
    std::optional<std::vector<Ulimit>> ulimits;
    std::optional<std::vector<std::string>> extra_hosts;     // "name:address"
    std::optional<std::vector<std::string>> dns;             // server addresses
    std::optional<std::map<std::string, std::string>> labels;
    std::optional<std::string> user;
    std::optional<std::string> working_dir;
    std::optional<std::vector<std::string>> entrypoint;
    std::optional<std::string> stop_signal;
    std::optional<long long> stop_grace_seconds;
    // How long apply waits for the instance to be ready (a job: to end) before it fails.
    std::optional<long long> ready_timeout_ms;
    std::optional<std::vector<std::string>> cap_add, cap_drop;
    std::optional<std::map<std::string, std::string>> tmpfs;  // path -> mount options ("" none)
    std::optional<bool> read_only;
    std::optional<HealthSpec> healthcheck;                   // test {"NONE"}: the image's is turned off
    // Swarm (target = "swarm"): tasks of the instance's service, and the node it is pinned to.
    std::optional<long long> replicas;
    std::optional<std::string> node;                         // a node's hostname, or "label:KEY=VALUE"
    // env_file entries, already read (KEY -> value), below the instance's own env.
    std::optional<std::map<std::string, std::string>> env_from_files;

    // Every key this one leaves unset takes the value of `defaults`.
    void fill_from(const RuntimeOptions& defaults);
};

// "5s", "1m30s", "250ms", "2h", "1.5s" -> nanoseconds; nullopt when not one.
std::optional<long long> parse_duration_ns(std::string_view text);
// `node`: a node's host name, or "label:KEY=VALUE" (a node label).
bool valid_node_selector(std::string_view text);
// `node` as a Swarm placement constraint: node.hostname==NAME, node.labels.KEY==VALUE.
std::string placement_constraint(std::string_view node);
// "512m", "1g", "64k", "1048576", "2gb" -> bytes (binary multiples, as docker); nullopt when not one.
std::optional<long long> parse_bytes(std::string_view text);
// "no", "always", "unless-stopped", "on-failure", "on-failure:3".
bool valid_restart_policy(std::string_view text);
// A signal name as docker takes it: "SIGTERM", "TERM", "SIGRTMIN+3", or a number.
bool valid_signal(std::string_view text);

}  // namespace dockerops
