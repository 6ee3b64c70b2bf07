#include "cli/cli.hpp"
#include "cli/ops/ops.hpp"
#include "cli/provider.hpp"
#include "cli/terminal_ui.hpp"
#include "engine/apply/lock.hpp"
#include "engine/model/builtins.hpp"
#include "engine/model/diagnostics.hpp"
#include "util/heap.hpp"

#include <boost/program_options/errors.hpp>

#include <atomic>
#include <csignal>
#include <set>
#include <cstring>
#include <thread>

#include <pthread.h>
#include <unistd.h>
#include <functional>
#include <iostream>
#include <map>


namespace {

using namespace dockerops::cli;

struct Command {
    std::function<int(dockerops::ops::Session&, const Args&)> run;
    const char* summary;
};

const std::map<std::string, Command>& commands() {
    static const std::map<std::string, Command> table{
        {"validate", {cmd_validate, "check the configuration; print ok and a summary, or every problem"}},
        {"import", {cmd_import, "write dockerops.toml for a 2016 DockerOps project (apps_containers/)"}},
        {"plan", {cmd_plan, "show what apply would change, each change with its cause"}},
        {"apply", {cmd_apply, "carry out the plan (or a saved one) against the engine"}},
        {"destroy", {cmd_destroy, "remove the project's containers (data kept unless --purge-data)"}},
        {"unlock", {cmd_unlock, "remove a project lock left by a run that was killed"}},
        {"graph", {cmd_graph, "the desired graph (or the plan) as Graphviz DOT or SVG"}},
        {"init", {cmd_init, "start a project in an empty folder, and make its key pair (for ssh into and between instances)"}},
        {"build", {cmd_build, "build images in FROM order, with live progress"}},
        {"run", {cmd_run, "start one instance (or all: the seed's run:all); interactive ones on your terminal; --rm: a one-off command"}},
        {"clean", {cmd_clean, "remove instances (TARGET or all); their data is kept"}},
        {"ps", {cmd_ps, "the project's instances: type, state, address, ports, age"}},
        {"ip", {cmd_ip, "an instance's address"}},
        {"ssh", {cmd_ssh, "ssh into an instance as the dockerops user"}},
        {"shell", {cmd_shell, "a shell (or a command) in a running instance"}},
        {"logs", {cmd_logs, "an instance's output (--follow to keep reading)"}},
        {"status", {cmd_status, "supervisorctl status in every running instance"}},
        {"stop", {cmd_stop, "stop instances (TARGET, --group or all) without removing them"}},
        {"start", {cmd_start, "start stopped instances, each waited for until ready"}},
        {"restart", {cmd_restart, "stop then start instances, each waited for until ready"}},
        {"pause", {cmd_pause, "freeze running instances' processes (plan shows them as drift)"}},
        {"unpause", {cmd_unpause, "resume paused instances"}},
        {"kill", {cmd_kill, "send a signal (SIGKILL unless -s SIGNAL) to running instances"}},
        {"images", {cmd_images, "the images the project uses, and whether the engine has them"}},
        {"port", {cmd_port, "where an instance's published port is reached on the host"}},
        {"top", {cmd_top, "the processes of running instances"}},
        {"events", {cmd_events, "the engine's events about the project, as they happen (--json: JSON Lines)"}},
        {"cp", {cmd_cp, "copy files and folders between an instance and this host"}},
        {"pull", {cmd_pull, "fetch again the images the project takes as they are"}},
        {"config", {cmd_config, "the project as resolved (defaults, types, variable sources) as JSON; secrets masked"}},
        {"exec", {cmd_exec, "run a command in a running instance (the same as shell)"}},
        {"version", {cmd_version, "print the version and where the built-in containers are"}},
    };
    return table;
}

// The words docker compose users type, and ours for them: a nearest spelling
// would mislead there (up -> ip, rm -> ip, push -> ps).
std::optional<std::string> other_tools_verb(const std::string& word) {
    static const std::map<std::string, std::string> verbs{
        {"up", "did you mean 'apply'? it plans, asks, then creates and starts what differs"},
        {"down", "did you mean 'destroy'? data is kept unless --purge-data"},
        {"rm", "did you mean 'destroy TARGET' (or 'clean TARGET')?"},
        {"create", "did you mean 'apply'?"},
        {"ls", "did you mean 'ps'?"},
        {"push", "dockerops has no push: on target swarm, apply pushes the project's images to [project] registry"},
        {"attach", "did you mean 'shell TARGET' or 'logs -f TARGET'?"},
    };
    auto it = verbs.find(word);
    if (it == verbs.end()) return std::nullopt;
    return it->second;
}

void usage(std::ostream& os) {
    os << "usage: dockerops COMMAND [OPTIONS]\n\ncommands:\n";
    for (const auto& [name, c] : commands()) os << "  " << name << std::string(10 - std::min<size_t>(9, name.size()), ' ') << c.summary << "\n";
    os << "\nThe seed's words work too: build:all, run:all, ssh:demo, clean:all, run:demo,instance=one.\n"
          "Run 'dockerops COMMAND --help' for a command's options.\n"
          "Anywhere on the line: --target docker|swarm (over [project] target), --trace-api, --no-color.\n";
}

}  // namespace

namespace {

// SIGINT, SIGTERM and SIGHUP are taken by one thread: it releases the project
// lock this process holds (through a fresh connection), says so, and exits
// 128+N. What an interrupted apply left behind, the next apply converges from.
// SIGPIPE is ignored: a closed pipe (dockerops destroy | head) ends output,
// not the run, which finishes and releases its lock.
sigset_t handled_signals() {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGHUP);
    return set;
}

// Set once the command is known: a reading command (logs -f, ps, plan...)
// interrupted has nothing to converge, and ends quietly, as docker logs -f does.
std::atomic<bool> g_reading_command{false};

