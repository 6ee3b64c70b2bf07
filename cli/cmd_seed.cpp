// The seed's everyday commands: init, build, run, clean, ps, ip, ssh, shell,
// logs, status — and the prompt for missing variables.
#include "cli/common.hpp"
#include "engine/apply/executor.hpp"
#include "util/files.hpp"
#include "engine/config/legacy.hpp"
#include "util/toml_text.hpp"
#include "providers/docker/attach.hpp"
#include "util/json_writer.hpp"
#include "engine/model/spec_hash.hpp"

#include <boost/process.hpp>
#include <boost/program_options.hpp>

#include <cstring>

#include <termios.h>
#include <unistd.h>

#include <ctime>
#include <fstream>
#include <iostream>
#include <random>
#include <set>
#include <sstream>

namespace po = boost::program_options;
namespace bp = boost::process;
namespace fs = std::filesystem;

namespace dockerops::cli {

namespace {

std::string read_line(bool hidden) {
    termios saved{};
    bool off = hidden && tcgetattr(0, &saved) == 0;
    if (off) {
        termios t = saved;
        t.c_lflag &= ~static_cast<tcflag_t>(ECHO);
        tcsetattr(0, TCSANOW, &t);
    }
    std::string v;
    std::getline(std::cin, v);
    if (off) {
        tcsetattr(0, TCSANOW, &saved);
        std::cerr << "\n";
    }
    return v;
}

// Appends KEY = "value" lines to the host file's [env] (made when missing), and
// keeps the host file out of git.
Status save_to_host_file(const fs::path& root, const std::map<std::string, std::string>& values) {
    const fs::path host = root / kHostFileName;
    const std::string text = read_text_file(host).value_or("");
    std::ofstream out(host, std::ios::app);
    if (text.find("[env]") == std::string::npos) out << (text.empty() || text.back() == '\n' ? "" : "\n") << "[env]\n";
    else if (!text.empty() && text.back() != '\n') out << "\n";
    for (const auto& [k, v] : values) out << k << " = " << toml_quote(v) << "\n";
    if (!out) return Error{"cannot write", host.string()};
    fs::permissions(host, fs::perms::owner_read | fs::perms::owner_write);
    ensure_git_ignored(root, std::string(kHostFileName));
    return ok_status();
}

std::string random_name() {
    static const char* alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
    std::random_device rd;
    std::string out = "x";
    for (int i = 0; i < 4; ++i) out += alphabet[rd() % 36];
    return out;
}

std::optional<bool> parse_bool(std::string v) {
    std::transform(v.begin(), v.end(), v.begin(), [](unsigned char c) { return std::tolower(c); });
    if (v == "true" || v == "1" || v == "yes" || v == "on") return true;
    if (v == "false" || v == "0" || v == "no" || v == "off") return false;
    return std::nullopt;
}

// The project's containers matching TARGET ("web.one" or "web"), sorted.
std::vector<ObservedContainer> matching(const ObservedState& o, const std::string& project, const std::string& target) {
    std::vector<ObservedContainer> out;
    for (const auto& c : o.containers) {   // the project's own only (engine/ownership)
        (void)project;
        std::string ci = c.label(labels::kContainer), in = c.label(labels::kInstance);
        if (target == ci + "." + in || target == ci || target == c.name) out.push_back(c);
    }
    return out;
}

struct Chosen {
    Project project;
    std::unique_ptr<docker::DockerEngine> engine;
    ObservedContainer container;
};

// One instance for TARGET: several matching ones are offered as a choice on a
// terminal, as the seed did, and named in the error elsewhere.
Result<Chosen> choose(const Common& c, const std::string& target, bool running_only = true) {
    auto ob = load_and_observe(c);
    if (!ob) return ob.error();
    Project* p = &ob->project;
    auto all = matching(ob->state, p->name, target);
    std::vector<ObservedContainer> found;
    for (const auto& m : all)
        if (!running_only || m.state == "running") found.push_back(m);
    if (found.empty())
        return Error{all.empty() ? "no instance matches '" + target + "'" : "no instance matching '" + target + "' is running",
                     "project " + p->name};
    std::size_t pick = 0;
    if (found.size() > 1) {
        std::string names;
        for (const auto& f : found) names += (names.empty() ? "" : ", ") + f.label(labels::kContainer) + "." + f.label(labels::kInstance);
        if (!isatty(0)) return Error{"'" + target + "' matches several instances: " + names + "; name one", "project " + p->name};
        for (std::size_t i = 0; i < found.size(); ++i)
            std::cerr << "  " << i + 1 << ") " << found[i].label(labels::kContainer) << "." << found[i].label(labels::kInstance) << "\n";
        std::cerr << "Which one? [1-" << found.size() << "] " << std::flush;
        std::string a;
        std::getline(std::cin, a);
        pick = static_cast<std::size_t>(std::atoi(a.c_str()));
        if (pick < 1 || pick > found.size()) return Error{"no instance chosen"};
        --pick;
    }
    return Chosen{std::move(ob->project), std::move(ob->engine), found[pick]};
}

std::string address_of(const Chosen& ch) {
    auto it = ch.container.addresses.find(ch.project.name);
    if (it != ch.container.addresses.end()) return it->second;
    return ch.container.addresses.empty() ? std::string() : ch.container.addresses.begin()->second;
}

std::string key_path(const Project& p) { return (p.root / ".dockerops/ssh/id_ed25519").string(); }

std::string age(std::int64_t created) {
    std::int64_t s = std::time(nullptr) - created;
    if (s < 60) return std::to_string(s) + "s";
    if (s < 3600) return std::to_string(s / 60) + "m";
    if (s < 86400) return std::to_string(s / 3600) + "h";
    return std::to_string(s / 86400) + "d";
}

std::string interactive_shell_cmd() {
    return "if command -v bash >/dev/null 2>&1; then exec bash -l; else exec sh -l; fi";
}

// "[options] TARGET CMD...": the options before TARGET are ours, everything
// after it is the command, verbatim (its own -c and --flags included).
std::pair<Args, Args> split_at_target(const Args& args) {
    Args ours, cmd;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        if (a == "--") { cmd.assign(args.begin() + static_cast<long>(i) + 1, args.end()); break; }
        if (a == "-f" || a == "--file" || a == "--host-file") {
            ours.push_back(a);
            if (i + 1 < args.size()) ours.push_back(args[++i]);
            continue;
        }
        if (a.starts_with("-")) { ours.push_back(a); continue; }
        ours.push_back(a);   // TARGET
        cmd.assign(args.begin() + static_cast<long>(i) + 1, args.end());
        break;
    }
    return {ours, cmd};
}

}  // namespace

