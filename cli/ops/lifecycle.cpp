// stop, start, restart, pause, unpause, kill: the project's containers acted
// on in place, as `docker compose stop|start|restart|pause|unpause|kill` do.
// Nothing is created or removed: a stopped, killed or paused instance is drift
// for the next plan (`start web.one: exited`, `unpause web.one: paused`).
#include "cli/ops/ops.hpp"
#include "cli/ops/steps.hpp"
#include "engine/model/runtime.hpp"

#include <chrono>
#include <cstdio>
#include <set>

namespace dockerops::ops {

namespace {

std::string seconds_since(std::chrono::steady_clock::time_point t0) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f s", std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    return buf;
}

// Instances in dependency order (what an instance links to or depends_on
// first, as apply starts them); `reverse` for stops.
std::vector<const ObservedContainer*> in_link_order(const Project& p, std::vector<const ObservedContainer*> chosen, bool reverse) {
    std::vector<const ObservedContainer*> out;
    std::set<std::string> placed;
    auto id_of = [](const ObservedContainer* c) { return c->label(labels::kContainer) + "." + c->label(labels::kInstance); };
    std::set<std::string> wanted;
    for (const auto* c : chosen) wanted.insert(id_of(c));
    while (!chosen.empty()) {
        std::size_t before = chosen.size();
        for (auto it = chosen.begin(); it != chosen.end();) {
            const Instance* inst = p.find_instance(id_of(*it));
            bool ready = true;
            if (inst) {
                for (const auto& l : inst->links)
                    if (!l.external && wanted.count(l.target_id()) && !placed.count(l.target_id())) ready = false;
                for (const auto& d : inst->depends_on)
                    if (wanted.count(d.target) && !placed.count(d.target)) ready = false;
            }
            if (ready) {
                placed.insert(id_of(*it));
                out.push_back(*it);
                it = chosen.erase(it);
            } else {
                ++it;
            }
        }
        if (chosen.size() == before) {   // a cycle (refused by validate): the rest as they are
            out.insert(out.end(), chosen.begin(), chosen.end());
            break;
        }
    }
    if (reverse) std::reverse(out.begin(), out.end());
    return out;
}

// A job is an instance something depends_on "completed": its start has
// succeeded when it has run to its end with exit 0, as in apply.
bool is_job(const Project& p, const std::string& id) {
    for (const auto& i : p.instances)
        for (const auto& d : i.depends_on)
            if (d.target == id && d.condition == Condition::Completed) return true;
    return false;
}

// Started, then waited for as apply waits (readiness, or a job's exit 0),
// within the instance's ready_timeout.
Status start_and_wait(Provider& e, const Project& p, const ObservedContainer& c, const std::string& id) {
    const Instance* inst = p.find_instance(id);
    const bool job = is_job(p, id);
    std::chrono::milliseconds timeout = job ? std::chrono::milliseconds(std::chrono::minutes(30)) : std::chrono::seconds(120);
    if (inst && inst->runtime.ready_timeout_ms) timeout = std::chrono::milliseconds(*inst->runtime.ready_timeout_ms);
    if (auto st = e.start_container(c.id); !st) return st;
    if (!job) return e.wait_ready(c.id, timeout);
    auto code = e.wait_exit(c.id, timeout);
    if (!code) return code.error();
    if (*code == 0) return ok_status();
    auto tail = e.logs_tail(c.id, 10);
    std::string out = tail ? *tail : std::string();
    while (!out.empty() && out.back() == '\n') out.pop_back();
    return Error{"the job exited (" + std::to_string(*code) + ")" + (out.empty() ? "" : "; its last output:\n" + out), id};
}

// pause, unpause, kill: one engine call each, in the order given; an instance
// not in the state the verb needs is said and passed over, as stop does.
int signal_verb(Session& s, Provider& e, const std::vector<const ObservedContainer*>& chosen, const LifecycleRequest& r) {
    if (r.verb == Lifecycle::Kill && !valid_signal(r.signal))
        return fail(s.ui, Error{"'" + r.signal + "' is not a signal (SIGKILL, HUP, 9)"});
    int failed = 0;
    for (const auto* c : chosen) {
        const std::string name = c->label(labels::kContainer) + "." + c->label(labels::kInstance);
        const bool paused = c->state == "paused", running = c->state == "running" || c->state == "restarting";
        Status st = ok_status();
        std::string did;
        if (r.verb == Lifecycle::Pause) {
            if (!running) { s.ui.out(name + (paused ? " is paused already\n" : " is not running (" + c->state + ")\n")); continue; }
            st = e.pause_container(c->id), did = "paused " + name;
        } else if (r.verb == Lifecycle::Unpause) {
            if (!paused) { s.ui.out(name + " is not paused (" + c->state + ")\n"); continue; }
            st = e.unpause_container(c->id), did = "unpaused " + name;
        } else {
            if (!running) { s.ui.out(name + " is not running (" + c->state + ")\n"); continue; }
            st = e.kill_container(c->id, r.signal), did = "sent " + r.signal + " to " + name;
        }
        if (st) s.ui.out(did + "\n");
        else ++failed, s.ui.err(name + ": " + st.error().text() + "\n");
    }
    if (!failed) return kExitOk;
    s.ui.err(std::to_string(failed) + (failed == 1 ? " instance" : " instances") + " failed\n");
    return kExitError;
}

}  // namespace

