// `dockerops run`: one instance (declared, or ad hoc for this run), planned
// and carried out like any change; a terminal instance is an attached create,
// on the caller's terminal and removed when it ends.
#include "cli/ops/ops.hpp"
#include "cli/ops/steps.hpp"

#include <algorithm>
#include <random>

namespace dockerops::ops {

namespace {

std::string random_name() {
    static const char* alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
    std::random_device rd;
    std::string out = "x";
    for (int i = 0; i < 4; ++i) out += alphabet[rd() % 36];
    return out;
}

bool is_terminal_type(InstanceType t) { return t == InstanceType::Interactive || t == InstanceType::Safemode; }

// The instances of `container` the run is about (the one named, or all the
// declared ones; an ad-hoc one when none is declared), with the type and
// switches of this run. Returns their ids.
std::vector<std::string> select_for_run(Project& p, const std::string& container, const std::string& instance,
                                        const RunRequest& r) {
    std::vector<std::string> ids;
    for (const auto& i : p.instances)
        if (i.container == container && (instance.empty() || i.name == instance)) ids.push_back(i.id());
    if (ids.empty()) {
        // Not in the file: an ad-hoc instance, for this run only.
        Instance adhoc = adhoc_instance(container, instance.empty() ? random_name() : instance, r.type);
        ids.push_back(adhoc.id());
        p.instances.push_back(std::move(adhoc));
        std::sort(p.instances.begin(), p.instances.end(), [](auto& a, auto& b) { return a.id() < b.id(); });
    }
    for (auto& i : p.instances) {
        if (std::find(ids.begin(), ids.end(), i.id()) == ids.end()) continue;
        if (r.type) i.change_type(*r.type);
        for (const auto& [k, v] : r.sets) *switch_field(i.switches, k) = v;
    }
    return ids;
}

}  // namespace

int run(Session& s, const RunRequest& r) {
    if (r.target == "all") {   // the seed's run:all: everything declared, without asking
        ApplyFlags flags = r.flags;
        flags.yes = true;
        return apply(s, ApplyRequest{r.where, {}, "", flags});
    }
    std::string container = r.target, instance;
    if (auto dot = r.target.find('.'); dot != std::string::npos) {
        container = r.target.substr(0, dot);
        instance = r.target.substr(dot + 1);
    }
    if (r.instance) instance = *r.instance;
    auto p = load_or_report(s, r.where, Changes::Yes);
    if (!p) return kExitError;
    if (!p->containers.count(container))
        return fail(s.ui, Error{"no container '" + container + "' (" + suggest(container, p->container_names(), "containers") + ")",
                                "project " + p->name});
    const std::vector<std::string> ids = select_for_run(*p, container, instance, r);
    bool terminal = false;
    for (const auto& id : ids) terminal = terminal || is_terminal_type(p->find_instance(id)->type);
    auto d = compile_with_prompts(s, *p, CompileOptions{true});
    if (!d) return fail(s.ui, d.error());
    auto engine = connect(s);
    if (!engine) return fail(s.ui, engine.error());
    if (terminal && ids.size() != 1) return fail(s.ui, Error{"an interactive run is for one instance: name it with --instance"});
    auto lock = take_lock(s, **engine, d->project, r.flags);
    if (!lock) return fail(s.ui, lock.error());
    auto plan = plan_against(**engine, *d, ids, "");
    if (!plan) return fail(s.ui, plan.error());
    if (!terminal) {
        s.ui.out(render_text(*plan, {s.ui.color}));
        if (plan->empty()) return kExitOk;
        s.ui.out("\n");
        return carry_out(s, *plan, r.flags);
    }
    // A terminal instance is only ever made new, on this terminal.
    auto it = std::find_if(plan->actions.begin(), plan->actions.end(), [&](const Action& a) { return a.object == ids[0]; });
    if (it == plan->actions.end())
        return fail(s.ui, Error{"instance " + ids[0] + " is already running: 'dockerops shell " + ids[0] + "' reaches it"});
    if (!it->attach) return fail(s.ui, Error{"instance " + ids[0] + " already exists: 'dockerops clean " + ids[0] + "' first"});
    s.ui.out(render_text(*plan, {s.ui.color}) + "\n");
    ExecOptions eo;
    eo.before_attach = [&] { lock->release(); };   // not held while someone works in the shell
    ExecReport report = execute_plan(s, *plan, r.flags, eo);
    const std::size_t at = static_cast<std::size_t>(it - plan->actions.begin());
    if (!report.ok()) return report_execution(s, *plan, report, r.flags);
    return report.results[at].exit_code;
}

}  // namespace dockerops::ops
