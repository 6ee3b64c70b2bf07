// The deciders of make_plan, one per kind of graph node: the network, an
// image, an instance; and the project's containers nothing stands for.
#include "planner/planning.hpp"

#include "engine/desired/context.hpp"
#include "engine/desired/context_index.hpp"
#include "engine/model/keys.hpp"
#include "engine/model/ownership.hpp"
#include "engine/model/spec_hash.hpp"

#include <algorithm>
#include <cstdlib>
#include <sstream>

namespace dockerops {

namespace {

using namespace planning;

// The digests an image's label holds (rel -> first 12 hex digits).
std::map<std::string, std::string> context_files(const ObservedImage& i) {
    std::map<std::string, std::string> out;
    std::istringstream in(image_label(i, labels::kContextFiles, labels::kLegacyContextFiles));
    for (std::string line; std::getline(in, line);) {
        auto eq = line.rfind('=');
        if (eq != std::string::npos) out[line.substr(0, eq)] = line.substr(eq + 1);
    }
    return out;
}

// "context changed: a, b (removed)" from two sets of digests (compared on
// their first 12 hex digits); "" when equal.
std::string files_cause(const std::map<std::string, std::string>& before, const std::map<std::string, std::string>& after) {
    std::vector<std::string> changed;
    for (const auto& [rel, d] : after) {
        auto b = before.find(rel);
        if (b == before.end() || b->second.substr(0, 12) != d.substr(0, 12)) changed.push_back(rel);
    }
    for (const auto& [rel, _] : before)
        if (!after.count(rel)) changed.push_back(rel + " (removed)");
    std::sort(changed.begin(), changed.end());
    if (changed.empty()) return "";
    if (changed.size() > 5) {
        std::size_t more = changed.size() - 5;
        changed.resize(5);
        return "context changed: " + join(changed) + " and " + std::to_string(more) + " more";
    }
    return "context changed: " + join(changed);
}

// Which files of a build context differ: the digests the image was built
// from are in the context's snapshot of that hash (engine/desired/context_index,
// any size), else in the image's label (per file, or per folder for a large
// context: then the folders are named).
std::string context_cause(const DesiredImage& img, const ObservedImage& seen, const std::string& seen_hash) {
    std::string cause;
    if (auto snapshot = read_context_snapshot(img.index, seen_hash)) cause = files_cause(*snapshot, img.digests);
    else {
        auto before = context_files(seen);
        if (before.empty()) return "context changed";
        if (auto depth = before.find("/depth"); depth != before.end()) {
            const int n = std::atoi(depth->second.c_str());
            before.erase(depth);
            cause = files_cause(before, group_digests(img.digests, n));
        } else {
            cause = files_cause(before, img.digests);
        }
    }
    return cause.empty() ? "build args changed" : cause;
}

// The image under the instance's tag is not the one its container runs. Built
// by dockerops for this project (`dockerops build`): a rebuild, with the
// files that differ when the old image is still there; else made elsewhere.
std::string image_moved_cause(const std::string& tag, const ObservedImage& now, const ObservedContainer& c,
                              const ObservedState& o) {
    if (now.labels.count(labels::kImageProject) == 0 || now.labels.at(labels::kImageProject) != o.project)
        return "image " + tag + " changed outside dockerops";
    for (const auto& old : o.images) {
        if (old.id != c.image_id) continue;
        auto cause = files_cause(context_files(old), context_files(now));
        if (!cause.empty()) return "image rebuilt by dockerops build (" + cause + ")";
    }
    return "image rebuilt by dockerops build";
}

// What the plan adds to the instance's desired spec: its address and its
// links' addresses (action_spec.hpp makes the spec from it, labels included).
// The rolling keys and mode of a service are not the container's
// (decide_instance says so).
std::shared_ptr<const SpecPlacement> placement_of(const DesiredState& d, const DesiredInstance& di, const Addresses& addr,
                                                  const PlanBuilder& b) {
    auto p = std::make_shared<SpecPlacement>();
    p->base = di.spec.share();
    p->services = b.services;
    p->secret_keys = di.secret_keys;
    p->secret_key = b.secret_key;
    // A service has no fixed address: a link reaches it by its DNS name on the overlay.
    if (auto own = addr.of.find(di.id); !b.services && own != addr.of.end()) p->ipv4 = own->second;
    for (const auto& l : di.links) {
        if (!l.external_ip.empty()) p->env.emplace_back(l.alias + "_CONTAINER_IP", l.external_ip);
        else if (b.services && d.find(l.target)) p->env.emplace_back(l.alias + "_CONTAINER_IP", d.find(l.target)->spec->name);
        else if (auto at = addr.of.find(l.target); at != addr.of.end()) p->env.emplace_back(l.alias + "_CONTAINER_IP", at->second);
    }
    return p;
}

// What is not the project's is never touched: a name or a host port it holds
// is a conflict. False when the name itself is held (nothing else is decided).
bool record_conflicts(const DesiredInstance& di, const ContainerSpec& spec, const ObservedIndex& o, PlanBuilder& b) {
    Plan& plan = b.plan;
    if (auto f = o.foreign.find(spec.name); f != o.foreign.end() && !o.containers.count(spec.name) && !b.adopted.count(f->second->id)) {
        plan.conflicts.push_back({di.id, "the name " + spec.name + " is taken by a container dockerops did not create (id " +
                                             f->second->id.substr(0, 12) + ")"});
        return false;
    }
    for (const auto& p : spec.ports) {
        const ObservedContainer* holder = o.port_holder(p);
        if (!holder || b.adopted.count(holder->id)) continue;   // adopted, or said to be docker-compose's already
        plan.conflicts.push_back({di.id, "host port " + (p.host_ip.empty() ? std::string() : p.host_ip + ":") +
                                             std::to_string(p.host_port) + "/" + p.protocol + " is published by container " +
                                             holder->name + " (id " + holder->id.substr(0, 12) +
                                             "), which dockerops did not create"});
    }
    return true;
}

// A replace makes the new container as <name>-dockerops-new and moves the old
// one to <name>-dockerops-old: either name held by a container that is not
// the project's is a conflict, named before anything is touched.
void record_swap_conflicts(const DesiredInstance& di, const std::string& name, const ObservedIndex& o, Plan& plan) {
    for (std::string_view suffix : {kReplaceNewSuffix, kReplaceOldSuffix}) {
        const std::string swap = name + std::string(suffix);
        auto f = o.foreign.find(swap);
        if (f == o.foreign.end() || o.containers.count(swap)) continue;
        plan.conflicts.push_back({di.id, "the name " + swap + ", which replacing " + di.id +
                                             " needs, is taken by a container dockerops did not create (id " +
                                             f->second->id.substr(0, 12) + ")"});
    }
}

// Leftovers of an interrupted replace are removed first: the replace needs their names.
std::vector<int> plan_leftover_removals(const DesiredInstance& di, const std::string& name, const ObservedContainer* seen,
                                        const ObservedIndex& o, PlanBuilder& b) {
    std::vector<int> ids;
    for (std::string_view suffix : {kReplaceNewSuffix, kReplaceOldSuffix}) {
        const std::string leftover = name + std::string(suffix);
        auto it = o.containers.find(leftover);
        if (it == o.containers.end() || it->second == seen) continue;
        Action r;
        r.kind = ActionKind::Remove;
        r.key = "container:" + leftover;
        r.object = leftover;
        r.cause = "left over from an interrupted replace of " + di.id;
        r.target_id = it->second->id;
        r.target_name = leftover;
        ids.push_back(b.add_unkeyed(std::move(r)));
        b.planned_leftovers.insert(leftover);
    }
    return ids;
}

// network_mode "instance:X" shares the network of X's container as it was
// when this one was created: a new container of X (made by this plan, or
// since) has a network of its own, which this one must be made again to join.
std::string shared_network_cause(const DesiredInstance& di, const ContainerSpec& spec, const ObservedContainer& c,
                                 const ObservedIndex& o, const PlanBuilder& b) {
    if (di.network_of.empty() || !spec.extras().network_mode.starts_with("container:")) return {};
    if (auto t = b.action_of.find(instance_key(di.network_of)); t != b.action_of.end()) {
        const ActionKind k = b.plan.actions[static_cast<std::size_t>(t->second - 1)].kind;
        if (k == ActionKind::Create || k == ActionKind::Replace)
            return "network_mode: " + di.network_of + (k == ActionKind::Create ? " is created" : " is replaced") +
                   ", and its network with it";
    }
    const ObservedContainer* now = o.current(spec.extras().network_mode.substr(10));
    if (now && c.network_mode.starts_with("container:") && c.network_mode != "container:" + now->id)
        return "network_mode: " + di.network_of + "'s container was made again since (it shares the old one's network)";
    return {};
}

// volumes_from "instance:X" mounts the volumes X's container had when this
// one was created: a new container of X (made by this plan, or since) has
// volumes of its own (its anonymous ones are new), so this one is made again.
std::vector<std::string> shared_volumes_causes(const DesiredState& d, const DesiredInstance& di, const ObservedContainer& c,
                                               const ObservedIndex& o, const PlanBuilder& b) {
    std::vector<std::string> why;
    for (const auto& source : di.volumes_of) {
        if (auto t = b.action_of.find(instance_key(source)); t != b.action_of.end()) {
            const ActionKind k = b.plan.actions[static_cast<std::size_t>(t->second - 1)].kind;
            if (k == ActionKind::Create || k == ActionKind::Replace) {
                why.push_back("volumes_from: " + source + (k == ActionKind::Create ? " is created" : " is replaced") +
                              ", and its volumes with it");
                continue;
            }
        }
        const DesiredInstance* s = d.find(source);
        const ObservedContainer* now = s ? o.current(s->spec->name) : nullptr;
        if (!now) continue;
        std::set<std::string> mine;
        for (const auto& m : c.mounts) mine.insert(m.source);
        for (const auto& m : now->mounts)
            if (m.type == "volume" && !mine.count(m.source)) {
                why.push_back("volumes_from: " + source + "'s container was made again since (it mounts the old one's volumes)");
                break;
            }
    }
    return why;
}

// The mount points a container has: its own and those of the containers
// whose volumes it mounts.
std::set<std::string> wanted_mount_targets(const DesiredState& d, const DesiredInstance& di, const ContainerSpec& spec,
                                           const ObservedIndex& o) {
    std::set<std::string> want;
    for (const auto& m : spec.mounts) want.insert(m.target);
    for (const auto& source : di.volumes_of)
        if (const DesiredInstance* s = d.find(source))
            if (const ObservedContainer* now = o.current(s->spec->name))
                for (const auto& m : now->mounts) want.insert(m.target);
    return want;
}

// How a service rolls, when the file says: "; rolls 2 at a time, 5s apart,
// stop-first, on failure pause". Nothing when it keeps dockerops's own.
std::string rolling_words(const std::map<std::string, std::string>& u) {
    if (u.empty()) return {};
    std::vector<std::string> parts;
    if (auto p = u.find("parallelism"); p != u.end()) parts.push_back(p->second == "0" ? "all at once" : p->second + " at a time");
    if (auto d = u.find("delay"); d != u.end()) parts.push_back(d->second + " apart");
    if (auto o = u.find("order"); o != u.end()) parts.push_back(o->second);
    if (auto f = u.find("failure_action"); f != u.end()) parts.push_back("on failure " + f->second);
    if (auto m = u.find("monitor"); m != u.end()) parts.push_back("each watched " + m->second);
    std::string out = "; rolls ";
    for (std::size_t k = 0; k < parts.size(); ++k) out += (k ? ", " : "") + parts[k];
    return out;
}

// Why an existing container is not as desired; empty when it is.
std::vector<std::string> replace_causes(const DesiredState& d, const DesiredInstance& di, const ContainerSpec& spec,
                                        const CanonicalSpec& canon, const ObservedContainer& c, const ObservedIndex& o,
                                        PlanBuilder& b) {
    std::vector<std::string> why;
    if (c.name != spec.name) {
        why.push_back("an interrupted replace left it stopped as " + c.name);
        b.planned_leftovers.insert(c.name);   // it stands for the instance: not removed as a leftover
    }
    std::string old_hash = c.label(labels::kSpecHash);
    if (old_hash.empty()) {
        why.push_back("not made by dockerops (no spec label)");
    } else if (old_hash != spec_hash(canon)) {
        auto before = canonical_from_json(c.label(labels::kSpec));
        if (before) for (auto& change : describe_changes(*before, canon)) why.push_back(change);
        if (why.empty()) why.push_back("spec changed");
    }
    if (auto r = b.rebuilt.find(di.container); r != b.rebuilt.end())
        why.push_back(r->second.starts_with("context changed") ? "image rebuilt (" + r->second + ")" : "image rebuilt");
    else if (d.images.at(di.container).pulled) {
        // Taken as it is: the tag now names another image (pulled, or tagged by hand).
        auto now = o.state.image_ids_by_tag.find(spec.image);
        if (now != o.state.image_ids_by_tag.end() && !c.image_id.empty() && now->second != c.image_id)
            why.push_back("image " + spec.image + " now names " + now->second.substr(0, 19));
    } else if (auto img = o.images.find(spec.image); img != o.images.end() && !c.image_id.empty() && img->second->id != c.image_id)
        why.push_back(image_moved_cause(spec.image, *img->second, c, o.state));
    if (auto shared = shared_network_cause(di, spec, c, o, b); !shared.empty()) why.push_back(shared);
    for (auto& shared : shared_volumes_causes(d, di, c, o, b)) why.push_back(std::move(shared));
    if (why.empty() && c.state == "running") {
        auto addr = c.addresses.find(d.project);
        if (!b.services && !spec.ipv4.empty() && (addr == c.addresses.end() || addr->second != spec.ipv4))
            why.push_back("changed by hand: network address");
        for (const auto& net : spec.extras().extra_networks)   // and its own network, when it is not the project's
            if (!b.services && !c.addresses.count(net)) why.push_back("changed by hand: not on network " + net);
        if (!b.services && !spec.network.empty() && spec.network != d.network.name && !c.addresses.count(spec.network))
            why.push_back("changed by hand: not on network " + spec.network);
        const std::set<std::string> want = wanted_mount_targets(d, di, spec, o);
        std::set<std::string> have;
        for (const auto& m : c.mounts) have.insert(m.target);
        if (want != have) why.push_back("changed by hand: mounts");
    }
    if (why.empty() && c.legacy) why.push_back("made by dockerops 0.1 without the ownership label: recreated to add it");
    return why;
}

// A container of the instance with the right spec that is not ready
// (docs/trust.md, "Readiness is state"): what apply does about it, and why.
// Nothing when it is running and ready, or a job that ran to its end.
std::optional<std::pair<ActionKind, std::string>> readiness_action(const ObservedContainer& c, bool job) {
    using R = std::pair<ActionKind, std::string>;
    if (job && c.state == "exited" && c.exit_code == 0) return std::nullopt;   // a job that ran to the end
    if (c.state == "paused") return R{ActionKind::Unpause, "paused"};
    if (c.state == "restarting")
        return R{ActionKind::Wait, "restarting: exited (" + std::to_string(c.exit_code) + "), restarted by its restart policy"};
    if (c.state != "running") return R{ActionKind::Start, state_cause(c)};
    if (job) return R{ActionKind::Wait, "a job still running: waited for its end"};
    // With no health check, one its restart policy restarted is ready once it
    // has run kSettledSeconds; with one, the check says (below).
    if (c.health.empty() && c.restart_count > 0 && c.up_seconds >= 0 && c.up_seconds < kSettledSeconds)
        return R{ActionKind::Wait, "restarted " + std::to_string(c.restart_count) + " time" + (c.restart_count == 1 ? "" : "s") +
                                       " by its restart policy, up " + std::to_string(c.up_seconds) + " s of " +
                                       std::to_string(kSettledSeconds)};
    std::string said;   // the last health check's output, on one line
    for (char ch : c.health_output) said += ch == '\n' || ch == '\r' ? ' ' : ch;
    if (said.size() > 200) said = said.substr(0, 197) + "...";
    if (c.health == "unhealthy") return R{ActionKind::Wait, "unhealthy" + (said.empty() ? "" : "; last health check: " + said)};
    if (c.health == "starting") return R{ActionKind::Wait, "health starting" + (said.empty() ? "" : "; last health check: " + said)};
    return std::nullopt;
}

}  // namespace

namespace planning {

void decide_network(const DesiredState& d, const ObservedIndex& o, const Addresses& addr, PlanBuilder& b,
                    const std::string& name) {
    if (!name.empty()) {   // [networks.NAME]: its subnet as declared, or the engine's
        const auto there = std::find_if(o.state.networks.begin(), o.state.networks.end(),
                                        [&](const ObservedNetwork& n) { return n.name == name; });
        const auto want = std::find_if(d.extra_networks.begin(), d.extra_networks.end(),
                                       [&](const NetworkSpec& n) { return n.name == name; });
        if (there != o.state.networks.end() || want == d.extra_networks.end()) return;
        Action a;
        a.kind = ActionKind::CreateNetwork;
        a.key = network_key(name);
        a.object = name;
        a.cause = "not found" + (want->subnet.empty() ? std::string() : " (subnet " + want->subnet + ")") +
                  (want->internal ? ", internal" : "");
        a.network = *want;
        b.add(std::move(a));
        return;
    }
    if (o.network) return;
    // Every instance on networks of its own: the project network is not made (as compose makes no unused "default").
    if (!d.instances.empty() && std::none_of(d.instances.begin(), d.instances.end(), [&](const DesiredInstance& i) {
            return i.spec->network == d.network.name || std::count(i.spec->extras().extra_networks.begin(), i.spec->extras().extra_networks.end(), d.network.name);
        }))
        return;
    Action a;
    a.kind = ActionKind::CreateNetwork;
    a.key = network_key();
    a.object = d.project;
    a.cause = "not found (subnet " + addr.subnet + ")";
    NetworkSpec n = d.network;
    n.subnet = addr.subnet;
    n.gateway = addr.gateway;
    a.network = n;
    b.add(std::move(a));
}

// `image = "redis:7"`: pulled when missing (or with pull = "always"); an
// image on the engine is used as it is. pull = "never" with the image missing
// was refused before deciding (check_pull_never).
void decide_pulled_image(const DesiredImage& img, const ObservedIndex& o, PlanBuilder& b) {
    const bool present = o.state.image_ids_by_tag.count(img.tag) > 0;
    std::string cause;
    if (img.pull == PullPolicy::Always) cause = "pull = \"always\"";
    else if (!present && img.pull != PullPolicy::Never) cause = "not on the engine";
    if (cause.empty()) return;
    Action a;
    a.kind = ActionKind::Pull;
    a.key = image_key(img.container);
    a.object = img.tag;
    a.cause = cause;
    b.add(std::move(a));
}

void decide_image(const DesiredState& d, const DesiredImage& img, const ObservedIndex& o, PlanBuilder& b) {
    if (img.pulled) return decide_pulled_image(img, o, b);
    auto seen = o.images.find(img.tag);
    std::string cause;
    const std::string hash = seen == o.images.end() ? std::string()
                                                    : image_label(*seen->second, labels::kContextHash, labels::kLegacyContextHash);
    if (seen == o.images.end()) cause = "not found";
    else if (hash.empty()) cause = "not built by dockerops";
    else if (hash != img.context_hash) cause = context_cause(img, *seen->second, hash);
    else
        for (const auto& parent : img.parents)
            if (b.rebuilt.count(parent)) { cause = "base image " + d.images.at(parent).tag + " rebuilt"; break; }
    if (cause.empty()) return;
    b.rebuilt[img.container] = cause;
    Action a;
    a.kind = ActionKind::Build;
    a.key = image_key(img.container);
    a.object = img.tag;
    a.cause = cause;
    a.build = build_spec_of(img);
    const int build = b.add(std::move(a));
    if (!b.services) remove_superseded(d, img, o, b, build);
}

static std::string short_image_id(const std::string& id) {
    return (id.starts_with("sha256:") ? id.substr(7) : id).substr(0, 12);
}

// The earlier builds of an image that this rebuild supersedes: once it is
// built, the image it replaces (tagged now) is the one kept for rollback, and
// the project's older untagged builds of it go, but never one a container of
// the project still runs from (the engine refuses to delete one that any
// other container uses, and the executor keeps it then).
void remove_superseded(const DesiredState& d, const DesiredImage& img, const ObservedIndex& o, PlanBuilder& b, int build) {
    for (const auto& i : o.state.images) {
        if (!i.tags.empty() || !image_is_ours(i, d.project) || image_label(i, labels::kImageContainer, "") != img.container) continue;
        const bool used = std::any_of(o.state.containers.begin(), o.state.containers.end(),
                                      [&](const ObservedContainer& c) { return c.image_id == i.id; });
        if (used) continue;
        Action r;
        r.kind = ActionKind::RemoveImage;
        r.key = "image-ref:" + i.id;
        r.object = short_image_id(i.id);
        r.cause = std::string(kSupersededCause) + img.tag + " (the build it replaces is kept, for rollback)";
        r.target_id = i.id;
        r.target_name = img.tag;   // what the rebuild tags: a cached rebuild can give this same image back
        r.depends_on = {build};
        b.add_unkeyed(std::move(r));
    }
}

// docker-compose's container of this instance (same project, service and
// number): with --adopt it is removed before dockerops's own is made (its
// named volumes stay: the same <project>_<name> is mounted again); without,
// it is a conflict that says so. The adoption actions' ids.
std::vector<int> decide_adoption(const DesiredState& d, const DesiredInstance& di, const ObservedIndex& o, PlanBuilder& b) {
    std::vector<int> ids;
    if (!d.compose) return ids;
    for (const auto& f : o.state.foreign) {
        const std::string number = f.label("com.docker.compose.container-number");
        if (f.label("com.docker.compose.project") != d.project || f.label("com.docker.compose.service") != di.container ||
            (number.empty() ? std::string("1") : number) != di.name)
            continue;
        b.adopted.insert(f.id);
        if (!d.adopt) {
            b.plan.conflicts.push_back({di.id, "container " + f.name + " was made by docker-compose for this project (service " +
                                                   di.container + "): 'apply --adopt' replaces it with dockerops's own, keeping its named volumes"});
            continue;
        }
        Action a;
        a.kind = ActionKind::Adopt;
        a.key = "adopt:" + f.name;
        a.object = f.name;
        a.cause = "made by docker-compose (service " + di.container + "); replaced by " + di.id + ", its named volumes kept";
        a.target_id = f.id;
        a.target_name = f.name;
        ids.push_back(b.add_unkeyed(std::move(a)));
    }
    return ids;
}

// A service made in one mode (replicated, global) and now wanted in the other.
bool mode_changed(const ObservedContainer& seen, const CanonicalSpec& canon) {
    auto before = canonical_from_json(seen.label(labels::kSpec));
    if (!before) return false;
    auto mode = [](const CanonicalSpec& c) { auto m = c.find("mode"); return m == c.end() ? std::string() : m->second; };
    return mode(*before) != mode(canon);
}

void decide_instance(const DesiredState& d, const DesiredInstance& di, const ObservedIndex& o, const Addresses& addr,
                     PlanBuilder& b) {
    std::shared_ptr<const SpecPlacement> placement = placement_of(d, di, addr, b);
    const ContainerSpec& desired = *di.spec;   // its name and ports: the placement changes neither
    const std::vector<int> adopted = decide_adoption(d, di, o, b);
    if (!record_conflicts(di, desired, o, b)) return;
    if (!b.services && !desired.extras().node.empty())
        b.plan.warnings.push_back(di.id + ": node is for target \"swarm\"; target docker runs the container on its one engine");
    if (!b.services)
        for (const auto& [key, rolls] : {std::pair{"update", &di.spec->extras().update}, std::pair{"rollback", &di.spec->extras().rollback}})
            if (!rolls->empty())
                b.plan.warnings.push_back(di.id + ": " + key + " is for target \"swarm\"; target docker replaces a container in one step");
    if (!b.services && !di.spec->extras().mode.empty())
        b.plan.warnings.push_back(di.id + ": mode \"" + di.spec->extras().mode + "\" is for target \"swarm\"; target docker runs one container");
    const ObservedContainer* seen = o.current(desired.name);
    std::vector<int> leftovers = plan_leftover_removals(di, desired.name, seen, o, b);
    leftovers.insert(leftovers.end(), adopted.begin(), adopted.end());
    Action a;
    a.key = instance_key(di.id);
    a.object = di.id;
    a.sleep = di.sleep;
    if (!seen) {
        a.kind = ActionKind::Create;
        a.cause = "not found";
        a.container = ActionSpec(placement);   // made when asked for: a plan of many creates keeps no copies
    } else {
        CanonicalSpec canon;
        ContainerSpec spec = place(*placement, &canon);
        a.target_id = seen->id;
        a.target_name = seen->name;
        std::vector<std::string> why = replace_causes(d, di, spec, canon, *seen, o, b);
        if (why.empty() && d.force_recreate) why.push_back("--force-recreate");
        if (!why.empty() && b.services && mode_changed(*seen, canon)) {
            a.kind = ActionKind::Replace;   // Swarm cannot change a service's mode in an update
            a.cause = join(why) + "; a service's mode cannot change in place: it is removed, then made again";
        } else if (!why.empty()) {
            a.kind = b.services ? ActionKind::Update : ActionKind::Replace;
            a.cause = join(why) + (b.services ? rolling_words(spec.extras().update) : std::string());
            if (a.kind == ActionKind::Replace) record_swap_conflicts(di, spec.name, o, b.plan);
        } else if (b.services && seen->state != "running") {
            a.kind = ActionKind::Update;   // rescheduled: the service's tasks are replaced where they can run
            a.cause = seen->detail.empty() ? seen->state : seen->detail;
        } else if (auto r = b.services ? std::nullopt : readiness_action(*seen, di.job)) {
            a.kind = r->first;
            a.cause = r->second;
        } else {
            return;   // as desired, and ready
        }
        if (a.kind == ActionKind::Replace || a.kind == ActionKind::Update) a.container = std::move(spec);
    }
    a.ready_timeout = di.ready_timeout;
    a.attach = di.attach && a.kind == ActionKind::Create;
    a.job = di.job;
    a.secret_env.assign(di.secret_keys.begin(), di.secret_keys.end());
    if (a.kind == ActionKind::Create || a.kind == ActionKind::Replace)
        leftovers.insert(leftovers.end(), b.seed_removals.begin(), b.seed_removals.end());
    b.add(std::move(a), leftovers);
}

void decide_seed_leftovers(const DesiredState& d, const ObservedIndex& o, PlanBuilder& b) {
    const std::string prefix = d.project + "-dockerops-seed-";
    for (const auto& c : o.state.containers) {   // the project's own only: a foreign one is refused by the seed itself
        if (!c.name.starts_with(prefix)) continue;
        Action r;
        r.kind = ActionKind::Remove;
        r.key = "container:" + c.name;
        r.object = c.name;
        r.cause = "left over from an interrupted seed";
        r.target_id = c.id;
        r.target_name = c.name;
        b.seed_removals.push_back(b.add_unkeyed(std::move(r)));
        b.planned_leftovers.insert(c.name);
    }
}

void decide_orphans(const DesiredState& d, const ObservedIndex& o, PlanBuilder& b) {
    std::set<std::string> wanted;
    for (const auto& i : d.instances) wanted.insert(i.spec->name);
    for (const auto& c : o.state.containers) {
        if (wanted.count(c.name) || b.planned_leftovers.count(c.name)) continue;
        const std::string ci = c.label(labels::kContainer), in = c.label(labels::kInstance);
        if (d.dormant.count(ci)) continue;   // a profile that is not active: neither created nor removed
        if (c.label(labels::kAdhoc) == "true") {
            b.plan.warnings.push_back(ci + "." + in + " was started by 'dockerops run' and is not in the configuration: kept "
                                      "('dockerops clean " + ci + "." + in + "' removes it)");
            continue;
        }
        Action a;
        a.kind = ActionKind::Remove;
        a.key = "container:" + c.name;
        const bool stepped_aside = c.name.ends_with(kReplaceOldSuffix) || c.name.ends_with(kReplaceNewSuffix);
        a.object = !ci.empty() && !in.empty() && !stepped_aside ? ci + "." + in : c.name;
        a.cause = c.name.ends_with(kReplaceOldSuffix) || c.name.ends_with(kReplaceNewSuffix)
                      ? "left over from an interrupted replace"
                      : "not in configuration";
        a.target_id = c.id;
        a.target_name = c.name;
        if (!d.secrets_dir.empty() && !ci.empty() && !in.empty() && a.object == ci + "." + in)
            a.path = d.secrets_dir + "/" + ci + "_" + in;
        b.add(std::move(a));
    }
}

}  // namespace planning
}  // namespace dockerops