Result<DesiredState> compile_with_prompts(const Project& p, CompileOptions options) {
    Environment env = Environment::process();
    std::map<std::string, std::string> answers;
    if (isatty(0) && isatty(2)) {
        env.ask = [&](const std::string& name, const std::string& inst, bool secret) -> std::optional<std::string> {
            if (answers.count(name)) return answers[name];
            std::cerr << inst << " needs " << name << (secret ? " (secret: not shown)" : "") << ": " << std::flush;
            std::string v = read_line(secret);
            if (v.empty()) return std::nullopt;
            answers[name] = v;
            return v;
        };
    }
    auto d = compile(p, env, options);
    if (d && !answers.empty()) {
        std::string names;
        for (const auto& [k, _] : answers) names += (names.empty() ? "" : ", ") + k;
        std::cerr << "Save " << names << " in " << (p.root / kHostFileName).string() << " for next time? [y/N] " << std::flush;
        std::string a = read_line(false);
        if (a == "y" || a == "Y" || a == "yes") {
            if (auto s = save_to_host_file(p.root, answers); !s) std::cerr << "dockerops: " << s.error().text() << "\n";
        }
    }
    return d;
}

int cmd_init(const Args& args) {
    po::options_description opts("dockerops init [-f FILE]: a key pair for the project's instances");
    add_common(opts);
    auto vm = parse(args, opts);
    if (vm.count("help")) { std::cout << opts; return kExitOk; }
    auto p = load_or_report(common(vm).file, std::nullopt);
    if (!p) return kExitError;
    const fs::path dir = p->root / ".dockerops/ssh";
    const fs::path key = dir / "id_ed25519";
    if (fs::exists(key)) {
        std::cout << "the project already has a key pair: " << key.string() << "\n";
    } else {
        fs::create_directories(dir);
        fs::permissions(p->root / ".dockerops", fs::perms::owner_all);
        auto exe = bp::search_path("ssh-keygen");
        if (exe.empty()) return fail(Error{"ssh-keygen is needed (apt-get install openssh-client)"});
        int rc = bp::system(exe, "-q", "-t", "ed25519", "-N", "", "-C", "dockerops@" + p->name, "-f", key.string(),
                            bp::std_out > bp::null, bp::std_in < bp::null);
        if (rc != 0) return fail(Error{"ssh-keygen failed", key.string()});
        fs::permissions(key, fs::perms::owner_read | fs::perms::owner_write);
        std::cout << "made a key pair for project '" << p->name << "': " << key.string() << " (mode 0600)\n";
    }
    // Never committed.
    if (ensure_git_ignored(p->root, ".dockerops/"))
        std::cout << "added .dockerops/ to " << (p->root / ".gitignore").string() << "\n";
    std::cout << "instances get it at run time (re-apply running ones): 'dockerops ssh TARGET' logs in with it\n";
    return kExitOk;
}

