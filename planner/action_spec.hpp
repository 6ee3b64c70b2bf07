#pragma once
// An action's container spec. A create keeps what the planner adds to its
// instance's desired spec (the address, the links' addresses) and the desired
// spec itself, shared with the desired state, and makes the full spec, labels
// included, when it is asked for: a plan of 100,000 creates holds 100,000
// placements, not 100,000 copies of a spec and its labels. A spec read from a
// saved plan, or set by hand, is held as it is.
#include "engine/model/spec.hpp"
#include "engine/model/spec_hash.hpp"
#include "util/boxed.hpp"

#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace dockerops {

// What the planner adds to an instance's desired spec.
struct SpecPlacement {
    std::shared_ptr<const ContainerSpec> base;             // the instance's desired spec
    std::optional<std::string> ipv4;                       // its address on the project network (none: the base's)
    std::vector<std::pair<std::string, std::string>> env;  // <ALIAS>_CONTAINER_IP of its links
    bool services = false;                                 // a Swarm service: the rolling keys and mode kept
    std::set<std::string> secret_keys;                     // env names hashed in the canonical form
    std::shared_ptr<const std::string> secret_key;         // the project's, for secret digests
};

// The spec as it will be created: the placement applied, then the labels of
// its canonical form (given back in `canon` when asked for).
inline ContainerSpec place(const SpecPlacement& p, CanonicalSpec* canon = nullptr) {
    ContainerSpec spec = *p.base;
    if (!p.services && spec.has_extras()) {   // how a service rolls, and its mode: not the container's
        spec.extras_mut().update.clear();
        spec.extras_mut().rollback.clear();
        spec.extras_mut().mode.clear();
    }
    if (p.ipv4) spec.ipv4 = *p.ipv4;
    for (const auto& [k, v] : p.env) spec.env[k] = v;
    CanonicalSpec c = canonical_spec(spec, p.secret_keys, p.secret_key ? *p.secret_key : std::string());
    for (auto& [k, v] : spec_labels(c)) spec.labels.insert_or_assign(k, std::move(v));
    if (canon) *canon = std::move(c);
    return spec;
}

class ActionSpec {
public:
    ActionSpec() = default;
    ActionSpec(ContainerSpec s) : held_(std::move(s)) {}   // NOLINT: set like the spec it holds
    explicit ActionSpec(std::shared_ptr<const SpecPlacement> p) : placement_(std::move(p)) {}

    explicit operator bool() const { return held_.has_value() || placement_ != nullptr; }
    bool deferred() const { return !held_ && placement_; }   // made when asked for, not yet asked

    // The full spec, made on first use and kept from then on. The first use
    // is not safe from two threads at once: the executor takes made().
    const ContainerSpec& operator*() const { return hold(); }
    const ContainerSpec* operator->() const { return &hold(); }
    ContainerSpec& operator*() { return hold(); }
    ContainerSpec* operator->() { return &hold(); }
    // A spec of the caller's own, made anew (nothing kept): from any thread.
    ContainerSpec made() const { return held_ ? *held_ : place(*placement_); }
    // f(spec) with the spec held, or one made for the call and dropped after
    // (writing a plan of 100,000 creates keeps none of them).
    template <class F>
    void read(F&& f) const {
        if (held_) f(*held_);
        else f(place(*placement_));
    }
    // What the placement does not change, read without making the spec.
    const std::string& name() const { return held_ ? held_->name : placement_->base->name; }
    bool has_secret_files() const { return !(held_ ? held_->extras().secret_files : placement_->base->extras().secret_files).empty(); }

private:
    ContainerSpec& hold() const {
        if (!held_) held_ = place(*placement_);
        return *held_;
    }
    mutable Boxed<ContainerSpec> held_;
    std::shared_ptr<const SpecPlacement> placement_;
};

}  // namespace dockerops
