#include "engine/config/legacy.hpp"

#include "engine/model/model.hpp"
#include "util/files.hpp"
#include "util/toml_text.hpp"

#include <simdjson.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <sstream>

namespace fs = std::filesystem;

namespace dockerops {

namespace {


const std::vector<std::string> kRunKeys{"container", "instance", "instance_type", "sleep", "links", "env_vars",
                                        "publish_ports", "linked", "persistent_data", "persistent_opt",
                                        "persistent_log", "seed_command", "hostname", "volumes", "group"};
const std::vector<std::string> kLinkKeys{"name", "container", "instance"};
const std::vector<std::string> kBuildKeys{"container", "build_args"};

// 1-based line and column of a byte offset.
SourcePos position_of(const std::string& file, std::string_view text, std::size_t offset) {
    SourcePos p{file, 1, 1};
    for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
        if (text[i] == '\n') { ++p.line; p.column = 1; } else { ++p.column; }
    }
    return p;
}

// Offsets of the elements of a top-level JSON array (for per-entry positions).
std::vector<std::size_t> top_level_elements(std::string_view text) {
    std::vector<std::size_t> out;
    int depth = 0;
    bool in_string = false, expect = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (in_string) {
            if (c == '\\') ++i;
            else if (c == '"') in_string = false;
            continue;
        }
        if (c == ' ' || c == '\n' || c == '\r' || c == '\t') continue;
        if (depth == 1 && expect && c != ']') { out.push_back(i); expect = false; }
        if (c == '"') in_string = true;
        else if (c == '[' || c == '{') { ++depth; if (depth == 1 && c == '[') expect = true; }
        else if (c == ']' || c == '}') --depth;
        else if (c == ',' && depth == 1) expect = true;
    }
    return out;
}

std::string scalar_text(simdjson::dom::element v, bool& ok) {
    ok = true;
    if (v.is_string()) return std::string(std::string_view(v.get_string()));
    if (v.is_bool()) return bool(v.get_bool()) ? "true" : "false";
    if (v.is_int64()) return std::to_string(int64_t(v.get_int64()));
    if (v.is_uint64()) return std::to_string(uint64_t(v.get_uint64()));
    if (v.is_double()) {
        std::ostringstream os;
        os << double(v.get_double());
        return os.str();
    }
    ok = false;
    return {};
}

// Emits one JSON value as TOML (strings, numbers, booleans, arrays of them, flat objects).
std::string to_toml_value(simdjson::dom::element v) {
    using T = simdjson::dom::element_type;
    switch (v.type()) {
        case T::STRING: return toml_quote_text(std::string_view(v.get_string()));
        case T::BOOL: return bool(v.get_bool()) ? "true" : "false";
        case T::INT64: return std::to_string(int64_t(v.get_int64()));
        case T::UINT64: return std::to_string(uint64_t(v.get_uint64()));
        case T::DOUBLE: {
            std::ostringstream os;
            os << double(v.get_double());
            std::string s = os.str();
            if (s.find_first_of(".eE") == std::string::npos && s != "inf" && s != "nan") s += ".0";
            return s;
        }
        case T::ARRAY: {
            std::string out = "[";
            bool first = true;
            for (auto e : v.get_array()) {
                out += (first ? "" : ", ") + to_toml_value(e);
                first = false;
            }
            return out + "]";
        }
        case T::OBJECT: {
            std::string out = "{ ";
            bool first = true;
            for (auto [k, e] : v.get_object()) {
                out += (first ? "" : ", ") + toml_key(k) + " = " + to_toml_value(e);
                first = false;
            }
            return first ? "{}" : out + " }";
        }
        case T::NULL_VALUE: return "\"\"";
    }
    return "\"\"";
}

struct JsonFile {
    std::string display;
    std::string text;            // comments stripped
    simdjson::dom::parser parser;
    simdjson::dom::element root;
};

bool parse_json(const fs::path& path, const std::string& display, JsonFile& f, Diagnostics& d) {
    auto raw = read_text_file(path);
    if (!raw) {
        d.error({display, 0, 0}, "cannot read the file");
        return false;
    }
    f.display = display;
    f.text = strip_hash_comments(*raw);
    simdjson::padded_string padded(f.text);
    auto err = f.parser.parse(padded).get(f.root);
    if (err) {
        d.error({display, 0, 0}, std::string("invalid JSON: ") + simdjson::error_message(err));
        return false;
    }
    return true;
}

}  // namespace

std::string strip_hash_comments(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    bool in_string = false, in_comment = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (in_comment) {
            if (c == '\n') { in_comment = false; out += c; } else { out += ' '; }
            continue;
        }
        if (in_string) {
            out += c;
            if (c == '\\' && i + 1 < text.size()) out += text[++i];
            else if (c == '"') in_string = false;
            continue;
        }
        if (c == '#') { in_comment = true; out += ' '; continue; }
        if (c == '"') in_string = true;
        out += c;
    }
    return out;
}

