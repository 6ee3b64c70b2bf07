// validate and import: arguments parsed, the orchestration layer called.
#include "cli/cli.hpp"
#include "cli/options.hpp"
#include "cli/terminal_ui.hpp"

namespace dockerops::cli {

int cmd_validate(const Args& args) {
    po::options_description opts("dockerops validate [-f FILE]");
    opts.add_options()("help,h", "this help")(
        "file,f", po::value<std::string>()->default_value(""), "dockerops.toml, or the project folder (default: .)")(
        "host-file", po::value<std::string>(), "the per-host file (default: dockerops.host.toml beside the file)")(
        "json", "the result as JSON: ok, a summary, and every diagnostic with its file, line and column");
    po::variables_map vm;
    po::store(po::command_line_parser(args).options(opts).run(), vm);
    po::notify(vm);
    if (vm.count("help")) return print_help(opts);
    if (vm.count("json")) return ops::validate_json(terminal_session(), where(vm));
    return ops::validate(terminal_session(), where(vm));
}

int cmd_import(const Args& args) {
    po::options_description opts("dockerops import [FOLDER] [-o FILE] [--force]");
    opts.add_options()("help,h", "this help")("folder", po::value<std::string>()->default_value("."),
                                              "the 2016 project folder (holding apps_containers/)")(
        "output,o", po::value<std::string>(), "where to write (default: FOLDER/dockerops.toml)")(
        "force", "overwrite an existing file");
    po::positional_options_description pos;
    pos.add("folder", 1);
    po::variables_map vm;
    po::store(po::command_line_parser(args).options(opts).positional(pos).run(), vm);
    po::notify(vm);
    if (vm.count("help")) return print_help(opts);
    std::optional<std::string> output;
    if (vm.count("output")) output = vm["output"].as<std::string>();
    return ops::import_project(terminal_session(), vm["folder"].as<std::string>(), output, vm.count("force") > 0);
}

}  // namespace dockerops::cli
