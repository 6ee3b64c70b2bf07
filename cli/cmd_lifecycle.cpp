// stop, start, restart, pause, unpause, kill (cli/ops/lifecycle), and top,
// events, cp, pull (cli/ops/container_io): arguments parsed, the layer called.
#include "cli/cli.hpp"
#include "cli/options.hpp"
#include "cli/terminal_ui.hpp"

#include <iostream>

namespace dockerops::cli {

namespace {

int lifecycle_command(ops::Session& session, const Args& args, const std::string& word, ops::Lifecycle verb, const std::string& what) {
    Command c("dockerops " + word + " [TARGET...] [--group G]" + (verb == ops::Lifecycle::Kill ? " [-s SIGNAL]" : "") + ": " + what);
    c.opts.add_options()("group", po::value<std::string>(), "only the instances of this group");
    if (verb == ops::Lifecycle::Kill)
        c.opts.add_options()("signal,s", po::value<std::string>()->default_value("SIGKILL"), "the signal: SIGKILL, SIGHUP, TERM, 9");
    auto parsed = c.parse(args);
    if (!parsed) return ops::kExitOk;
    const auto& vm = *parsed;
    ops::LifecycleRequest r{where(vm), targets(vm), group(vm), verb};
    if (vm.count("signal")) r.signal = vm["signal"].as<std::string>();
    return ops::lifecycle(session, r);
}

}  // namespace

int cmd_config(ops::Session& session, const Args& args) { return run_simple(session, args, "dockerops config [-f FILE]: the resolved project as JSON", ops::config); }

int cmd_stop(ops::Session& session, const Args& args) {
    return lifecycle_command(session, args, "stop", ops::Lifecycle::Stop, "stop running instances without removing them");
}
int cmd_start(ops::Session& session, const Args& args) {
    return lifecycle_command(session, args, "start", ops::Lifecycle::Start, "start stopped instances, each waited for until ready");
}
int cmd_restart(ops::Session& session, const Args& args) {
    return lifecycle_command(session, args, "restart", ops::Lifecycle::Restart, "stop then start instances, each waited for until ready");
}
int cmd_pause(ops::Session& session, const Args& args) {
    return lifecycle_command(session, args, "pause", ops::Lifecycle::Pause, "freeze the processes of running instances (plan shows them as drift)");
}
int cmd_unpause(ops::Session& session, const Args& args) {
    return lifecycle_command(session, args, "unpause", ops::Lifecycle::Unpause, "resume paused instances");
}
int cmd_kill(ops::Session& session, const Args& args) {
    return lifecycle_command(session, args, "kill", ops::Lifecycle::Kill, "send a signal (SIGKILL unless -s) to running instances");
}

int cmd_top(ops::Session& session, const Args& args) {
    Command c("dockerops top [TARGET...] [--json]: the processes of running instances");
    c.opts.add_options()("json", "a JSON array: {instance, titles, processes} per instance");
    auto parsed = c.parse(args);
    if (!parsed) return ops::kExitOk;
    auto text = ops::top_text(session, where(*parsed), targets(*parsed), parsed->count("json") > 0);
    if (!text) return ops::fail(session.ui, text.error());
    std::cout << *text;
    return ops::kExitOk;
}

int cmd_events(ops::Session& session, const Args& args) {
    Command c("dockerops events [--since T] [--until T] [--json]: the engine's events about the project's containers, "
              "networks and volumes as they happen (Ctrl-C ends)", false);
    c.opts.add_options()("since", po::value<std::string>()->default_value(""), "from then: 10m, a UNIX time or 2026-11-26T08:00:00 (UTC)")(
        "until", po::value<std::string>()->default_value(""), "until then (and end): as --since")("json", "JSON Lines, one object per event");
    auto parsed = c.parse(args);
    if (!parsed) return ops::kExitOk;
    const auto& vm = *parsed;
    return ops::events(session,
                       ops::EventsRequest{where(vm), vm["since"].as<std::string>(), vm["until"].as<std::string>(), vm.count("json") > 0});
}

int cmd_cp(ops::Session& session, const Args& args) {
    Command c("dockerops cp TARGET:PATH HOST_PATH | HOST_PATH TARGET:PATH: copy files and folders between an instance and this host");
    auto parsed = c.parse(args);
    if (!parsed) return ops::kExitOk;
    const auto t = targets(*parsed);
    if (t.size() != 2) return ops::fail(session.ui, Error{"cp takes a source and a destination, one of them TARGET:PATH"});
    return ops::copy(session, where(*parsed), t[0], t[1]);
}

int cmd_pull(ops::Session& session, const Args& args) {
    Command c("dockerops pull [CONTAINER...]: fetch again the images the project takes as they are (built ones are passed over)");
    auto parsed = c.parse(args);
    if (!parsed) return ops::kExitOk;
    return ops::pull(session, where(*parsed), targets(*parsed));
}

}  // namespace dockerops::cli
