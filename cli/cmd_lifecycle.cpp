// stop, start, restart: arguments parsed, cli/ops/lifecycle called.
#include "cli/cli.hpp"
#include "cli/options.hpp"
#include "cli/terminal_ui.hpp"

namespace dockerops::cli {

namespace {

int lifecycle_command(const Args& args, const std::string& word, ops::Lifecycle verb, const std::string& what) {
    Command c("dockerops " + word + " [TARGET...] [--group G]" + (verb == ops::Lifecycle::Kill ? " [-s SIGNAL]" : "") + ": " + what);
    c.opts.add_options()("group", po::value<std::string>(), "only the instances of this group");
    if (verb == ops::Lifecycle::Kill)
        c.opts.add_options()("signal,s", po::value<std::string>()->default_value("SIGKILL"), "the signal: SIGKILL, SIGHUP, TERM, 9");
    auto parsed = c.parse(args);
    if (!parsed) return ops::kExitOk;
    const auto& vm = *parsed;
    ops::LifecycleRequest r{where(vm), targets(vm), group(vm), verb};
    if (vm.count("signal")) r.signal = vm["signal"].as<std::string>();
    return ops::lifecycle(terminal_session(), r);
}

}  // namespace

int cmd_config(const Args& args) { return run_simple(args, "dockerops config [-f FILE]: the resolved project as JSON", ops::config); }

int cmd_stop(const Args& args) {
    return lifecycle_command(args, "stop", ops::Lifecycle::Stop, "stop running instances without removing them");
}
int cmd_start(const Args& args) {
    return lifecycle_command(args, "start", ops::Lifecycle::Start, "start stopped instances, each waited for until ready");
}
int cmd_restart(const Args& args) {
    return lifecycle_command(args, "restart", ops::Lifecycle::Restart, "stop then start instances, each waited for until ready");
}
int cmd_pause(const Args& args) {
    return lifecycle_command(args, "pause", ops::Lifecycle::Pause, "freeze the processes of running instances (plan shows them as drift)");
}
int cmd_unpause(const Args& args) {
    return lifecycle_command(args, "unpause", ops::Lifecycle::Unpause, "resume paused instances");
}
int cmd_kill(const Args& args) {
    return lifecycle_command(args, "kill", ops::Lifecycle::Kill, "send a signal (SIGKILL unless -s) to running instances");
}

}  // namespace dockerops::cli
