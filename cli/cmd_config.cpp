// validate and import: the commands that only read and write configuration.
#include "cli/cli.hpp"
#include "engine/model/secrets.hpp"
#include "engine/config/legacy.hpp"

#include <boost/program_options.hpp>

#include <filesystem>
#include <fstream>
#include <iostream>

namespace po = boost::program_options;
namespace fs = std::filesystem;

namespace dockerops::cli {

namespace {

po::variables_map parse(const Args& args, po::options_description& opts,
                        const po::positional_options_description* pos = nullptr) {
    po::variables_map vm;
    auto parser = po::command_line_parser(args).options(opts);
    if (pos) parser.positional(*pos);
    po::store(parser.run(), vm);
    po::notify(vm);
    return vm;
}

std::string plural(std::size_t n, const std::string& word) {
    return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

std::string summary(const Project& p) {
    std::size_t links = 0;
    for (const auto& i : p.instances) links += i.links.size();
    return "project '" + p.name + "', " + plural(p.containers.size(), "container") + ", " +
           plural(p.instances.size(), "instance") + ", " + plural(links, "link");
}

}  // namespace

std::optional<Project> load_or_report(const std::string& file, const std::optional<std::string>& host_file) {
    LoadResult r = load_project(file.empty() ? fs::path(".") : fs::path(file),
                                host_file ? std::optional<fs::path>(*host_file) : std::nullopt);
    // Errors here; warnings are the caller's to show (validate prints them,
    // plan carries them in its text).
    // The first 100 are shown: past that, a file is not a near miss, and a
    // flood of lines helps nobody (a 4 MiB file can hold 400,000 bad keys).
    constexpr std::size_t kShown = 100;
    std::size_t shown = 0, hidden = 0;
    for (const auto& d : r.diagnostics.sorted()) {
        if (!(d.severity == Severity::Error || !r.project)) continue;
        if (shown < kShown) {
            std::cerr << redact(format(d)) << "\n";
            ++shown;
        } else {
            ++hidden;
        }
    }
    if (hidden) std::cerr << "... and " << hidden << " more\n";
    if (!r.project) {
        std::size_t n = r.diagnostics.error_count();
        std::cerr << plural(n, "error") << " in the configuration; nothing was changed\n";
    }
    return r.project;
}

int cmd_validate(const Args& args) {
    po::options_description opts("dockerops validate [-f FILE]");
    opts.add_options()("help,h", "this help")(
        "file,f", po::value<std::string>()->default_value(""), "dockerops.toml, or the project folder (default: .)")(
        "host-file", po::value<std::string>(), "the per-host file (default: dockerops.host.toml beside the file)");
    auto vm = parse(args, opts);
    if (vm.count("help")) {
        std::cout << opts;
        return kExitOk;
    }
    std::optional<std::string> host;
    if (vm.count("host-file")) host = vm["host-file"].as<std::string>();
    auto p = load_or_report(vm["file"].as<std::string>(), host);
    if (!p) return kExitError;
    for (const auto& w : p->warnings) std::cerr << "warning: " << w << "\n";
    std::cout << "ok: " << summary(*p) << "\n";
    return kExitOk;
}

int cmd_import(const Args& args) {
    po::options_description opts("dockerops import [FOLDER] [-o FILE] [--force]");
    opts.add_options()("help,h", "this help")("folder", po::value<std::string>()->default_value("."),
                                              "the 2016 project folder (holding apps_containers/)")(
        "output,o", po::value<std::string>(), "where to write (default: FOLDER/dockerops.toml)")(
        "force", "overwrite an existing file");
    po::positional_options_description pos;
    pos.add("folder", 1);
    auto vm = parse(args, opts, &pos);
    if (vm.count("help")) {
        std::cout << opts;
        return kExitOk;
    }
    fs::path folder = vm["folder"].as<std::string>();
    if (!fs::is_directory(folder / "apps_containers")) {
        std::cerr << folder.string() << ": no apps_containers/ folder here: not a 2016 DockerOps project\n";
        return kExitError;
    }
    fs::path out = vm.count("output") ? fs::path(vm["output"].as<std::string>()) : folder / kConfigFileName;
    if (fs::exists(out) && !vm.count("force")) {
        std::cerr << out.string() << " already exists; nothing was written (--force overwrites it)\n";
        return kExitError;
    }
    ImportResult imp = import_legacy(folder);
    for (const auto& d : imp.diagnostics.sorted()) std::cerr << format(d) << "\n";
    if (!imp.ok()) {
        std::cerr << plural(imp.diagnostics.error_count(), "error") << "; nothing was written\n";
        return kExitError;
    }
    // Check what would be written before writing it: an import never leaves a broken file.
    LoadResult check = load_legacy_project(folder);
    if (!check.project) {
        for (const auto& d : check.diagnostics.sorted()) std::cerr << format(d) << "\n";
        std::cerr << plural(check.diagnostics.error_count(), "error") << "; nothing was written\n";
        return kExitError;
    }
    {
        std::ofstream f(out);
        f << imp.toml;
        if (!f) {
            std::cerr << out.string() << ": cannot write\n";
            return kExitError;
        }
    }
    std::cout << "wrote " << out.string() << "\n";
    fs::path host = out.parent_path() / kHostFileName;
    if (imp.host_toml && !fs::exists(host)) {
        std::ofstream f(host);
        f << *imp.host_toml;
        std::cout << "wrote " << host.string() << " (per-host values from host.conf; keep it out of version control)\n";
    }
    std::cout << "ok: " << summary(*check.project) << "\n";
    return kExitOk;
}

}  // namespace dockerops::cli
