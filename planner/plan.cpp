// make_plan: desired + observed -> actions with causes. Pure: everything it
// needs is in its arguments.
#include "planner/plan.hpp"

#include "engine/context.hpp"
#include "engine/spec_hash.hpp"

#include <algorithm>
#include <map>
#include <sstream>

namespace dockerops {

namespace {

constexpr std::string_view kKinds[] = {"build", "network", "create", "replace", "start", "remove", "remove-network", "purge-data"};

std::string join(const std::vector<std::string>& v, const std::string& sep = ", ") {
    std::string out;
    for (const auto& s : v) out += (out.empty() ? "" : sep) + s;
    return out;
}

// "10.1.2.0/24" -> "10.1.2."
std::string prefix_of(const std::string& subnet) {
    auto slash = subnet.find('/');
    std::string base = subnet.substr(0, slash);
    auto dot = base.rfind('.');
    return dot == std::string::npos ? base : base.substr(0, dot + 1);
}

std::string state_cause(const ObservedContainer& c) {
    if (c.state == "exited") return "exited (" + std::to_string(c.exit_code) + ")";
    if (c.state == "created") return "created, never started";
    return c.state;
}

// Which files of a build context differ: the image's label holds the digests
// it was built from.
std::string context_cause(const DesiredImage& img, const ObservedImage& seen) {
    auto it = seen.labels.find(labels::kContextFiles);
    if (it == seen.labels.end()) return "context changed";
    std::map<std::string, std::string> before;
    std::istringstream in(it->second);
    for (std::string line; std::getline(in, line);) {
        auto eq = line.rfind('=');
        if (eq != std::string::npos) before[line.substr(0, eq)] = line.substr(eq + 1);
    }
    std::vector<std::string> changed;
    for (const auto& [rel, d] : img.digests) {
        auto b = before.find(rel);
        if (b == before.end() || b->second != d.substr(0, 12)) changed.push_back(rel);
    }
    for (const auto& [rel, _] : before)
        if (!img.digests.count(rel)) changed.push_back(rel + " (removed)");
    std::sort(changed.begin(), changed.end());
    if (changed.empty()) return "build args changed";
    if (changed.size() > 5) {
        std::size_t more = changed.size() - 5;
        changed.resize(5);
        return "context changed: " + join(changed) + " and " + std::to_string(more) + " more";
    }
    return "context changed: " + join(changed);
}

}  // namespace

std::string_view to_string(ActionKind k) { return kKinds[static_cast<int>(k)]; }

std::optional<ActionKind> parse_action_kind(std::string_view s) {
    for (int i = 0; i < 8; ++i) if (kKinds[i] == s) return static_cast<ActionKind>(i);
    return std::nullopt;
}

std::string default_subnet(const std::string& project) {
    std::uint64_t h = fnv1a(project);
    return "10." + std::to_string(100 + h % 90) + "." + std::to_string((h / 90) % 256) + ".0/24";
}

ObservedSummary summarize(const ObservedState& o) {
    ObservedSummary s;
    for (const auto& c : o.containers) {
        std::string addr;
        for (const auto& [net, ip] : c.addresses) addr += (addr.empty() ? "" : ",") + net + "=" + ip;
        s.lines.push_back("container " + c.name + " " + c.id.substr(0, 12) + " " + state_cause(c) + " image " +
                          c.image_id.substr(0, 19) + " spec " + c.label(labels::kSpecHash).substr(0, 12) + " " + addr);
    }
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

Result<Plan> make_plan(const DesiredState& d, const DesiredGraph& graph, const ObservedState& o, const PlanOptions& opt) {
    Plan plan;
    plan.project = d.project;
    plan.warnings = d.warnings;
    plan.observed = summarize(o);

    std::map<std::string, const ObservedContainer*> containers;
    for (const auto& c : o.containers) containers[c.name] = &c;
    std::map<std::string, const ObservedImage*> images;
    for (const auto& i : o.images)
        for (const auto& t : i.tags) images[t] = &i;
    const ObservedNetwork* network = nullptr;
    for (const auto& n : o.networks)
        if (n.name == d.project) network = &n;

    // What is planned: the targets and what they need, or everything.
    std::set<std::string> selected;
    const bool everything = opt.targets.empty() && opt.group.empty();
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
    std::set<std::string> scope = everything ? std::set<std::string>() : graph.closure(selected);
    auto in_scope = [&](const std::string& key) { return everything || scope.count(key); };

    // Addresses: kept where the engine already has them, else the first free one
    // from a position derived from the instance's id. Deterministic for a given
    // observed state, so <ALIAS>_CONTAINER_IP is known now.
    const std::string subnet = network && !network->subnet.empty() ? network->subnet : default_subnet(d.project);
    const std::string prefix = prefix_of(subnet);
    std::map<std::string, std::string> address;   // instance id -> IPv4
    std::set<int> taken{0, 1, 255};
    for (const auto& i : d.instances) {
        auto c = containers.find(i.spec.name);
        if (c == containers.end()) continue;
        auto a = c->second->addresses.find(d.project);
        if (a == c->second->addresses.end() || !a->second.starts_with(prefix)) continue;
        int host = std::atoi(a->second.substr(prefix.size()).c_str());
        if (taken.insert(host).second) address[i.id] = a->second;
    }
    for (const auto& i : d.instances) {
        if (address.count(i.id)) continue;
        int host = 2 + static_cast<int>(fnv1a(i.id) % 253);
        for (int n = 0; n < 256 && taken.count(host); ++n) host = host >= 254 ? 2 : host + 1;
        if (taken.count(host)) return Error{"the project subnet " + subnet + " has no free address left", "project " + d.project};
        taken.insert(host);
        address[i.id] = prefix + std::to_string(host);
    }

    std::map<std::string, int> action_of;   // graph key -> action id
    auto add = [&](Action a) {
        a.id = static_cast<int>(plan.actions.size()) + 1;
        for (const auto& dep : graph.dependencies(a.key)) {
            auto it = action_of.find(dep);
            if (it != action_of.end()) a.depends_on.push_back(it->second);
        }
        std::sort(a.depends_on.begin(), a.depends_on.end());
        action_of[a.key] = a.id;
        plan.actions.push_back(std::move(a));
    };

    std::set<std::string> rebuilt;   // containers whose image is built by this plan
    for (const auto& key : graph.order()) {
        if (!in_scope(key)) continue;
        if (key == network_key()) {
            if (network) continue;
            Action a;
            a.kind = ActionKind::CreateNetwork;
            a.key = key;
            a.object = d.project;
            a.cause = "not found";
            NetworkSpec n = d.network;
            n.subnet = subnet;
            n.gateway = prefix + "1";
            a.network = n;
            add(std::move(a));
        } else if (key.starts_with("image:")) {
            const DesiredImage& img = d.images.at(key.substr(6));
            auto seen = images.find(img.tag);
            std::string cause;
            if (seen == images.end()) cause = "not found";
            else if (seen->second->labels.count(labels::kContextHash) == 0) cause = "not built by dockerops";
            else if (seen->second->labels.at(labels::kContextHash) != img.context_hash) cause = context_cause(img, *seen->second);
            else
                for (const auto& parent : img.parents)
                    if (rebuilt.count(parent)) { cause = "base image " + image_tag(d.project, parent) + " rebuilt"; break; }
            if (cause.empty()) continue;
            rebuilt.insert(img.container);
            Action a;
            a.kind = ActionKind::Build;
            a.key = key;
            a.object = img.tag;
            a.cause = cause;
            a.build = img.build;
            // The digests the image is built from, for the next plan to name changed files.
            std::string files;
            for (const auto& [rel, dg] : img.digests) files += rel + "=" + dg.substr(0, 12) + "\n";
            if (files.size() < 32 * 1024) a.build->labels[labels::kContextFiles] = files;
            add(std::move(a));
        } else {
            const DesiredInstance& di = *d.find(key.substr(9));
            ContainerSpec spec = di.spec;
            spec.ipv4 = address.at(di.id);
            for (const auto& l : di.links) {
                if (!l.external_ip.empty()) spec.env[l.alias + "_CONTAINER_IP"] = l.external_ip;
                else if (address.count(l.target)) spec.env[l.alias + "_CONTAINER_IP"] = address.at(l.target);
            }
            CanonicalSpec canon = canonical_spec(spec, di.secret_keys);
            for (const auto& [k, v] : spec_labels(canon)) spec.labels[k] = v;

            Action a;
            a.key = key;
            a.object = di.id;
            a.sleep = di.sleep;
            auto seen_it = containers.find(spec.name);
            if (seen_it == containers.end()) {
                a.kind = ActionKind::Create;
                a.cause = "not found";
            } else {
                const ObservedContainer& c = *seen_it->second;
                a.target_id = c.id;
                std::vector<std::string> why;
                std::string old_hash = c.label(labels::kSpecHash);
                if (old_hash.empty()) {
                    why.push_back("not made by dockerops (no spec label)");
                } else if (old_hash != spec_hash(canon)) {
                    auto before = canonical_from_json(c.label(labels::kSpec));
                    if (before) for (auto& change : describe_changes(*before, canon)) why.push_back(change);
                    if (why.empty()) why.push_back("spec changed");
                }
                if (rebuilt.count(di.container)) why.push_back("image rebuilt");
                else if (auto img = images.find(spec.image); img != images.end() && !c.image_id.empty() &&
                                                               img->second->id != c.image_id)
                    why.push_back("image " + spec.image + " changed outside dockerops");
                if (why.empty() && c.state == "running") {
                    auto addr = c.addresses.find(d.project);
                    if (addr == c.addresses.end() || addr->second != spec.ipv4) why.push_back("changed by hand: network address");
                    std::set<std::string> want, have;
                    for (const auto& m : spec.mounts) want.insert(m.target);
                    for (const auto& m : c.mounts) have.insert(m.target);
                    if (want != have) why.push_back("changed by hand: mounts");
                }
                if (!why.empty()) {
                    a.kind = ActionKind::Replace;
                    a.cause = join(why);
                } else if (c.state != "running") {
                    a.kind = ActionKind::Start;
                    a.cause = state_cause(c);
                } else {
                    continue;   // as desired
                }
            }
            if (a.kind != ActionKind::Start) a.container = spec;
            a.secret_env.assign(di.secret_keys.begin(), di.secret_keys.end());
            add(std::move(a));
        }
    }

    if (everything) {
        std::set<std::string> wanted;
        for (const auto& i : d.instances) wanted.insert(i.spec.name);
        for (const auto& c : o.containers) {
            if (wanted.count(c.name) || c.label(labels::kProject) != d.project) continue;
            if (c.label(labels::kAdhoc) == "true") {
                plan.warnings.push_back(c.label(labels::kContainer) + "." + c.label(labels::kInstance) +
                                        " was started by 'dockerops run' and is not in the configuration: kept "
                                        "('dockerops clean " + c.label(labels::kContainer) + "." + c.label(labels::kInstance) +
                                        "' removes it)");
                continue;
            }
            Action a;
            a.kind = ActionKind::Remove;
            a.key = "container:" + c.name;
            std::string ci = c.label(labels::kContainer), in = c.label(labels::kInstance);
            a.object = !ci.empty() && !in.empty() && c.name == container_name(d.project, ci, in) ? ci + "." + in : c.name;
            a.cause = c.name.ends_with("-dockerops-old") || c.name.ends_with("-dockerops-new")
                          ? "left over from an interrupted replace"
                          : "not in configuration";
            a.target_id = c.id;
            add(std::move(a));
        }
    }
    return plan;
}

Result<Plan> make_destroy_plan(const std::string& project, const ObservedState& o, const DestroyOptions& opt) {
    Plan plan;
    plan.project = project;
    plan.observed = summarize(o);
    std::set<std::string> matched_targets;
    int kept = 0;
    for (const auto& c : o.containers) {
        if (c.label(labels::kProject) != project) continue;
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
        plan.actions.push_back(a);
        if (opt.purge_data && !ci.empty() && !in.empty()) {
            Action p;
            p.id = static_cast<int>(plan.actions.size()) + 1;
            p.kind = ActionKind::PurgeData;
            p.key = "data:" + id;
            p.object = id;
            p.cause = "--purge-data";
            p.path = opt.data_dir + "/" + ci + "_" + in;
            p.depends_on = {a.id};
            plan.actions.push_back(p);
        }
    }
    for (const auto& t : opt.targets)
        if (!matched_targets.count(t))
            return Error{"no container of the project matches '" + t + "'", "project " + project};
    if (kept == 0) {
        std::vector<int> removals;
        for (const auto& a : plan.actions) if (a.kind == ActionKind::Remove) removals.push_back(a.id);
        for (const auto& n : o.networks) {
            if (n.label(labels::kProject) != project) continue;
            Action a;
            a.id = static_cast<int>(plan.actions.size()) + 1;
            a.kind = ActionKind::RemoveNetwork;
            a.key = "network:" + n.name;
            a.object = n.name;
            a.cause = "nothing left on it";
            a.target_id = n.id;
            a.depends_on = removals;
            plan.actions.push_back(a);
        }
    }
    return plan;
}

std::string summary_line(const Plan& plan) {
    if (plan.empty()) return "No changes.";
    int build = 0, create = 0, replace = 0, start = 0, remove = 0;
    for (const auto& a : plan.actions) {
        switch (a.kind) {
            case ActionKind::Build: ++build; break;
            case ActionKind::CreateNetwork: case ActionKind::Create: ++create; break;
            case ActionKind::Replace: ++replace; break;
            case ActionKind::Start: ++start; break;
            case ActionKind::Remove: case ActionKind::RemoveNetwork: case ActionKind::PurgeData: ++remove; break;
        }
    }
    return "Plan: " + std::to_string(build) + " to build, " + std::to_string(create) + " to create, " +
           std::to_string(replace) + " to replace, " + std::to_string(start) + " to start, " + std::to_string(remove) +
           " to remove.";
}

std::string render_text(const Plan& plan) {
    std::string out;
    for (const auto& w : plan.warnings) out += "warning: " + w + "\n";
    for (const auto& a : plan.actions) {
        std::string verb(to_string(a.kind));
        verb.resize(std::max<std::size_t>(verb.size(), 8), ' ');
        std::string what = a.kind == ActionKind::Build ? "image " + a.object
                         : a.kind == ActionKind::CreateNetwork || a.kind == ActionKind::RemoveNetwork ? "network " + a.object
                         : a.kind == ActionKind::PurgeData ? "data of " + a.object + " (" + a.path + ")"
                         : a.object;
        out += verb + " " + what + ": " + a.cause + "\n";
    }
    if (!plan.actions.empty()) out += "\n";
    return out + summary_line(plan) + "\n";
}

}  // namespace dockerops
