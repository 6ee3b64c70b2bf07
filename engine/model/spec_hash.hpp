#pragma once
// The one canonical form of a container spec: what changes the running
// container, flattened to sorted "field" -> "value" pairs. The planner compares
// it and the executor writes it as labels (io.dockerops.spec, .spec-hash), so
// both always agree. Secret values appear only as their SHA-256.
#include "engine/model/spec.hpp"

#include <map>
#include <set>
#include <string>
#include <vector>

namespace dockerops {

using CanonicalSpec = std::map<std::string, std::string>;

// `secret_keys`: env names whose values are hashed in the canonical form.
// Secret values appear only as HMAC digests under `secret_key` (engine/secrets).
CanonicalSpec canonical_spec(const ContainerSpec& spec, const std::set<std::string>& secret_keys,
                             const std::string& secret_key);
std::string spec_hash(const CanonicalSpec& c);
// JSON object text of the canonical form (for the io.dockerops.spec label) and back.
std::string canonical_to_json(const CanonicalSpec& c);
std::optional<CanonicalSpec> canonical_from_json(const std::string& json);

// What differs, in words and values: 'env LOG_LEVEL "info" → "debug"',
// 'env DEBUG added: "1"', 'memory removed (was "67108864")',
// 'command ["a"] → ["b"]'; secrets as (sensitive).
std::vector<std::string> describe_changes(const CanonicalSpec& before, const CanonicalSpec& after);

// Labels the executor writes on a container made from `spec`.
std::map<std::string, std::string> spec_labels(const CanonicalSpec& c);

}  // namespace dockerops
