#pragma once
// The kinds of objects a provider can own on its engine. A provider says
// which it manages (Provider::kinds); the planner refuses a project that
// needs a kind the provider does not have, without knowing which provider it is.
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

}  // namespace dockerops