bool is_legacy_project(const fs::path& folder) {
    return fs::is_directory(folder / kLegacyDir) && !fs::exists(folder / kConfigFileName);
}

namespace {

// The translation, one file at a time: dockerops.toml text is emitted line
// by line, and each run.conf entry's first line is recorded as its origin.
class LegacyTranslator {
public:
    LegacyTranslator(const fs::path& folder, ImportResult& r) : folder_(folder), dir_(folder / kLegacyDir), r_(r), d_(r.diagnostics) {}

    void run() {
        header();
        containers(read_build_args());
        instances();
        r_.toml = out_.str();
        host();
    }

private:
    void emit(const std::string& s) {
        out_ << s << '\n';
        line_ += 1 + static_cast<int>(std::count(s.begin(), s.end(), '\n'));
    }

    void header() {
        std::string name = fs::weakly_canonical(folder_).filename().string();
        std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
        emit("# Imported from the 2016 DockerOps layout (" + std::string(kLegacyDir) + "/) by 'dockerops import'.");
        emit("[project]");
        emit("name = " + toml_quote_text(name));
        emit("containers_dir = " + toml_quote_text(kLegacyDir));
        emit("");
    }

    // Each element of a top-level JSON array with its position.
    template <typename F>
    void for_each_entry(const JsonFile& f, const std::string& shown, F&& each) {
        auto offsets = top_level_elements(f.text);
        std::size_t i = 0;
        for (auto e : f.root.get_array()) {
            SourcePos pos = i < offsets.size() ? position_of(shown, f.text, offsets[i]) : SourcePos{shown, 0, 0};
            ++i;
            each(e, pos, i);
        }
    }

    // build.conf: container -> build args as a TOML inline table.
    std::map<std::string, std::string> read_build_args() {
        std::map<std::string, std::string> build_args;
        if (!fs::exists(dir_ / "build.conf")) return build_args;
        JsonFile bf;
        const std::string shown = (dir_ / "build.conf").string();
        if (!parse_json(dir_ / "build.conf", shown, bf, d_)) return build_args;
        if (!bf.root.is_array()) {
            d_.error({shown, 1, 1}, "build.conf must be a list of containers");
            return build_args;
        }
        for_each_entry(bf, shown, [&](simdjson::dom::element e, const SourcePos& pos, std::size_t i) {
            if (e.is_string()) return;   // a name: the order only, dockerops derives it from FROM
            if (!e.is_object()) {
                d_.error(pos, "an entry of build.conf must be a container name or an object");
                return;
            }
            std::string container;
            for (auto [k, v] : e.get_object()) {
                std::string key(k);
                if (std::find(kBuildKeys.begin(), kBuildKeys.end(), key) == kBuildKeys.end())
                    d_.error(pos, "unknown key '" + key + "' in build.conf entry " + std::to_string(i),
                             suggest(key, kBuildKeys, "known keys"));
                else if (key == "container" && v.is_string()) container = std::string(std::string_view(v.get_string()));
            }
            auto ba = e["build_args"];
            if (!container.empty() && !ba.error()) {
                if (ba.value().is_object()) build_args[container] = to_toml_value(ba.value());
                else d_.error(pos, "build_args in build.conf entry " + std::to_string(i) + " must be an object");
            }
        });
        return build_args;
    }

    // Containers: every folder with a Dockerfile, and those build.conf names.
    void containers(std::map<std::string, std::string> build_args) {
        std::vector<std::string> names;
        if (fs::is_directory(dir_))
            for (const auto& entry : fs::directory_iterator(dir_))
                if (entry.is_directory() && fs::exists(entry.path() / "Dockerfile"))
                    names.push_back(entry.path().filename().string());
        std::sort(names.begin(), names.end());
        for (const auto& [c, _] : build_args)
            if (std::find(names.begin(), names.end(), c) == names.end()) names.push_back(c);
        for (const auto& c : names) {
            emit("[containers." + toml_key(c) + "]");
            if (build_args.count(c)) emit("build_args = " + build_args[c]);
        }
    }

