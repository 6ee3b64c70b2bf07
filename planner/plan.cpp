// make_plan: desired + observed -> actions with causes. Pure: everything it
// needs is in its arguments.
#include "planner/plan.hpp"

#include "engine/desired/context.hpp"
#include "util/hash.hpp"
#include "engine/model/ownership.hpp"
#include "engine/model/spec_hash.hpp"

#include <algorithm>
#include <map>
#include <sstream>

namespace dockerops {

namespace {

constexpr std::string_view kKinds[] = {"build", "network", "create", "replace", "start", "remove", "remove-network", "purge-data",
                                       "remove-image", "remove-volume"};

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

// An image label under this version's key, or 0.1's.
std::string image_label(const ObservedImage& i, const char* key, const char* legacy_key) {
    auto it = i.labels.find(key);
    if (it != i.labels.end()) return it->second;
    it = i.labels.find(legacy_key);
    return it == i.labels.end() ? std::string() : it->second;
}

constexpr std::string_view kNewSuffix = "-dockerops-new";
constexpr std::string_view kOldSuffix = "-dockerops-old";

std::string state_cause(const ObservedContainer& c) {
    if (c.state == "exited") return "exited (" + std::to_string(c.exit_code) + ")";
    if (c.state == "created") return "created, never started";
    return c.state;
}

// Which files of a build context differ: the image's label holds the digests
// it was built from.
std::string context_cause(const DesiredImage& img, const ObservedImage& seen) {
    const std::string files = image_label(seen, labels::kContextFiles, labels::kLegacyContextFiles);
    if (files.empty()) return "context changed";
    std::map<std::string, std::string> before;
    std::istringstream in(files);
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
    for (int i = 0; i < static_cast<int>(std::size(kKinds)); ++i) if (kKinds[i] == s) return static_cast<ActionKind>(i);
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

Result<Plan> make_plan(const DesiredState& d, const DesiredGraph& graph, const ObservedState& o, const PlanOptions& opt) {
    Plan plan;
    plan.project = d.project;
    plan.warnings = d.warnings;
    plan.observed = summarize(o);

    std::map<std::string, const ObservedContainer*> containers;   // the project's own, by name
    for (const auto& c : o.containers) containers[c.name] = &c;
    std::map<std::string, const ObservedContainer*> foreign;
    for (const auto& c : o.foreign) foreign[c.name] = &c;
    // An interrupted replace leaves <name>-dockerops-new (made, not yet in
    // place) and <name>-dockerops-old (stopped, renamed away). Where <name>
    // itself is gone, the old one stands for it: its address is kept and the
    // replace puts a container back under the name.
    auto current = [&](const std::string& name) -> const ObservedContainer* {
        if (auto it = containers.find(name); it != containers.end()) return it->second;
        if (auto it = containers.find(name + std::string(kOldSuffix)); it != containers.end()) return it->second;
        return nullptr;
    };
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
        const ObservedContainer* c = current(i.spec.name);
        if (!c) continue;
        auto a = c->addresses.find(d.project);
        if (a == c->addresses.end() || !a->second.starts_with(prefix)) continue;
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
    std::set<std::string> planned_leftovers;   // names of leftovers removed before their instance's action
    // Published host ports held by containers that are not the project's.
    auto port_holder = [&](const PortSpec& p) -> const ObservedContainer* {
        if (!p.publish || p.host_port == 0) return nullptr;
        for (const auto& f : o.foreign)
            for (const auto& fp : f.ports) {
                if (fp.host_port != p.host_port || fp.protocol != p.protocol) continue;
                auto any = [](const std::string& ip) { return ip.empty() || ip == "0.0.0.0" || ip == "::"; };
                if (any(fp.host_ip) || any(p.host_ip) || fp.host_ip == p.host_ip) return &f;
            }
        return nullptr;
    };
    auto plan_instance = [&](const DesiredInstance& di) {
        ContainerSpec spec = di.spec;
        spec.ipv4 = address.at(di.id);
        for (const auto& l : di.links) {
            if (!l.external_ip.empty()) spec.env[l.alias + "_CONTAINER_IP"] = l.external_ip;
            else if (address.count(l.target)) spec.env[l.alias + "_CONTAINER_IP"] = address.at(l.target);
        }
        CanonicalSpec canon = canonical_spec(spec, di.secret_keys, d.secret_key);
        for (const auto& [k, v] : spec_labels(canon)) spec.labels[k] = v;

        // What is not ours is never touched: a name or a port it holds is a conflict.
        if (auto f = foreign.find(spec.name); f != foreign.end() && !containers.count(spec.name)) {
            plan.conflicts.push_back({di.id, "the name " + spec.name + " is taken by a container dockerops did not create (id " +
                                                 f->second->id.substr(0, 12) + ")"});
            return;
        }
        const std::string key = instance_key(di.id);
        const ObservedContainer* seen = current(spec.name);
        for (const auto& p : spec.ports) {
            const ObservedContainer* holder = port_holder(p);
            if (!holder) continue;
            plan.conflicts.push_back({di.id, "host port " + (p.host_ip.empty() ? std::string() : p.host_ip + ":") +
                                                 std::to_string(p.host_port) + "/" + p.protocol + " is published by container " +
                                                 holder->name + " (id " + holder->id.substr(0, 12) +
                                                 "), which dockerops did not create"});
        }

        // Leftovers of an interrupted replace go first: the replace needs their names.
        std::vector<int> leftover_ids;
        for (std::string_view suffix : {kNewSuffix, kOldSuffix}) {
            const std::string name = spec.name + std::string(suffix);
            auto it = containers.find(name);
            if (it == containers.end() || it->second == seen) continue;
            Action r;
            r.id = static_cast<int>(plan.actions.size()) + 1;
            r.kind = ActionKind::Remove;
            r.key = "container:" + name;
            r.object = name;
            r.cause = "left over from an interrupted replace of " + di.id;
            r.target_id = it->second->id;
            r.target_name = name;
            plan.actions.push_back(r);
            leftover_ids.push_back(r.id);
            planned_leftovers.insert(name);
        }

        Action a;
        a.key = key;
        a.object = di.id;
        a.sleep = di.sleep;
        if (!seen) {
            a.kind = ActionKind::Create;
            a.cause = "not found";
        } else {
            const ObservedContainer& c = *seen;
            a.target_id = c.id;
            a.target_name = c.name;
            std::vector<std::string> why;
            if (c.name != spec.name) {
                why.push_back("an interrupted replace left it stopped as " + c.name);
                planned_leftovers.insert(c.name);   // it stands for the instance: not removed as a leftover
            }
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
            if (why.empty() && c.legacy)
                why.push_back("made by dockerops 0.1 without the ownership label: recreated to add it");
            if (!why.empty()) {
                a.kind = ActionKind::Replace;
                a.cause = join(why);
            } else if (c.state != "running") {
                a.kind = ActionKind::Start;
                a.cause = state_cause(c);
            } else {
                return;   // as desired
            }
        }
        if (a.kind != ActionKind::Start) a.container = spec;
        a.secret_env.assign(di.secret_keys.begin(), di.secret_keys.end());
        a.id = static_cast<int>(plan.actions.size()) + 1;
        for (const auto& dep : graph.dependencies(a.key))
            if (auto it = action_of.find(dep); it != action_of.end()) a.depends_on.push_back(it->second);
        a.depends_on.insert(a.depends_on.end(), leftover_ids.begin(), leftover_ids.end());
        std::sort(a.depends_on.begin(), a.depends_on.end());
        action_of[a.key] = a.id;
        plan.actions.push_back(std::move(a));
    };
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
            else if (image_label(*seen->second, labels::kContextHash, labels::kLegacyContextHash).empty())
                cause = "not built by dockerops";
            else if (image_label(*seen->second, labels::kContextHash, labels::kLegacyContextHash) != img.context_hash)
                cause = context_cause(img, *seen->second);
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
            plan_instance(*d.find(key.substr(9)));
        }
    }

