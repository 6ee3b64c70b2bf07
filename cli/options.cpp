#include "cli/options.hpp"

#include "cli/terminal_ui.hpp"

#include <iostream>

namespace dockerops::cli {

void add_common(po::options_description& o, po::options_description& hidden, bool with_targets, FileFlag file) {
    o.add_options()("help,h", "this help");
    add_project_options(o, file);
    (with_targets ? o : hidden)
        .add_options()("target", po::value<std::vector<std::string>>()->multitoken(),
                       "web.one (an instance) or web (all of its instances); --target docker|swarm picks the engine's target instead");
}

void add_project_options(po::options_description& o, FileFlag file) {
    o.add_options()(file == FileFlag::Short ? "file,f" : "file", po::value<std::vector<std::string>>(),
                                           "dockerops.toml, a compose file (several -f are merged), or the project folder (default: .)")(
        "host-file", po::value<std::string>(), "the per-host file (default: dockerops.host.toml beside the file)")(
        "project-name,p", po::value<std::string>(), "the project's name over the file's (else COMPOSE_PROJECT_NAME for a compose file)")(
        "profile", po::value<std::vector<std::string>>(), "a profile to activate (several allowed; else COMPOSE_PROFILES)")(
        "env-file", po::value<std::string>(), "the variables file (default: .env beside the file)")(
        "registry", po::value<std::string>(), "target swarm: the registry host[:port] the nodes pull built images from, over the file's (else DOCKEROPS_REGISTRY)");
}

void add_change_options(po::options_description& o) {
    o.add_options()("yes,y", "go ahead without asking")("parallelism", po::value<int>()->default_value(8), "actions at once")(
        "lock-timeout", po::value<int>()->default_value(120), "seconds to wait for another apply or destroy")(
        "json", "JSON Lines on stdout instead of text: plan, start, progress, end and summary events (needs --yes)")(
        "progress", po::value<std::string>()->default_value("auto"),
        "auto (a live line per running action on a terminal, else a line per result) or plain (every build output line too)")(
        "quiet,q", "nothing but the result: no plan (with --yes), no progress, the summary and errors");
}

void add_apply_options(po::options_description& o) {
    add_change_options(o);
    o.add_options()("allow-destroy-all", "let a plan remove every instance of the project")(
        "adopt", "a compose file's project: replace the containers docker-compose made for it with dockerops's own, keeping their named volumes");
    add_selection_options(o);
}

void add_selection_options(po::options_description& o) {
    o.add_options()("no-deps", "with TARGETs: plan only them, not the instances they link to or depend on (neither made nor waited for)")(
        "force-recreate", "replace the instances in scope even when nothing changed");
}

po::variables_map parse(const Args& args, po::options_description& opts) {
    po::positional_options_description pos;
    pos.add("target", -1);
    po::variables_map vm;
    try {
        po::store(po::command_line_parser(args).options(opts).positional(pos).run(), vm);
    } catch (const po::unknown_option& e) {
        // The nearest option this command has, as for unknown names elsewhere.
        std::vector<std::string> known;
        for (const auto& o : opts.options()) known.push_back("--" + o->long_name());
        const std::string word = e.get_option_name();
        throw po::error("unrecognised option '" + word + "' (" + suggest(word, known, "options") + ")");
    }
    po::notify(vm);
    return vm;
}

ops::Where where(const po::variables_map& vm) {
    ops::Where w;
    if (vm.count("file")) {
        const auto& files = vm["file"].as<std::vector<std::string>>();
        w.file = files.front();
        w.more_files.assign(files.begin() + 1, files.end());
    }
    if (vm.count("host-file")) w.host_file = vm["host-file"].as<std::string>();
    if (vm.count("project-name")) w.project_name = vm["project-name"].as<std::string>();
    if (vm.count("profile")) w.profiles = vm["profile"].as<std::vector<std::string>>();
    if (vm.count("env-file")) w.env_file = vm["env-file"].as<std::string>();
    if (vm.count("registry")) w.registry = vm["registry"].as<std::string>();
    w.adopt = vm.count("adopt") > 0;
    w.no_deps = vm.count("no-deps") > 0;
    w.force_recreate = vm.count("force-recreate") > 0;
    return w;
}

std::vector<std::string> targets(const po::variables_map& vm) {
    return vm.count("target") ? vm["target"].as<std::vector<std::string>>() : std::vector<std::string>{};
}

std::string group(const po::variables_map& vm) { return vm.count("group") ? vm["group"].as<std::string>() : std::string(); }

ops::ApplyFlags apply_flags(const po::variables_map& vm) {
    ops::ApplyFlags f;
    f.yes = vm.count("yes") > 0;
    f.allow_destroy_all = vm.count("allow-destroy-all") > 0;
    f.parallelism = vm["parallelism"].as<int>();
    f.lock_timeout = vm["lock-timeout"].as<int>();
    f.json = vm.count("json") > 0;
    f.plain_progress = vm.count("progress") && vm["progress"].as<std::string>() == "plain";
    f.quiet = vm.count("quiet") > 0;
    return f;
}

int print_help(const po::options_description& opts) {
    std::cout << opts;
    return ops::kExitOk;
}

std::optional<po::variables_map> Command::parse(const Args& args) {
    po::options_description all;
    all.add(opts).add(hidden);
    auto vm = cli::parse(args, all);
    if (!takes_targets && vm.count("target") && !vm.count("help"))
        throw po::error("takes no TARGET, and '" + targets(vm).front() + "' was given");
    if (!vm.count("help")) return vm;
    print_help(opts);
    return std::nullopt;
}

std::pair<Args, Args> Command::split_at_target(const Args& args) const {
    po::options_description all;
    all.add(opts).add(hidden);
    auto takes_value = [&](const std::string& a) {
        if (a.find('=') != std::string::npos) return false;
        const auto* d = all.find_nothrow(a.starts_with("--") ? a.substr(2) : a, false);
        return d && d->semantic()->max_tokens() > 0;
    };
    Args ours, cmd;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        if (a == "--") { cmd.assign(args.begin() + static_cast<long>(i) + 1, args.end()); break; }
        if (a.starts_with("-")) {
            ours.push_back(a);
            if (takes_value(a) && i + 1 < args.size()) ours.push_back(args[++i]);
            continue;
        }
        ours.push_back(a);   // TARGET
        cmd.assign(args.begin() + static_cast<long>(i) + 1, args.end());
        break;
    }
    return {ours, cmd};
}

int run_simple(ops::Session& session, const Args& args, const std::string& usage, int (*run)(ops::Session&, const ops::Where&)) {
    Command c(usage, false);
    auto vm = c.parse(args);
    return vm ? run(session, where(*vm)) : ops::kExitOk;
}

}  // namespace dockerops::cli
