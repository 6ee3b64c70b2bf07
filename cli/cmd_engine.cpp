// plan, apply, destroy, unlock, graph: the commands that read the engine.
#include "cli/cli.hpp"
#include "cli/common.hpp"
#include "engine/apply/executor.hpp"
#include "util/files.hpp"
#include "engine/apply/lock.hpp"
#include "engine/model/secrets.hpp"
#include "planner/plan.hpp"
#include "providers/docker/docker.hpp"
#include "util/json_writer.hpp"

#include <boost/process.hpp>
#include <boost/program_options.hpp>

#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <mutex>
#include <sstream>

namespace po = boost::program_options;
namespace bp = boost::process;
namespace fs = std::filesystem;

namespace dockerops::cli {

void add_common(po::options_description& o) {
    o.add_options()("help,h", "this help")("file,f", po::value<std::string>()->default_value(""),
                                           "dockerops.toml, or the project folder (default: .)")(
        "host-file", po::value<std::string>(), "the per-host file (default: dockerops.host.toml beside the file)")(
        "target", po::value<std::vector<std::string>>()->multitoken(), "web.one (an instance) or web (all of its instances)");
}

po::variables_map parse(const Args& args, po::options_description& opts) {
    po::positional_options_description pos;
    pos.add("target", -1);
    po::variables_map vm;
    po::store(po::command_line_parser(args).options(opts).positional(pos).run(), vm);
    po::notify(vm);
    return vm;
}

Common common(const po::variables_map& vm) {
    Common c;
    c.file = vm["file"].as<std::string>();
    if (vm.count("host-file")) c.host_file = vm["host-file"].as<std::string>();
    if (vm.count("target")) c.targets = vm["target"].as<std::vector<std::string>>();
    if (vm.count("group")) c.group = vm["group"].as<std::string>();
    return c;
}

bool color_on() { return isatty(1) && !std::getenv("NO_COLOR"); }

// The canonical text, coloured on a terminal (verbs only; the words are the same).
std::string colored(const std::string& text) {
    if (!color_on()) return text;
    std::istringstream in(text);
    std::string out;
    for (std::string line; std::getline(in, line);) {
        const char* c = line.starts_with("build") ? "36" : line.starts_with("create") || line.starts_with("network") ? "32"
                      : line.starts_with("replace") || line.starts_with("start") ? "33"
                      : line.starts_with("remove") || line.starts_with("purge") ? "31" : nullptr;
        auto sp = line.find(' ');
        if (c && sp != std::string::npos) out += "\033[" + std::string(c) + "m" + line.substr(0, sp) + "\033[0m" + line.substr(sp);
        else out += line;
        out += "\n";
    }
    return out;
}

Result<std::unique_ptr<docker::DockerEngine>> connect() { return docker::DockerEngine::connect_from_env(); }

ProviderFactory factory() {
    return []() -> Result<std::unique_ptr<Provider>> {
        auto e = docker::DockerEngine::connect_from_env();
        if (!e) return e.error();
        return std::unique_ptr<Provider>(std::move(*e));
    };
}

int fail(const Error& e) {
    std::cerr << "dockerops: " << redact(e.text()) << "\n";
    return kExitError;
}

Result<Observed> load_and_observe(const Common& c) {
    auto p = load_or_report(c.file, c.host_file);
    if (!p) return Error{"the configuration has errors"};
    auto e = connect();
    if (!e) return e.error();
    auto o = (*e)->observe(p->name);
    if (!o) return o.error();
    return Observed{std::move(*p), std::move(*e), std::move(*o)};
}

Result<ProjectLock> take_lock(Provider& engine, const std::string& project, const po::variables_map& vm) {
    return ProjectLock::acquire(
        engine, project, std::chrono::seconds(vm["lock-timeout"].as<int>()),
        [](const LockHolder& h) { std::cerr << "waiting for the project lock, held by " << h.who << " since " << h.since << "\n"; },
        [](const LockHolder& h) {
            std::cerr << "took over the project lock left by " << h.who << " since " << h.since
                      << " (that process is gone)\n";
        });
}

// Configuration, variables, graph and engine: everything before observing.
Result<Planned> prepare(const Common& c, const std::function<void(Project&)>& adjust, CompileOptions options) {
    auto p = load_or_report(c.file, c.host_file);
    if (!p) return Error{"the configuration has errors"};
    if (adjust) adjust(*p);
    auto d = compile_with_prompts(*p, options);
    if (!d) return d.error();
    auto e = connect();
    if (!e) return e.error();
    return Planned{std::move(*p), std::move(*d), std::move(*e)};
}

Result<Plan> plan_now(Planned& pl, const Common& c) {
    auto graph = DesiredGraph::build(pl.desired);
    if (!graph) return graph.error();
    auto observed = pl.engine->observe(pl.desired.project);
    if (!observed) return observed.error();
    return make_plan(pl.desired, *graph, *observed, PlanOptions{c.targets, c.group});
}

// On a terminal: ask. Elsewhere: only with --yes.
bool confirmed(bool yes, const std::string& question) {
    if (yes) return true;
    if (!isatty(0)) {
        std::cerr << "dockerops: not a terminal, so nothing was changed: pass --yes to go ahead without asking\n";
        return false;
    }
    std::cout << question << " [y/N] " << std::flush;
    std::string answer;
    std::getline(std::cin, answer);
    return answer == "y" || answer == "Y" || answer == "yes";
}

// A plan that would remove every instance the project has (and create none)
// needs --allow-destroy-all, or the project's name typed on a terminal.
bool removes_everything(const Plan& plan, const ObservedState& observed) {
    if (observed.containers.empty()) return false;
    std::size_t removed = 0;
    for (const auto& a : plan.actions) {
        if (a.kind == ActionKind::Create || a.kind == ActionKind::Replace || a.kind == ActionKind::Start) return false;
        if (a.kind == ActionKind::Remove) ++removed;
    }
    return removed == observed.containers.size();
}

bool destroy_all_confirmed(bool allowed, const std::string& project) {
    if (allowed) return true;
    if (!isatty(0)) {
        std::cerr << "dockerops: this plan removes every instance of project '" << project
                  << "', so nothing was changed: pass --allow-destroy-all if that is meant\n";
        return false;
    }
    std::cout << "This plan removes every instance of project '" << project << "'. Type the project's name to go ahead: "
              << std::flush;
    std::string answer;
    std::getline(std::cin, answer);
    return answer == project;
}

// The question before a plan is carried out, asked without holding the
// project lock: on a terminal the lock is let go while the question waits,
// taken again after, and the engine observed again; if anything changed,
// nothing is done. A plan that removes every instance also needs
// --allow-destroy-all or the project's name (with `guard_destroy_all`).
// Returns the lock to carry the plan out under; nullopt when it is not to be
// carried out (what happened is already said).
std::optional<ProjectLock> confirm_unlocked(ProjectLock lock, Provider& engine, const Plan& plan,
                                            const ObservedState& observed, const po::variables_map& vm,
                                            const std::string& question, const std::string& cancelled,
                                            bool guard_destroy_all) {
    const bool everything = guard_destroy_all && removes_everything(plan, observed);
    const bool asks = isatty(0) && (!vm.count("yes") || (everything && !vm.count("allow-destroy-all")));
    if (asks) lock.release();
    if (everything && !destroy_all_confirmed(vm.count("allow-destroy-all"), plan.project)) return std::nullopt;
    if (!confirmed(vm.count("yes"), question)) {
        if (isatty(0)) std::cout << cancelled << "\n";
        return std::nullopt;
    }
    std::optional<ProjectLock> held;
    if (!asks) {
        held.emplace(std::move(lock));
        return held;
    }
    auto relock = take_lock(engine, plan.project, vm);
    if (!relock) {
        fail(relock.error());
        return std::nullopt;
    }
    auto now = engine.observe(plan.project);
    if (!now) {
        fail(now.error());
        return std::nullopt;
    }
    ObservedSummary current = summarize(*now);
    if (current.fingerprint != plan.observed.fingerprint) {
        std::cerr << "dockerops: the engine changed while the question waited for your answer, so nothing was done:\n";
        for (const auto& change : summary_changes(plan.observed, current)) std::cerr << "  " << change << "\n";
        return std::nullopt;
    }
    held.emplace(std::move(*relock));
    return held;
}

// Executes a plan; the caller holds the project lock.
int execute_plan(const Plan& plan, const po::variables_map& vm) {
    ExecOptions eo;
    eo.parallelism = vm["parallelism"].as<int>();
    std::mutex out;
    eo.log = [&](const std::string& line) {
        std::lock_guard<std::mutex> l(out);
        std::cout << redact(line) << "\n" << std::flush;
    };
    if (vm.count("progress") && vm["progress"].as<std::string>() == "plain")
        eo.build_progress = [&](const std::string& image, const BuildEvent& e) {
            std::lock_guard<std::mutex> l(out);
            std::cout << image << " | " << redact(e.text) << "\n";
        };
    ExecReport report = execute(plan, factory(), eo);
    std::cout << "\n" << redact(report.summary(plan));
    if (vm.count("json")) {
        JsonWriter w;
        w.begin_object().key("results").begin_array();
        for (const auto& r : report.results) {
            w.begin_object().key("id").value(r.id);
            w.key("outcome").value(r.outcome == Outcome::Done ? "done" : r.outcome == Outcome::Failed ? "failed" : "not started");
            w.key("message").value(redact(r.message)).key("seconds").value(r.seconds).end_object();
        }
        w.end_array().end_object();
        std::cout << w.str() << "\n";
    }
    return report.ok() ? kExitOk : kExitError;
}

void add_apply_options(po::options_description& o) {
    o.add_options()("yes,y", "apply without asking")("parallelism", po::value<int>()->default_value(8),
                                                        "actions at once")(
        "lock-timeout", po::value<int>()->default_value(120), "seconds to wait for another apply or destroy")(
        "json", "print the results as JSON too")("allow-destroy-all", "let a plan remove every instance of the project")(
        "progress", po::value<std::string>()->default_value("auto"),
                                                 "build output: auto (none) or plain (every line)");
}

int cmd_plan(const Args& args) {
    po::options_description opts("dockerops plan [TARGET...] [--group G] [-o FILE] [--json] [--detailed-exitcode]");
    add_common(opts);
    opts.add_options()("group", po::value<std::string>(), "only the instances of this group (and what they need)")(
        "out,o", po::value<std::string>(), "save the plan, for 'dockerops apply FILE'")("json", "print the plan as JSON")(
        "detailed-exitcode", "exit 2 when there are changes (drift), 0 when there are none");
    auto vm = parse(args, opts);
    if (vm.count("help")) { std::cout << opts; return kExitOk; }
    Common c = common(vm);
    auto pl = prepare(c);
    if (!pl) return fail(pl.error());
    auto plan = plan_now(*pl, c);
    if (!plan) return fail(plan.error());
    if (vm.count("json")) std::cout << render_json(*plan);
    else std::cout << colored(render_text(*plan));
    if (vm.count("out")) {
        std::ofstream f(vm["out"].as<std::string>());
        f << render_json(*plan);
        if (!f) return fail(Error{"cannot write the plan", vm["out"].as<std::string>()});
        std::cerr << "saved the plan to " << vm["out"].as<std::string>() << "\n";
    }
    if (!plan->conflicts.empty()) return kExitError;
    if (vm.count("detailed-exitcode") && !plan->empty()) return kExitChanges;
    return kExitOk;
}

int cmd_apply(const Args& args) {
    po::options_description opts("dockerops apply [PLANFILE | TARGET...] [--yes] [--parallelism N]");
    add_common(opts);
    opts.add_options()("group", po::value<std::string>(), "only the instances of this group (and what they need)");
    add_apply_options(opts);
    auto vm = parse(args, opts);
    if (vm.count("help")) { std::cout << opts; return kExitOk; }
    Common c = common(vm);

    // A saved plan: applied exactly, if the engine still holds what it was made from.
    if (c.targets.size() == 1 && fs::is_regular_file(c.targets[0])) {
        auto plan = parse_plan_json(read_text_file(c.targets[0]).value_or(""));
        if (!plan) return fail(Error{plan.error().message, c.targets[0]});
        std::map<std::string, std::string> host_env;
        std::string secret_key;
        if (auto p = load_project(c.file.empty() ? fs::path(".") : fs::path(c.file)); p.project) {
            host_env = p.project->host_env;
            bool has_secrets = false;
            for (const auto& a : plan->actions)
                has_secrets = has_secrets || !a.secret_env.empty() || (a.container && !a.container->secret_files.empty());
            if (has_secrets)
                if (auto k = project_secret_key(p.project->root)) secret_key = *k;
        }
        auto secrets = fill_secrets(*plan, [&](const std::string& k) -> std::optional<std::string> {
            if (const char* v = std::getenv(k.c_str())) return std::string(v);
            if (host_env.count(k)) return host_env[k];
            return std::nullopt;
        }, secret_key);
        if (!secrets) return fail(secrets.error());
        auto engine = connect();
        if (!engine) return fail(engine.error());
        auto lock = take_lock(**engine, plan->project, vm);
        if (!lock) return fail(lock.error());
        auto now = (*engine)->observe(plan->project);
        if (!now) return fail(now.error());
        ObservedSummary current = summarize(*now);
        if (current.fingerprint != plan->observed.fingerprint) {
            std::cerr << "dockerops: the saved plan is stale: the engine changed since it was made, so nothing was done:\n";
            for (const auto& change : summary_changes(plan->observed, current)) std::cerr << "  " << change << "\n";
            std::cerr << "make a new plan with 'dockerops plan -o " << c.targets[0] << "'\n";
            return kExitError;
        }
        std::cout << colored(render_text(*plan));
        if (!plan->conflicts.empty()) return kExitError;
        if (plan->empty()) return kExitOk;
        auto held = confirm_unlocked(std::move(*lock), **engine, *plan, *now, vm, "Apply this saved plan?", "Apply cancelled.", true);
        if (!held) return kExitError;
        return execute_plan(*plan, vm);
    }

    auto pl = prepare(c);
    if (!pl) return fail(pl.error());
    // Planned and carried out under the lock, so two applies never both create
    // the same thing. The lock is not held while a question waits for an
    // answer: it is let go, and taken again after; if the engine changed in
    // between, nothing is done.
    auto lock = take_lock(*pl->engine, pl->desired.project, vm);
    if (!lock) return fail(lock.error());
    auto graph = DesiredGraph::build(pl->desired);
    if (!graph) return fail(graph.error());
    auto observed = pl->engine->observe(pl->desired.project);
    if (!observed) return fail(observed.error());
    auto plan = make_plan(pl->desired, *graph, *observed, PlanOptions{c.targets, c.group});
    if (!plan) return fail(plan.error());
    std::cout << colored(render_text(*plan));
    if (!plan->conflicts.empty()) return kExitError;
    if (plan->empty()) return kExitOk;
    auto held = confirm_unlocked(std::move(*lock), *pl->engine, *plan, *observed, vm, "Apply these changes?", "Apply cancelled.", true);
    if (!held) return kExitError;
    std::cout << "\n";
    return execute_plan(*plan, vm);
}

int cmd_destroy(const Args& args) {
    po::options_description opts("dockerops destroy [TARGET...] [--yes] [--purge-data]");
    add_common(opts);
    add_apply_options(opts);
    opts.add_options()("purge-data", "also delete the instances' persistent data folders and the project's named volumes")(
        "rmi", "also remove the project's images (and the dangling ones its earlier builds left)");
    auto vm = parse(args, opts);
    if (vm.count("help")) { std::cout << opts; return kExitOk; }
    return remove_instances(common(vm), vm, vm.count("purge-data") > 0, "Destroy these?");
}

int remove_instances(const Common& c, const po::variables_map& vm, bool purge, const std::optional<std::string>& question) {
    auto p = load_or_report(c.file, c.host_file);
    if (!p) return kExitError;
    auto engine = connect();
    if (!engine) return fail(engine.error());
    // Observed under the lock: nothing changes between looking and acting.
    auto lock = take_lock(**engine, p->name, vm);
    if (!lock) return fail(lock.error());
    auto observed = (*engine)->observe(p->name);
    if (!observed) return fail(observed.error());
    DestroyOptions options{c.targets, purge, p->data_dir.string(), vm.count("rmi") > 0, {}, (secrets_root() / p->name).string()};
    if (purge) {
        auto volumes = (*engine)->list_volumes(p->name);
        if (!volumes) return fail(volumes.error());
        options.volumes = std::move(*volumes);
    }
    auto plan = make_destroy_plan(p->name, *observed, options);
    if (!plan) return fail(plan.error());
    std::cout << colored(render_text(*plan));
    if (plan->empty()) return kExitOk;
    if (question) {
        auto held = confirm_unlocked(std::move(*lock), **engine, *plan, *observed, vm, *question, "Cancelled.", false);
        if (!held) return kExitError;
        std::cout << "\n";
        return execute_plan(*plan, vm);
    }
    std::cout << "\n";
    return execute_plan(*plan, vm);
}

int cmd_unlock(const Args& args) {
    po::options_description opts("dockerops unlock [-f FILE]");
    add_common(opts);
    auto vm = parse(args, opts);
    if (vm.count("help")) { std::cout << opts; return kExitOk; }
    Common c = common(vm);
    auto p = load_or_report(c.file, c.host_file);
    if (!p) return kExitError;
    auto engine = connect();
    if (!engine) return fail(engine.error());
    auto broken = break_lock(**engine, p->name);
    if (!broken) return fail(broken.error());
    if (!*broken) std::cout << "project '" << p->name << "' was not locked\n";
    else std::cout << "removed the lock of project '" << p->name << "' held by " << (*broken)->who << " since "
                   << (*broken)->since << "\n";
    return kExitOk;
}

int cmd_graph(const Args& args) {
    po::options_description opts("dockerops graph [--format dot|svg] [--plan]");
    add_common(opts);
    opts.add_options()("format", po::value<std::string>()->default_value("dot"), "dot, or svg (needs Graphviz's dot)")(
        "plan", "colour each node by its planned action (reads the engine)");
    auto vm = parse(args, opts);
    if (vm.count("help")) { std::cout << opts; return kExitOk; }
    Common c = common(vm);
    auto p = load_or_report(c.file, c.host_file);
    if (!p) return kExitError;
    auto d = compile(*p, Environment::process());
    if (!d) return fail(d.error());
    auto graph = DesiredGraph::build(*d);
    if (!graph) return fail(graph.error());
    std::map<std::string, std::string> colors;
    if (vm.count("plan")) {
        auto engine = connect();
        if (!engine) return fail(engine.error());
        auto observed = (*engine)->observe(d->project);
        if (!observed) return fail(observed.error());
        auto plan = make_plan(*d, *graph, *observed, PlanOptions{c.targets, c.group});
        if (!plan) return fail(plan.error());
        static const std::map<ActionKind, std::string> palette{
            {ActionKind::Build, "lightblue"}, {ActionKind::CreateNetwork, "palegreen"}, {ActionKind::Create, "palegreen"},
            {ActionKind::Replace, "gold"}, {ActionKind::Start, "khaki"}, {ActionKind::Remove, "salmon"}};
        for (const auto& a : plan->actions)
            if (palette.count(a.kind)) colors[a.key] = palette.at(a.kind);
    }
    std::string dot = graph->to_dot(colors);
    const std::string format = vm["format"].as<std::string>();
    if (format == "dot") {
        std::cout << dot;
        return kExitOk;
    }
    if (format != "svg") return fail(Error{"unknown format '" + format + "' (dot or svg)"});
    auto exe = bp::search_path("dot");
    if (exe.empty()) return fail(Error{"--format svg needs Graphviz's 'dot' (apt-get install graphviz); --format dot works without it"});
    bp::opstream in;
    bp::child child(exe, "-Tsvg", bp::std_in < in);
    in << dot;
    in.flush();
    in.pipe().close();
    child.wait();
    return child.exit_code() == 0 ? kExitOk : kExitError;
}

}  // namespace dockerops::cli