int cmd_build(const Args& args) {
    po::options_description opts("dockerops build [CONTAINER...|all] [--no-cache] [--progress auto|plain|json]");
    add_common(opts);
    opts.add_options()("no-cache", "do not use the engine's build cache")(
        "progress", po::value<std::string>()->default_value("auto"), "auto (steps on a terminal), plain (every line), json");
    auto vm = parse(args, opts);
    if (vm.count("help")) { std::cout << opts; return kExitOk; }
    Common c = common(vm);
    const std::string progress = vm["progress"].as<std::string>();
    if (progress != "auto" && progress != "plain" && progress != "json")
        return fail(Error{"--progress is auto, plain or json, not '" + progress + "'"});
    auto p = load_or_report(c.file, c.host_file);
    if (!p) return kExitError;
    std::set<std::string> wanted;
    for (const auto& t : c.targets) {
        if (t == "all") { wanted.clear(); break; }
        if (!p->containers.count(t))
            return fail(Error{"no container '" + t + "' (" + suggest(t, p->container_names(), "containers") + ")", "project " + p->name});
        wanted.insert(t);
    }
    Environment quiet = Environment::process();
    // Building needs no variables: an instance's missing ones are not asked for here.
    quiet.getenv = [](const std::string&) { return std::optional<std::string>("-"); };
    quiet.interface_address = [](const std::string&) { return std::optional<std::string>("0.0.0.0"); };
    auto d = compile(*p, quiet, {true});
    if (!d) return fail(d.error());
    auto g = DesiredGraph::build(*d);
    if (!g) return fail(g.error());
    std::set<std::string> scope;
    for (const auto& w : wanted) scope.insert(image_key(w));
    if (!wanted.empty()) scope = g->closure(scope);
    auto e = connect();
    if (!e) return fail(e.error());
    int built = 0;
    // In FROM order, one after the other: each build needs its parent's image.
    for (const auto& key : g->order()) {
        if (!key.starts_with("image:") || (!wanted.empty() && !scope.count(key))) continue;
        DesiredImage& img = d->images.at(key.substr(6));
        BuildSpec spec = img.build;
        spec.no_cache = vm.count("no-cache") > 0;
        std::string files;
        for (const auto& [rel, dg] : img.digests) files += rel + "=" + dg.substr(0, 12) + "\n";
        if (files.size() < 32 * 1024) spec.labels[labels::kContextFiles] = files;
        std::cout << "build " << img.tag << "\n" << std::flush;
        auto r = (*e)->build(spec, [&](const BuildEvent& ev) {
            if (progress == "json") {
                std::cout << JsonWriter().begin_object().key("image").value(img.tag)
                                 .key("kind").value(ev.kind == BuildEvent::Kind::Step ? "step" : "output")
                                 .key("text").value(ev.text).end_object().str() << "\n";
            } else if (progress == "plain" || (ev.kind == BuildEvent::Kind::Step && isatty(1))) {
                std::cout << "  " << img.container << " | " << ev.text << "\n" << std::flush;
            }
        });
        if (!r) return fail(r.error());
        std::cout << "built " << img.tag << " (" << r->substr(0, 19) << ")\n";
        ++built;
    }
    std::cout << built << " image" << (built == 1 ? "" : "s") << " built\n";
    return kExitOk;
}

