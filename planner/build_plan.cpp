// Builds as plan steps: what `dockerops build` carries out, and the build
// spec make_plan's builds share; plus what kinds of objects a project needs.
#include "engine/desired/context.hpp"
#include "planner/plan.hpp"

namespace dockerops {

BuildSpec build_spec_of(const DesiredImage& img) {
    BuildSpec spec = img.build;
    std::string files = context_files_label(img.digests);
    if (!files.empty()) spec.labels[labels::kContextFiles] = files;
    return spec;
}

Result<Plan> make_build_plan(const DesiredState& d, const DesiredGraph& graph, const std::vector<std::string>& containers,
                             bool no_cache) {
    Plan plan;
    plan.project = d.project;
    std::set<std::string> scope;
    for (const auto& c : containers) {
        if (!d.images.count(c)) {
            std::vector<std::string> known;
            for (const auto& [name, _] : d.images) known.push_back(name);
            return Error{"no container '" + c + "' (" + suggest(c, known, "containers") + ")", "project " + d.project};
        }
        if (d.images.at(c).pulled)
            return Error{"container '" + c + "' is taken as the image " + d.images.at(c).tag + ": nothing to build",
                         "project " + d.project};
        scope.insert(image_key(c));
    }
    if (!scope.empty()) scope = graph.closure(scope);
    std::map<std::string, int> action_of;
    // In FROM order, each after its parents' builds.
    for (const auto& key : graph.order()) {
        const auto node = parse_node_key(key);
        if (!node || node->kind != NodeKey::Kind::Image || (!scope.empty() && !scope.count(key))) continue;
        const DesiredImage& img = d.images.at(node->name);
        if (img.pulled) continue;   // `image =`: taken as it is, never built
        Action a;
        a.id = static_cast<int>(plan.actions.size()) + 1;
        a.kind = ActionKind::Build;
        a.key = key;
        a.object = img.tag;
        a.cause = "requested";
        a.build = build_spec_of(img);
        a.build->no_cache = no_cache;
        for (const auto& dep : graph.dependencies(key))
            if (auto it = action_of.find(dep); it != action_of.end()) a.depends_on.push_back(it->second);
        action_of[key] = a.id;
        plan.actions.push_back(std::move(a));
    }
    return plan;
}

std::vector<std::string> unsupported_kinds(const DesiredState& d, const ObjectKinds& have) {
    if (have.empty()) return {};
    ObjectKinds need;
    if (!d.images.empty()) need.insert(ObjectKind::Image);
    if (!d.instances.empty()) need.insert({ObjectKind::Network, ObjectKind::Container});
    for (const auto& i : d.instances)
        for (const auto& m : i.spec->mounts)
            if (!m.bind && !m.file) need.insert(ObjectKind::Volume);
    std::vector<std::string> missing;
    for (ObjectKind k : need)
        if (!have.count(k)) missing.emplace_back(to_string(k));
    return missing;
}

}  // namespace dockerops