bool reading_command(const std::string& word) {
    static const std::set<std::string> words{"logs", "ps", "plan", "config", "ip", "status", "validate", "graph", "version", "exec", "shell",
                                                "top", "events", "images", "port"};
    return words.count(word) > 0;
}

// Before any other thread starts: they inherit the blocked set. The thread
// keeps its share of the session's locks.
void handle_signals(std::shared_ptr<dockerops::HeldLocks> locks) {
    std::signal(SIGPIPE, SIG_IGN);
    const sigset_t set = handled_signals();
    pthread_sigmask(SIG_BLOCK, &set, nullptr);
    std::thread([set, locks = std::move(locks)] {
        int sig = 0;
        if (sigwait(&set, &sig) != 0) return;
        int released = locks->release_all();
        if (g_reading_command && !released) _exit(128 + sig);
        std::string msg = std::string("\ndockerops: interrupted (") + (sig == SIGINT ? "SIGINT" : sig == SIGTERM ? "SIGTERM" : "SIGHUP") +
                          ")" + (released ? "; the project lock was released" : "") +
                          ". Run 'dockerops plan' to see where things stand: the next apply converges from here.\n";
        (void)!write(2, msg.data(), msg.size());
        _exit(128 + sig);
    }).detach();
}

}  // namespace

namespace dockerops::cli {
// Lets a command that hands the terminal to another program (ssh) give it
// the signals back.
void restore_signals() {
    const sigset_t set = handled_signals();
    pthread_sigmask(SIG_UNBLOCK, &set, nullptr);
    std::signal(SIGPIPE, SIG_DFL);
}
}  // namespace dockerops::cli

namespace {
using namespace dockerops::cli;
using dockerops::ops::kExitError;
using dockerops::ops::kExitOk;
}

// Commands that plan (and so build the whole desired state at once) get the
// tuned heap; those that run on for a long time (logs -f, a terminal) keep
// glibc's own, which gives freed memory back.
static bool short_lived(int argc, char** argv) {
    if (argc < 2) return true;
    const std::string_view word = argv[1];
    for (std::string_view streaming : {"logs", "events", "ssh", "shell", "exec", "attach"})
        if (word == streaming) return false;
    return !word.starts_with("ssh:");   // the seed's ssh:INSTANCE
}

int main(int argc, char** argv) {
    if (short_lived(argc, argv)) dockerops::tune_heap();   // first: before the heap holds anything of ours
    Args words;
    std::optional<dockerops::Target> target_override;
    const char* trace_env = std::getenv("DOCKEROPS_TRACE");
    bool trace_api = trace_env && std::string_view(trace_env).find("api") != std::string_view::npos;
    // --trace-api (or DOCKEROPS_TRACE=api) goes anywhere on the line: every
    // engine call to stderr, and their count at the end.
    // --no-color (or NO_COLOR set) too: plans without ANSI colours.
    for (int i = 1; i < argc; ++i) {
        // --target docker|swarm (or --target=swarm): the engine's target, over
        // the file's [project] target. Any other value is a command's TARGET
        // (--target web.one), left to the command; a container named docker or
        // swarm is named without the flag (dockerops plan swarm).
        std::string_view arg = argv[i];
        if (arg == "--target" || arg.starts_with("--target=")) {
            const bool joined = arg != "--target";
            std::string t = joined ? std::string(arg.substr(9)) : (i + 1 < argc ? argv[i + 1] : "");
            if (auto target = dockerops::parse_target(t)) {
                target_override = target;
                if (!joined) ++i;
                continue;
            }
        }
        if (std::strcmp(argv[i], "--trace-api") == 0) trace_api = true;
        else if (std::strcmp(argv[i], "--no-color") == 0) setenv("NO_COLOR", "1", 1);
        else words.emplace_back(argv[i]);
    }
    // The session every command runs in: the terminal, the providers, the locks held.
    Providers providers(target_override, trace_api);
    TerminalUi ui;
    dockerops::ops::Session session{ui, providers.factory(), [&providers](const dockerops::Project& p) { return providers.use_project(p); },
                                    std::make_shared<dockerops::HeldLocks>(providers.factory())};
    session.target_override = target_override;
    handle_signals(session.locks);
    words = translate_seed_words(words);
    // "dockerops help CMD" is "dockerops CMD --help".
    if (words.size() == 2 && words[0] == "help" && commands().count(words[1])) words = {words[1], "--help"};
    if (words.empty() || words[0] == "-h" || words[0] == "--help" || words[0] == "help") {
        usage(words.empty() ? std::cerr : std::cout);
        return words.empty() ? kExitError : kExitOk;
    }
    if (words[0] == "--version") words[0] = "version";
    if (words[0] == "__complete") return cmd_complete(session, Args(words.begin() + 1, words.end()));   // for the shell, not listed
    auto it = commands().find(words[0]);
    g_reading_command = reading_command(words[0]);
    if (it == commands().end()) {
        std::vector<std::string> names;
        for (const auto& [name, _] : commands()) names.push_back(name);
        const auto other = other_tools_verb(words[0]);
        std::cerr << "dockerops: unknown command '" << words[0] << "' ("
                  << (other ? *other : dockerops::suggest(words[0], names, "commands")) << ")\n";
        usage(std::cerr);
        return kExitError;
    }
    try {
        int rc = it->second.run(session, Args(words.begin() + 1, words.end()));
        providers.print_trace_summary();
        return rc;
    } catch (const boost::program_options::error& e) {
        std::cerr << "dockerops " << words[0] << ": " << e.what() << "\n";
        return kExitError;
    } catch (const std::exception& e) {
        std::cerr << "dockerops " << words[0] << ": " << e.what() << "\n";
        return kExitError;
    }
}
