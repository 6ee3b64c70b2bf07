// plan, apply (a fresh plan or a saved one), destroy and clean, unlock, graph:
// observe under the project lock, plan, ask, carry out.
#include "cli/ops/ops.hpp"
#include "cli/ops/live.hpp"
#include "cli/ops/steps.hpp"

#include "engine/config/config.hpp"
#include "engine/model/secrets.hpp"
#include "util/files.hpp"
#include "util/heap.hpp"
#include "util/json_writer.hpp"

#include <algorithm>
#include <cstdlib>
#include <set>
#include <filesystem>
#include <fstream>

#include <unistd.h>
#include <mutex>

namespace fs = std::filesystem;

namespace dockerops::ops {

namespace {

// A plan that would remove every instance the project has (and create none).
bool removes_everything(const Plan& plan, const ObservedState& observed) {
    if (observed.containers.empty()) return false;
    std::size_t removed = 0;
    for (const auto& a : plan.actions) {
        if (a.kind == ActionKind::Create || a.kind == ActionKind::Replace || a.kind == ActionKind::Start ||
            a.kind == ActionKind::Update || a.kind == ActionKind::Wait || a.kind == ActionKind::Unpause)
            return false;
        if (a.kind == ActionKind::Remove) ++removed;
    }
    return removed == observed.containers.size();
}

// ...needs --allow-destroy-all, or the project's name typed on a terminal.
bool destroy_all_confirmed(Ui& ui, bool allowed, const std::string& project) {
    if (allowed) return true;
    if (!ui.in_terminal) {
        ui.err("dockerops: this plan removes every instance of project '" + project +
               "', so nothing was changed: pass --allow-destroy-all if that is meant\n");
        return false;
    }
    ui.out("This plan removes every instance of project '" + project + "'. Type the project's name to go ahead: ");
    return ui.read_line(false) == project;
}

// A secret of a saved plan: the process environment, then the host file.
Status fill_saved_secrets(Session& s, const Where& where, Plan& plan) {
    bool has_secrets = false;
    for (const auto& a : plan.actions)
        has_secrets = has_secrets || !a.secret_env.empty() || (a.container && a.container.has_secret_files());
    std::map<std::string, std::string> host_env;
    std::string secret_key;
    // The project beside the plan gives the host file and the key; its
    // problems are shown, and matter only when the plan needs secrets.
    LoadResult p = load_project(load_options(where, s.target_override));
    if (p.project) {
        if (s.use_target) s.use_target(*p.project);   // the project's target, unless --target says another
        host_env = p.project->host_env;
        if (has_secrets)
            if (auto k = project_secret_key(p.project->root, p.project->data_dir)) secret_key = *k;
    } else if (has_secrets) {
        for (const auto& d : p.diagnostics.sorted()) s.ui.err(s.ui.secrets.redact(format(d)) + "\n");
        return Error{"the saved plan has secrets, and the project they come from cannot be read"};
    }
    return fill_secrets(plan, [&](const std::string& k) -> std::optional<std::string> {
        if (const char* v = std::getenv(k.c_str())) return std::string(v);
        if (host_env.count(k)) return host_env[k];
        return std::nullopt;
    }, secret_key, s.ui.secrets);
}

}  // namespace

// --- steps shared by the commands that change things (steps.hpp) ---

Result<std::unique_ptr<Provider>> connect(Session& s) { return s.connect(); }

Result<ProjectLock> take_lock(Session& s, Provider& engine, const std::string& project, const ApplyFlags& flags) {
    return ProjectLock::acquire(
        engine, project, std::chrono::seconds(flags.lock_timeout),
        [&](const LockHolder& h) { s.ui.err("waiting for the project lock, held by " + h.who + " since " + h.since + "\n"); },
        [&](const LockHolder& h) {
            s.ui.err("took over the project lock left by " + h.who + " since " + h.since + " (that process is gone)\n");
        },
        s.locks.get());
}

bool confirmed(Ui& ui, bool yes, const std::string& question) {
    if (yes) return true;
    if (!ui.in_terminal) {
        ui.err("dockerops: not a terminal, so nothing was changed: pass --yes to go ahead without asking\n");
        return false;
    }
    ui.out(question + " [y/N] ");
    const std::string answer = ui.read_line(false);
    return answer == "y" || answer == "Y" || answer == "yes";
}

std::optional<ProjectLock> confirm_unlocked(Session& s, ProjectLock lock, Provider& engine, const Plan& plan,
                                            const ObservedState& observed, const ApplyFlags& flags, const std::string& question,
                                            const std::string& cancelled, bool guard_destroy_all) {
    Ui& ui = s.ui;
    const bool everything = guard_destroy_all && removes_everything(plan, observed);
    const bool asks = ui.in_terminal && (!flags.yes || (everything && !flags.allow_destroy_all));
    if (asks) lock.release();
    if (everything && !destroy_all_confirmed(ui, flags.allow_destroy_all, plan.project)) return std::nullopt;
    if (!confirmed(ui, flags.yes, question)) {
        if (ui.in_terminal) ui.out(cancelled + "\n");
        return std::nullopt;
    }
    std::optional<ProjectLock> held;
    if (!asks) {
        held.emplace(std::move(lock));
        return held;
    }
    auto relock = take_lock(s, engine, plan.project, flags);
    if (!relock) {
        fail(ui, relock.error());
        return std::nullopt;
    }
    auto now = engine.observe(plan.project, plan.observed.scope);
    if (!now) {
        fail(ui, now.error());
        return std::nullopt;
    }
    std::vector<std::string> changes;
    if (!check_fresh(plan, *now, changes)) {
        ui.err("dockerops: the engine changed while the question waited for your answer, so nothing was done:\n");
        for (const auto& change : changes) ui.err("  " + change + "\n");
        return std::nullopt;
    }
    held.emplace(std::move(*relock));
    return held;
}

void show_plan(Session& s, const Plan& plan, const ApplyFlags& flags) {
    if (flags.quiet && flags.yes && !flags.json) return;
    s.ui.out(flags.json ? plan_event(plan, s.ui.secrets) : render_text(plan, {s.ui.color}));
}

ExecReport execute_plan(Session& s, const Plan& plan, const ApplyFlags& flags, ExecOptions eo) {
    eo.parallelism = flags.parallelism;
    if (flags.json) {
        add_json_events(s.ui, plan, eo);
        return execute(plan, s.connect, eo);
    }
    auto out = std::make_shared<std::mutex>();
    Ui& ui = s.ui;
    if (flags.quiet) {
        eo.log = nullptr;
        return execute(plan, s.connect, eo);
    }
    // Not when the plan hands the terminal to an instance ('run --interactive'):
    // the redraw would write over the shell.
    const bool attaches = std::any_of(plan.actions.begin(), plan.actions.end(), [](const Action& a) { return a.attach; });
    if (ui.out_terminal && !flags.plain_progress && !attaches) {
        // Hooks the caller gave (run's) keep working alongside the live lines.
        LiveProgress live(ui);
        auto started = eo.started;
        auto finished = eo.finished;
        eo.log = [&live, &ui](const std::string& line) { live.line(ui.secrets.redact(line)); };
        eo.started = [&live, started](const Action& a) {
            live.started(a);
            if (started) started(a);
        };
        eo.finished = [&live, finished](const Action& a, const ActionResult& r) {
            live.finished(a.id);
            if (finished) finished(a, r);
        };
        eo.build_progress = [&live](const std::string& image, const BuildEvent& e) {
            if (e.kind == BuildEvent::Kind::Step || e.text.find(": ") != std::string::npos) live.detail(image, e.text);
        };
        eo.waiting = [&live](const Action& a, const std::string& state) { live.waiting(a.id, state); };
        return execute(plan, s.connect, eo);
    }
    eo.log = [out, &ui](const std::string& line) {
        std::lock_guard<std::mutex> l(*out);
        ui.out(ui.secrets.redact(line) + "\n");
    };
    if (flags.plain_progress)
        eo.build_progress = [out, &ui](const std::string& image, const BuildEvent& e) {
            std::lock_guard<std::mutex> l(*out);
            ui.out(image + " | " + ui.secrets.redact(e.text) + "\n");
        };
    return execute(plan, s.connect, eo);
}

int report_execution(Session& s, const Plan& plan, const ExecReport& report, const ApplyFlags& flags) {
    s.ui.out(flags.json ? summary_event(plan, report, s.ui.secrets) : (flags.quiet ? "" : "\n") + s.ui.secrets.redact(report.summary(plan, flags.heading)));
    return report.ok() ? kExitOk : kExitError;
}

int carry_out(Session& s, const Plan& plan, const ApplyFlags& flags) {
    return report_execution(s, plan, execute_plan(s, plan, flags, {}), flags);
}

// The plan as the provider's engine needs it (Swarm services: updates in
// place, no fixed addresses), with what the provider says of itself.
Result<Plan> plan_observed(Provider& engine, const DesiredState& d, const DesiredGraph& graph, const ObservedState& observed,
                           const std::vector<std::string>& targets, const std::string& group) {
    const ProviderTraits traits = engine.traits();
    auto plan = make_plan(d, graph, observed, PlanOptions{targets, group, engine.kinds(), traits.services});
    if (plan) {
        plan->target = traits.target;
        for (const auto& note : traits.notes) plan->warnings.push_back(note);
    }
    return plan;
}

ObserveScope observe_scope(const DesiredState& d) {
    std::set<std::string> ports;
    std::vector<std::string> names, policy_restarted;
    names.reserve(d.instances.size());
    for (const auto& i : d.instances) {
        names.push_back(i.spec->name);
        if (!i.spec->restart_policy.empty() && i.spec->restart_policy != "no") policy_restarted.push_back(i.spec->name);
        for (const auto& p : i.spec->ports)
            if (p.publish && p.host_port > 0) ports.insert(std::to_string(p.host_port) + "/" + p.protocol);
    }
    std::set<std::string> refs;
    for (const auto& [_, img] : d.images) refs.insert(img.tag);
    return ObserveScope{{ports.begin(), ports.end()}, std::vector<std::string>(refs.begin(), refs.end()), std::move(names),
                        d.compose ? d.project : std::string(), false, std::move(policy_restarted)};
}

Result<ObservedPlan> observe_and_plan(Provider& engine, const DesiredState& d, const DesiredGraph& graph,
                                      const std::vector<std::string>& targets, const std::string& group) {
    ObserveScope scope = observe_scope(d);
    auto observed = engine.observe(d.project, scope);
    if (!observed) return observed.error();
    auto plan = plan_observed(engine, d, graph, *observed, targets, group);
    if (!plan) return plan.error();
    // A replace needs two more names per instance (<name>-dockerops-new and
    // -old): when the plan has one, those names are observed too, so that one
    // held by another owner is a conflict in the plan, not an engine's 409.
    // A rebuild removes the older builds of its image: when the plan has
    // one, the project's earlier builds are listed too. A no-op plan needs
    // neither, and observes once.
    bool again = false;
    if (scope.image_refs && !scope.earlier_builds &&
        std::any_of(plan->actions.begin(), plan->actions.end(), [](const Action& a) { return a.kind == ActionKind::Build; }))
        again = scope.earlier_builds = true;
    if (scope.names) {
        const std::size_t before = scope.names->size();
        for (const auto& a : plan->actions)
            if (a.kind == ActionKind::Replace && a.container)
                for (std::string_view suffix : {kReplaceNewSuffix, kReplaceOldSuffix})
                    scope.names->push_back(a.container.name() + std::string(suffix));
        again = again || scope.names->size() != before;
    }
    if (!again) return ObservedPlan{std::move(*observed), std::move(*plan)};
    observed = engine.observe(d.project, scope);
    if (!observed) return observed.error();
    // The wider look found nothing more (no earlier build, no -new/-old
    // name taken): the plan made is the plan, with the wider scope on record
    // for a saved plan's check. Planned again only when something was found.
    ObservedSummary wider = summarize(*observed);
    if (wider.lines == plan->observed.lines) {
        plan->observed = std::move(wider);
        return ObservedPlan{std::move(*observed), std::move(*plan)};
    }
    plan = plan_observed(engine, d, graph, *observed, targets, group);
    if (!plan) return plan.error();
    return ObservedPlan{std::move(*observed), std::move(*plan)};
}

Result<Plan> plan_against(Provider& engine, const DesiredState& d, const std::vector<std::string>& targets,
                          const std::string& group) {
    auto graph = DesiredGraph::build(d);
    if (!graph) return graph.error();
    auto op = observe_and_plan(engine, d, *graph, targets, group);
    if (!op) return op.error();
    return std::move(op->plan);
}

// --- the commands ---

namespace {

// Where a project is applied from: this host and the project's folder.
std::string this_home(const Project& p) {
    char host[256] = {};
    if (gethostname(host, sizeof host - 1) != 0) host[0] = '\0';
    std::error_code ec;
    const fs::path root = fs::weakly_canonical(p.root, ec);
    return std::string(host) + ":" + (ec ? p.root : root).string();
}

// The home record follows the folder the project was last applied from: a
// plan from another folder says so (planner). Only where locks are containers
// (one dockerd): there the record comes back in observe's own list.
void record_home(Session& s, Provider& engine, const DesiredState& d, const ObservedState& observed) {
    if (d.home.empty() || observed.home == d.home || !engine.traits().home_record) return;
    if (!observed.home_id.empty())
        if (auto gone = engine.remove_lock(observed.home_id); !gone) {
            s.ui.err("dockerops: warning: cannot replace the record of where the project was applied from: " + gone.error().text() + "\n");
            return;
        }
    auto made = engine.create_lock(d.project + std::string(kHomeSuffix), {{labels::kProject, d.project}, {labels::kHome, d.home}});
    if (!made) s.ui.err("dockerops: warning: cannot record where the project was applied from: " + made.error().text() + "\n");
}

}  // namespace

Result<Prepared> prepare(Session& s, const Where& where, Changes changes) {
    auto p = load_or_report(s, where, changes);
    if (!p) return Error{ErrorKind::Reported, "the configuration has errors"};
    auto d = compile_with_prompts(s, *p);
    if (!d) return d.error();
    d->adopt = where.adopt;
    d->no_deps = where.no_deps;
    d->force_recreate = where.force_recreate;
    d->home = this_home(*p);
    auto engine = connect(s);
    if (!engine) return engine.error();
    return Prepared{std::move(*d), std::move(*engine)};
}

int plan(Session& s, const PlanRequest& r) {
    auto pr = prepare(s, r.where, Changes::No);
    if (!pr) return fail(s.ui, pr.error());
    auto plan = plan_against(*pr->engine, pr->desired, r.targets, r.group);
    if (!plan) return fail(s.ui, plan.error());
    if (r.json) render_json(*plan, [&](const std::string& piece) { s.ui.out(piece); });
    else s.ui.out(render_text(*plan, {s.ui.color}));
    if (r.out) {
        std::ofstream f(*r.out);
        render_json(*plan, [&](const std::string& piece) { f << piece; });
        if (!f) return fail(s.ui, Error{"cannot write the plan", *r.out});
        s.ui.err("saved the plan to " + *r.out + "\n");
    }
    const int code = !plan->conflicts.empty() ? kExitError : r.detailed_exitcode && !plan->empty() ? kExitChanges : kExitOk;
    // Freed when the process ends, not block by block first (util/heap.hpp).
    keep_until_exit(std::move(pr->desired));
    keep_until_exit(std::move(*plan));
    return code;
}

// JSON Lines cannot hold a question: as terraform's -json wants -auto-approve.
Status json_needs_yes(const ApplyFlags& flags) {
    if (flags.json && !flags.yes) return Error{"--json needs --yes: no question can be asked in JSON Lines"};
    return ok_status();
}

int apply(Session& s, const ApplyRequest& r) {
    if (auto j = json_needs_yes(r.flags); !j) return fail(s.ui, j.error());
    auto pr = prepare(s, r.where, Changes::Yes);
    if (!pr) return fail(s.ui, pr.error());
    const DesiredState& d = pr->desired;
    Provider& engine = *pr->engine;
    // Planned and carried out under the lock, so two applies never both create
    // the same thing. The lock is not held while a question waits for an
    // answer: it is let go, and taken again after; if the engine changed in
    // between, nothing is done.
    auto lock = take_lock(s, engine, d.project, r.flags);
    if (!lock) return fail(s.ui, lock.error());
    auto graph = DesiredGraph::build(d);
    if (!graph) return fail(s.ui, graph.error());
    auto op = observe_and_plan(engine, d, *graph, r.targets, r.group);
    if (!op) return fail(s.ui, op.error());
    const Plan* plan = &op->plan;
    show_plan(s, *plan, r.flags);
    if (!plan->conflicts.empty()) return kExitError;
    if (plan->empty()) return r.flags.json ? report_execution(s, *plan, {}, r.flags) : kExitOk;
    auto held = confirm_unlocked(s, std::move(*lock), engine, *plan, op->observed, r.flags, "Apply these changes?",
                                 "Apply cancelled.", true);
    if (!held) return kExitError;
    if (!r.flags.json && !r.flags.quiet) s.ui.out("\n");
    const int rc = carry_out(s, *plan, r.flags);
    record_home(s, engine, d, op->observed);
    return rc;
}

int apply_saved(Session& s, const Where& where, const std::string& plan_file, const ApplyFlags& flags) {
    if (auto j = json_needs_yes(flags); !j) return fail(s.ui, j.error());
    FileRead text = read_regular_file(plan_file, kMaxPlanFileBytes);
    if (!text.text) return fail(s.ui, Error{"cannot read the plan file: " + text.error, plan_file});
    auto plan = parse_plan_json(*text.text);
    if (!plan) return fail(s.ui, Error{plan.error().message, plan_file});
    // Checked before anything is done with it: a plan file is input like any other.
    if (auto checked = check_saved_plan(*plan, (secrets_root() / plan->project).string()); !checked)
        return fail(s.ui, Error{checked.error().message + ": nothing was done", plan_file});
    if (auto filled = fill_saved_secrets(s, where, *plan); !filled) return fail(s.ui, filled.error());
    auto engine = connect(s);
    if (!engine) return fail(s.ui, engine.error());
    if (const Target now = (*engine)->traits().target; now != plan->target)
        return fail(s.ui, Error{std::string("the saved plan was made for target ") + target_name(plan->target) +
                                    ", and the target now is " + target_name(now) + ": nothing was done (--target " +
                                    target_name(plan->target) + ", or a new plan)",
                                plan_file});
    auto lock = take_lock(s, **engine, plan->project, flags);
    if (!lock) return fail(s.ui, lock.error());
    auto now = (*engine)->observe(plan->project, plan->observed.scope);
    if (!now) return fail(s.ui, now.error());
    std::vector<std::string> changes;
    if (!check_fresh(*plan, *now, changes)) {
        s.ui.err("dockerops: the saved plan is stale: the engine changed since it was made, so nothing was done:\n");
        for (const auto& change : changes) s.ui.err("  " + change + "\n");
        s.ui.err("make a new plan with 'dockerops plan -o " + plan_file + "'\n");
        return kExitError;
    }
    show_plan(s, *plan, flags);
    if (!plan->conflicts.empty()) return kExitError;
    if (plan->empty()) return flags.json ? report_execution(s, *plan, {}, flags) : kExitOk;
    auto held = confirm_unlocked(s, std::move(*lock), **engine, *plan, *now, flags, "Apply this saved plan?", "Apply cancelled.", true);
    if (!held) return kExitError;
    return carry_out(s, *plan, flags);
}

int remove_instances(Session& s, const RemoveRequest& r) {
    if (auto j = json_needs_yes(r.flags); !j) return fail(s.ui, j.error());
    auto p = load_or_report(s, r.where, Changes::Yes);
    if (!p) return kExitError;
    auto engine = connect(s);
    if (!engine) return fail(s.ui, engine.error());
    // Observed under the lock: nothing changes between looking and acting.
    auto lock = take_lock(s, **engine, p->name, r.flags);
    if (!lock) return fail(s.ui, lock.error());
    auto observed = (*engine)->observe(p->name);
    if (!observed) return fail(s.ui, observed.error());
    DestroyOptions options{r.targets, r.purge_data, p->data_dir.string(), r.remove_images, {}, (secrets_root() / p->name).string()};
    if (r.purge_data) {
        // Which instance folders exist, and which of them dockerops made (the planner does no I/O).
        for (const auto& c : observed->containers) {
            const std::string folder = c.label(labels::kContainer) + "_" + c.label(labels::kInstance);
            std::error_code ec;
            if (!fs::exists(p->data_dir / folder, ec)) continue;
            (data_made_by_dockerops(p->data_dir / folder) ? options.data_made : options.data_not_made).insert(folder);
        }
        if (r.targets.empty())
            for (const auto& folder : data_folders_made_for(p->data_dir, p->name))
                if (!options.data_made.count(folder)) options.data_left.insert(folder);
        auto volumes = (*engine)->list_volumes(p->name);
        if (!volumes) return fail(s.ui, volumes.error());
        options.volumes = std::move(*volumes);
    }
    auto plan = make_destroy_plan(p->name, *observed, options);
    if (!plan) return fail(s.ui, plan.error());
    show_plan(s, *plan, r.flags);
    if (plan->empty()) return r.flags.json ? report_execution(s, *plan, {}, r.flags) : kExitOk;
    // The lock is held until the plan is carried out: the one confirm_unlocked
    // hands back after a question, else the one taken above.
    std::optional<ProjectLock> held;
    if (r.question) {
        auto confirmed = confirm_unlocked(s, std::move(*lock), **engine, *plan, *observed, r.flags, *r.question, "Cancelled.", false);
        if (!confirmed) return kExitError;
        held.emplace(std::move(*confirmed));
    }
    if (!r.flags.json && !r.flags.quiet) s.ui.out("\n");
    const int rc = carry_out(s, *plan, r.flags);
    // The project's secrets folder, once its instances' are gone (only when
    // empty), and its home record.
    std::error_code ec;
    if (r.targets.empty()) fs::remove(secrets_root() / p->name, ec);
    if (r.targets.empty() && !observed->home_id.empty())
        if (auto gone = (*engine)->remove_lock(observed->home_id); !gone)
            s.ui.err("dockerops: warning: the record of where the project was applied from is left: " + gone.error().text() + "\n");
    return rc;
}

int unlock(Session& s, const Where& where) {
    auto p = load_or_report(s, where);
    if (!p) return kExitError;
    auto engine = connect(s);
    if (!engine) return fail(s.ui, engine.error());
    auto broken = break_lock(**engine, p->name);
    if (!broken) return fail(s.ui, broken.error());
    if (!*broken) s.ui.out("project '" + p->name + "' was not locked\n");
    else s.ui.out("removed the lock of project '" + p->name + "' held by " + (*broken)->who + " since " + (*broken)->since + "\n");
    return kExitOk;
}

Result<std::string> graph_dot(Session& s, const Where& where, const std::vector<std::string>& targets, const std::string& group,
                              bool with_plan) {
    auto p = load_or_report(s, where);
    if (!p) return Error{ErrorKind::Reported, "the configuration has errors"};
    auto d = compile(*p, process_environment(s, *p));
    if (!d) return d.error();
    auto graph = DesiredGraph::build(*d);
    if (!graph) return graph.error();
    std::map<std::string, std::string> colors;
    if (with_plan) {
        auto engine = connect(s);
        if (!engine) return engine.error();
        auto plan = plan_against(**engine, *d, targets, group);
        if (!plan) return plan.error();
        static const std::map<ActionKind, std::string> palette{
            {ActionKind::Build, "lightblue"}, {ActionKind::Pull, "lightblue"}, {ActionKind::CreateNetwork, "palegreen"}, {ActionKind::Create, "palegreen"},
            {ActionKind::Replace, "gold"}, {ActionKind::Update, "gold"}, {ActionKind::Start, "khaki"}, {ActionKind::Wait, "khaki"},
            {ActionKind::Unpause, "khaki"}, {ActionKind::Remove, "salmon"}};
        for (const auto& a : plan->actions)
            if (palette.count(a.kind)) colors[a.key] = palette.at(a.kind);
    }
    return graph->to_dot(colors);
}

}  // namespace dockerops::ops
