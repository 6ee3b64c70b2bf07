// Saved plans: the record of what a plan was made from, and the check that
// the engine still holds it before the plan is carried out.
#include "planner/plan.hpp"
#include "planner/planning.hpp"

#include "util/hash.hpp"

#include <algorithm>
#include <map>

namespace dockerops {

using planning::join;
using planning::state_cause;

ObservedSummary summarize(const ObservedState& o) {
    ObservedSummary s;
    s.scope = o.scope;
    for (const auto& c : o.containers) {
        std::string addr;
        for (const auto& [net, ip] : c.addresses) addr += (addr.empty() ? "" : ",") + net + "=" + ip;
        s.lines.push_back("container " + c.name + " " + c.id.substr(0, 12) + " " + state_cause(c) + " image " +
                          c.image_id.substr(0, 19) + " spec " + c.label(labels::kSpecHash).substr(0, 12) + " " + addr);
    }
    // A container that is not the project's but holds one of its names
    // changes what a saved plan may do (its create would conflict).
    for (const auto& c : o.foreign)
        if (c.name.starts_with(o.project + "-")) s.lines.push_back("foreign " + c.name + " " + c.id.substr(0, 12));
    for (const auto& i : o.images)
        s.lines.push_back("image " + (i.tags.empty() ? std::string("<none>") : i.tags.front()) + " " + i.id.substr(0, 19));
    for (const auto& n : o.networks) s.lines.push_back("network " + n.name + " " + n.id.substr(0, 12) + " " + n.subnet);
    std::sort(s.lines.begin(), s.lines.end());
    s.fingerprint = sha256_hex(join(s.lines, "\n"));
    return s;
}

std::vector<std::string> summary_changes(const ObservedSummary& before, const ObservedSummary& after) {
    // Objects are identified by their first two words ("container demo-web-one").
    auto ident = [](const std::string& line) {
        auto a = line.find(' ');
        auto b = line.find(' ', a + 1);
        return line.substr(0, b);
    };
    std::map<std::string, std::string> b, a;
    for (const auto& l : before.lines) b[ident(l)] = l;
    for (const auto& l : after.lines) a[ident(l)] = l;
    std::vector<std::string> out;
    for (const auto& [k, l] : b) {
        auto it = a.find(k);
        if (it == a.end()) out.push_back(k + " is gone");
        else if (it->second != l) out.push_back(k + " changed: was '" + l.substr(k.size() + 1) + "', now '" +
                                                it->second.substr(k.size() + 1) + "'");
    }
    for (const auto& [k, _] : a)
        if (!b.count(k)) out.push_back(k + " appeared");
    return out;
}

Status check_fresh(const Plan& plan, const ObservedState& now, std::vector<std::string>& changes) {
    ObservedSummary current = summarize(now);
    if (current.fingerprint == plan.observed.fingerprint) return ok_status();
    changes = summary_changes(plan.observed, current);
    return Error{"the engine changed since the plan was made", "project " + plan.project};
}

}  // namespace dockerops

namespace dockerops {

Status check_plan_structure(const Plan& plan) {
    std::map<int, std::size_t> index;
    for (std::size_t i = 0; i < plan.actions.size(); ++i) {
        const Action& a = plan.actions[i];
        if (a.id <= 0) return Error{"action " + std::to_string(i + 1) + " has no id (ids are 1, 2, ...)", "plan"};
        if (!index.emplace(a.id, i).second) return Error{"two actions have the id " + std::to_string(a.id), "plan"};
    }
    std::vector<std::pair<std::size_t, std::size_t>> edges;
    for (std::size_t i = 0; i < plan.actions.size(); ++i)
        for (int dep : plan.actions[i].depends_on) {
            auto it = index.find(dep);
            if (it == index.end())
                return Error{"action " + std::to_string(plan.actions[i].id) + " (" + std::string(to_string(plan.actions[i].kind)) +
                                 " " + plan.actions[i].object + ") depends on action " + std::to_string(dep) + ", which the plan does not have",
                             "plan"};
            edges.emplace_back(i, it->second);
        }
    if (auto cycle = find_cycle(plan.actions.size(), edges)) {
        std::vector<std::string> on_cycle;
        for (std::size_t i : *cycle) on_cycle.push_back(std::to_string(plan.actions[i].id));
        std::string path;
        for (const auto& id : on_cycle) path += (path.empty() ? "" : " -> ") + id;
        return Error{"the actions " + path + " depend on each other in a cycle: no order can carry them out", "plan"};
    }
    return ok_status();
}

namespace {

// `path` is `root` itself or below it, with no ".." step.
bool under(const std::string& path, const std::string& root) {
    if (root.empty() || path.find("/../") != std::string::npos || path.ends_with("/..")) return false;
    return path == root || path.starts_with(root + "/");
}

}  // namespace

Status check_saved_plan(const Plan& plan, const std::string& secrets_dir) {
    if (!valid_name(plan.project)) return Error{"the plan's project name '" + plan.project + "' is not a project name", "plan"};
    if (auto s = check_plan_structure(plan); !s) return s;
    for (const auto& a : plan.actions) {
        const std::string what = "action " + std::to_string(a.id) + " (" + std::string(to_string(a.kind)) + " " + a.object + ")";
        const bool container_needed = a.kind == ActionKind::Create || a.kind == ActionKind::Replace || a.kind == ActionKind::Update;
        if (container_needed && !a.container) return Error{what + " has no container spec", "plan"};
        if (a.kind == ActionKind::Build && !a.build) return Error{what + " has no build spec", "plan"};
        if (a.kind == ActionKind::CreateNetwork && !a.network) return Error{what + " has no network spec", "plan"};
        const bool on_existing = a.kind == ActionKind::Start || a.kind == ActionKind::Wait || a.kind == ActionKind::Unpause ||
                                 a.kind == ActionKind::Remove || a.kind == ActionKind::Replace || a.kind == ActionKind::Update ||
                                 a.kind == ActionKind::Adopt;
        if (on_existing && a.target_id.empty()) return Error{what + " names no container to act on", "plan"};
        // `plan -o` never saves a deletion of data: only destroy --purge-data plans one, and carries it out at once.
        if (a.kind == ActionKind::PurgeData) return Error{what + ": a saved plan never deletes data folders", "plan"};
        if (!a.path.empty() && !under(a.path, secrets_dir))
            return Error{what + " would delete " + a.path + ", which is not under the project's secrets folder " + secrets_dir,
                         "plan"};
        if (a.container && !a.container->extras().secret_files.empty() && !under(a.container->extras().secrets_dir, secrets_dir))
            return Error{what + " would write secret files in " + a.container->extras().secrets_dir +
                             ", which is not under the project's secrets folder " + secrets_dir,
                         "plan"};
        if (a.ready_timeout < 0 || a.sleep < 0 || !(a.ready_timeout < 1e7) || !(a.sleep < 1e7))
            return Error{what + " has a sleep or ready_timeout out of range", "plan"};
    }
    return ok_status();
}

}  // namespace dockerops