    if (everything) {
        std::set<std::string> wanted;
        for (const auto& i : d.instances) wanted.insert(i.spec.name);
        for (const auto& c : o.containers) {
            if (wanted.count(c.name) || planned_leftovers.count(c.name)) continue;
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
            a.cause = c.name.ends_with(kOldSuffix) || c.name.ends_with(kNewSuffix) ? "left over from an interrupted replace"
                                                                                   : "not in configuration";
            a.target_id = c.id;
            a.target_name = c.name;
            if (!d.secrets_dir.empty() && !ci.empty() && !in.empty() && a.object == ci + "." + in)
                a.path = d.secrets_dir + "/" + ci + "_" + in;
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
    // What goes once the containers are gone: each after every container removal.
    std::vector<int> container_removals;
    for (const auto& a : plan.actions) if (a.kind == ActionKind::Remove) container_removals.push_back(a.id);
    auto after_containers = [&](ActionKind kind, const std::string& key, const std::string& object, const std::string& cause,
                                const std::string& target) {
        Action a;
        a.id = static_cast<int>(plan.actions.size()) + 1;
        a.kind = kind;
        a.key = key;
        a.object = object;
        a.cause = cause;
        a.target_id = target;
        a.depends_on = container_removals;
        plan.actions.push_back(std::move(a));
    };
    if (opt.purge_data && opt.targets.empty())
        for (const auto& v : opt.volumes)
            if (v.labels.count(labels::kOwner) && v.labels.at(labels::kOwner) == volume_owner_token(project, v.name))
                after_containers(ActionKind::RemoveVolume, "volume:" + v.name, v.name, "--purge-data", v.name);
    if (opt.remove_images && opt.targets.empty()) {
        for (const auto& i : o.images) {
            if (!image_is_ours(i, project)) continue;
            if (i.tags.empty())   // dangling: left by an earlier build
                after_containers(ActionKind::RemoveImage, "image-ref:" + i.id, i.id, "--rmi (dangling, from an earlier build)", i.id);
            for (const auto& t : i.tags)
                if (t.starts_with(project + "/")) after_containers(ActionKind::RemoveImage, "image-ref:" + t, t, "--rmi", t);
        }
    }
    if (kept == 0)
        for (const auto& n : o.networks)
            if (network_is_ours(n, project))
                after_containers(ActionKind::RemoveNetwork, "network:" + n.name, n.name, "nothing left on it", n.id);
    return plan;
}

std::string summary_line(const Plan& plan) {
    if (plan.empty() && plan.conflicts.empty()) return "No changes.";
    int build = 0, create = 0, replace = 0, start = 0, remove = 0;
    for (const auto& a : plan.actions) {
        switch (a.kind) {
            case ActionKind::Build: ++build; break;
            case ActionKind::CreateNetwork: case ActionKind::Create: ++create; break;
            case ActionKind::Replace: ++replace; break;
            case ActionKind::Start: ++start; break;
            case ActionKind::Remove: case ActionKind::RemoveNetwork: case ActionKind::PurgeData:
            case ActionKind::RemoveImage: case ActionKind::RemoveVolume: ++remove; break;
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
                         : a.kind == ActionKind::RemoveImage ? "image " + a.object
                         : a.kind == ActionKind::RemoveVolume ? "volume " + a.object
                         : a.object;
        out += verb + " " + what + ": " + a.cause + "\n";
    }
    for (const auto& c : plan.conflicts) out += "conflict  " + c.object + ": " + c.message + "\n";
    if (!plan.actions.empty() || !plan.conflicts.empty()) out += "\n";
    out += summary_line(plan) + "\n";
    if (!plan.conflicts.empty())
        out += std::to_string(plan.conflicts.size()) + (plan.conflicts.size() == 1 ? " conflict" : " conflicts") +
               ": apply refuses this plan; dockerops never touches what it did not create.\n";
    return out;
}

}  // namespace dockerops
