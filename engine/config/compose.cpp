// compose files -> dockerops.toml text. Each service becomes a container of
// the same name, and its replicas instances "1".."N" (engine names
// <project>-<service>-<N>, as compose v2 names them). Every line written
// records the YAML position it came from, so that the loader's messages name
// the compose file. A key that cannot be mapped is an error at its line.
#include "engine/config/compose.hpp"

#include "engine/config/compose_translator.hpp"
#include "engine/model/model.hpp"
#include "util/files.hpp"
#include "util/toml_text.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <sstream>

namespace fs = std::filesystem;

namespace dockerops {

namespace config_detail {

bool Translator::load_files(YNode& doc) {
    bool first = true;
    for (const auto& f : req_.files) {
        FileRead text = read_regular_file(f, kMaxComposeBytes);
        if (!text.text) {
            d_.error({f.string(), 0, 0}, "cannot read the compose file: " + text.error);
            return false;
        }
        auto node = config_detail::read_yaml(*text.text, f.string(), &req_.lookup, d_, !req_.keep_variables);
        if (!node) return false;
        if (!node->is_map()) {
            d_.error(node->pos, "a compose file must be a mapping (services:, volumes:, ...), not " + a_kind(*node));
            return false;
        }
        if (first) doc = std::move(*node);
        else config_detail::merge_into(doc, *node);
        first = false;
    }
    return true;
}

void Translator::check_top(const YNode& doc) {
    static const std::vector<std::string> known{"version", "name", "services", "volumes", "networks", "secrets", "configs"};
    for (std::size_t k = 0; k < doc.entries.size(); ++k) {
        const std::string& key = doc.entries[k].first;
        if (key.starts_with("x-") || std::find(known.begin(), known.end(), key) != known.end()) continue;
        if (key == "include") refuse(doc.key_pos[k], key, "not mapped: name the files with several -f");
        else d_.error(doc.key_pos[k], "unknown top-level key '" + key + "'", suggest(key, known, "known keys"));
    }
    for (const char* section : {"secrets", "configs"}) {
        const YNode* n = doc.get(section);
        if (!n || n->is_null()) continue;
        if (!n->is_map()) {
            d_.error(n->pos, std::string(section) + " must be a mapping, not " + a_kind(*n));
            continue;
        }
        auto& into = std::string(section) == "secrets" ? secrets_ : configs_;
        for (const auto& [k, v] : n->entries) into[k] = &v;
    }
}

// extends: { service: base, file: other.yaml } or extends: base. The base is
// resolved first (its own extends), then this service is merged over it.
bool Translator::extend_one(YNode& services, const std::string& name, std::set<std::string>& busy) {
    YNode* svc = services.get(name);
    const YNode* ext = svc ? svc->get("extends") : nullptr;
    if (!ext) return true;
    const SourcePos at = svc->key_at("extends");
    if (!busy.insert(name).second) {
        d_.error(at, "services." + name + ".extends: a cycle of extends through '" + name + "'");
        return false;
    }
    std::string base_name, file;
    if (ext->is_scalar()) base_name = ext->value;
    else if (ext->is_map() && ext->get("service") && ext->get("service")->is_scalar()) {
        base_name = ext->get("service")->value;
        if (const YNode* f = ext->get("file")) file = f->value;
    } else {
        d_.error(ext->pos, "services." + name + ".extends must be a service name or { service, file }");
        return false;
    }
    YNode base;
    if (file.empty()) {
        if (!services.get(base_name)) {
            d_.error(ext->pos, "services." + name + ".extends: no service '" + base_name + "' in this file");
            return false;
        }
        if (!extend_one(services, base_name, busy)) return false;
        base = *services.get(base_name);
        svc = services.get(name);   // the vector may not move, but look again to be plain about it
    } else {
        const fs::path path = root_ / file;
        FileRead text = read_regular_file(path, kMaxComposeBytes);
        if (!text.text) {
            d_.error(ext->pos, "services." + name + ".extends: cannot read '" + file + "': " + text.error);
            return false;
        }
        auto other = config_detail::read_yaml(*text.text, path.string(), &req_.lookup, d_, !req_.keep_variables);
        const YNode* theirs = other && other->get("services") ? other->get("services")->get(base_name) : nullptr;
        if (!theirs) {
            d_.error(ext->pos, "services." + name + ".extends: no service '" + base_name + "' in " + file);
            return false;
        }
        if (theirs->get("extends")) {
            d_.error(ext->pos, "services." + name + ".extends: '" + base_name + "' in " + file +
                                   " extends another service itself, which is not followed across files");
            return false;
        }
        base = *theirs;
    }
    YNode mine = *svc;
    mine.erase("extends");
    base.erase("extends");
    config_detail::merge_into(base, mine);
    base.pos = svc->pos;
    *svc = std::move(base);
    busy.erase(name);
    return true;
}

void Translator::resolve_extends(YNode& services) {
    std::vector<std::string> names;
    for (const auto& [k, v] : services.entries) names.push_back(k);
    for (const auto& n : names) {
        std::set<std::string> busy;
        extend_one(services, n, busy);
    }
}

// compose's project name: -p / COMPOSE_PROJECT_NAME, then the file's
// `name`, then the folder's name made into one.
void Translator::project(const YNode& doc) {
    out_.line("[project]", {req_.files.front().string(), 1, 1}, "the project");
    const YNode* name = doc.get("name");
    if (!req_.project_name.empty()) out_.line("name = " + q(req_.project_name), {req_.files.front().string(), 0, 0}, "the project name");
    else if (name && name->is_scalar()) out_.line("name = " + q(*name), name->pos, "name");
    else {
        const std::string folder = compose_project_name(root_.filename().string());
        out_.line("name = " + q(folder), {req_.files.front().string(), 0, 0},
                  "the project name (from the folder '" + root_.filename().string() + "')");
    }
    if (subnet_) out_.line("subnet = " + q(*subnet_), subnet_->pos, "networks: the ipam subnet");
    // x-dockerops: what compose has no word for (target swarm's registry).
    const YNode* x = doc.get("x-dockerops");
    const YNode* target = x && x->is_map() ? x->get("target") : nullptr;
    swarm_ = req_.target ? *req_.target == Target::Swarm : target && target->value == "swarm";
    if (x && x->is_map())
        for (const char* key : {"target", "registry"})
            if (const YNode* v = x->get(key); v && v->is_scalar())
                out_.line(std::string(key) + " = " + q(*v), v->pos, std::string("x-dockerops.") + key);
}

// The networks services are on. One alone is the project network (its
// subnet the project's); with several, "default" is the project network and
// each other one a [networks.NAME] that the services listing it join.
void Translator::networks(const YNode& doc) {
    const YNode* services = doc.get("services");
    std::map<std::string, SourcePos> used;
    if (services && services->is_map())
        for (std::size_t k = 0; k < services->entries.size(); ++k) {
            const YNode& svc = services->entries[k].second;
            const YNode* n = svc.is_map() ? svc.get("networks") : nullptr;
            if (!n || n->is_null()) used.emplace("default", services->key_pos[k]);
            else if (n->is_seq())
                for (const auto& item : n->items) used.emplace(item.value, item.pos);
            else if (n->is_map())
                for (std::size_t j = 0; j < n->entries.size(); ++j) used.emplace(n->entries[j].first, n->key_pos[j]);
        }
    if (used.empty()) return;
    const YNode* top = doc.get("networks");
    // An external network is never the project network: a service on one
    // alone is on networks of its own.
    auto external = [&](const std::string& name) {
        const YNode* net = top && top->is_map() ? top->get(name) : nullptr;
        const YNode* e = net && net->is_map() ? net->get("external") : nullptr;
        return e && !e->is_map() && bool_of(*e).value_or(false);
    };
    several_networks_ = used.size() > 1 || std::any_of(used.begin(), used.end(), [&](const auto& u) { return external(u.first); });
    for (const auto& [name, at] : used) {
        const YNode* net = top && top->is_map() ? top->get(name) : nullptr;
        if (name != "default" && (!top || !top->is_map() || !top->entries.size() || !top->get(name))) {
            d_.error(at, "network '" + name + "' is not declared under the top-level networks");
            continue;
        }
        const bool project = name == "default" || (!several_networks_ && !external(name));
        NetworkOut out{name, at, nullptr, false};
        if (net && !net->is_null()) network_settings(*net, "networks." + name, project, out);
        if (project) subnet_ = out.subnet;
        else extra_networks_.push_back(out);
    }
}

void Translator::network_settings(const YNode& net, const std::string& where, bool project, NetworkOut& out) {
    if (!net.is_map()) {
        d_.error(net.pos, where + " must be a mapping, not " + a_kind(net));
        return;
    }
    for (std::size_t k = 0; k < net.entries.size(); ++k) {
        const auto& [key, v] = net.entries[k];
        const SourcePos at = net.key_pos[k];
        if (key.starts_with("x-") || key == "attachable" || key == "labels") continue;
        if (key == "driver") {
            if (v.value != "bridge") refuse(at, where + ".driver", "a project's networks are bridges; driver '" + v.value + "' is not mapped");
        } else if (key == "ipam") {
            const YNode* config = v.get("config");
            const YNode* first = config && config->is_seq() && !config->items.empty() ? &config->items.front() : nullptr;
            if (config && config->is_seq() && config->items.size() > 1)
                refuse(config->pos, where + ".ipam.config", "one subnet is mapped, not several");
            if (first && first->get("subnet")) out.subnet = first->get("subnet");
            if (first)
                for (const auto& [ik, iv] : first->entries)
                    if (ik != "subnet") refuse(first->key_at(ik), where + ".ipam.config." + ik, "not mapped: the planner and the engine pick the gateway and addresses");
            if (const YNode* drv = v.get("driver"); drv && drv->value != "default")
                refuse(drv->pos, where + ".ipam.driver", "not mapped");
        } else if (key == "internal" && !project) {
            out.internal = bool_of(v).value_or(false);
        } else if (key == "external" && v.is_map()) {
            refuse(at, where + ".external", "the old form external: { name: ... }: write external: true and name: ...");
        } else if (key == "external" && !project) {
            out.external = bool_of(v).value_or(false);
        } else if (key == "name" && !project && net.get("external") && bool_of(*net.get("external")).value_or(false)) {
            out.engine_name = &v;
        } else if (key == "external" || key == "internal" || key == "enable_ipv6") {
            if (bool_of(v).value_or(false))
                refuse(at, where + "." + key, "not mapped yet: " + std::string(project ? "the project network" : "a project's network") +
                                                  " is made and owned by dockerops, IPv4" + (project ? ", with a way out" : ""));
        } else if (key == "name") {
            refuse(at, where + ".name", "a project's network is named after the project");
        } else {
            refuse(at, where + "." + key, "not mapped");
        }
    }
}

void Translator::write_networks() {
    for (const auto& n : extra_networks_) {
        out_.line("[networks." + toml_key(n.name) + "]", n.pos, "networks." + n.name);
        if (n.external) out_.line("external = true", n.pos, "networks." + n.name + ".external");
        if (n.engine_name) out_.line("name = " + q(*n.engine_name), n.engine_name->pos, "networks." + n.name + ".name");
        if (n.subnet) out_.line("subnet = " + q(*n.subnet), n.subnet->pos, "networks." + n.name + ".ipam");
        if (n.internal) out_.line("internal = true", n.pos, "networks." + n.name + ".internal");
    }
}

void Translator::volumes_top(const YNode& doc) {
    const YNode* vols = doc.get("volumes");
    if (!vols || vols->is_null()) return;
    if (!vols->is_map()) {
        d_.error(vols->pos, "volumes must be a mapping of volume names, not " + a_kind(*vols));
        return;
    }
    for (std::size_t k = 0; k < vols->entries.size(); ++k) {
        const auto& [name, v] = vols->entries[k];
        declared_volumes_.insert(name);
        if (v.is_null()) continue;
        if (!v.is_map()) {
            d_.error(v.pos, "volumes." + name + " must be a mapping, not " + a_kind(v));
            continue;
        }
        std::vector<std::pair<std::string, SourcePos>> lines;
        for (std::size_t j = 0; j < v.entries.size(); ++j) {
            const auto& [key, val] = v.entries[j];
            const SourcePos at = v.key_pos[j];
            const std::string where = "volumes." + name + "." + key;
            if (key.starts_with("x-") || key == "labels") continue;
            if (key == "driver") lines.emplace_back("driver = " + q(val), at);
            else if (key == "driver_opts") {
                if (auto m = string_map(val, where)) lines.emplace_back("options = " + *m, at);
            } else if (key == "external") {
                if (val.is_map()) refuse(at, where, "the old form external: { name: ... }: write external: true and name: ...");
                else if (auto b = bool_of(val); b && *b) lines.emplace_back("external = true", at);
            } else if (key == "name") {
                const YNode* ext = v.get("external");
                if (ext && bool_of(*ext).value_or(false)) lines.emplace_back("name = " + q(val), at);
                else refuse(at, where, "not mapped: a project's own volume is named <project>_" + name + " (name: goes with external: true)");
            } else {
                refuse(at, where, "not mapped");
            }
        }
        if (lines.empty()) continue;
        out_.line("[volumes." + toml_key(name) + "]", vols->key_pos[k], "volumes." + name);
        for (const auto& [text, at] : lines) out_.line(text, at, "volumes." + name);
    }
}

// ["a", "b"] from a list of scalars (or one scalar, when allowed).
std::optional<std::string> Translator::list_of_strings(const YNode& n, const std::string& what, bool allow_scalar) {
    if (n.is_scalar() && allow_scalar) return "[" + q(n) + "]";
    if (!n.is_seq()) {
        d_.error(n.pos, what + " must be a list" + std::string(allow_scalar ? " or a string" : "") + ", not " + a_kind(n));
        return std::nullopt;
    }
    std::string out = "[";
    for (const auto& item : n.items) {
        if (!item.is_scalar()) {
            d_.error(item.pos, what + " must hold strings, not " + a_kind(item));
            return std::nullopt;
        }
        out += (out.size() > 1 ? ", " : "") + q(item);
    }
    return out + "]";
}

// { KEY = "value" } from a mapping or a list of KEY=VALUE.
std::optional<std::string> Translator::string_map(const YNode& n, const std::string& what, char sep) {
    std::vector<std::pair<std::string, std::string>> kv;
    if (n.is_map()) {
        for (const auto& [k, v] : n.entries) {
            if (v.is_null()) continue;
            if (!v.is_scalar()) {
                d_.error(v.pos, what + "." + k + " must be a string, not " + a_kind(v));
                return std::nullopt;
            }
            kv.emplace_back(k, q(v));
        }
    } else if (n.is_seq()) {
        for (const auto& item : n.items) {
            auto eq = item.value.find(sep);
            if (!item.is_scalar() || eq == std::string::npos) {
                d_.error(item.pos, what + " entries must be KEY" + std::string(1, sep) + "VALUE");
                return std::nullopt;
            }
            YNode v = item;
            v.value = item.value.substr(eq + 1);
            auto req = item.raw.find(sep);
            v.raw = req == std::string::npos ? v.value : item.raw.substr(req + 1);
            kv.emplace_back(item.value.substr(0, eq), q(v));
        }
    } else if (!n.is_null()) {
        d_.error(n.pos, what + " must be a mapping or a list, not " + a_kind(n));
        return std::nullopt;
    }
    std::string out = "{";
    for (const auto& [k, v] : kv) out += (out.size() > 1 ? ", " : " ") + toml_quote(k) + " = " + v;
    return out + (kv.empty() ? "}" : " }");
}

void Translator::run() {
    if (req_.files.empty()) return;
    root_ = fs::absolute(req_.files.front()).lexically_normal().parent_path();   // ("./compose.yaml": not "/dir/." made "/dir/")
    if (!load_files(doc_)) return;
    check_top(doc_);
    YNode* services = doc_.get("services");
    if (services && !services->is_null() && !services->is_map()) {
        d_.error(services->pos, "services must be a mapping of service names, not " + a_kind(*services));
        return;
    }
    if (services) resolve_extends(*services);
    networks(doc_);
    project(doc_);
    volumes_top(doc_);
    write_networks();
    std::vector<Service> all;
    if (services && services->is_map()) {
        for (const auto& [name, v] : services->entries) service_names_.insert(name);
        for (std::size_t k = 0; k < services->entries.size(); ++k) {
            Service s;
            s.name = services->entries[k].first;
            s.pos = services->key_pos[k];
            s.node = &services->entries[k].second;
            service(s);
            all.push_back(std::move(s));
        }
    }
    if (all.empty()) out_.line("allow_empty = true", {req_.files.front().string(), 0, 0}, "services");
    if (d_.has_errors()) return;
    for (const auto& s : all) write_service(s);
    r_.toml = out_.str();
}

}  // namespace config_detail

using config_detail::Translator;

std::optional<fs::path> find_compose_file(const fs::path& folder) {
    for (const char* n : {"compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml"}) {
        std::error_code ec;
        if (fs::is_regular_file(folder / n, ec)) return folder / n;
    }
    return std::nullopt;
}

bool is_compose_file_name(const fs::path& file) {
    const std::string ext = file.extension().string();
    return ext == ".yaml" || ext == ".yml";
}

std::string compose_project_name(std::string_view folder) {
    std::string out;
    for (char ch : folder) {
        const char c = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-') out += c;
    }
    while (!out.empty() && (out.front() == '_' || out.front() == '-')) out.erase(out.begin());
    return out;
}

ImportResult import_compose(const ComposeRequest& request) {
    ImportResult r;
    Translator t(request, r);
    t.run();
    return r;
}

}  // namespace dockerops