int lifecycle(Session& s, const LifecycleRequest& r) {
    auto ob = load_and_observe(s, r.where);
    if (!ob) return fail(s.ui, ob.error());
    const Project& p = ob->project;
    std::set<std::string> group_ids;
    if (!r.group.empty()) {
        for (const auto& i : p.instances)
            if (i.group == r.group) group_ids.insert(i.id());
        if (group_ids.empty()) return fail(s.ui, Error{"no instance is in group '" + r.group + "'", "project " + p.name});
    }
    auto selected = select_instances(*ob, r.targets, group_ids);
    if (!selected) return fail(s.ui, selected.error());
    const std::vector<const ObservedContainer*>& chosen = *selected;
    if (chosen.empty()) {
        s.ui.out("No instance of project '" + p.name + "' exists: nothing to do (apply creates them).\n");
        return kExitOk;
    }
    Provider& e = *ob->engine;
    if (e.traits().services)
        return fail(s.ui, Error{"stop, start, restart, pause, unpause and kill act on containers of one engine; on target "
                                "swarm a service's tasks are the swarm's to run (replicas = 0 and apply stops them, destroy "
                                "removes them)",
                                "project " + p.name});
    if (r.verb == Lifecycle::Pause || r.verb == Lifecycle::Unpause || r.verb == Lifecycle::Kill) return signal_verb(s, e, chosen, r);
    int failed = 0;
    auto name_of = [](const ObservedContainer* c) { return c->label(labels::kContainer) + "." + c->label(labels::kInstance); };
    auto report = [&](const ObservedContainer* c, const std::string& did, const Status& st, std::chrono::steady_clock::time_point t0) {
        if (st) {
            s.ui.out(did + " " + name_of(c) + " (" + seconds_since(t0) + ")\n");
        } else {
            ++failed;
            s.ui.err(name_of(c) + ": " + st.error().text() + "\n");
        }
        return static_cast<bool>(st);
    };
    if (r.verb != Lifecycle::Start)
        for (const auto* c : in_link_order(p, chosen, true)) {
            if (c->state != "running" && c->state != "restarting") {
                if (r.verb == Lifecycle::Stop) s.ui.out(name_of(c) + " is not running (" + c->state + ")\n");
                continue;
            }
            auto t0 = std::chrono::steady_clock::now();
            report(c, "stopped", e.stop_container(c->id, std::chrono::seconds(-1)), t0);
        }
    // What failed to start holds back what links to it or depends on it, as in apply.
    std::set<std::string> not_up;
    auto blocker = [&](const std::string& id) -> std::string {
        const Instance* inst = p.find_instance(id);
        if (!inst) return {};
        for (const auto& l : inst->links)
            if (!l.external && not_up.count(l.target_id())) return l.target_id();
        for (const auto& d : inst->depends_on)
            if (not_up.count(d.target)) return d.target;
        return {};
    };
    if (r.verb != Lifecycle::Stop)
        for (const auto* c : in_link_order(p, chosen, false)) {
            if (r.verb == Lifecycle::Start && c->state == "running") {
                s.ui.out(name_of(c) + " is running already\n");
                continue;
            }
            if (std::string b = blocker(name_of(c)); !b.empty()) {
                ++failed;
                not_up.insert(name_of(c));
                s.ui.err(name_of(c) + ": not started: it needs " + b + ", which did not start\n");
                continue;
            }
            auto t0 = std::chrono::steady_clock::now();
            if (!report(c, "started", start_and_wait(e, p, *c, name_of(c)), t0)) not_up.insert(name_of(c));
        }
    if (failed) {
        s.ui.err(std::to_string(failed) + (failed == 1 ? " instance" : " instances") + " failed\n");
        return kExitError;
    }
    return kExitOk;
}

}  // namespace dockerops::ops
