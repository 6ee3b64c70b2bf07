// stop, start, restart: arguments parsed, cli/ops/lifecycle called.
#include "cli/cli.hpp"
#include "cli/options.hpp"
#include "cli/terminal_ui.hpp"

namespace dockerops::cli {

namespace {

int lifecycle_command(const Args& args, const std::string& word, ops::Lifecycle verb) {
    Command c("dockerops " + word + " [TARGET...] [--group G]");
    c.opts.add_options()("group", po::value<std::string>(), "only the instances of this group");
    auto parsed = c.parse(args);
    if (!parsed) return ops::kExitOk;
    const auto& vm = *parsed;
    return ops::lifecycle(terminal_session(), ops::LifecycleRequest{where(vm), targets(vm), group(vm), verb});
}

}  // namespace

int cmd_config(const Args& args) { return run_simple(args, "dockerops config [-f FILE]: the resolved project as JSON", ops::config); }

int cmd_stop(const Args& args) { return lifecycle_command(args, "stop", ops::Lifecycle::Stop); }
int cmd_start(const Args& args) { return lifecycle_command(args, "start", ops::Lifecycle::Start); }
int cmd_restart(const Args& args) { return lifecycle_command(args, "restart", ops::Lifecycle::Restart); }

}  // namespace dockerops::cli
