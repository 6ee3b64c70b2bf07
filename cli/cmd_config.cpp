// validate and import: arguments parsed, the orchestration layer called.
#include "cli/cli.hpp"
#include "cli/options.hpp"
#include "cli/terminal_ui.hpp"
#include "engine/model/builtins.hpp"

#include <iostream>

namespace dockerops::cli {

int cmd_validate(ops::Session& session, const Args& args) {
    po::options_description opts("dockerops validate [-f FILE]");
    opts.add_options()("help,h", "this help");
    add_project_options(opts);
    opts.add_options()("json", "the result as JSON: ok, a summary, and every diagnostic with its file, line and column");
    po::variables_map vm;
    po::store(po::command_line_parser(args).options(opts).run(), vm);
    po::notify(vm);
    if (vm.count("help")) return print_help(opts);
    if (vm.count("json")) return ops::validate_json(session, where(vm));
    return ops::validate(session, where(vm));
}

// Not listed: what the shell completion asks (`dockerops __complete targets [-f FILE]`).
int cmd_complete(ops::Session&, const Args& args) {
    po::options_description opts("dockerops __complete targets|containers|groups");
    add_project_options(opts);
    opts.add_options()("kind", po::value<std::string>()->default_value("targets"), "");
    po::positional_options_description pos;
    pos.add("kind", 1);
    po::variables_map vm;
    try {
        po::store(po::command_line_parser(args).options(opts).positional(pos).run(), vm);
        po::notify(vm);
    } catch (const po::error&) {
        return ops::kExitError;
    }
    std::cout << ops::completion_words(where(vm), vm["kind"].as<std::string>());
    return ops::kExitOk;
}

int cmd_version(ops::Session&, const Args& args) {
    po::options_description opts("dockerops version: the version, and where the built-in containers are found");
    opts.add_options()("help,h", "this help");
    po::variables_map vm;
    po::store(po::command_line_parser(args).options(opts).run(), vm);
    po::notify(vm);
    if (vm.count("help")) return print_help(opts);
    std::cout << "dockerops " << DOCKEROPS_VERSION << "\nshare: " << share_dir_description(ops::share_dir()) << "\n";
    return ops::kExitOk;
}

int cmd_import(ops::Session& session, const Args& args) {
    po::options_description opts("dockerops import [FILE|FOLDER] [-o FILE] [--force]");
    opts.add_options()("help,h", "this help")("folder", po::value<std::string>()->default_value("."),
                                              "a compose file, a folder holding one, or a 2016 project folder (holding apps_containers/)")(
        "output,o", po::value<std::string>(), "where to write (default: dockerops.toml beside it)")(
        "force", "overwrite an existing file");
    po::positional_options_description pos;
    pos.add("folder", 1);
    po::variables_map vm;
    po::store(po::command_line_parser(args).options(opts).positional(pos).run(), vm);
    po::notify(vm);
    if (vm.count("help")) return print_help(opts);
    std::optional<std::string> output;
    if (vm.count("output")) output = vm["output"].as<std::string>();
    return ops::import_project(session, vm["folder"].as<std::string>(), output, vm.count("force") > 0);
}

}  // namespace dockerops::cli
