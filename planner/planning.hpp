#pragma once
// Inside make_plan (planner/*.cpp only): what was observed, indexed; the plan
// as it grows; and the steps make_plan runs in order — target selection,
// address allocation, then one decider per kind of graph node.
#include "planner/plan.hpp"

#include <map>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

namespace dockerops::planning {

std::string join(const std::vector<std::string>& v, const std::string& sep = ", ");
// "exited (137)", "created, never started", "paused", ...
std::string state_cause(const ObservedContainer& c);
// An image label under this version's key, or 0.1's.
std::string image_label(const ObservedImage& i, const char* key, const char* legacy_key);

// What observe() returned, indexed by name for the deciders.
struct ObservedIndex {
    ObservedIndex(const ObservedState& o, const std::string& project);
    const ObservedState& state;
    std::map<std::string, const ObservedContainer*> containers;   // the project's own
    std::map<std::string, const ObservedContainer*> foreign;      // not the project's, by name
    std::map<std::string, const ObservedImage*> images;           // the project's, by tag
    const ObservedNetwork* network = nullptr;                     // the project's network
    // The container that stands for an instance's name: the name itself, or
    // the <name>-dockerops-old an interrupted replace left where the name is gone.
    const ObservedContainer* current(const std::string& name) const;
    // A container that is not the project's and publishes this host port.
    const ObservedContainer* port_holder(const PortSpec& p) const;
};

// The plan as it grows. Each action gets the next id and depends on the
// actions already planned for the graph nodes its node depends on.
struct PlanBuilder {
    Plan& plan;
    const DesiredGraph& graph;
    std::unordered_map<std::string, int> action_of;   // graph key -> action id (looked up, never walked in order)
    std::map<std::string, std::string> rebuilt;    // containers whose image this plan builds -> why
    std::set<std::string> planned_leftovers;       // names that are not to be removed as orphans
    std::vector<int> seed_removals;                // removals of seed helpers an interrupted apply left
    bool services = false;                         // PlanOptions::services
    std::set<std::string> adopted = {};            // docker-compose's containers adopted or said to be in the way (ids)
    std::shared_ptr<const std::string> secret_key = {};   // the desired state's, shared by the creates' placements
    // The action of a graph node, with `extra` dependencies besides the graph's.
    int add(Action a, const std::vector<int>& extra = {});
    // An action outside the graph (a leftover's removal): no dependencies.
    int add_unkeyed(Action a);
};

// The graph keys a plan covers: the targets and group and what they need.
struct Scope {
    bool everything = true;
    std::set<std::string> keys;
    std::vector<std::string> no_deps_left_out = {};   // --no-deps: the instances the targets need, not planned
    bool contains(const std::string& key) const { return everything || keys.count(key) > 0; }
};
Result<Scope> select_scope(const DesiredState& d, const DesiredGraph& graph, const PlanOptions& opt);

// The project's subnet and each instance's IPv4 address (planner/addresses.cpp).
struct Addresses {
    std::string subnet;                          // 10.130.16.0/20
    std::string gateway;                         // 10.130.16.1
    std::unordered_map<std::string, std::string> of;   // instance id -> address
};
Result<Addresses> allocate_addresses(const DesiredState& d, const ObservedIndex& o);

// One decider per kind of graph node; each adds at most its node's action
// (and an instance's leftovers' removals) or a conflict.
// The project network (`name` empty), or one of [networks.NAME] by its engine name.
void decide_network(const DesiredState& d, const ObservedIndex& o, const Addresses& addr, PlanBuilder& b,
                    const std::string& name = {});
void decide_image(const DesiredState& d, const DesiredImage& img, const ObservedIndex& o, PlanBuilder& b);
// After the rebuild `build` of img: the removal of its project's older untagged builds.
void remove_superseded(const DesiredState& d, const DesiredImage& img, const ObservedIndex& o, PlanBuilder& b, int build);
void decide_instance(const DesiredState& d, const DesiredInstance& di, const ObservedIndex& o, const Addresses& addr,
                     PlanBuilder& b);
// The seed helpers (<project>-dockerops-seed-*) an interrupted apply left:
// removed first, and every create and replace (which may seed, under the
// same names) waits for their removal.
void decide_seed_leftovers(const DesiredState& d, const ObservedIndex& o, PlanBuilder& b);
// The project's containers that nothing desired stands for: removed (ad-hoc ones kept, with a warning).
void decide_orphans(const DesiredState& d, const ObservedIndex& o, PlanBuilder& b);

}  // namespace dockerops::planning
