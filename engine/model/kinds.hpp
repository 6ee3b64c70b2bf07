#pragma once
// The kinds of objects a provider can own on its engine. A provider says
// which it manages (Provider::kinds); the planner refuses a project that
// needs a kind the provider does not have, without knowing which provider it is.
#include <optional>
#include <set>
#include <string_view>

namespace dockerops {

enum class ObjectKind { Image, Network, Container, Volume };
using ObjectKinds = std::set<ObjectKind>;

inline std::string_view to_string(ObjectKind k) {
    switch (k) {
        case ObjectKind::Image: return "image";
        case ObjectKind::Network: return "network";
        case ObjectKind::Container: return "container";
        case ObjectKind::Volume: return "volume";
    }
    return "object";
}

// [project] target: where instances run — one engine, or services on a swarm.
// Each provider says which it is (ProviderTraits::target).
enum class Target { Docker, Swarm };
// "docker", "swarm": the file's and the plan's word for it.
inline const char* target_name(Target t) { return t == Target::Swarm ? "swarm" : "docker"; }
inline std::optional<Target> parse_target(std::string_view word) {
    if (word == "docker") return Target::Docker;
    if (word == "swarm") return Target::Swarm;
    return std::nullopt;
}

}  // namespace dockerops
