// `dockerops run`: one instance (declared, or ad hoc for this run), planned
// and carried out like any change; a terminal instance is an attached create,
// on the caller's terminal and removed when it ends.
#include "cli/ops/ops.hpp"
#include "cli/ops/steps.hpp"

#include <algorithm>
#include <random>

namespace dockerops::ops {

namespace {

std::string random_name(const std::string& prefix = "x") {
    static const char* alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
    std::random_device rd;
    std::string out = prefix;
    for (int i = 0; i < 4; ++i) out += alphabet[rd() % 36];
    return out;
}

// Standard output is the one-off's own: what dockerops says goes to
// standard error (as compose's run does), redacted as everywhere.
class ToStandardError final : public Ui {
public:
    explicit ToStandardError(Ui& base) : base_(base) {
        in_terminal = base.in_terminal;
        out_terminal = base.err_terminal;
        err_terminal = base.err_terminal;
        color = base.color && base.err_terminal;
    }
    void out(const std::string& text) override { base_.err(base_.secrets.redact(text)); }
    void err(const std::string& text) override { base_.err(base_.secrets.redact(text)); }
    std::string read_line(bool hidden) override { return base_.read_line(hidden); }

private:
    Ui& base_;
};

// The one-off copy of `from` (or, when the container declares no instance,
// of an undeclared one): a new name, the same image, environment, secrets,
// networks, links, dependencies and data; no fixed address, DNS alias or
// container_name of the original; no published port unless asked.
Instance one_off_copy(const Project& p, const std::string& container, const Instance* from, const RunRequest::OneOffRun& rm) {
    Instance one = from ? *from : adhoc_instance(container, "run", InstanceType::Standard);
    one.name = random_name("run-");
    while (p.find_instance(one.id())) one.name = random_name("run-");
    one.adhoc = true;
    one.hostname = one.dashed();
    one.container_name.clear();
    one.ipv4_address.clear();
    one.aliases.clear();
    one.network_aliases.clear();
    if (!rm.service_ports) {
        one.ports.clear();
        one.switches.publish_ports = false;
    }
    if (!from) one.switches.persistent_data = one.switches.persistent_opt = one.switches.persistent_log = false;
    one.one_off = OneOff{from ? from->name : one.name, rm.tty,
                         rm.command.empty() ? std::nullopt : std::optional<std::vector<std::string>>(rm.command)};
    return one;
}

int run_one_off(Session& session, const RunRequest& r, const std::string& container, const std::string& instance) {
    ToStandardError ui(session.ui);
    Session s{ui, session.connect, session.use_target, session.locks};
    auto p = load_or_report(s, r.where, Changes::Yes);
    if (!p) return kExitError;
    if (!p->containers.count(container))
        return fail(s.ui, Error{"no container '" + container + "' (" + suggest(container, p->container_names(), "containers") + ")",
                                "project " + p->name});
    const Instance* from = nullptr;
    std::vector<std::string> names;
    for (const auto& i : p->instances) {
        if (i.container != container) continue;
        names.push_back(i.name);
        if (!from && (instance.empty() || i.name == instance)) from = &i;
    }
    if (!instance.empty() && !from)
        return fail(s.ui, Error{"no instance '" + instance + "' of container '" + container + "' to copy (" +
                                    suggest(instance, names, "instances") + ")", "project " + p->name});
    Instance one = one_off_copy(*p, container, from, *r.rm);
    const std::string id = one.id();
    p->instances.push_back(std::move(one));
    std::sort(p->instances.begin(), p->instances.end(), [](auto& a, auto& b) { return a.id() < b.id(); });
    auto d = compile_with_prompts(s, *p, CompileOptions{true});
    if (!d) return fail(s.ui, d.error());
    d->no_deps = r.where.no_deps;
    auto engine = connect(s);
    if (!engine) return fail(s.ui, engine.error());
    auto lock = take_lock(s, **engine, d->project, r.flags);
    if (!lock) return fail(s.ui, lock.error());
    auto plan = plan_against(**engine, *d, {id}, "");
    if (!plan) return fail(s.ui, plan.error());
    auto it = std::find_if(plan->actions.begin(), plan->actions.end(), [&](const Action& a) { return a.object == id; });
    if (it == plan->actions.end() || !it->attach) return fail(s.ui, Error{"the plan has no one-off run of " + id, "project " + p->name});
    const std::size_t at = static_cast<std::size_t>(it - plan->actions.begin());
    // Alone, the one-off is run without a word; when its dependencies are
    // brought up first, the plan and its progress are shown (on standard error).
    ApplyFlags flags = r.flags;
    if (plan->actions.size() == 1) flags.quiet = true;
    else s.ui.out(render_text(*plan, {s.ui.color}) + "\n");
    ExecOptions eo;
    eo.before_attach = [&] { lock->release(); };   // not held while it runs
    ExecReport report = execute_plan(s, *plan, flags, eo);
    if (!report.ok()) return report_execution(s, *plan, report, flags);
    return report.results[at].exit_code;
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
    if (r.rm) return run_one_off(s, r, container, instance);
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