int cmd_run(const Args& args) {
    po::options_description opts("dockerops run CONTAINER[.INSTANCE]|all [--instance N] [--type T] [--interactive] [--safemode] [--set KEY=VALUE...]");
    add_common(opts);
    add_apply_options(opts);
    opts.add_options()("instance", po::value<std::string>(), "the instance name (default: the declared ones, or a random one)")(
        "type", po::value<std::string>(), "standard, published, master, interactive or safemode")(
        "interactive", "a shell on your terminal instead of the command; removed when you leave")(
        "safemode", "interactive, and the image's entrypoint-local.sh is skipped")(
        "set", po::value<std::vector<std::string>>()->multitoken(), "a switch for this run: linked, publish_ports, persistent_data, persistent_opt, persistent_log");
    auto vm = parse(args, opts);
    if (vm.count("help")) { std::cout << opts; return kExitOk; }
    Common c = common(vm);
    if (c.targets.size() != 1) return fail(Error{"run takes one CONTAINER, CONTAINER.INSTANCE or all"});
    const std::string target = c.targets[0];
    if (target == "all") {   // the seed's run:all: everything declared, without asking
        Args a{"--yes"};
        if (!c.file.empty()) a.insert(a.end(), {"-f", c.file});
        return cmd_apply(a);
    }
    std::string container = target, instance;
    if (auto dot = target.find('.'); dot != std::string::npos) {
        container = target.substr(0, dot);
        instance = target.substr(dot + 1);
    }
    if (vm.count("instance")) instance = vm["instance"].as<std::string>();
    std::optional<InstanceType> type;
    if (vm.count("type")) {
        type = parse_instance_type(vm["type"].as<std::string>());
        if (!type) return fail(Error{"unknown instance type '" + vm["type"].as<std::string>() + "' (" +
                                     suggest(vm["type"].as<std::string>(), instance_type_names(), "types") + ")"});
    }
    if (vm.count("interactive")) type = InstanceType::Interactive;
    if (vm.count("safemode")) type = InstanceType::Safemode;
    std::map<std::string, bool> sets;
    if (vm.count("set"))
        for (const auto& kv : vm["set"].as<std::vector<std::string>>()) {
            auto eq = kv.find('=');
            std::string k = kv.substr(0, eq);
            auto b = eq == std::string::npos ? std::optional<bool>(true) : parse_bool(kv.substr(eq + 1));
            Switches probe;
            if (!switch_field(probe, k)) return fail(Error{"--set " + k + ": not a switch (" + suggest(k, switch_names(), "switches") + ")"});
            if (!b) return fail(Error{"--set " + kv + ": the value is true or false"});
            sets[k] = *b;
        }

    std::vector<std::string> ids;   // the instances this run is about
    bool terminal = false;
    bool adhoc = false;             // not declared in the file
    auto adjust = [&](Project& p) {
        if (!p.containers.count(container)) return;
        std::vector<Instance*> declared;
        for (auto& i : p.instances)
            if (i.container == container && (instance.empty() || i.name == instance)) declared.push_back(&i);
        if (declared.empty()) {
            // Not in the file: an ad-hoc instance, for this run only.
            adhoc = true;
            Instance i;
            i.container = container;
            i.name = instance.empty() ? random_name() : instance;
            i.type = type ? *type : type_for_instance_name(i.name);
            i.switches = type_defaults(i.type);
            i.hostname = i.dashed();
            p.instances.push_back(i);
            std::sort(p.instances.begin(), p.instances.end(), [](auto& a, auto& b) { return a.id() < b.id(); });
            for (auto& x : p.instances) if (x.id() == i.id()) declared.push_back(&x);
        }
        for (Instance* i : declared) {
            if (type && *type != i->type) {
                // Lowest first: the new type's defaults, the file's own switches, then --set.
                Switches s = type_defaults(*type);
                for (const auto& name : i->switches_in_file) *switch_field(s, name) = *switch_field(i->switches, name);
                i->type = *type;
                i->switches = s;
            }
            for (const auto& [k, v] : sets) *switch_field(i->switches, k) = v;
            terminal = terminal || i->type == InstanceType::Interactive || i->type == InstanceType::Safemode;
            ids.push_back(i->id());
        }
    };
    auto pl = prepare(c, adjust, CompileOptions{true});
    if (!pl) return fail(pl.error());
    if (!pl->project.containers.count(container))
        return fail(Error{"no container '" + container + "' (" + suggest(container, pl->project.container_names(), "containers") + ")",
                          "project " + pl->project.name});
    if (terminal && ids.size() != 1) return fail(Error{"an interactive run is for one instance: name it with --instance"});
    c.targets = ids;
    auto lock = take_lock(*pl->engine, pl->desired.project, vm);
    if (!lock) return fail(lock.error());
    auto plan = plan_now(*pl, c);
    if (!plan) return fail(plan.error());

    // Ad-hoc instances are marked, so that a later apply keeps them.
    if (!terminal) {
        for (auto& a : plan->actions)
            if (a.container && adhoc && std::find(ids.begin(), ids.end(), a.object) != ids.end())
                a.container->labels[labels::kAdhoc] = "true";
        std::cout << colored(render_text(*plan));
        if (plan->empty()) return kExitOk;
        std::cout << "\n";
        return execute_plan(*plan, vm);
    }

    // A terminal instance: everything it needs first, then the instance itself
    // on this terminal, removed when it ends.
    std::optional<ContainerSpec> spec;
    Plan before = *plan;
    before.actions.clear();
    for (const auto& a : plan->actions) {
        if (a.object == ids[0] && a.container) { spec = a.container; continue; }
        if (a.object == ids[0]) return fail(Error{"instance " + ids[0] + " already exists: 'dockerops clean " + ids[0] + "' first"});
        before.actions.push_back(a);
    }
    if (!spec) return fail(Error{"instance " + ids[0] + " is already running: 'dockerops shell " + ids[0] + "' reaches it"});
    if (!before.empty()) {
        std::cout << colored(render_text(before)) << "\n";
        if (int rc = execute_plan(before, vm); rc != kExitOk) return rc;
    }
    lock->release();
    spec->tty = true;
    spec->open_stdin = true;
    spec->command = std::vector<std::string>{"sh", "-c", interactive_shell_cmd()};
    spec->labels[labels::kAdhoc] = "true";
    for (const auto& m : spec->mounts)
        if (m.bind) fs::create_directories(m.source);
    if (auto s = stamp_owner(*pl->engine, *spec); !s) return fail(s.error());
    auto id = pl->engine->create_container(*spec);
    if (!id) return fail(id.error());
    auto code = docker::attach_and_start(pl->engine->endpoint(), pl->engine->api_version(), *id, {0, 1, std::nullopt});
    (void)pl->engine->remove_container(*id, true);
    if (!code) return fail(code.error());
    return *code;
}

