// make_plan: desired + observed -> actions with causes. Pure: everything it
// needs is in its arguments. The steps are in planning.hpp.
#include "planner/plan.hpp"
#include "planner/planning.hpp"

#include "util/hash.hpp"

#include <algorithm>

namespace dockerops {

namespace planning {

std::string join(const std::vector<std::string>& v, const std::string& sep) {
    std::string out;
    for (const auto& s : v) out += (out.empty() ? "" : sep) + s;
    return out;
}

std::string state_cause(const ObservedContainer& c) {
    if (c.state == "exited") return "exited (" + std::to_string(c.exit_code) + ")";
    if (c.state == "created") return "created, never started";
    return c.state;
}

std::string image_label(const ObservedImage& i, const char* key, const char* legacy_key) {
    auto it = i.labels.find(key);
    if (it != i.labels.end()) return it->second;
    it = i.labels.find(legacy_key);
    return it == i.labels.end() ? std::string() : it->second;
}

ObservedIndex::ObservedIndex(const ObservedState& o, const std::string& project) : state(o) {
    for (const auto& c : o.containers) containers[c.name] = &c;
    for (const auto& c : o.foreign) foreign[c.name] = &c;
    for (const auto& i : o.images)
        for (const auto& t : i.tags) images[t] = &i;
    for (const auto& n : o.networks)
        if (n.name == project) network = &n;
}

const ObservedContainer* ObservedIndex::current(const std::string& name) const {
    if (auto it = containers.find(name); it != containers.end()) return it->second;
    if (auto it = containers.find(name + std::string(kReplaceOldSuffix)); it != containers.end()) return it->second;
    return nullptr;
}

const ObservedContainer* ObservedIndex::port_holder(const PortSpec& p) const {
    if (!p.publish || p.host_port == 0) return nullptr;
    auto any = [](const std::string& ip) { return ip.empty() || ip == "0.0.0.0" || ip == "::"; };
    for (const auto& f : state.foreign)
        for (const auto& fp : f.ports) {
            if (fp.host_port != p.host_port || fp.protocol != p.protocol) continue;
            if (any(fp.host_ip) || any(p.host_ip) || fp.host_ip == p.host_ip) return &f;
        }
    return nullptr;
}

int PlanBuilder::add(Action a, const std::vector<int>& extra) {
    a.id = static_cast<int>(plan.actions.size()) + 1;
    for (const auto& dep : graph.dependencies(a.key))
        if (auto it = action_of.find(dep); it != action_of.end()) a.depends_on.push_back(it->second);
    a.depends_on.insert(a.depends_on.end(), extra.begin(), extra.end());
    std::sort(a.depends_on.begin(), a.depends_on.end());
    action_of[a.key] = a.id;
    plan.actions.push_back(std::move(a));
    return plan.actions.back().id;
}

int PlanBuilder::add_unkeyed(Action a) {
    a.id = static_cast<int>(plan.actions.size()) + 1;
    plan.actions.push_back(std::move(a));
    return plan.actions.back().id;
}

// depends_on "healthy" on an instance of an image taken as it is, with no
// healthcheck key: its image must declare one. Known only from the engine
// (an image not pulled yet is judged by the next plan).
static Status check_pulled_health(const DesiredState& d, const ObservedState& o) {
    for (const auto& i : d.instances)
        for (const auto& dep : i.depends_on) {
            if (dep.condition != Condition::Healthy) continue;
            const DesiredInstance* t = d.find(dep.target);
            if (!t || t->spec->extras().health) continue;
            const DesiredImage& img = d.images.at(t->container);
            if (!img.pulled) continue;
            auto known = o.image_healthcheck.find(img.tag);
            if (known != o.image_healthcheck.end() && !known->second)
                return Error{i.id + ": depends_on " + dep.target + " \"healthy\", but " + dep.target + " has no health check: its image " +
                                 img.tag + " declares none, and it has no healthcheck key (add one, or depend on it being \"started\")",
                             "project " + d.project};
        }
    return ok_status();
}

Result<Scope> select_scope(const DesiredState& d, const DesiredGraph& graph, const PlanOptions& opt) {
    Scope scope;
    scope.everything = opt.targets.empty() && opt.group.empty();
    std::set<std::string> selected;
    for (const auto& t : opt.targets) {
        std::size_t before = selected.size();
        for (const auto& i : d.instances)
            if (i.id == t || i.container == t) selected.insert(instance_key(i.id));
        if (selected.size() == before) {
            std::vector<std::string> known;
            for (const auto& i : d.instances) known.push_back(i.id);
            for (const auto& [c, _] : d.images) known.push_back(c);
            return Error{"unknown target '" + t + "' (" + suggest(t, known, "targets") + ")", "project " + d.project};
        }
    }
    if (!opt.group.empty()) {
        std::size_t before = selected.size();
        for (const auto& i : d.instances)
            if (i.group == opt.group) selected.insert(instance_key(i.id));
        if (selected.size() == before) return Error{"no instance is in group '" + opt.group + "'", "project " + d.project};
    }
    if (scope.everything) return scope;
    scope.keys = graph.closure(selected);
    if (d.no_deps) {   // the targets, their images and networks (and what those need); not the instances they need
        auto is_instance = [](const std::string& key) {
            const auto node = parse_node_key(key);
            return node && node->kind == NodeKey::Kind::Instance;
        };
        std::set<std::string> needed;
        for (const auto& key : selected)
            for (const auto& dep : graph.dependencies(key))
                if (!is_instance(dep)) needed.insert(dep);
        std::set<std::string> own = graph.closure(needed);
        own.insert(selected.begin(), selected.end());
        for (const auto& key : scope.keys)
            if (is_instance(key) && !own.count(key)) scope.no_deps_left_out.push_back(parse_node_key(key)->name);
        scope.keys = std::move(own);
    }
    return scope;
}

}  // namespace planning

Result<Plan> make_plan(const DesiredState& d, const DesiredGraph& graph, const ObservedState& observed, const PlanOptions& opt) {
    using namespace planning;
    Plan plan;
    plan.project = d.project;
    plan.warnings = d.warnings;
    plan.observed = summarize(observed);
    if (auto missing = unsupported_kinds(d, opt.provider_kinds); !missing.empty())
        return Error{"the provider cannot make " + join(missing) + " objects, which this project needs", "project " + d.project};
    if (opt.services)
        if (auto problems = unmappable_to_services(d); !problems.empty())
            return Error{"what does not map onto Swarm services (docs/swarm.md):\n  " + join(problems, "\n  "), "project " + d.project};
    const ObservedIndex o(observed, d.project);
    auto scope = select_scope(d, graph, opt);
    if (!scope) return scope.error();
    if (!d.home.empty() && !observed.home.empty() && observed.home != d.home)
        plan.warnings.push_back("project '" + d.project + "' was last applied from " + observed.home + ", not from here (" + d.home +
                                "): its containers are the same ones. A copy of the project? Give it a name of its own "
                                "(-p NAME, or [project] name)");
    if (!scope->no_deps_left_out.empty())
        plan.warnings.push_back("--no-deps: planned without the instances the targets need (" + join(scope->no_deps_left_out) +
                                "): they are neither made nor waited for");
    // pull = "never" and the image is not on the engine: nothing could create its instances.
    for (const auto& [name, img] : d.images)
        if (img.pulled && img.pull == PullPolicy::Never && scope->contains(image_key(name)) && !observed.image_ids_by_tag.count(img.tag))
            return Error{"image " + img.tag + " is not on the engine, and pull = \"never\"",
                         "container " + name};
    if (auto st = check_pulled_health(d, observed); !st) return st.error();
    // An external network is joined as it is: made outside the project, it must be there.
    for (const auto& net : d.external_networks)
        if (!observed.network_names.count(net))
            return Error{"the external network '" + net + "' does not exist: make it first (docker network create " + net +
                             "), or drop external = true to have the project make its own",
                         "network " + net};
    auto addr = allocate_addresses(d, o);
    if (!addr) return addr.error();
    PlanBuilder b{plan, graph, {}, {}, {}, {}, opt.services, {}, std::make_shared<const std::string>(d.secret_key)};
    // About one action per instance and image (a replacement at most adds a removal).
    plan.actions.reserve(plan.actions.size() + d.instances.size() + d.images.size() + 4);
    b.action_of.reserve(d.instances.size() + d.images.size() + d.extra_networks.size() + 1);
    decide_seed_leftovers(d, o, b);
    for (const auto& key : graph.order()) {
        if (!scope->contains(key)) continue;
        const auto node = parse_node_key(key);
        if (!node) continue;
        switch (node->kind) {
            case NodeKey::Kind::Network: decide_network(d, o, *addr, b, node->name); break;
            case NodeKey::Kind::Image: decide_image(d, d.images.at(node->name), o, b); break;
            case NodeKey::Kind::Instance: decide_instance(d, *d.find(node->name), o, *addr, b); break;
        }
    }
    if (scope->everything) decide_orphans(d, o, b);
    return plan;
}

}  // namespace dockerops
