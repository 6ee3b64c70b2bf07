#include "engine/model/ownership.hpp"

#include "engine/model/builtins.hpp"

#include "util/hash.hpp"
#include "engine/model/spec.hpp"

#include <algorithm>

namespace dockerops {

std::string owner_token(const std::string& project, const std::string& subject) {
    return "v1:" + sha256_hex("dockerops-owner\n" + project + "\n" + subject).substr(0, 32);
}

std::string container_owner_token(const std::string& project, const std::string& image_id) {
    return owner_token(project, "container from " + image_id);
}

std::string network_owner_token(const std::string& project, const std::string& name) {
    return owner_token(project, "network " + name);
}

std::string volume_owner_token(const std::string& project, const std::string& name) {
    return owner_token(project, "volume " + name);
}

Ownership container_ownership(const ObservedContainer& c, const std::string& project) {
    if (c.label(labels::kProject) != project) return Ownership::NotOurs;
    const std::string owner = c.label(labels::kOwner);
    if (!owner.empty())
        return !c.image_id.empty() && owner == container_owner_token(project, c.image_id) ? Ownership::Ours
                                                                                          : Ownership::NotOurs;
    // dockerops 0.1 wrote the instance, the spec and its hash on the container
    // only (never on an image): all three, consistent, mark one of its own.
    const std::string spec = c.label(labels::kSpec), hash = c.label(labels::kSpecHash);
    if (!c.label(labels::kInstance).empty() && !spec.empty() && hash == sha256_hex(spec)) return Ownership::OursLegacy;
    return Ownership::NotOurs;
}

bool network_is_ours(const ObservedNetwork& n, const std::string& project) {
    if (n.label(labels::kProject) != project) return false;
    const std::string owner = n.label(labels::kOwner);
    if (!owner.empty()) return owner == network_owner_token(project, n.name);
    return n.name == project;   // the project network of dockerops 0.1
}

bool image_concerns_project(const ObservedImage& i, const std::string& project) {
    for (const auto& t : i.tags)
        if (t.starts_with(project + "/") || t.starts_with(std::string(kBuiltinImagePrefix) + "dockerops-")) return true;
    return image_is_ours(i, project);
}

bool image_is_ours(const ObservedImage& i, const std::string& project) {
    auto label = [&](const char* k) {
        auto it = i.labels.find(k);
        return it == i.labels.end() ? std::string() : it->second;
    };
    if (label(labels::kImageProject) == project) return true;
    return label(labels::kProject) == project && !label(labels::kLegacyContextHash).empty();
}

}  // namespace dockerops

namespace dockerops {

void classify_containers(ObservedState& s, std::vector<ObservedContainer> all) {
    const std::string prefix = s.project + "-";
    for (auto& c : all) {
        if (c.name == s.project + std::string(kHomeSuffix) && c.label(labels::kProject) == s.project && !c.label(labels::kHome).empty()) {
            s.home = c.label(labels::kHome);
            s.home_id = c.id;
            continue;
        }
        Ownership o = container_ownership(c, s.project);
        if (o != Ownership::NotOurs) {
            c.legacy = o == Ownership::OursLegacy;
            s.containers.push_back(std::move(c));
            continue;
        }
        // The project's lock (a container on one dockerd) is neither an
        // instance nor in the way of one: a saved plan made without the lock
        // compares the same under it.
        if (c.label(labels::kLock) == s.project && c.name == s.project + std::string(kLockSuffix))
            continue;
        bool publishes = false;
        for (const auto& p : c.ports) publishes = publishes || p.host_port > 0;
        // docker-compose's containers of a compose file's project (observed only then): adopted, or in the way.
        const bool compose = !s.scope.compose_project.empty() && c.label("com.docker.compose.project") == s.scope.compose_project;
        if (c.name.starts_with(prefix) || publishes || compose) s.foreign.push_back(std::move(c));
    }
    auto by_name = [](const ObservedContainer& a, const ObservedContainer& b) { return a.name < b.name; };
    std::sort(s.containers.begin(), s.containers.end(), by_name);
    std::sort(s.foreign.begin(), s.foreign.end(), by_name);
}

}  // namespace dockerops