int cmd_clean(const Args& args) {
    po::options_description opts("dockerops clean TARGET|all [--yes]: remove instances, keep their data");
    add_common(opts);
    add_apply_options(opts);
    auto vm = parse(args, opts);
    if (vm.count("help")) { std::cout << opts; return kExitOk; }
    Common c = common(vm);
    if (c.targets.empty()) return fail(Error{"clean takes a TARGET (web.one, web) or all"});
    const bool all = std::find(c.targets.begin(), c.targets.end(), "all") != c.targets.end();
    if (all) c.targets.clear();
    return remove_instances(c, vm, false,
                            all ? std::optional<std::string>("Remove every container of the project? (data is kept)")
                                : std::nullopt);
}

int cmd_ps(const Args& args) {
    po::options_description opts("dockerops ps [--all]");
    add_common(opts);
    opts.add_options()("all,a", "stopped instances too");
    auto vm = parse(args, opts);
    if (vm.count("help")) { std::cout << opts; return kExitOk; }
    auto ob = load_and_observe(common(vm));
    if (!ob) return fail(ob.error());
    const Project* p = &ob->project;
    const ObservedState* o = &ob->state;
    std::vector<std::vector<std::string>> rows{{"CONTAINER", "INSTANCE", "TYPE", "STATE", "ADDRESS", "PORTS", "AGE"}};
    for (const auto& ct : o->containers) {
        if (!vm.count("all") && ct.state != "running") continue;
        auto spec = canonical_from_json(ct.label(labels::kSpec));
        std::string type = spec && spec->count("env.INSTANCE_TYPE") ? spec->at("env.INSTANCE_TYPE") : "";
        std::string ports;
        for (const auto& pt : ct.ports)
            if (pt.host_port) ports += (ports.empty() ? "" : ",") + (pt.host_ip.empty() || pt.host_ip == "0.0.0.0" ? "" : pt.host_ip + ":") +
                                       std::to_string(pt.host_port) + "->" + std::to_string(pt.port) + "/" + pt.protocol;
        auto addr = ct.addresses.find(p->name);
        std::string state = ct.state == "exited" ? "exited (" + std::to_string(ct.exit_code) + ")" : ct.state;
        if (!ct.health.empty()) state += ", " + ct.health;
        rows.push_back({ct.label(labels::kContainer), ct.label(labels::kInstance), type, state,
                        addr == ct.addresses.end() ? "" : addr->second, ports, age(ct.created)});
    }
    std::vector<std::size_t> width(rows[0].size(), 0);
    for (const auto& r : rows) for (std::size_t i = 0; i < r.size(); ++i) width[i] = std::max(width[i], r[i].size());
    for (const auto& r : rows) {
        std::string line;
        for (std::size_t i = 0; i < r.size(); ++i) line += r[i] + (i + 1 < r.size() ? std::string(width[i] - r[i].size() + 2, ' ') : "");
        while (!line.empty() && line.back() == ' ') line.pop_back();
        std::cout << line << "\n";
    }
    return kExitOk;
}

