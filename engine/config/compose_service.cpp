// One compose service's keys -> the lines of its [containers.NAME] and its
// [[instances]] (engine/config/compose_translator.hpp).
#include "engine/config/compose_translator.hpp"

#include "util/files.hpp"

namespace dockerops::config_detail {

void Translator::service(Service& s) {
    const YNode& n = *s.node;
    if (!n.is_map()) {
        d_.error(n.pos, "services." + s.name + " must be a mapping, not " + a_kind(n));
        return;
    }
    const auto& refused = refused_service_keys();
    for (std::size_t k = 0; k < n.entries.size(); ++k) {
        const std::string& key = n.entries[k].first;
        if (key.starts_with("x-")) continue;
        if (auto it = refused.find(key); it != refused.end()) refuse(n.key_pos[k], "services." + s.name + "." + key, it->second);
        else if (std::find(mapped_service_keys().begin(), mapped_service_keys().end(), key) == mapped_service_keys().end())
            d_.error(n.key_pos[k], "unknown key '" + key + "' in services." + s.name, suggest(key, mapped_service_keys(), "known keys"));
    }
    if (const YNode* b = n.get("build")) build(s, *b);
    else if (const YNode* img = n.get("image")) c(s, "image", q(*img), *img);
    else d_.error(s.pos, "services." + s.name + " has neither image nor build");
    if (const YNode* img = n.get("image"); img && n.get("build"))
        d_.warning(img->pos, "services." + s.name + ": the image built is tagged <project>/" + s.name + ":latest, not " + img->value);
    service_keys(s);
    runtime(s);
    if (const YNode* d = n.get("deploy")) deploy(s, *d);
    if (const YNode* sc = n.get("scale")) {
        if (!is_digits(sc->value)) d_.error(sc->pos, "services." + s.name + ".scale must be a whole number");
        else s.replicas = std::stoi(sc->value.substr(0, 6));
    }
    if (s.replicas > 1 && n.get("container_name"))
        d_.error(n.key_at("container_name"), "services." + s.name + ": container_name names one container, and there are " +
                                                std::to_string(s.replicas) + " replicas");
    if (const YNode* e = n.get("environment")) environment(s, *e);
    if (const YNode* p = n.get("ports")) ports(s, *p);
    if (const YNode* v = n.get("volumes")) volumes(s, *v);
    if (const YNode* v = n.get("secrets")) files_mounted(s, *v, "secrets");
    if (const YNode* v = n.get("configs")) files_mounted(s, *v, "configs");
    if (const YNode* v = n.get("networks"); v && !v->is_null()) service_networks(s, *v);
    else if (several_networks_) i(s, "networks", "[\"default\"]", s.pos, "networks");
    if (const YNode* h = n.get("healthcheck")) healthcheck(s, *h);
    depends(s);
}

void Translator::build(Service& s, const YNode& b) {
    const std::string where = "services." + s.name + ".build";
    const YNode* context = b.is_scalar() ? &b : b.get("context");
    std::string ctx = context ? context->value : ".";
    if (ctx.find("://") != std::string::npos || ctx.starts_with("git@")) {
        refuse(context->pos, where, "a remote build context is not mapped: clone it and name the folder");
        return;
    }
    std::string path = fs::path(ctx).is_absolute() ? ctx : (ctx.starts_with(".") ? ctx : "./" + ctx);
    YNode p = context ? *context : b;
    p.value = path;
    p.raw = req_.keep_variables && context ? (ctx.starts_with(".") || fs::path(ctx).is_absolute() ? context->raw : "./" + context->raw) : path;
    c(s, "path", q(p), context ? *context : b);
    if (b.is_scalar()) return;
    if (!b.is_map()) {
        d_.error(b.pos, where + " must be a folder or a mapping, not " + a_kind(b));
        return;
    }
    for (std::size_t k = 0; k < b.entries.size(); ++k) {
        const auto& [key, v] = b.entries[k];
        if (key == "context" || key.starts_with("x-")) continue;
        if (key == "dockerfile") c(s, "dockerfile", q(v), v);
        else if (key == "target") c(s, "target", q(v), v);
        else if (key == "args") {
            if (auto m = string_map(v, where + ".args")) c(s, "build_args", *m, v);
        } else if (key == "labels" || key == "cache_from" || key == "cache_to")
            d_.warning(b.key_pos[k], where + "." + key + ": not used by dockerops's builds (its images carry its own labels and cache)");
        else refuse(b.key_pos[k], where + "." + key, "not mapped");
    }
}

// Keys with one value and a direct TOML form.
void Translator::service_keys(Service& s) {
    const YNode& n = *s.node;
    const std::string where = "services." + s.name;
    if (const YNode* v = n.get("container_name")) i(s, "container_name", q(*v), v->pos, "container_name");
    if (const YNode* v = n.get("hostname")) i(s, "hostname", q(*v), v->pos, "hostname");
    const YNode* init = n.get("init");
    const bool init_on = init && bool_of(*init).value_or(false);
    if (init && !bool_of(*init)) d_.error(init->pos, where + ".init must be true or false");
    i(s, "init", init_on ? "true" : "false", init ? init->pos : s.pos, "init");
    for (const char* key : {"command", "entrypoint"})
        if (const YNode* v = n.get(key)) {
            if (v->is_null()) continue;
            if (v->is_scalar()) c(s, key, q(*v), *v);
            else if (auto l = list_of_strings(*v, where + "." + key)) c(s, key, *l, *v);
        }
    for (const char* key : {"profiles", "expose", "cap_add", "cap_drop", "dns", "security_opt", "devices"})
        if (const YNode* v = n.get(key)) {
            if (auto l = list_of_strings(*v, where + "." + key)) c(s, key, *l, *v);
        }
    if (const YNode* v = n.get("env_file")) env_files(s, *v);
    if (const YNode* v = n.get("pull_policy")) {
        static const std::map<std::string, std::string> pull{{"always", "always"}, {"never", "never"}, {"missing", "missing"},
                                                            {"if_not_present", "missing"}};
        if (n.get("build") && (v->value == "build" || v->value == "missing" || v->value == "if_not_present")) {
        } else if (auto it = pull.find(v->value); it != pull.end() && !n.get("build")) c(s, "pull", q(it->second), *v);
        else refuse(v->pos, where + ".pull_policy", "'" + v->value + "' is not mapped (always, never, missing, if_not_present)");
    }
}

void Translator::env_files(Service& s, const YNode& v) {
    std::vector<const YNode*> entries;
    if (v.is_seq())
        for (const auto& e : v.items) entries.push_back(&e);
    else entries.push_back(&v);
    std::string list = "[";
    for (const YNode* e : entries) {
        const YNode* path = e->is_map() ? e->get("path") : e;
        if (!path || !path->is_scalar()) {
            d_.error(e->pos, "services." + s.name + ".env_file entries are a path or { path, required }");
            continue;
        }
        const YNode* required = e->is_map() ? e->get("required") : nullptr;
        std::error_code ec;
        if (required && bool_of(*required) == false && !fs::exists(root_ / path->value, ec)) continue;
        list += (list.size() > 1 ? ", " : "") + q(*path);
    }
    if (list.size() > 1) c(s, "env_file", list + "]", v);
}

// Keys of how it runs with a value to check or convert.
void Translator::runtime(Service& s) {
    const YNode& n = *s.node;
    const std::string where = "services." + s.name;
    for (const KeyRow& row : key_table())   // the keys compose names as we do, one string each
        if (const YNode* v = row.compose_text ? n.get(row.name) : nullptr) c(s, std::string(row.name), q(*v), *v);
    if (const YNode* v = n.get("network_mode")) {   // service:NAME is that service's first container
        if (n.get("networks")) d_.error(v->pos, where + ": network_mode and networks cannot both be given (as compose says)");
        else if (v->value.starts_with("service:")) c(s, "network_mode", q("instance:" + v->value.substr(8) + ".1"), *v);
        else c(s, "network_mode", q(*v), *v);
    }
    if (const YNode* v = n.get("volumes_from")) volumes_from(s, *v);
    static const std::vector<std::pair<const char*, const char*>> sizes{
        {"mem_limit", "memory"}, {"mem_reservation", "mem_reservation"}, {"shm_size", "shm_size"}, {"cpus", "cpus"},
        {"pids_limit", "pids_limit"}};
    for (auto [from, to] : sizes)
        if (const YNode* v = n.get(from)) {
            const std::string& t = v->value;
            const bool decimal = !t.empty() && t.front() != '.' && t.back() != '.' &&
                                 t.find_first_not_of("0123456789.") == std::string::npos && std::count(t.begin(), t.end(), '.') <= 1;
            c(s, to, std::string(to) == "cpus" && decimal ? t : number_or_string(*v), *v);
        }
    for (const char* key : {"privileged", "read_only", "tty", "stdin_open"})
        if (const YNode* v = n.get(key)) {
            if (auto b = bool_of(*v)) c(s, key, *b ? "true" : "false", *v);
            else d_.error(v->pos, where + "." + key + " must be true or false");
        }
    for (const char* key : {"labels", "sysctls"})
        if (const YNode* v = n.get(key))
            if (auto m = string_map(*v, where + "." + key)) c(s, key, *m, *v);
    if (const YNode* v = n.get("extra_hosts")) {
        YNode list = *v;
        if (v->is_map()) {
            list.kind = YNode::Kind::Seq;
            list.entries.clear();
            for (const auto& [host, addr] : v->entries) {
                YNode e = addr;
                e.value = host + ":" + addr.value;
                e.raw = host + ":" + addr.raw;
                list.items.push_back(e);
            }
        }
        for (auto& e : list.items) {   // compose writes host=address too
            if (auto eq = e.value.find('='); eq != std::string::npos) e.value[eq] = ':';
            if (auto eq = e.raw.find('='); eq != std::string::npos) e.raw[eq] = ':';
        }
        if (auto l = list_of_strings(list, where + ".extra_hosts")) c(s, "extra_hosts", *l, *v);
    }
    if (const YNode* v = n.get("tmpfs")) {
        if (v->is_scalar()) s.tmpfs.emplace_back(q(*v), v->pos);
        else if (v->is_seq())
            for (const auto& e : v->items) s.tmpfs.emplace_back(q(e), e.pos);
    }
    if (const YNode* v = n.get("ulimits")) ulimits(s, *v);
    if (const YNode* v = n.get("logging")) logging(s, *v);
}

// volumes_from: SERVICE[:ro|:rw] is that service's first container,
// container:NAME[:ro|:rw] an engine container.
void Translator::volumes_from(Service& s, const YNode& v) {
    YNode list = v;
    if (list.is_scalar()) {
        list.kind = YNode::Kind::Seq;
        list.items = {v};
    }
    for (auto& e : list.items) {
        if (!e.is_scalar() || e.value.starts_with("container:")) continue;
        auto first = [](const std::string& ref) {
            const auto colon = ref.find(':');
            return "instance:" + ref.substr(0, colon) + ".1" + (colon == std::string::npos ? "" : ref.substr(colon));
        };
        e.value = first(e.value);
        e.raw = first(e.raw);
    }
    if (auto l = list_of_strings(list, "services." + s.name + ".volumes_from")) c(s, "volumes_from", *l, v);
}

void Translator::ulimits(Service& s, const YNode& v) {
    if (!v.is_map()) {
        d_.error(v.pos, "services." + s.name + ".ulimits must be a mapping, not " + a_kind(v));
        return;
    }
    std::string out = "{";
    for (const auto& [name, u] : v.entries) {
        std::string value;
        if (u.is_scalar() && is_digits(u.value)) value = u.value;
        else if (u.is_map() && u.get("soft") && u.get("hard") && is_digits(u.get("soft")->value) && is_digits(u.get("hard")->value))
            value = "{ soft = " + u.get("soft")->value + ", hard = " + u.get("hard")->value + " }";
        else {
            d_.error(u.pos, "services." + s.name + ".ulimits." + name + " must be a number or { soft, hard }");
            return;
        }
        out += (out.size() > 1 ? ", " : " ") + toml_key(name) + " = " + value;
    }
    c(s, "ulimits", out + " }", v);
}

void Translator::logging(Service& s, const YNode& v) {
    if (!v.is_map()) {
        d_.error(v.pos, "services." + s.name + ".logging must be a mapping, not " + a_kind(v));
        return;
    }
    for (std::size_t k = 0; k < v.entries.size(); ++k) {
        const auto& [key, val] = v.entries[k];
        if (key == "driver") c(s, "log_driver", q(val), val);
        else if (key == "options") {
            if (auto m = string_map(val, "services." + s.name + ".logging.options")) c(s, "log_options", *m, val);
        } else refuse(v.key_pos[k], "services." + s.name + ".logging." + key, "not mapped");
    }
}

void Translator::environment(Service& s, const YNode& e) {
    std::vector<std::pair<std::string, const YNode*>> vars;
    YNode converted;
    if (e.is_seq()) {
        converted.kind = YNode::Kind::Map;
        for (const auto& item : e.items) {
            auto eq = item.value.find('=');
            YNode v = item;
            if (eq == std::string::npos) v.kind = YNode::Kind::Null;
            else {
                v.value = item.value.substr(eq + 1);
                auto req = item.raw.find('=');
                v.raw = req == std::string::npos ? v.value : item.raw.substr(req + 1);
            }
            converted.set(item.value.substr(0, eq), v, item.pos);
        }
    } else if (e.is_map()) {
        converted = e;
    } else if (!e.is_null()) {
        d_.error(e.pos, "services." + s.name + ".environment must be a mapping or a list, not " + a_kind(e));
        return;
    }
    std::string out = "{";
    for (std::size_t k = 0; k < converted.entries.size(); ++k) {
        const auto& [name, v] = converted.entries[k];
        std::string value;
        if (v.is_null()) {   // taken from dockerops's own environment, when it is set there
            if (req_.keep_variables) value = toml_quote("${" + name + "-}");
            else if (auto from = req_.lookup ? req_.lookup(name) : std::nullopt) value = q(*from);
            else continue;
        } else if (!v.is_scalar()) {
            d_.error(v.pos, "services." + s.name + ".environment." + name + " must be a string, not " + a_kind(v));
            continue;
        } else {
            value = q(v);
        }
        out += (out.size() > 1 ? ", " : " ") + toml_quote(name) + " = " + value;
    }
    if (out.size() > 1) i(s, "env", out + " }", e.pos, "environment");
}

std::optional<std::string> Translator::port_entry(const YNode& e) {
    if (e.is_scalar()) return q(e);
    if (!e.is_map() || !e.get("target")) {
        d_.error(e.pos, "a port is \"HOST:CONTAINER\" or { target, published, host_ip, protocol }");
        return std::nullopt;
    }
    std::string text = e.get("target")->value;
    if (const YNode* p = e.get("published"); p && !p->value.empty()) text = p->value + ":" + text;
    if (const YNode* ip = e.get("host_ip"); ip && e.get("published")) text = ip->value + ":" + text;
    if (const YNode* proto = e.get("protocol")) text += "/" + proto->value;
    for (const auto& [k, v] : e.entries)
        if (k != "target" && k != "published" && k != "host_ip" && k != "protocol" && k != "mode" && k != "name" && k != "app_protocol")
            refuse(e.key_at(k), "ports." + k, "not mapped");
    return toml_quote(text);
}

void Translator::ports(Service& s, const YNode& n) {
    if (!n.is_seq()) {
        d_.error(n.pos, "services." + s.name + ".ports must be a list, not " + a_kind(n));
        return;
    }
    std::string out = "[";
    for (const auto& e : n.items)
        if (auto p = port_entry(e)) out += (out.size() > 1 ? ", " : "") + *p;
    i(s, "ports", out + "]", n.pos, "ports");
}

// Short form "SOURCE:TARGET[:MODE]" or "TARGET" (an anonymous volume); long
// form { type, source, target, read_only, ... }.
void Translator::volumes(Service& s, const YNode& n) {
    if (!n.is_seq()) {
        d_.error(n.pos, "services." + s.name + ".volumes must be a list, not " + a_kind(n));
        return;
    }
    int anonymous = 0;
    for (const auto& e : n.items) {
        std::string source, target, mode;
        if (e.is_map()) {
            auto v = volume_long(s, e);
            if (v) s.volumes.emplace_back(*v, e.pos);
            continue;
        }
        const std::string text = req_.keep_variables ? compose_text_as_toml(e.raw) : e.value;
        std::vector<std::string> parts;
        std::stringstream ss(text);
        for (std::string part; std::getline(ss, part, ':');) parts.push_back(part);
        if (parts.size() == 1) {
            target = parts[0];
            source = "anon-" + s.name + (anonymous ? "-" + std::to_string(anonymous + 1) : "");
            ++anonymous;
            d_.warning(e.pos, "services." + s.name + ": the anonymous volume at " + target + " is the named volume " + source +
                                  " (kept until destroy --purge-data)");
        } else if (parts.size() == 2 || parts.size() == 3) {
            source = parts[0];
            target = parts[1];
            if (parts.size() == 3) mode = parts[2];
        } else {
            d_.error(e.pos, "volume '" + e.value + "' must be SOURCE:TARGET[:MODE] or TARGET");
            continue;
        }
        std::string ro;
        std::stringstream ms(mode);
        for (std::string m; std::getline(ms, m, ',');) {
            if (m == "ro" || m == "rw") ro = m == "ro" ? ":ro" : "";
            else if (m == "z" || m == "Z" || m == "cached" || m == "delegated" || m == "consistent")
                d_.warning(e.pos, "volume mode '" + m + "' has no effect here and is left out (no SELinux relabel; cached/delegated are Docker Desktop's)");
            else refuse(e.pos, "services." + s.name + ".volumes", "mode '" + m + "' is not mapped (ro, rw)");
        }
        if (source.starts_with("~")) source = (req_.lookup && req_.lookup("HOME") ? *req_.lookup("HOME") : std::string("~")) + source.substr(1);
        else if (!source.starts_with("/") && !source.starts_with(".") && !source.starts_with("anon-") &&
                 !declared_volumes_.count(source) && !req_.keep_variables)
            d_.error(e.pos, "services." + s.name + ": volume '" + source + "' is not declared under the top-level volumes",
                     "compose refuses it too; declare it, or write ./" + source + " for a folder");
        s.volumes.emplace_back(toml_quote(source + ":" + target + ro), e.pos);
    }
}

std::optional<std::string> Translator::volume_long(Service& s, const YNode& e) {
    const std::string where = "services." + s.name + ".volumes";
    const YNode* type = e.get("type");
    const YNode* target = e.get("target");
    const YNode* source = e.get("source");
    if (!target) {
        d_.error(e.pos, where + ": a volume needs a target");
        return std::nullopt;
    }
    const bool ro = e.get("read_only") && bool_of(*e.get("read_only")).value_or(false);
    for (const auto& [k, v] : e.entries)
        if (k != "type" && k != "source" && k != "target" && k != "read_only" && k != "bind" && k != "volume" && k != "tmpfs" && k != "consistency")
            refuse(e.key_at(k), where + "." + k, "not mapped");
    const std::string t = type ? type->value : "volume";
    if (t == "tmpfs") {
        std::string opts;
        if (const YNode* tm = e.get("tmpfs"); tm && tm->get("size")) opts = "size=" + tm->get("size")->value;
        s.tmpfs.emplace_back(toml_quote(target->value + (opts.empty() ? "" : ":" + opts)), e.pos);
        return std::nullopt;
    }
    if (t != "bind" && t != "volume") {
        refuse(type->pos, where + ".type", "'" + t + "' is not mapped (bind, volume, tmpfs)");
        return std::nullopt;
    }
    if (const YNode* b = e.get("bind"))
        for (const auto& [k, v] : b->entries)
            if (k != "create_host_path") refuse(b->key_at(k), where + ".bind." + k, "not mapped");
    if (const YNode* v = e.get("volume"))
        for (const auto& [k, vv] : v->entries) refuse(v->key_at(k), where + ".volume." + k, "not mapped");
    std::string src = source ? source->value : "";
    if (src.empty()) {
        refuse(e.pos, where, "a volume without a source is not mapped in the long form");
        return std::nullopt;
    }
    if (t == "bind" && !src.starts_with("/") && !src.starts_with(".")) src = "./" + src;
    return toml_quote(src + ":" + target->value + (ro ? ":ro" : ""));
}

// secrets and configs from a file: `secrets` / `configs`, read-only bind
// mounts on one engine (as compose makes them), Swarm secrets and configs on
// target swarm (as stack deploy makes them); a secret from the environment is
// a secret file.
void Translator::files_mounted(Service& s, const YNode& n, const char* kind) {
    const bool secret = std::string(kind) == "secrets";
    const auto& defs = secret ? secrets_ : configs_;
    const std::string where = "services." + s.name + "." + kind;
    if (!n.is_seq()) {
        d_.error(n.pos, where + " must be a list, not " + a_kind(n));
        return;
    }
    for (const auto& e : n.items) {
        const YNode* src = e.is_map() ? e.get("source") : &e;
        if (!src || !src->is_scalar()) {
            d_.error(e.pos, where + " entries are a name or { source, target }");
            continue;
        }
        const std::string name = src->value;
        auto it = defs.find(name);
        if (it == defs.end() || !it->second->is_map()) {
            d_.error(src->pos, where + ": '" + name + "' is not declared under the top-level " + kind);
            continue;
        }
        const YNode& def = *it->second;
        std::string target = e.is_map() && e.get("target") ? e.get("target")->value : name;
        if (!target.starts_with("/")) target = (secret ? "/run/secrets/" : "/") + target;
        if (e.is_map())
            for (const char* k : {"uid", "gid", "mode"})
                if (e.get(k)) d_.warning(e.key_at(k), where + "." + k + ": not applied to a file mounted from the host (compose does the same on one engine)");
        if (const YNode* f = def.get("file")) {
            std::error_code ec;
            const fs::path path = fs::path(f->value).is_absolute() ? fs::path(f->value) : root_ / f->value;
            if (!fs::is_regular_file(path, ec)) d_.error(f->pos, std::string(kind) + "." + name + ": the file '" + f->value + "' does not exist");
            std::string from = f->value.starts_with("/") || f->value.starts_with(".") ? f->value : "./" + f->value;
            (secret ? s.secrets : s.configs).emplace_back(toml_quote(from + ":" + target), e.pos);
        } else if (const YNode* env = def.get("environment"); env && secret && target == "/run/secrets/" + env->value) {
            s.secret_files.emplace_back(toml_quote(env->value), e.pos);
        } else if (env && secret) {
            refuse(e.pos, where, "a secret from the variable " + env->value + " is mounted at /run/secrets/" + env->value +
                                     "; name the secret (or its target) " + env->value);
        } else {
            refuse(def.pos, std::string(kind) + "." + name, "only file: (and environment: for secrets) is mapped");
        }
    }
}

// The project network's aliases and settings for this service.
void Translator::service_networks(Service& s, const YNode& n) {
    if (several_networks_) {   // the networks it joins, by their names in the file
        std::string list = "[";
        if (n.is_seq())
            for (const auto& item : n.items) list += (list.size() > 1 ? ", " : "") + toml_quote(item.value);
        else
            for (const auto& [net, v] : n.entries) list += (list.size() > 1 ? ", " : "") + toml_quote(net);
        i(s, "networks", list + "]", n.pos, "networks");
    }
    if (!n.is_map()) return;   // a list names networks only
    for (std::size_t k = 0; k < n.entries.size(); ++k) {
        const auto& [net, v] = n.entries[k];
        if (v.is_null()) continue;
        const std::string where = "services." + s.name + ".networks." + net;
        for (std::size_t j = 0; j < v.entries.size(); ++j) {
            const auto& [key, val] = v.entries[j];
            if (key == "aliases") {
                if (!val.is_seq()) d_.error(val.pos, where + ".aliases must be a list");
                else if (!several_networks_)   // the project network is its only one
                    for (const auto& a : val.items) s.aliases.push_back(q(a));
                else {
                    std::string list = "[";
                    for (const auto& a : val.items) list += (list.size() > 1 ? ", " : "") + q(a);
                    s.network_aliases.emplace_back(toml_key(net) + " = " + list + "]", val.pos);
                }
            } else if (key == "ipv4_address" && (!several_networks_ || net == "default")) {
                i(s, "ipv4_address", q(val), val.pos, "networks." + net + ".ipv4_address");
            } else if (key == "ipv4_address") {
                refuse(v.key_pos[j], where + "." + key, "an address is mapped on the project network (\"default\") only; the engine addresses the others");
            } else {
                refuse(v.key_pos[j], where + "." + key, "not mapped");
            }
        }
    }
}

void Translator::healthcheck(Service& s, const YNode& h) {
    const std::string where = "services." + s.name + ".healthcheck";
    if (!h.is_map()) {
        d_.error(h.pos, where + " must be a mapping, not " + a_kind(h));
        return;
    }
    std::string out = "{";
    auto add = [&](const std::string& kv) { out += (out.size() > 1 ? ", " : " ") + kv; };
    for (std::size_t k = 0; k < h.entries.size(); ++k) {
        const auto& [key, v] = h.entries[k];
        if (key == "test") {
            if (v.is_seq() && !v.items.empty() && v.items.front().value == "NONE") add("disable = true");
            else if (v.is_scalar()) add("test = " + q(v));
            else if (auto l = list_of_strings(v, where + ".test", false)) add("test = " + *l);
        } else if (key == "interval" || key == "timeout" || key == "start_period") {
            add(key + " = " + q(v));
        } else if (key == "retries") {
            if (is_digits(v.value)) add("retries = " + v.value);
            else d_.error(v.pos, where + ".retries must be a whole number");
        } else if (key == "disable") {
            if (bool_of(v).value_or(false)) add("disable = true");
        } else if (key == "start_interval") {
            d_.warning(h.key_pos[k], where + ".start_interval: not mapped (the engine of Debian 12 does not know it); the interval is used");
        } else {
            refuse(h.key_pos[k], where + "." + key, "not mapped");
        }
    }
    c(s, "healthcheck", out + (out.size() > 1 ? " }" : "}"), h);
}

// depends_on and links: the order of starts (links also give an alias).
void Translator::depends(Service& s) {
    const YNode& n = *s.node;
    const std::string where = "services." + s.name;
    std::vector<std::pair<std::string, std::string>> deps;   // service -> condition
    std::vector<std::string> links;
    auto known = [&](const std::string& name, const SourcePos& at, const std::string& what) {
        if (service_names_.count(name)) return true;
        d_.error(at, where + "." + what + ": no service '" + name + "'",
                 suggest(name, std::vector<std::string>(service_names_.begin(), service_names_.end()), "services"));
        return false;
    };
    if (const YNode* d = n.get("depends_on")) {
        static const std::map<std::string, std::string> cond{{"service_started", "started"}, {"service_healthy", "healthy"},
                                                            {"service_completed_successfully", "completed"}};
        if (d->is_seq()) {
            for (const auto& e : d->items)
                if (known(e.value, e.pos, "depends_on")) deps.emplace_back(e.value, "started");
        } else if (d->is_map()) {
            for (std::size_t k = 0; k < d->entries.size(); ++k) {
                const auto& [target, v] = d->entries[k];
                const YNode* cv = v.is_map() ? v.get("condition") : nullptr;
                std::string c = cv ? cv->value : "service_started";
                auto it = cond.find(c);
                if (it == cond.end()) d_.error(cv->pos, where + ".depends_on." + target + ": condition '" + c + "' is not one",
                                               "service_started, service_healthy, service_completed_successfully");
                else if (known(target, d->key_pos[k], "depends_on")) deps.emplace_back(target, it->second);
                if (const YNode* req = v.is_map() ? v.get("required") : nullptr; req && bool_of(*req) == false)
                    refuse(req->pos, where + ".depends_on." + target + ".required", "an optional dependency is not mapped");
                for (const auto& [dk, dv] : v.entries)
                    if (dk == "restart") d_.warning(v.key_at(dk), where + ".depends_on." + target + ".restart: not mapped (a replaced dependency does not restart this one)");
                    else if (dk != "condition" && dk != "required") refuse(v.key_at(dk), where + ".depends_on." + target + "." + dk, "not mapped");
            }
        } else d_.error(d->pos, where + ".depends_on must be a list or a mapping, not " + a_kind(*d));
    }
    if (const YNode* l = n.get("links"); l && l->is_seq())
        for (const auto& e : l->items) {
            const std::string target = e.value.substr(0, e.value.find(':'));
            const std::string alias = e.value.find(':') == std::string::npos ? "" : e.value.substr(e.value.find(':') + 1);
            if (!known(target, e.pos, "links")) continue;
            if (std::none_of(deps.begin(), deps.end(), [&](const auto& d) { return d.first == target; })) deps.emplace_back(target, "started");
            if (!alias.empty() && alias != target && several_networks_) {
                d_.warning(e.pos, where + ".links: the alias '" + alias + "' is not mapped with several networks: '" + target +
                                      "' is reached by its service name");
            } else if (!alias.empty() && alias != target) {
                if (!valid_env_name(alias)) refuse(e.pos, where + ".links", "the alias '" + alias + "' is not mapped: a link's alias matches [A-Za-z_][A-Za-z0-9_]*");
                else links.push_back(toml_quote(target + ":" + alias));
            }
        }
    if (!deps.empty()) {
        std::string out = "{";
        for (const auto& [t, c] : deps) out += (out.size() > 1 ? ", " : " ") + toml_quote(t) + " = " + toml_quote(c);
        i(s, "depends_on", out + " }", n.key_at(n.get("depends_on") ? "depends_on" : "links"), "depends_on");
    }
    if (!links.empty()) {
        std::string out = "[";
        for (const auto& l : links) out += (out.size() > 1 ? ", " : "") + l;
        i(s, "links", out + "]", n.key_at("links"), "links");
    }
}

std::string joined(const std::vector<std::pair<std::string, SourcePos>>& v) {
    std::string out = "[";
    for (const auto& [text, at] : v) out += (out.size() > 1 ? ", " : "") + text;
    return out + "]";
}

void Translator::write_service(const Service& s) {
    const std::string what = "services." + s.name;
    out_.blank();
    out_.line("[containers." + toml_key(s.name) + "]", s.pos, what);
    for (std::size_t k = 0; k < s.container_lines.size(); ++k) out_.line(s.container_lines[k], s.container_pos[k], s.container_what[k]);
    if (!s.tmpfs.empty()) out_.line("tmpfs = " + joined(s.tmpfs), s.tmpfs.front().second, what + ".tmpfs");
    // On one engine each replica is an instance ("1".."N", as compose names
    // its containers); on a swarm the service is one instance with N tasks.
    for (int n = 1; n <= (swarm_ ? 1 : s.replicas); ++n) {
        out_.blank();
        out_.line("[[instances]]", s.pos, what);
        out_.line("container = " + toml_quote(s.name), s.pos, what);
        out_.line("name = \"" + std::to_string(n) + "\"", s.pos, what);
        if (swarm_ && s.replicas != 1) out_.line("replicas = " + std::to_string(s.replicas), s.pos, what + ".deploy.replicas");
        out_.line("type = \"standard\"", s.pos, what);
        out_.line("persistent_log = false", s.pos, what);
        std::string aliases = "[" + toml_quote(s.name);
        for (const auto& a : s.aliases) aliases += ", " + a;
        out_.line("aliases = " + aliases + "]", s.pos, what + ".networks");
        for (std::size_t k = 0; k < s.instance_lines.size(); ++k) out_.line(s.instance_lines[k], s.instance_pos[k], s.instance_what[k]);
        if (!s.volumes.empty()) out_.line("volumes = " + joined(s.volumes), s.volumes.front().second, what + ".volumes");
        if (!s.network_aliases.empty()) {
            std::string t = "{ ";
            for (const auto& [kv, at] : s.network_aliases) t += (t.size() > 2 ? ", " : "") + kv;
            out_.line("network_aliases = " + t + " }", s.network_aliases.front().second, what + ".networks");
        }
        if (!s.secret_files.empty()) out_.line("secret_files = " + joined(s.secret_files), s.secret_files.front().second, what + ".secrets");
        if (!s.secrets.empty()) out_.line("secrets = " + joined(s.secrets), s.secrets.front().second, what + ".secrets");
        if (!s.configs.empty()) out_.line("configs = " + joined(s.configs), s.configs.front().second, what + ".configs");
    }
}
}  // namespace dockerops::config_detail
