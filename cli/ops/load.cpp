// Configuration: loading (every error shown), compiling with prompts for
// missing variables, validate, import, init.
#include "cli/ops/ops.hpp"
#include "cli/ops/steps.hpp"

#include "engine/config/config.hpp"
#include "util/json_writer.hpp"
#include "engine/config/compose.hpp"
#include "engine/config/legacy.hpp"
#include "engine/model/secrets.hpp"
#include "util/files.hpp"
#include "util/heap.hpp"
#include "util/toml_text.hpp"

#include <filesystem>
#include <set>
#include <fstream>

#include <unistd.h>

namespace fs = std::filesystem;

namespace dockerops::ops {

namespace {

std::string plural(std::size_t n, const std::string& word) { return std::to_string(n) + " " + word + (n == 1 ? "" : "s"); }

std::string summary(const Project& p) {
    std::size_t links = 0;
    for (const auto& i : p.instances) links += i.links.size();
    return "project '" + p.name + "', " + plural(p.containers.size(), "container") + ", " +
           plural(p.instances.size(), "instance") + ", " + plural(links, "link");
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

void print_diagnostics(Ui& ui, const Diagnostics& diagnostics) {
    for (const auto& d : diagnostics.sorted()) ui.err(format(d) + "\n");
}

}  // namespace

int fail(Ui& ui, const Error& e) {
    if (e.kind == ErrorKind::Reported) return kExitError;   // its lines are out already
    ui.err("dockerops: " + ui.secrets.redact(e.text()) + "\n");
    return kExitError;
}

// The file loaded, then what needs its Dockerfiles too (a "healthy" dependency
// on a target with no health check), at the position in the file.
LoadOptions load_options(const Where& where, std::optional<Target> target) {
    LoadOptions o;
    o.files.push_back(where.file.empty() ? fs::path(".") : fs::path(where.file));
    for (const auto& f : where.more_files) o.files.emplace_back(f);
    if (where.host_file) o.host_file = fs::path(*where.host_file);
    o.project_name = where.project_name;
    o.profiles = where.profiles;
    o.registry = where.registry;
    o.target = target;
    if (where.env_file) o.env_file = fs::path(*where.env_file);
    o.environment = [](const std::string& k) -> std::optional<std::string> {
        const char* v = std::getenv(k.c_str());
        return v ? std::optional<std::string>(v) : std::nullopt;
    };
    o.share_dir = share_dir();
    return o;
}

static LoadResult load_checked(const Where& where, std::optional<Target> target) {
    LoadResult r = load_project(load_options(where, target));
    if (!r.project) return r;
    Diagnostics health = check_health_conditions(*r.project);
    if (health.empty()) return r;
    r.diagnostics.append(health);
    if (health.has_errors()) r.project.reset();
    return r;
}

std::optional<Project> load_or_report(Session& s, const Where& where, Changes changes) {
    Ui& ui = s.ui;
    LoadResult r = load_checked(where, s.target_override);
    // Errors here; warnings are the caller's to show (validate prints them,
    // plan carries them in its text).
    // The first 100 are shown: past that, a file is not a near miss, and a
    // flood of lines helps nobody (a 16 MiB file can hold 1,500,000 bad keys).
    constexpr std::size_t kShown = 100;
    std::size_t shown = 0, hidden = 0;
    for (const auto& d : r.diagnostics.sorted()) {
        if (!(d.severity == Severity::Error || !r.project)) continue;
        if (shown < kShown) {
            ui.err(ui.secrets.redact(format(d)) + "\n");
            ++shown;
        } else {
            ++hidden;
        }
    }
    if (hidden) ui.err("... and " + std::to_string(hidden) + " more\n");
    if (!r.project)
        ui.err(plural(r.diagnostics.error_count(), "error") + " in the configuration" +
               (changes == Changes::Yes ? "; nothing was changed" : "") + "\n");
    if (r.project && s.use_target) r.project->target = s.use_target(*r.project);
    return std::move(r.project);   // a member: not moved by itself (a copy of every instance)
}

Result<DesiredState> compile_with_prompts(Session& s, const Project& p, CompileOptions options) {
    Environment env = process_environment(s, p);
    std::map<std::string, std::string> answers;
    if (s.ui.in_terminal && s.ui.err_terminal) {
        env.ask = [&](const std::string& name, const std::string& inst, bool secret) -> std::optional<std::string> {
            if (answers.count(name)) return answers[name];
            s.ui.err(inst + " needs " + name + (secret ? " (secret: not shown)" : "") + ": ");
            std::string v = s.ui.read_line(secret);
            if (v.empty()) return std::nullopt;
            answers[name] = v;
            return v;
        };
    }
    auto d = compile(p, env, options);
    // The key pair is made on first need: a project whose images are built
    // FROM the base container (whose sshd takes it) gets one before its first
    // plan, and is compiled again with it mounted.
    if (d && d->images.count("dockerops-base") && !env.key_pair_dir) {
        auto made = ensure_key_pair(p.root, p.data_dir, p.name);
        if (!made) return made.error();
        if (*made) s.ui.err("made a key pair for project '" + p.name + "' (for 'dockerops ssh'): " + (p.root / ".dockerops/ssh").string() + "\n");
        env.key_pair_dir = p.root / ".dockerops/ssh";
        d = compile(p, env, options);
    }
    if (d && !answers.empty()) {
        std::string names;
        for (const auto& [k, _] : answers) names += (names.empty() ? "" : ", ") + k;
        s.ui.err("Save " + names + " in " + (p.root / kHostFileName).string() + " for next time? [y/N] ");
        std::string a = s.ui.read_line(false);
        if (a == "y" || a == "Y" || a == "yes")
            if (auto saved = save_to_host_file(p.root, answers); !saved) s.ui.err("dockerops: " + saved.error().text() + "\n");
    }
    return d;
}

int validate_json(Session& s, const Where& where) {
    LoadResult r = load_checked(where, s.target_override);
    JsonWriter w;
    w.begin_object().key("ok").value(r.project.has_value());
    w.key("summary");
    if (r.project) w.value(summary(*r.project)); else w.null();
    w.key("diagnostics").begin_array();
    for (const auto& d : r.diagnostics.sorted()) {
        w.begin_object().key("severity").value(d.severity == Severity::Error ? "error" : "warning");
        w.key("file").value(d.pos.file).key("line").value(d.pos.line).key("column").value(d.pos.column);
        w.key("message").value(s.ui.secrets.redact(d.message)).key("hint").value(s.ui.secrets.redact(d.hint)).end_object();
    }
    w.end_array().end_object();
    s.ui.out(w.str() + "\n");
    return r.project ? kExitOk : kExitError;
}

std::string completion_words(const Where& where, const std::string& kind) {
    LoadResult r = load_project(load_options(where));
    if (!r.project) return {};
    std::set<std::string> words;
    for (const auto& [name, c] : r.project->containers)
        if (kind == "targets" || kind == "containers") words.insert(name);
    for (const auto& i : r.project->instances) {
        if (kind == "targets") words.insert(i.id());
        if (kind == "groups" && !i.group.empty()) words.insert(i.group);
    }
    std::string out;
    for (const auto& w : words) out += w + "\n";
    return out;
}

int validate(Session& s, const Where& where) {
    auto p = load_or_report(s, where);
    if (!p) return kExitError;
    for (const auto& w : p->warnings) s.ui.err("warning: " + w + "\n");
    s.ui.out("ok: " + summary(*p) + "\n");
    keep_until_exit(std::move(*p));   // freed when the process ends, not block by block first (util/heap.hpp)
    return kExitOk;
}

// A compose file written as dockerops.toml, its variables kept as written
// (`$VAR` as `${VAR}`); checked by loading it before it takes the name.
static int import_compose_file(Session& s, const fs::path& file, const std::optional<std::string>& output, bool force) {
    const fs::path folder = file.parent_path().empty() ? fs::path(".") : file.parent_path();
    const fs::path out = output ? fs::path(*output) : folder / kConfigFileName;
    if (fs::exists(out) && !force) {
        s.ui.err(out.string() + " already exists; nothing was written (--force overwrites it)\n");
        return kExitError;
    }
    ComposeRequest req;
    req.files = {file};
    req.lookup = load_options({}).environment;
    req.keep_variables = true;
    ImportResult imp = import_compose(req);
    print_diagnostics(s.ui, imp.diagnostics);
    if (!imp.ok()) {
        s.ui.err(plural(imp.diagnostics.error_count(), "error") + "; nothing was written\n");
        return kExitError;
    }
    const fs::path trial = out.parent_path() / (".dockerops-import-" + std::to_string(::getpid()) + ".toml");
    {
        std::ofstream f(trial);
        f << "# Imported from " << file.filename().string() << " by dockerops import (docs/compose.md).\n" << imp.toml;
        if (!f) {
            s.ui.err(trial.string() + ": cannot write\n");
            return kExitError;
        }
    }
    Where w;
    w.file = trial.string();
    LoadResult check = load_project(load_options(w));
    if (!check.project) {
        print_diagnostics(s.ui, check.diagnostics);
        fs::remove(trial);
        s.ui.err(plural(check.diagnostics.error_count(), "error") + "; nothing was written\n");
        return kExitError;
    }
    fs::rename(trial, out);
    s.ui.out("wrote " + out.string() + "\n");
    s.ui.out("ok: " + summary(*check.project) + "\n");
    return kExitOk;
}

int import_project(Session& s, const std::string& folder_arg, const std::optional<std::string>& output, bool force) {
    const fs::path folder = folder_arg;
    if (is_compose_file_name(folder) && fs::is_regular_file(folder)) return import_compose_file(s, folder, output, force);
    if (!fs::is_directory(folder / kLegacyDir)) {
        if (auto compose = find_compose_file(folder)) return import_compose_file(s, *compose, output, force);
        s.ui.err(folder.string() + ": neither a compose file nor a 2016 DockerOps project (apps_containers/) here\n");
        return kExitError;
    }
    const fs::path out = output ? fs::path(*output) : folder / kConfigFileName;
    if (fs::exists(out) && !force) {
        s.ui.err(out.string() + " already exists; nothing was written (--force overwrites it)\n");
        return kExitError;
    }
    ImportResult imp = import_legacy(folder);
    print_diagnostics(s.ui, imp.diagnostics);
    if (!imp.ok()) {
        s.ui.err(plural(imp.diagnostics.error_count(), "error") + "; nothing was written\n");
        return kExitError;
    }
    // Check what would be written before writing it: an import never leaves a broken file.
    LoadResult check = load_legacy_project(folder, std::nullopt, share_dir());
    if (!check.project) {
        print_diagnostics(s.ui, check.diagnostics);
        s.ui.err(plural(check.diagnostics.error_count(), "error") + "; nothing was written\n");
        return kExitError;
    }
    {
        std::ofstream f(out);
        f << imp.toml;
        if (!f) {
            s.ui.err(out.string() + ": cannot write\n");
            return kExitError;
        }
    }
    s.ui.out("wrote " + out.string() + "\n");
    const fs::path host = out.parent_path() / kHostFileName;
    if (imp.host_toml && !fs::exists(host)) {
        std::ofstream f(host);
        f << *imp.host_toml;
        s.ui.out("wrote " + host.string() + " (per-host values from host.conf; keep it out of version control)\n");
    }
    s.ui.out("ok: " + summary(*check.project) + "\n");
    return kExitOk;
}

namespace {

// A project name from a folder's name: lower case, other characters as '-'.
std::string name_from_folder(const fs::path& folder) {
    std::string name;
    for (unsigned char c : fs::weakly_canonical(folder).filename().string()) {
        const char l = static_cast<char>(std::tolower(c));
        name += (std::isalnum(static_cast<unsigned char>(l)) || l == '_' || l == '-') ? l : '-';
    }
    while (!name.empty() && !std::isalnum(static_cast<unsigned char>(name.front()))) name.erase(0, 1);
    return name.empty() ? "app" : name.substr(0, 63);
}

// A starter project in an empty folder: one image built FROM the built-in
// base container, run as one instance.
Status scaffold(Ui& ui, const fs::path& folder) {
    const std::string name = name_from_folder(folder);
    std::error_code ec;
    fs::create_directories(folder / "containers" / "app", ec);
    if (ec) return Error{"cannot make " + (folder / "containers/app").string() + ": " + ec.message()};
    std::ofstream toml(folder / kConfigFileName);
    toml << "# Made by 'dockerops init': one image built FROM dockerops's base container\n"
            "# (supervisord, sshd, the dockerops user), run as one instance. Add\n"
            "# [containers.NAME] folders and [[instances]] as the platform grows:\n"
            "# docs/configuration.md has every key.\n"
            "[project]\n"
            "name = " << toml_quote(name) << "\n\n"
            "[containers.app]\n\n"
            "[[instances]]\n"
            "container = \"app\"\n"
            "name = \"one\"\n";
    std::ofstream docker(folder / "containers/app/Dockerfile");
    docker << "# The app image: dockerops's base container (built on demand) plus your\n"
              "# application. Programs go under supervisord (/etc/supervisor/conf.d/),\n"
              "# start-up steps in /entrypoint-local.sh.\n"
              "FROM dockerops/dockerops-base\n";
    if (!toml || !docker) return Error{"cannot write the starter project", folder.string()};
    ui.out("made a starter project '" + name + "': " + (folder / kConfigFileName).string() + ", " +
           (folder / "containers/app/Dockerfile").string() + "\n");
    return ok_status();
}

}  // namespace

int init(Session& s, const Where& where) {
    const fs::path folder = where.file.empty() ? fs::path(".") : fs::path(where.file);
    if (fs::is_directory(folder) && !fs::exists(folder / kConfigFileName) && !fs::is_directory(folder / kLegacyDir) &&
        !find_compose_file(folder))
        if (auto made = scaffold(s.ui, folder); !made) return fail(s.ui, made.error());
    Where w = where;
    w.host_file.reset();
    auto p = load_or_report(s, w);
    if (!p) return kExitError;
    // Never committed: the keys, the per-host file, the data.
    for (const auto& entry : ignore_project_files(p->root, p->data_dir))
        s.ui.out("added " + entry + " to " + (p->root / ".gitignore").string() + "\n");
    const fs::path key = p->root / ".dockerops/ssh/id_ed25519";
    auto made = ensure_key_pair(p->root, p->data_dir, p->name);
    if (!made) return fail(s.ui, made.error());
    if (!*made) s.ui.out("the project already has a key pair: " + key.string() + "\n");
    else s.ui.out("made a key pair for project '" + p->name + "': " + key.string() + " (mode 0600)\n");
    s.ui.out("instances get it at run time (re-apply running ones): 'dockerops ssh TARGET' logs in with it\n");
    return kExitOk;
}

}  // namespace dockerops::ops