int cmd_ip(const Args& args) {
    po::options_description opts("dockerops ip TARGET");
    add_common(opts);
    auto vm = parse(args, opts);
    if (vm.count("help")) { std::cout << opts; return kExitOk; }
    Common c = common(vm);
    if (c.targets.size() != 1) return fail(Error{"ip takes one TARGET"});
    auto ch = choose(c, c.targets[0]);
    if (!ch) return fail(ch.error());
    std::cout << address_of(*ch) << "\n";
    return kExitOk;
}

int cmd_ssh(const Args& args) {
    po::options_description opts("dockerops ssh TARGET [CMD...]");
    add_common(opts);
    auto [ours, remote] = split_at_target(args);
    auto vm = parse(ours, opts);
    if (vm.count("help")) { std::cout << opts; return kExitOk; }
    Common c = common(vm);
    if (c.targets.empty()) return fail(Error{"ssh takes a TARGET"});
    auto ch = choose(c, c.targets[0]);
    if (!ch) return fail(ch.error());
    const std::string key = key_path(ch->project);
    if (!fs::exists(key)) return fail(Error{"the project has no key pair: run 'dockerops init', then apply again"});
    auto exe = bp::search_path("ssh");
    if (exe.empty()) return fail(Error{"ssh is needed (apt-get install openssh-client)"});
    std::vector<std::string> argv{"ssh", "-i", key, "-o", "StrictHostKeyChecking=accept-new", "-o",
                                  "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR", "-o", "IdentitiesOnly=yes"};
    if (isatty(0) && remote.empty()) argv.push_back("-t");
    argv.push_back("dockerops@" + address_of(*ch));
    argv.insert(argv.end(), remote.begin(), remote.end());
    std::vector<char*> raw;
    for (auto& a : argv) raw.push_back(a.data());
    raw.push_back(nullptr);
    std::cout.flush();
    restore_signals();
    execv(exe.c_str(), raw.data());   // the terminal goes straight to ssh; its exit code is ours
    return fail(Error{std::string("cannot run ssh: ") + std::strerror(errno)});
}

