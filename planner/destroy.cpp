// make_destroy_plan: the project's containers (or the targeted ones) removed,
// then what nothing uses any more. Needs no configuration beyond names.
#include "planner/plan.hpp"

#include "engine/model/ownership.hpp"

namespace dockerops {

namespace {

// What goes once the containers are gone: each after every container removal.
void add_after_containers(Plan& plan, ActionKind kind, const std::string& key, const std::string& object,
                          const std::string& cause, const std::string& target) {
    Action a;
    a.id = static_cast<int>(plan.actions.size()) + 1;
    a.kind = kind;
    a.key = key;
    a.object = object;
    a.cause = cause;
    a.target_id = target;
    for (const auto& r : plan.actions)
        if (r.kind == ActionKind::Remove) a.depends_on.push_back(r.id);
    plan.actions.push_back(std::move(a));
}

// The deletion of a data folder (<data_dir>/<folder>), after `after` when given.
void add_purge(Plan& plan, const DestroyOptions& opt, const std::string& object, const std::string& folder,
               const std::string& cause, std::vector<int> after) {
    Action p;
    p.id = static_cast<int>(plan.actions.size()) + 1;
    p.kind = ActionKind::PurgeData;
    p.key = "data:" + object;
    p.object = object;
    p.cause = cause;
    p.path = opt.data_dir + "/" + folder;
    p.depends_on = std::move(after);
    plan.actions.push_back(std::move(p));
}

}  // namespace

Result<Plan> make_destroy_plan(const std::string& project, const ObservedState& o, const DestroyOptions& opt) {
    Plan plan;
    plan.project = project;
    plan.observed = summarize(o);
    std::set<std::string> matched_targets;
    int kept = 0;
    for (const auto& c : o.containers) {   // the project's own only (engine/ownership)
        std::string ci = c.label(labels::kContainer), in = c.label(labels::kInstance);
        std::string id = ci + "." + in;
        bool chosen = opt.targets.empty();
        for (const auto& t : opt.targets)
            if (t == id || t == ci) { chosen = true; matched_targets.insert(t); }
        if (!chosen) { ++kept; continue; }
        Action a;
        a.id = static_cast<int>(plan.actions.size()) + 1;
        a.kind = ActionKind::Remove;
        a.key = "container:" + c.name;
        a.object = ci.empty() ? c.name : id;
        a.cause = "destroy";
        a.target_id = c.id;
        if (!ci.empty() && !in.empty() && !opt.secrets_dir.empty()) a.path = opt.secrets_dir + "/" + ci + "_" + in;
        plan.actions.push_back(a);
        const std::string folder = ci + "_" + in;
        if (opt.purge_data && !ci.empty() && !in.empty() && opt.data_not_made.count(folder))
            plan.warnings.push_back("data of " + id + " (" + opt.data_dir + "/" + folder +
                                    ") was not made by dockerops: kept (delete it by hand if it is not wanted)");
        if (opt.purge_data && !ci.empty() && !in.empty() && opt.data_made.count(folder))
            add_purge(plan, opt, id, folder, "--purge-data", {a.id});
    }
    for (const auto& t : opt.targets)
        if (!matched_targets.count(t))
            return Error{"no container of the project matches '" + t + "'", "project " + project};
    if (opt.purge_data && opt.targets.empty())
        for (const auto& folder : opt.data_left) add_purge(plan, opt, folder, folder, "--purge-data (its instance was removed earlier)", {});
    if (opt.purge_data && opt.targets.empty())
        for (const auto& v : opt.volumes)
            if (v.labels.count(labels::kOwner) && v.labels.at(labels::kOwner) == volume_owner_token(project, v.name))
                add_after_containers(plan, ActionKind::RemoveVolume, "volume:" + v.name, v.name, "--purge-data", v.name);
    if (opt.remove_images && opt.targets.empty()) {
        for (const auto& i : o.images) {
            if (!image_is_ours(i, project)) continue;
            if (i.tags.empty())   // dangling: left by an earlier build
                add_after_containers(plan, ActionKind::RemoveImage, "image-ref:" + i.id, i.id, "--rmi (dangling, from an earlier build)", i.id);
            for (const auto& t : i.tags)
                if (t.starts_with(project + "/")) add_after_containers(plan, ActionKind::RemoveImage, "image-ref:" + t, t, "--rmi", t);
        }
    }
    if (kept == 0)
        for (const auto& n : o.networks)
            if (network_is_ours(n, project))
                add_after_containers(plan, ActionKind::RemoveNetwork, "network:" + n.name, n.name, "nothing left on it", n.id);
    return plan;
}

}  // namespace dockerops
