// Where a project is read from and how: dockerops.toml, a compose file (or
// several), or a 2016 folder; the variables of the file; -p and --profile.
#include "engine/config/compose.hpp"
#include "engine/config/config.hpp"
#include "engine/config/config_loader.hpp"
#include "engine/config/legacy.hpp"
#include "util/files.hpp"

#include <algorithm>
#include <sstream>

namespace fs = std::filesystem;

namespace dockerops {

namespace config_detail {

void interpolate_document(toml::node& node, const VariableLookup& lookup, Diagnostics& d) {
    if (auto* t = node.as_table()) {
        for (auto&& [k, v] : *t) interpolate_document(v, lookup, d);
    } else if (auto* a = node.as_array()) {
        for (auto& v : *a) interpolate_document(v, lookup, d);
    } else if (auto* s = node.as_string()) {
        if (!has_variables(s->get(), VariableSyntax::Toml) && s->get().find("$${") == std::string::npos) return;
        Interpolated r = interpolate(s->get(), lookup, VariableSyntax::Toml);
        const auto& src = s->source();
        const SourcePos at{src.path ? std::string(*src.path) : std::string(), static_cast<int>(src.begin.line),
                           static_cast<int>(src.begin.column)};
        for (const auto& p : r.problems) {
            if (p.error) d.error(at, p.message);
            else d.warning(at, p.message);
        }
        *s = std::move(r.text);
    }
}

}  // namespace config_detail

using namespace config_detail;

namespace {

// Variables for the file: the environment, then .env, then the host file's [env].
struct Variables {
    VariableLookup environment;
    std::map<std::string, std::string> dotenv, host;
    std::optional<std::string> get(const std::string& name) const {
        if (environment)
            if (auto v = environment(name)) return v;
        if (auto it = dotenv.find(name); it != dotenv.end()) return it->second;
        if (auto it = host.find(name); it != host.end()) return it->second;
        return std::nullopt;
    }
    VariableLookup lookup() const {
        return [this](const std::string& n) { return get(n); };
    }
};

// The variables file. Its problems are errors when it was named (--env-file)
// or belongs to a compose file (compose refuses them too); a .env that merely
// sits beside a dockerops.toml may be another tool's: its lines that do not
// read are warnings, and it never stops the project from loading.
void read_dotenv(const fs::path& path, bool named, bool strict, Variables& vars, Diagnostics& d) {
    std::error_code ec;
    if (!named && !fs::exists(path, ec)) return;
    auto problem = [&](SourcePos at, const std::string& message) {
        if (strict) d.error(std::move(at), message);
        else d.warning(std::move(at), message + " (the line is left out)");
    };
    FileRead text = read_regular_file(path, kMaxConfigBytes);
    if (!text.text) {
        problem({path.string(), 0, 0}, "cannot read the variables file: " + text.error);
        return;
    }
    for (const auto& line : parse_env_text(*text.text)) {
        if (!line.error.empty()) problem({path.string(), line.line, line.column}, line.error);
        else if (!valid_env_name(line.key)) problem({path.string(), line.line, line.column}, "variable name '" + line.key + "' is not valid");
        else vars.dotenv[line.key] = line.value;
    }
}

void read_host_env(const std::optional<std::string>& host_text, Variables& vars) {
    if (!host_text) return;
    Diagnostics ignored;   // reported when the host file itself is loaded
    auto t = parse_toml(*host_text, "host", ignored);
    const toml::table* env = t ? (*t)["env"].as_table() : nullptr;
    if (!env) return;
    for (auto&& [k, v] : *env)
        if (auto s = v.as_string()) vars.host[std::string(k.str())] = s->get();
}

LoadResult parse_with(std::string_view toml_text, const std::string& display, const fs::path& root,
                      std::optional<std::string_view> host_text, const std::string& host_display,
                      const LoaderSettings& settings, const VariableLookup& lookup) {
    LoadResult r;
    auto doc = parse_toml(toml_text, display, r.diagnostics);
    std::optional<toml::table> host;
    if (host_text) host = parse_toml(*host_text, host_display, r.diagnostics);
    if (!doc) return r;
    if (host_text && !host) return r;
    interpolate_document(*doc, lookup, r.diagnostics);
    Loader loader(display, root, r.diagnostics, settings);
    r.project = loader.load(*doc, host ? &*host : nullptr, host_display);
    if (r.project) r.project->file = root / fs::path(display).filename();
    return r;
}

// The host file beside the project, or the one named: its text, or an error.
bool read_host_file(const fs::path& root, const std::optional<fs::path>& named, std::optional<std::string>& text,
                    std::string& display, Diagnostics& d) {
    fs::path host = named ? *named : root / kHostFileName;
    display = host.string();
    std::error_code ec;
    if (fs::exists(host, ec) || fs::is_symlink(host, ec)) {
        FileRead h = read_regular_file(host, kMaxConfigBytes);
        if (!h.text) {
            d.error({host.string(), 0, 0}, "cannot read the host file: " + h.error);
            return false;
        }
        text = std::move(h.text);
    } else if (named) {
        d.error({host.string(), 0, 0}, "the host file does not exist");
        return false;
    }
    return true;
}

// Positions in generated text mapped back to where each line came from.
void map_back(const LoadResult& inner, const std::string& display, const ImportResult& imp, const SourcePos& fallback,
              LoadResult& r) {
    for (auto diag : inner.diagnostics.items()) {
        if (diag.pos.file == display) {
            auto it = std::upper_bound(imp.origins.begin(), imp.origins.end(), diag.pos.line,
                                       [](int line, const ImportResult::Origin& o) { return line < o.first_line; });
            if (it != imp.origins.begin()) {
                const auto& origin = *std::prev(it);
                diag.message = origin.what + ": " + diag.message;
                diag.pos = origin.pos;
            } else {
                diag.pos = fallback;
            }
        }
        r.diagnostics.add(diag);
    }
}

std::vector<std::string> split_list(const std::string& s) {
    std::vector<std::string> out;
    std::stringstream ss(s);
    for (std::string item; std::getline(ss, item, ',');)
        if (!item.empty()) out.push_back(item);
    return out;
}

// The registry over the file's: --registry, else DOCKEROPS_REGISTRY (the environment, then .env); empty: none.
std::string registry_over_file(const LoadOptions& o, const Variables& vars) {
    return !o.registry.empty() ? o.registry : vars.get("DOCKEROPS_REGISTRY").value_or("");
}

LoadResult load_compose(const LoadOptions& o, const std::vector<fs::path>& files, Variables& vars) {
    LoadResult r;
    const fs::path root = files.front().parent_path().empty() ? fs::path(".") : files.front().parent_path();
    read_dotenv(o.env_file ? *o.env_file : root / ".env", o.env_file.has_value(), true, vars, r.diagnostics);
    if (r.diagnostics.has_errors()) return r;
    std::optional<std::string> host_text;
    std::string host_display;
    if (!read_host_file(root, o.host_file, host_text, host_display, r.diagnostics)) return r;
    read_host_env(host_text, vars);
    ComposeRequest req;
    req.files = files;
    req.project_name = !o.project_name.empty() ? o.project_name : vars.get("COMPOSE_PROJECT_NAME").value_or("");
    req.lookup = vars.lookup();
    req.target = o.target;
    ImportResult imp = import_compose(req);
    r.diagnostics.append(imp.diagnostics);
    if (!imp.ok()) return r;
    LoaderSettings settings;
    settings.share_dir = o.share_dir;
    settings.profiles = !o.profiles.empty() ? o.profiles : split_list(vars.get("COMPOSE_PROFILES").value_or(""));
    settings.registry = registry_over_file(o, vars);
    const std::string display = files.front().string() + " (as dockerops.toml)";
    LoadResult inner = parse_with(imp.toml, display, root,
                                  host_text ? std::optional<std::string_view>(*host_text) : std::nullopt, host_display,
                                  settings, vars.lookup());
    map_back(inner, display, imp, {files.front().string(), 0, 0}, r);
    r.project = std::move(inner.project);
    if (r.project) {
        r.project->file = fs::weakly_canonical(files.front());
        r.project->compose = true;
        for (const auto& diag : imp.diagnostics.items())
            if (diag.severity == Severity::Warning) r.project->warnings.push_back(format(diag));
    }
    return r;
}

}  // namespace

LoadResult parse_project(std::string_view toml_text, const std::string& display, const fs::path& root,
                         std::optional<std::string_view> host_text, const std::string& host_display,
                         const std::optional<fs::path>& share_dir) {
    LoaderSettings settings;
    settings.share_dir = share_dir;
    return parse_with(toml_text, display, root, host_text, host_display, settings, {});
}

LoadResult load_project(const fs::path& path, const std::optional<fs::path>& host_file, const std::optional<fs::path>& share_dir) {
    LoadOptions o;
    o.files = {path};
    o.host_file = host_file;
    o.share_dir = share_dir;
    return load_project(o);
}

LoadResult load_project(const LoadOptions& o) {
    const fs::path path = o.files.empty() ? fs::path(".") : o.files.front();
    Variables vars;
    vars.environment = o.environment;
    fs::path file = path;
    if (fs::is_directory(path)) {
        file = path / kConfigFileName;
        std::error_code ec;
        if (!fs::exists(file, ec)) {
            if (auto compose = find_compose_file(path)) return load_compose(o, {*compose}, vars);
            if (is_legacy_project(path)) return load_legacy_project(path, o.host_file, o.share_dir);
        }
    } else if (is_compose_file_name(path)) {
        return load_compose(o, o.files, vars);
    }
    LoadResult r;
    if (o.files.size() > 1) {
        r.diagnostics.error({o.files[1].string(), 0, 0}, "several -f files are merged only when they are compose files",
                            "a dockerops.toml is one file");
        return r;
    }
    // Read once, bounded, and only from a regular file: a FIFO or a device is refused at once.
    FileRead text = read_regular_file(file, kMaxConfigBytes);
    if (!text.text) {
        std::string hint = text.missing && fs::is_directory(path) ? "run 'dockerops init' to make one, 'dockerops import' "
                                                                    "for a 2016 project, or name a compose file with -f"
                           : text.too_large ? "a platform's declaration is far smaller; is this the right file?"
                                            : "";
        r.diagnostics.error({file.string(), 0, 0}, "cannot read the configuration file: " + text.error, hint);
        return r;
    }
    fs::path root = file.parent_path().empty() ? fs::path(".") : file.parent_path();
    std::optional<std::string> host_text;
    std::string host_display;
    if (!read_host_file(root, o.host_file, host_text, host_display, r.diagnostics)) return r;
    read_dotenv(o.env_file ? *o.env_file : root / ".env", o.env_file.has_value(), o.env_file.has_value(), vars, r.diagnostics);
    if (r.diagnostics.has_errors()) return r;
    read_host_env(host_text, vars);
    LoaderSettings settings{o.project_name, o.profiles, o.share_dir, registry_over_file(o, vars)};
    Diagnostics early = r.diagnostics;
    r = parse_with(*text.text, file.string(), root, host_text ? std::optional<std::string_view>(*host_text) : std::nullopt,
                   host_display, settings, vars.lookup());
    if (r.project) {
        r.project->file = fs::weakly_canonical(file);
        for (const auto& diag : early.items())
            if (diag.severity == Severity::Warning) r.project->warnings.push_back(format(diag));
    }
    early.append(r.diagnostics);
    r.diagnostics = early;
    return r;
}

LoadResult load_legacy_project(const fs::path& folder, const std::optional<fs::path>& host_file,
                               const std::optional<fs::path>& share_dir) {
    ImportResult imp = import_legacy(folder);
    LoadResult r;
    if (!imp.ok()) {
        r.diagnostics = imp.diagnostics;
        return r;
    }
    std::optional<std::string> host_text = imp.host_toml;
    std::string host_display = (folder / kLegacyDir / "host.conf").string();
    if (host_file) {
        FileRead h = read_regular_file(*host_file, kMaxConfigBytes);
        if (!h.text) {
            r.diagnostics.error({host_file->string(), 0, 0}, "cannot read the host file: " + h.error);
            return r;
        }
        host_text = std::move(h.text);
        host_display = host_file->string();
    }
    const std::string display = (folder / kLegacyDir / "run.conf").string() + " (as dockerops.toml)";
    // A 2016 file knew no variables: its text is taken as it is (no lookup, and `${` kept by the reader's escape).
    LoadResult inner = parse_with(imp.toml, display, folder,
                                  host_text ? std::optional<std::string_view>(*host_text) : std::nullopt, host_display,
                                  LoaderSettings{{}, {}, share_dir}, {});
    map_back(inner, display, imp, {(folder / kLegacyDir).string(), 0, 0}, r);
    r.project = std::move(inner.project);
    if (r.project) {
        r.project->legacy = true;
        r.project->file = fs::weakly_canonical(folder / kLegacyDir);
    }
    return r;
}

}  // namespace dockerops
