// plan, apply, destroy, unlock, graph: arguments parsed, the orchestration
// layer called (cli/ops), its answer printed.
#include "cli/cli.hpp"
#include "cli/options.hpp"
#include "cli/terminal_ui.hpp"

#include <boost/process.hpp>

#include <filesystem>
#include <iostream>

namespace bp = boost::process;
namespace fs = std::filesystem;

namespace dockerops::cli {

int cmd_plan(ops::Session& session, const Args& args) {
    Command c("dockerops plan [TARGET...] [--group G] [-o FILE] [--json] [--detailed-exitcode]");
    c.opts.add_options()("group", po::value<std::string>(), "only the instances of this group (and what they need)")(
        "out,o", po::value<std::string>(), "save the plan, for 'dockerops apply FILE'")("json", "print the plan as JSON")(
        "detailed-exitcode", "exit 2 when there are changes (drift), 0 when there are none")(
        "adopt", "plan the adoption of the containers docker-compose made for the project (as apply --adopt)");
    add_selection_options(c.opts);
    auto parsed = c.parse(args);
    if (!parsed) return ops::kExitOk;
    const auto& vm = *parsed;
    ops::PlanRequest r{where(vm), targets(vm), group(vm), vm.count("json") > 0, std::nullopt, vm.count("detailed-exitcode") > 0};
    if (vm.count("out")) r.out = vm["out"].as<std::string>();
    return ops::plan(session, r);
}

int cmd_apply(ops::Session& session, const Args& args) {
    Command c("dockerops apply [PLANFILE | TARGET...] [--yes] [--parallelism N]");
    c.opts.add_options()("group", po::value<std::string>(), "only the instances of this group (and what they need)");
    add_apply_options(c.opts);
    auto parsed = c.parse(args);
    if (!parsed) return ops::kExitOk;
    const auto& vm = *parsed;
    const auto t = targets(vm);
    // A saved plan: applied exactly, if the engine still holds what it was made from.
    if (t.size() == 1 && fs::is_regular_file(t[0])) return ops::apply_saved(session, where(vm), t[0], apply_flags(vm));
    return ops::apply(session, ops::ApplyRequest{where(vm), t, group(vm), apply_flags(vm)});
}

int cmd_destroy(ops::Session& session, const Args& args) {
    Command c("dockerops destroy [TARGET...] [--yes] [--purge-data] [--rmi]");
    add_change_options(c.opts);
    // Accepted as before, not listed: destroy never needed it (it is apply's guard).
    c.hidden.add_options()("allow-destroy-all", "");
    c.opts.add_options()("purge-data", "also delete the instances' persistent data folders and the project's named volumes")(
        "rmi", "also remove the project's images (and the dangling ones its earlier builds left)");
    auto parsed = c.parse(args);
    if (!parsed) return ops::kExitOk;
    const auto& vm = *parsed;
    ops::ApplyFlags flags = apply_flags(vm);
    flags.heading = "Destroy";
    return ops::remove_instances(session, ops::RemoveRequest{where(vm), targets(vm), vm.count("purge-data") > 0,
                                                                        vm.count("rmi") > 0, "Destroy these?", flags});
}

int cmd_unlock(ops::Session& session, const Args& args) { return run_simple(session, args, "dockerops unlock [-f FILE]", ops::unlock); }

int cmd_graph(ops::Session& session, const Args& args) {
    Command c("dockerops graph [--format dot|svg] [--plan]");
    c.opts.add_options()("format", po::value<std::string>()->default_value("dot"), "dot, or svg (needs Graphviz's dot)")(
        "plan", "colour each node by its planned action (reads the engine)");
    auto parsed = c.parse(args);
    if (!parsed) return ops::kExitOk;
    const auto& vm = *parsed;
    auto& s = session;
    const std::string format = vm["format"].as<std::string>();
    auto dot = ops::graph_dot(s, where(vm), targets(vm), group(vm), vm.count("plan") > 0);
    if (!dot) return ops::fail(s.ui, dot.error());
    if (format == "dot") {
        std::cout << *dot;
        return ops::kExitOk;
    }
    if (format != "svg") return ops::fail(s.ui, Error{"unknown format '" + format + "' (dot or svg)"});
    auto exe = bp::search_path("dot");
    if (exe.empty())
        return ops::fail(s.ui, Error{"--format svg needs Graphviz's 'dot' (apt-get install graphviz); --format dot works without it"});
    bp::opstream in;
    bp::child child(exe, "-Tsvg", bp::std_in < in);
    in << *dot;
    in.flush();
    in.pipe().close();
    child.wait();
    return child.exit_code() == 0 ? ops::kExitOk : ops::kExitError;
}

}  // namespace dockerops::cli
