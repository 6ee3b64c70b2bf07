// The seed's everyday commands: init, build, run, clean, ps, ip, ssh, shell,
// logs, status — arguments parsed, the orchestration layer called, printed.
#include "cli/cli.hpp"
#include "cli/options.hpp"
#include "cli/terminal_ui.hpp"
#include "util/json_writer.hpp"

#include <boost/process.hpp>

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <iostream>

namespace bp = boost::process;

namespace dockerops::cli {

namespace {

std::optional<bool> parse_bool(std::string v) {
    std::transform(v.begin(), v.end(), v.begin(), [](unsigned char c) { return std::tolower(c); });
    if (v == "true" || v == "1" || v == "yes" || v == "on") return true;
    if (v == "false" || v == "0" || v == "no" || v == "off") return false;
    return std::nullopt;
}

int fail(ops::Session& s, const Error& e) { return ops::fail(s.ui, e); }

}  // namespace

int cmd_init(ops::Session& session, const Args& args) {
    return run_simple(session, args,
                      "dockerops init [-f FOLDER]: start a project — in an empty folder a starter dockerops.toml and "
                      "containers/app/Dockerfile; in every case the project's key pair (.dockerops/ssh, for 'dockerops ssh') "
                      "and .gitignore lines for .dockerops/, dockerops.host.toml and data/",
                      ops::init);
}

int cmd_build(ops::Session& session, const Args& args) {
    Command c("dockerops build [CONTAINER...|all] [--no-cache] [--progress auto|plain|json] [--parallelism N]");
    c.opts.add_options()("no-cache", "do not use the engine's build cache")(
        "progress", po::value<std::string>()->default_value("auto"), "auto (steps on a terminal), plain (every line), json")(
        "parallelism", po::value<int>()->default_value(4),
        "images built at once, each after those it is built FROM (1: one at a time)");
    auto parsed = c.parse(args);
    if (!parsed) return ops::kExitOk;
    const auto& vm = *parsed;
    const std::string progress = vm["progress"].as<std::string>();
    if (progress != "auto" && progress != "plain" && progress != "json")
        return fail(session, Error{"--progress is auto, plain or json, not '" + progress + "'"});
    const int parallelism = vm["parallelism"].as<int>();
    if (parallelism < 1 || parallelism > 64) return fail(session, Error{"--parallelism is 1 to 64, not " + std::to_string(parallelism)});
    using P = ops::BuildRequest::Progress;
    return ops::build(session, ops::BuildRequest{where(vm), targets(vm), vm.count("no-cache") > 0,
                                                 progress == "json" ? P::Json : progress == "plain" ? P::Plain : P::Auto,
                                                 parallelism});
}

int cmd_run(ops::Session& session, const Args& args) {
    Command c("dockerops run CONTAINER[.INSTANCE]|all [--instance N] [--type T] [--interactive] [--safemode] [--set KEY=VALUE...]\n"
              "       dockerops run --rm [--service-ports] [--no-deps] [-T] CONTAINER[.INSTANCE] [CMD...]");
    add_apply_options(c.opts);
    c.opts.add_options()("rm", "a one-off: a copy of the instance (the first declared, or the one named) running CMD, "
                               "attached, removed when it ends; its exit code is run's")(
        "service-ports", "with --rm: publish the instance's ports (none are, otherwise)")(
        "no-TTY,T", "with --rm: no TTY even on a terminal (output and errors apart)");
    c.opts.add_options()("instance", po::value<std::string>(), "the instance name (default: the declared ones, or a random one)")(
        "type", po::value<std::string>(), "standard, published, master, interactive or safemode")(
        "interactive", "a shell on your terminal instead of the command; removed when you leave")(
        "safemode", "interactive, and the image's entrypoint-local.sh is skipped")(
        "set", po::value<std::vector<std::string>>()->multitoken(), "a switch for this run: linked, publish_ports, persistent_data, persistent_opt, persistent_log");
    // With --rm, the words after CONTAINER are its command.
    auto [ours, cmd] = c.split_at_target(args);
    const bool rm = std::find(ours.begin(), ours.end(), "--rm") != ours.end();
    auto parsed = c.parse(rm ? ours : args);
    if (!parsed) return ops::kExitOk;
    const auto& vm = *parsed;
    const auto t = targets(vm);
    if (t.size() != 1)
        return fail(session, Error{std::string("run takes one CONTAINER, CONTAINER.INSTANCE or all") +
                          (t.size() > 1 ? " (a one-off running a command: run --rm CONTAINER CMD...)" : "")});
    ops::RunRequest r{where(vm), t[0], std::nullopt, std::nullopt, {}, apply_flags(vm)};
    for (const char* only : {"service-ports", "no-TTY"})
        if (!rm && vm.count(only)) return fail(session, Error{std::string("--") + only + " goes with --rm"});
    if (rm) {
        for (const char* other : {"type", "interactive", "safemode", "set"})
            if (vm.count(other))
                return fail(session, Error{std::string("--rm runs a copy of an instance as declared: --") + other + " is for a long-lived run"});
        if (t[0] == "all") return fail(session, Error{"--rm takes one CONTAINER or CONTAINER.INSTANCE, not all"});
        r.rm = ops::RunRequest::OneOffRun{cmd, vm.count("service-ports") > 0,
                                          !vm.count("no-TTY") && isatty(0) && isatty(1)};
    }
    if (vm.count("instance")) r.instance = vm["instance"].as<std::string>();
    if (vm.count("type")) {
        r.type = parse_instance_type(vm["type"].as<std::string>());
        if (!r.type) return fail(session, Error{"unknown instance type '" + vm["type"].as<std::string>() + "' (" +
                                       suggest(vm["type"].as<std::string>(), instance_type_names(), "types") + ")"});
    }
    if (vm.count("interactive")) r.type = InstanceType::Interactive;
    if (vm.count("safemode")) r.type = InstanceType::Safemode;
    if (vm.count("set"))
        for (const auto& kv : vm["set"].as<std::vector<std::string>>()) {
            auto eq = kv.find('=');
            std::string k = kv.substr(0, eq);
            auto b = eq == std::string::npos ? std::optional<bool>(true) : parse_bool(kv.substr(eq + 1));
            Switches probe;
            if (!switch_field(probe, k)) return fail(session, Error{"--set " + k + ": not a switch (" + suggest(k, switch_names(), "switches") + ")"});
            if (!b) return fail(session, Error{"--set " + kv + ": the value is true or false"});
            r.sets[k] = *b;
        }
    return ops::run(session, r);
}

int cmd_clean(ops::Session& session, const Args& args) {
    Command c("dockerops clean TARGET|all [--yes]: remove instances, keep their data");
    add_change_options(c.opts);
    c.hidden.add_options()("allow-destroy-all", "");   // accepted as before, not listed: apply's guard
    auto parsed = c.parse(args);
    if (!parsed) return ops::kExitOk;
    const auto& vm = *parsed;
    auto t = targets(vm);
    if (t.empty()) return fail(session, Error{"clean takes a TARGET (web.one, web) or all"});
    const bool all = std::find(t.begin(), t.end(), "all") != t.end();
    if (all) t.clear();
    ops::ApplyFlags flags = apply_flags(vm);
    flags.heading = "Clean";
    return ops::remove_instances(session,
                                 ops::RemoveRequest{where(vm), t, false, false,
                                                    all ? std::optional<std::string>("Remove every container of the project? (data is kept)")
                                                        : std::nullopt,
                                                    flags});
}

namespace {
// A header row and rows: as columns, or with --json an array of objects
// whose keys are the header's words, lower-cased.
int print_rows(const std::vector<std::vector<std::string>>& rows, bool json) {
    if (json) {
        // The header's words, lower-cased, name each field.
        JsonWriter w;
        w.begin_array();
        for (std::size_t r = 1; r < rows.size(); ++r) {
            w.begin_object();
            for (std::size_t i = 0; i < rows[0].size(); ++i) {
                std::string key = rows[0][i];
                for (auto& ch : key) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
                w.key(key).value(rows[r][i]);
            }
            w.end_object();
        }
        w.end_array();
        std::cout << w.str() << "\n";
        return ops::kExitOk;
    }
    std::vector<std::size_t> width(rows[0].size(), 0);
    for (const auto& r : rows) for (std::size_t i = 0; i < r.size(); ++i) width[i] = std::max(width[i], r[i].size());
    for (const auto& r : rows) {
        std::string line;
        for (std::size_t i = 0; i < r.size(); ++i) line += r[i] + (i + 1 < r.size() ? std::string(width[i] - r[i].size() + 2, ' ') : "");
        while (!line.empty() && line.back() == ' ') line.pop_back();
        std::cout << line << "\n";
    }
    return ops::kExitOk;
}
}  // namespace

int cmd_ps(ops::Session& session, const Args& args) {
    Command c("dockerops ps [--all] [--json]: the project's instances", false);
    c.opts.add_options()("all,a", "stopped instances too")("json", "a JSON array, one object per instance");
    auto parsed = c.parse(args);
    if (!parsed) return ops::kExitOk;
    const auto& vm = *parsed;
    auto rows = ops::ps_rows(session, where(vm), vm.count("all") > 0);
    if (!rows) return fail(session, rows.error());
    return print_rows(*rows, vm.count("json") > 0);
}

int cmd_images(ops::Session& session, const Args& args) {
    Command c("dockerops images [--json]: the images the project uses, built or taken, and whether the engine has them", false);
    c.opts.add_options()("json", "a JSON array, one object per image");
    auto parsed = c.parse(args);
    if (!parsed) return ops::kExitOk;
    auto rows = ops::image_rows(session, where(*parsed));
    if (!rows) return fail(session, rows.error());
    return print_rows(*rows, parsed->count("json") > 0);
}

int cmd_port(ops::Session& session, const Args& args) {
    Command c("dockerops port TARGET PORT[/PROTOCOL]: where an instance's published port is reached on the host");
    auto parsed = c.parse(args);
    if (!parsed) return ops::kExitOk;
    const auto t = targets(*parsed);
    if (t.size() != 2) return fail(session, Error{"port takes a TARGET and a PORT (dockerops port web.one 80)"});
    auto out = ops::published_port(session, where(*parsed), t[0], t[1]);
    if (!out) return fail(session, out.error());
    std::cout << *out;
    return ops::kExitOk;
}

int cmd_ip(ops::Session& session, const Args& args) {
    Command c("dockerops ip TARGET");
    auto parsed = c.parse(args);
    if (!parsed) return ops::kExitOk;
    const auto& vm = *parsed;
    const auto t = targets(vm);
    if (t.size() != 1) return fail(session, Error{"ip takes one TARGET"});
    auto ch = ops::choose(session, where(vm), t[0]);
    if (!ch) return fail(session, ch.error());
    std::cout << ch->address << "\n";
    return ops::kExitOk;
}

int cmd_ssh(ops::Session& session, const Args& args) {
    Command c("dockerops ssh TARGET [CMD...]");
    auto [ours, remote] = c.split_at_target(args);
    auto parsed = c.parse(ours);
    if (!parsed) return ops::kExitOk;
    const auto& vm = *parsed;
    const auto t = targets(vm);
    if (t.empty()) return fail(session, Error{"ssh takes a TARGET"});
    auto target = ops::ssh_target(session, where(vm), t[0]);
    if (!target) return fail(session, target.error());
    auto exe = bp::search_path("ssh");
    if (exe.empty()) return fail(session, Error{"ssh is needed (apt-get install openssh-client)"});
    std::vector<std::string> argv{"ssh", "-i", target->key, "-o", "StrictHostKeyChecking=accept-new", "-o",
                                  "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR", "-o", "IdentitiesOnly=yes"};
    if (isatty(0) && remote.empty()) argv.push_back("-t");
    argv.push_back("dockerops@" + target->address);
    argv.insert(argv.end(), remote.begin(), remote.end());
    std::vector<char*> raw;
    for (auto& a : argv) raw.push_back(a.data());
    raw.push_back(nullptr);
    std::cout.flush();
    restore_signals();
    execv(exe.c_str(), raw.data());   // the terminal goes straight to ssh; its exit code is ours
    return fail(session, Error{std::string("cannot run ssh: ") + std::strerror(errno)});
}

namespace {
int shell_or_exec(ops::Session& session, const std::string& word, const Args& args) {
    Command c("dockerops " + word + " TARGET [CMD...]: " +
              (word == "exec" ? "run CMD in a running instance (a shell when there is none)"
                              : "a shell in a running instance (or CMD, as exec)"));
    auto [ours, cmd] = c.split_at_target(args);
    auto parsed = c.parse(ours);
    if (!parsed) return ops::kExitOk;
    const auto& vm = *parsed;
    const auto t = targets(vm);
    if (t.empty()) return fail(session, Error{word + " takes a TARGET"});
    if (cmd.empty()) {
        auto code = ops::shell_interactive(session, where(vm), t[0]);
        if (!code) return fail(session, code.error());
        return *code;
    }
    auto r = ops::shell_command(session, where(vm), t[0], cmd);
    if (!r) return fail(session, r.error());
    std::cout << r->out << std::flush;
    std::cerr << r->err << std::flush;
    return r->exit_code;
}
}  // namespace

int cmd_shell(ops::Session& session, const Args& args) { return shell_or_exec(session, "shell", args); }
int cmd_exec(ops::Session& session, const Args& args) { return shell_or_exec(session, "exec", args); }

int cmd_logs(ops::Session& session, const Args& args) {
    Command c("dockerops logs [TARGET...] [-f|--follow] [--tail N] [--since T] [--program NAME] [--file FILE]", true,
              FileFlag::LongOnly);
    c.opts.add_options()("follow,F", "keep printing new output (also -f, as in docker logs -f; the project file is --file)")(
        "tail,n", po::value<int>(), "only the last N lines of each")(
        "since", po::value<std::string>(), "only what came after: 10m, 2h, a UNIX time or 2026-11-26T08:00:00")(
        "program", po::value<std::string>(), "a supervisord program's own log (base container), not the container's output");
    // Here -f follows, as in docker logs; the project file is --file.
    Args a = args;
    for (auto& w : a) if (w == "--follow" || w == "-f") w = "-F";
    auto parsed = c.parse(a);
    if (!parsed) return ops::kExitOk;
    const auto& vm = *parsed;
    ops::LogsRequest r{where(vm), targets(vm), {}, "", ""};
    r.options.follow = vm.count("follow") > 0;
    if (vm.count("tail")) r.options.tail = vm["tail"].as<int>();
    if (vm.count("since")) r.since = vm["since"].as<std::string>();
    if (vm.count("program")) r.program = vm["program"].as<std::string>();
    return ops::logs(session, r);
}

int cmd_status(ops::Session& session, const Args& args) {
    Command c("dockerops status: supervisorctl status in every running instance", false);
    auto parsed = c.parse(args);
    if (!parsed) return ops::kExitOk;
    const auto& vm = *parsed;
    auto text = ops::status_text(session, where(vm));
    if (!text) return fail(session, text.error());
    std::cout << *text;
    return ops::kExitOk;
}

}  // namespace dockerops::cli