    void instances() {
        const std::string shown = (dir_ / "run.conf").string();
        JsonFile rf;
        if (!fs::exists(dir_ / "run.conf")) {
            d_.error({shown, 0, 0}, "a 2016 project needs run.conf", "it lists the instances to run");
            return;
        }
        if (!parse_json(dir_ / "run.conf", shown, rf, d_)) return;
        if (!rf.root.is_array()) {
            d_.error({shown, 1, 1}, "run.conf must be a list of instances");
            return;
        }
        for_each_entry(rf, shown, [&](simdjson::dom::element e, const SourcePos& pos, std::size_t i) {
            const std::string what = "run.conf entry " + std::to_string(i);
            if (!e.is_object()) {
                d_.error(pos, what + " must be an object");
                return;
            }
            emit("");
            r_.origins.push_back({line_, pos, what});
            emit("[[instances]]");
            instance(e, pos, what);
        });
    }

    void instance(simdjson::dom::element e, const SourcePos& pos, const std::string& what) {
        std::vector<std::string> required, env_items;
        for (auto [k, v] : e.get_object()) {
            std::string key(k);
            if (std::find(kRunKeys.begin(), kRunKeys.end(), key) == kRunKeys.end()) {
                d_.error(pos, "unknown key '" + key + "' in " + what, suggest(key, kRunKeys, "known keys"));
                continue;
            }
            if (key == "instance") emit("name = " + to_toml_value(v));
            else if (key == "instance_type") emit("type = " + to_toml_value(v));
            else if (key == "seed_command") emit("command = " + to_toml_value(v));
            else if (key == "env_vars") env_vars(v, pos, what, env_items, required);
            else if (key == "links" && v.is_array()) emit("links = " + links(v, pos, what));
            else emit(key + " = " + to_toml_value(v));
        }
        if (!env_items.empty()) emit("env = { " + join_items(env_items) + " }");
        if (!required.empty()) emit("required_env = [" + join_items(required) + "]");
    }

    static std::string join_items(const std::vector<std::string>& items) {
        std::string t;
        for (std::size_t j = 0; j < items.size(); ++j) t += (j ? ", " : "") + items[j];
        return t;
    }

    // env_vars: values become env, nulls become required_env (from the host).
    void env_vars(simdjson::dom::element v, const SourcePos& pos, const std::string& what, std::vector<std::string>& items,
                  std::vector<std::string>& required) {
        if (!v.is_object()) {
            d_.error(pos, "env_vars in " + what + " must be an object");
            return;
        }
        for (auto [ek, ev] : v.get_object()) {
            if (ev.is_null()) {
                required.push_back(toml_quote_text(ek));
                continue;
            }
            bool ok = false;
            std::string text = scalar_text(ev, ok);
            if (!ok) d_.error(pos, "env_vars '" + std::string(ek) + "' in " + what + " must be a string, number, boolean or null");
            else items.push_back(toml_key(ek) + " = " + toml_quote_text(text));
        }
    }

    std::string links(simdjson::dom::element v, const SourcePos& pos, const std::string& what) {
        std::string out = "[";
        bool first = true;
        for (auto l : v.get_array()) {
            out += first ? "" : ", ";
            first = false;
            if (!l.is_object()) {
                out += to_toml_value(l);
                continue;
            }
            std::string t = "{ ";
            bool f2 = true;
            for (auto [lk, lv] : l.get_object()) {
                std::string lkey(lk);
                if (std::find(kLinkKeys.begin(), kLinkKeys.end(), lkey) == kLinkKeys.end()) {
                    d_.error(pos, "unknown key '" + lkey + "' in a link of " + what, suggest(lkey, kLinkKeys, "known keys"));
                    continue;
                }
                if (lv.is_null()) continue;   // "instance": null = any instance
                t += (f2 ? "" : ", ") + lkey + " = " + to_toml_value(lv);
                f2 = false;
            }
            out += t + " }";
        }
        return out + "]";
    }

    void host() {
        if (!fs::exists(dir_ / "host.conf")) return;
        JsonFile hf;
        const std::string shown = (dir_ / "host.conf").string();
        if (!parse_json(dir_ / "host.conf", shown, hf, d_)) return;
        if (!hf.root.is_object()) {
            d_.error({shown, 1, 1}, "host.conf must be an object of variables");
            return;
        }
        std::string text = "# Imported from " + std::string(kLegacyDir) + "/host.conf: per-host values, never committed.\n[env]\n";
        for (auto [k, v] : hf.root.get_object()) {
            bool ok = false;
            std::string value = scalar_text(v, ok);
            if (!ok) d_.error({shown, 0, 0}, "host.conf '" + std::string(k) + "' must be a string, number or boolean");
            else text += toml_key(k) + " = " + toml_quote_text(value) + "\n";
        }
        r_.host_toml = text;
    }

    const fs::path folder_, dir_;
    ImportResult& r_;
    Diagnostics& d_;
    std::ostringstream out_;
    int line_ = 1;
};

}  // namespace

ImportResult import_legacy(const fs::path& folder) {
    ImportResult r;
    LegacyTranslator(folder, r).run();
    return r;
}

}  // namespace dockerops