int cmd_shell(const Args& args) {
    po::options_description opts("dockerops shell TARGET [CMD...]");
    add_common(opts);
    auto [ours, cmd] = split_at_target(args);
    auto vm = parse(ours, opts);
    if (vm.count("help")) { std::cout << opts; return kExitOk; }
    Common c = common(vm);
    if (c.targets.empty()) return fail(Error{"shell takes a TARGET"});
    auto ch = choose(c, c.targets[0]);
    if (!ch) return fail(ch.error());
    if (cmd.empty()) {
        if (!isatty(0)) return fail(Error{"an interactive shell needs a terminal; give a command to run instead"});
        auto code = docker::exec_interactive(ch->engine->endpoint(), ch->engine->api_version(), ch->container.id,
                                             {"sh", "-c", interactive_shell_cmd()}, {0, 1, std::nullopt});
        if (!code) return fail(code.error());
        return *code;
    }
    auto r = ch->engine->exec(ch->container.id, cmd);
    if (!r) return fail(r.error());
    std::cout << r->out << std::flush;
    std::cerr << r->err << std::flush;
    return r->exit_code;
}

int cmd_logs(const Args& args) {
    po::options_description opts("dockerops logs TARGET [-f]");
    add_common(opts);
    opts.add_options()("follow,F", "keep printing new output");
    // -f is the project file everywhere; 'logs -f' in the docker sense is --follow.
    Args a = args;
    for (auto& w : a) if (w == "--follow") w = "-F";
    auto vm = parse(a, opts);
    if (vm.count("help")) { std::cout << opts; return kExitOk; }
    Common c = common(vm);
    if (c.targets.size() != 1) return fail(Error{"logs takes one TARGET"});
    auto ch = choose(c, c.targets[0], false);
    if (!ch) return fail(ch.error());
    auto s = ch->engine->stream_logs(ch->container.id, vm.count("follow") > 0, [](std::string_view chunk) {
        std::cout.write(chunk.data(), static_cast<std::streamsize>(chunk.size()));
        std::cout.flush();
    });
    if (!s) return fail(s.error());
    return kExitOk;
}

int cmd_status(const Args& args) {
    po::options_description opts("dockerops status: supervisorctl status in every running instance");
    add_common(opts);
    auto vm = parse(args, opts);
    if (vm.count("help")) { std::cout << opts; return kExitOk; }
    auto ob = load_and_observe(common(vm));
    if (!ob) return fail(ob.error());
    const Project* p = &ob->project;
    const ObservedState* o = &ob->state;
    auto& e = ob->engine;
    int shown = 0;
    for (const auto& ct : o->containers) {
        if (ct.state != "running") continue;
        std::cout << ct.label(labels::kContainer) << "." << ct.label(labels::kInstance) << ":\n";
        auto r = e->exec(ct.id, {"sh", "-c", "command -v supervisorctl >/dev/null || { echo '(no supervisord here)'; exit 0; }; supervisorctl status"});
        std::string text = r ? r->out + r->err : "(" + r.error().message + ")\n";
        std::istringstream in(text);
        for (std::string line; std::getline(in, line);) std::cout << "  " << line << "\n";
        ++shown;
    }
    if (!shown) std::cout << "no instance of project '" << p->name << "' is running\n";
    return kExitOk;
}

}  // namespace dockerops::cli
