// The keys that say how an instance runs (engine/model/runtime.hpp), read the
// same way on [containers.NAME] (the default) and on [[instances]].
#include "engine/config/config_loader.hpp"
#include "util/files.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <cmath>
#include <span>
#include <sstream>

namespace dockerops::config_detail {

namespace {

const std::vector<std::string> kUlimitNames{"core", "cpu", "data", "fsize", "locks", "memlock", "msgqueue", "nice",
                                            "nofile", "nproc", "rss", "rtprio", "rttime", "sigpending", "stack"};
const std::vector<std::string> kHealthKeys{"test", "interval", "timeout", "retries", "start_period", "disable"};

bool is_address(const std::string& s) {
    unsigned char buf[16];
    return inet_pton(AF_INET, s.c_str(), buf) == 1 || inet_pton(AF_INET6, s.c_str(), buf) == 1;
}

bool is_capability(std::string& s) {
    if (s.starts_with("CAP_")) s = s.substr(4);
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return (c >= 'A' && c <= 'Z') || c == '_'; });
}

}  // namespace

std::optional<std::vector<std::string>> Loader::read_string_list(const toml::table& t, std::string_view key,
                                                                 const std::string& where) {
    auto* n = typed(t, key, toml::node_type::array, where, "an array of strings");
    if (!n) return std::nullopt;
    std::vector<std::string> out;
    bool ok = true;
    for (const auto& e : *n->as_array()) {
        if (auto s = e.as_string()) out.push_back(s->get());
        else {
            d_.error(pos(e), "'" + std::string(key) + "' in " + where + " must hold strings, not " + a_type(e));
            ok = false;
        }
    }
    if (!ok) return std::nullopt;
    return out;
}

std::optional<long long> Loader::read_duration(const toml::node& n, const std::string& what) {
    // At most a year: checked before any conversion, so nothing overflows.
    constexpr long long kMaxSeconds = 366LL * 24 * 3600;
    if (auto i = n.as_integer()) {
        if (i->get() >= 0 && i->get() <= kMaxSeconds) return i->get() * 1'000'000'000LL;
    } else if (auto s = n.as_string()) {
        if (auto ns = parse_duration_ns(s->get()); ns && *ns <= kMaxSeconds * 1'000'000'000LL) return *ns;
    }
    d_.error(pos(n), what + " must be a duration such as \"5s\", \"1m30s\" or \"250ms\"",
             "units: ns, us, ms, s, m, h (a bare integer is seconds)");
    return std::nullopt;
}

std::optional<KeyValue> Loader::read_healthcheck(const toml::node& n, const std::string& where) {
    auto* t = n.as_table();
    if (!t) {
        d_.error(pos(n), "'healthcheck' in " + where + " must be a table, not " + a_type(n),
                 "healthcheck = { test = [\"CMD\", \"...\"], interval = \"5s\" }");
        return std::nullopt;
    }
    const std::string hw = "the healthcheck of " + where;
    check_keys(*t, kHealthKeys, hw);
    HealthSpec h;
    if (get_bool(*t, "disable", hw).value_or(false)) {
        h.test = {"NONE"};
        return h;
    }
    if (auto* test = t->get("test")) {
        if (auto s = test->as_string()) {
            if (s->get().empty()) d_.error(pos(*test), "test in " + hw + " is empty");
            h.test = {"CMD-SHELL", s->get()};
        } else if (auto a = test->as_array()) {
            for (const auto& e : *a) {
                if (auto w = e.as_string()) h.test.push_back(w->get());
                else d_.error(pos(e), "test in " + hw + " must hold strings, not " + a_type(e));
            }
            if (h.test.empty() || (h.test[0] != "CMD" && h.test[0] != "CMD-SHELL" && h.test[0] != "NONE"))
                d_.error(pos(*test), "test in " + hw + " must start with \"CMD\", \"CMD-SHELL\" or \"NONE\"",
                         "e.g. [\"CMD\", \"redis-cli\", \"ping\"], or a string run by the shell");
            else if (h.test[0] != "NONE" && h.test.size() < 2)
                d_.error(pos(*test), "test in " + hw + " names no command after " + h.test[0]);
        } else {
            d_.error(pos(*test), "test in " + hw + " must be a string or an array of strings, not " + a_type(*test));
        }
    } else {
        d_.error(pos(n), hw + " has no 'test'", "write test = [\"CMD\", ...] or disable = true");
    }
    auto duration = [&](const char* key, long long& out) {
        if (auto* v = t->get(key))
            if (auto ns = read_duration(*v, std::string(key) + " in " + hw)) {
                if (*ns != 0 && *ns < 1'000'000) d_.error(pos(*v), std::string(key) + " in " + hw + " must be at least 1ms");
                else out = *ns;
            }
    };
    duration("interval", h.interval_ns);
    duration("timeout", h.timeout_ns);
    duration("start_period", h.start_period_ns);
    if (auto* v = t->get("retries")) {
        auto i = v->as_integer();
        if (!i || i->get() < 0 || i->get() > 1000) d_.error(pos(*v), "retries in " + hw + " must be an integer from 0 to 1000");
        else h.retries = static_cast<int>(i->get());
    }
    return h;
}

// update: how a service rolls. Durations are kept in seconds ("1.5s", exact), the words as written.
std::optional<KeyValue> Loader::read_update(const std::string& key, const toml::node& n, const std::string& where) {
    const bool rollback = key == "rollback";
    auto* t = n.as_table();
    if (!t) {
        d_.error(pos(n), key + " in " + where + " must be a table, not " + a_type(n),
                 rollback ? "rollback = { parallelism = 0, failure_action = \"continue\" }"
                          : "update = { parallelism = 2, delay = \"5s\", order = \"start-first\", failure_action = \"rollback\", monitor = \"10s\" }");
        return std::nullopt;
    }
    const std::string what = key + " of " + where;
    check_keys(*t, {"parallelism", "delay", "order", "failure_action", "monitor"}, what);
    std::map<std::string, std::string> out;
    if (auto* p = t->get("parallelism")) {
        const auto i = p->as_integer();
        if (!i || i->get() < 0 || i->get() > 1000) d_.error(pos(*p), "parallelism in " + what + " must be a whole number from 0 (all at once) to 1000");
        else out["parallelism"] = std::to_string(i->get());
    }
    for (const char* k : {"delay", "monitor"})
        if (auto* d = t->get(k))
            if (auto ns = read_duration(*d, std::string(k) + " in " + what)) out[k] = decimal_text(*ns, 1'000'000'000) + "s";
    auto word = [&](const char* k, std::initializer_list<std::string_view> allowed) {
        auto* w = t->get(k);
        if (!w) return;
        const auto s = w->as_string();
        if (s && std::find(allowed.begin(), allowed.end(), s->get()) != allowed.end()) out[k] = s->get();
        else {
            std::string list;
            for (auto a : allowed) list += (list.empty() ? "\"" : ", \"") + std::string(a) + "\"";
            d_.error(pos(*w), std::string(k) + " in " + what + " must be one of " + list);
        }
    };
    word("order", {"start-first", "stop-first"});
    // A rollback that fails cannot roll back in turn.
    if (rollback) word("failure_action", {"pause", "continue"});
    else word("failure_action", {"rollback", "pause", "continue"});
    return out;
}

std::optional<KeyValue> Loader::read_ulimits(const toml::node& n, const std::string& where) {
    auto* ut = n.as_table();
    if (!ut) {
        d_.error(pos(n), "ulimits in " + where + " must be a table, not " + a_type(n),
                 "ulimits = { nofile = { soft = 1024, hard = 4096 }, nproc = 512 }");
        return std::nullopt;
    }
    std::vector<Ulimit> out;
    for (auto&& [k, v] : *ut) {
        std::string name(k.str());
        if (std::find(kUlimitNames.begin(), kUlimitNames.end(), name) == kUlimitNames.end()) {
            d_.error(pos(k), "unknown ulimit '" + name + "' in " + where, suggest(name, kUlimitNames, "ulimits"));
            continue;
        }
        Ulimit u{name, 0, 0};
        if (auto i = v.as_integer()) u.soft = u.hard = i->get();
        else if (auto lt = v.as_table()) {
            check_keys(*lt, {"soft", "hard"}, "ulimit " + name + " of " + where);
            auto soft = lt->get("soft"), hard = lt->get("hard");
            if (!soft || !hard || !soft->as_integer() || !hard->as_integer()) {
                d_.error(pos(v), "ulimit " + name + " in " + where + " needs integer soft and hard");
                continue;
            }
            u.soft = soft->as_integer()->get();
            u.hard = hard->as_integer()->get();
        } else {
            d_.error(pos(v), "ulimit " + name + " in " + where + " must be an integer or { soft, hard }, not " + a_type(v));
            continue;
        }
        if (u.soft < 0 || u.hard < 0 || u.soft > u.hard) {
            d_.error(pos(v), "ulimit " + name + " in " + where + " must have 0 <= soft <= hard");
            continue;
        }
        out.push_back(u);
    }
    return out;
}

// The forms whose value is one number.
std::optional<KeyValue> Loader::read_number_key(const KeyRow& row, const toml::node& n, const std::string& where) {
    const std::string key(row.name);
    switch (row.form) {
        case KeyForm::Memory:
        case KeyForm::Bytes: {
            std::optional<long long> bytes;
            if (auto i = n.as_integer()) bytes = i->get();
            else if (auto s = n.as_string()) bytes = parse_bytes(s->get());
            if (!bytes || *bytes <= 0) d_.error(pos(n), key + " in " + where + " must be a size such as \"512m\" or \"1g\"",
                                 "units: b, k, m, g (a bare integer is bytes)");
            else if (row.form == KeyForm::Memory && *bytes < 6 * 1024 * 1024)
                d_.error(pos(n), key + " in " + where + " is below the engine's minimum of 6m");
            else return *bytes;
            return std::nullopt;
        }
        case KeyForm::Cpus: {
            std::optional<double> cpus;
            if (auto i = n.as_integer()) cpus = static_cast<double>(i->get());
            else if (auto f = n.as_floating_point()) cpus = f->get();
            else if (auto s = n.as_string()) {
                char* end = nullptr;
                double v = std::strtod(s->get().c_str(), &end);
                if (end && *end == '\0' && !s->get().empty()) cpus = v;
            }
            if (!cpus || !(*cpus > 0) || *cpus > 1024) {
                d_.error(pos(n), key + " in " + where + " must be a number above 0, such as 0.5 or 2");
                return std::nullopt;
            }
            return static_cast<long long>(std::llround(*cpus * 1e9));
        }
        case KeyForm::PositiveInteger: {
            auto i = n.as_integer();
            if (i && i->get() >= 1) return i->get();
            d_.error(pos(n), key + " in " + where + " must be a positive integer");
            return std::nullopt;
        }
        case KeyForm::Replicas: {
            auto i = n.as_integer();
            if (i && i->get() >= 0 && i->get() <= 1000) return i->get();
            d_.error(pos(n), key + " in " + where + " must be an integer from 0 to 1000", "containers of the instance (target docker), or its service's tasks (target swarm)");
            return std::nullopt;
        }
        case KeyForm::GraceSeconds:
            if (auto ns = read_duration(n, key + " in " + where)) return (*ns + 999'999'999) / 1'000'000'000;
            return std::nullopt;
        default: return std::nullopt;
    }
}

// The forms whose value is one string, checked.
std::optional<KeyValue> Loader::read_text_key(const KeyRow& row, const toml::table& t, const std::string& where) {
    const std::string key(row.name);
    auto text = get_string(t, key, where);
    if (!text) return std::nullopt;
    const toml::node& n = *t.get(key);
    const std::string& v = *text;
    switch (row.form) {
        case KeyForm::Restart:
            if (valid_restart_policy(v)) return v;
            d_.error(pos(n), "restart policy '" + v + "' in " + where + " is not one",
                     "one of \"no\", \"on-failure\", \"on-failure:N\", \"always\", \"unless-stopped\"");
            return std::nullopt;
        case KeyForm::Mode:
            if (v == "global") return v;
            if (v == "replicated") return std::string();   // the default: the spec is the same as without the key
            d_.error(pos(n), key + " '" + v + "' in " + where + " is not a mode", "\"replicated\" (the default) or \"global\"");
            return std::nullopt;
        case KeyForm::Node:
            if (valid_node_selector(v)) return v;
            d_.error(pos(n), "node '" + v + "' in " + where + " is not a node's host name or label:KEY=VALUE",
                     "node = \"swarm-node2\" or node = \"label:disk=ssd\"");
            return std::nullopt;
        case KeyForm::User:
            if (!v.empty() && v.find_first_of(" \t\n") == std::string::npos) return v;
            d_.error(pos(n), key + " in " + where + " must be a name or uid, optionally :group or :gid");
            return std::nullopt;
        case KeyForm::AbsolutePath:
            if (!v.empty() && v[0] == '/') return v;
            d_.error(pos(n), key + " in " + where + " must be an absolute path");
            return std::nullopt;
        case KeyForm::Text:
            if (!v.empty()) return v;
            d_.error(pos(n), key + " in " + where + " must not be empty");
            return std::nullopt;
        case KeyForm::NetworkMode:
            if (v == "host" || v == "none" || v == "bridge" || (v.starts_with("container:") && v.size() > 10) ||
                (v.starts_with("instance:") && v.find('.') != std::string::npos))
                return v;
            d_.error(pos(n), key + " '" + v + "' in " + where + " is not a network mode",
                     "\"host\", \"none\", \"bridge\", \"container:NAME\" (an engine container) or \"instance:web.one\" (an instance of the project)");
            return std::nullopt;
        case KeyForm::Signal:
            if (valid_signal(v)) return v;
            d_.error(pos(n), key + " '" + v + "' in " + where + " is not a signal", "e.g. \"SIGTERM\", \"SIGQUIT\", \"SIGINT\" or a number");
            return std::nullopt;
        default: return std::nullopt;
    }
}

// The forms whose value is a list of strings, each checked by the form.
std::optional<KeyValue> Loader::read_checked_strings(const KeyRow& row, const toml::table& t, const std::string& where) {
    const std::string key(row.name);
    const toml::node& n = *t.get(key);
    auto list = read_string_list(t, key, where);
    if (!list) return std::nullopt;
    for (auto& s : *list) {   // a capability loses its CAP_ prefix
        const std::string item = "'" + s + "' in " + key + " of " + where;
        if (row.form == KeyForm::Addresses && !is_address(s)) d_.error(pos(n), item + " is not an IP address");
        if (row.form == KeyForm::Capabilities && !is_capability(s))
            d_.error(pos(n), item + " is not a capability name", "e.g. \"NET_ADMIN\", \"SYS_PTRACE\" or \"ALL\"");
        if (row.form == KeyForm::VolumesFrom && !parse_volumes_from(s))
            d_.error(pos(n), item + " is not another container",
                     "\"instance:db.one\" (an instance of the project) or \"container:NAME\" (an engine container), "
                     "either with \":ro\" for read-only");
    }
    return *list;
}

// The forms whose value is a list or a table.
std::optional<KeyValue> Loader::read_list_key(const KeyRow& row, const toml::table& t, const std::string& where) {
    const std::string key(row.name);
    const toml::node& n = *t.get(key);
    switch (row.form) {
        case KeyForm::Ulimits: return read_ulimits(n, where);
        case KeyForm::Update: return read_update(key, n, where);
        case KeyForm::Health: return read_healthcheck(n, where);
        case KeyForm::ExtraHosts: return read_extra_hosts(n, where);
        case KeyForm::Labels: return read_labels(t, key, where);
        case KeyForm::Command: {
            Instance tmp;
            read_command(n, "the " + key + " of " + where, tmp);
            if (tmp.command) return *tmp.command;
            return std::nullopt;
        }
        case KeyForm::Strings: case KeyForm::Addresses: case KeyForm::Capabilities: case KeyForm::VolumesFrom:
            return read_checked_strings(row, t, where);
        case KeyForm::Ports: {
            auto list = read_string_list(t, key, where);
            if (!list) return std::nullopt;
            std::vector<std::string> out;
            for (const auto& s : *list) {
                std::string error;
                auto ports = parse_port_mapping(s, error);
                if (!ports || s.find(':') != std::string::npos)
                    d_.error(pos(n), "'" + s + "' in " + key + " of " + where + " is not a container port", "\"80\", \"53/udp\", \"9000-9002\"");
                else
                    for (const auto& p : *ports) out.push_back(std::to_string(p.port) + "/" + p.protocol);
            }
            return out;
        }
        case KeyForm::Map: {
            auto* m = typed(t, key, toml::node_type::table, where, "a table");
            if (!m) return std::nullopt;
            std::map<std::string, std::string> out;
            for (auto&& [k, v] : *m->as_table()) {
                if (auto s = v.as_string()) out[std::string(k.str())] = s->get();
                else if (auto i = v.as_integer()) out[std::string(k.str())] = std::to_string(i->get());
                else d_.error(pos(v), "'" + std::string(k.str()) + "' in " + key + " of " + where + " must be a string, not " + a_type(v));
            }
            return out;
        }
        case KeyForm::Tmpfs: {
            auto tmpfs = read_string_list(t, key, where);
            if (!tmpfs) return std::nullopt;
            std::map<std::string, std::string> out;
            for (const auto& s : *tmpfs) {
                auto colon = s.find(':');
                std::string path = s.substr(0, colon), opts = colon == std::string::npos ? "" : s.substr(colon + 1);
                if (path.empty() || path[0] != '/') d_.error(pos(n), "tmpfs '" + s + "' in " + where + " must start with an absolute path",
                                                             "\"/run\" or \"/run:size=64m,mode=1777\"");
                else out[path] = opts;
            }
            return out;
        }
        default: return std::nullopt;
    }
}

std::optional<KeyValue> Loader::read_extra_hosts(const toml::node& n, const std::string& where) {
    std::vector<std::string> out;
    auto add = [&](const std::string& host, const std::string& addr, const toml::node& at) {
        if (!valid_hostname(host)) d_.error(pos(at), "'" + host + "' in extra_hosts of " + where + " is not a host name");
        else if (!is_address(addr)) d_.error(pos(at), "'" + addr + "' in extra_hosts of " + where + " is not an IP address");
        else out.push_back(host + ":" + addr);
    };
    if (auto a = n.as_array()) {
        for (const auto& e : *a) {
            auto s = e.as_string();
            auto colon = s ? s->get().find(':') : std::string::npos;
            if (colon == std::string::npos) {
                d_.error(pos(e), "extra_hosts in " + where + " holds \"name:address\" strings", "e.g. \"db.local:10.0.0.5\"");
                continue;
            }
            add(s->get().substr(0, colon), s->get().substr(colon + 1), e);
        }
    } else if (auto ht = n.as_table()) {
        for (auto&& [k, v] : *ht) {
            if (auto s = v.as_string()) add(std::string(k.str()), s->get(), v);
            else d_.error(pos(v), "extra_hosts in " + where + " maps names to address strings, not " + a_type(v));
        }
    } else {
        d_.error(pos(n), "extra_hosts in " + where + " must be an array or a table, not " + a_type(n));
    }
    return out;
}

std::optional<KeyValue> Loader::read_labels(const toml::table& t, const std::string& key, const std::string& where) {
    auto* n = typed(t, key, toml::node_type::table, where, "a table");
    if (!n) return std::nullopt;
    std::map<std::string, std::string> out;
    for (auto&& [k, v] : *n->as_table()) {
        std::string name(k.str());
        if (name.starts_with("io.dockerops.")) {
            d_.error(pos(k), "label '" + name + "' in " + where + " is dockerops's own", "io.dockerops.* labels are written by dockerops");
            continue;
        }
        if (auto s = v.as_string()) out[name] = s->get();
        else d_.error(pos(v), "label '" + name + "' in " + where + " must be a string, not " + a_type(v));
    }
    return out;
}

// KEY=VALUE lines as docker's --env-file reads them, plus compose's quotes:
// '#' comments and blank lines skipped, "export " allowed, one pair of
// matching quotes around the value removed.
void Loader::read_env_files(const toml::table& t, const std::string& where, RuntimeOptions& r) {
    auto* n = t.get("env_file");
    if (!n) return;
    std::vector<std::string> files;
    if (auto s = n->as_string()) files.push_back(s->get());
    else if (auto list = read_string_list(t, "env_file", where)) files = *list;
    else return;
    std::map<std::string, std::string> out;
    const auto& reserved = reserved_env_names();
    for (const auto& f : files) {
        fs::path path = root_ / f;
        FileRead text = read_regular_file(path, kMaxConfigBytes);
        if (!text.text) {
            d_.error(pos(*n), "env_file '" + f + "' of " + where + " cannot be read: " + text.error,
                     text.missing ? "paths start from the project folder" : "");
            continue;
        }
        for (const auto& line : parse_env_text(*text.text)) {
            SourcePos at{path.string(), line.line, line.column};
            if (!line.error.empty()) {
                d_.error(at, line.error, "env_file of " + where);
                continue;
            }
            const std::string& key = line.key;
            const std::string& value = line.value;
            if (!valid_env_key(key)) {
                d_.error(at, "variable name '" + key + "' is not valid", "printable, no '=' and no space");
                continue;
            }
            if (std::find(reserved.begin(), reserved.end(), key) != reserved.end()) {
                d_.error(at, "'" + key + "' is set by dockerops and cannot be set in an env_file");
                continue;
            }
            if (auto bad = std::find_if(value.begin(), value.end(), [](char ch) {
                    const auto u = static_cast<unsigned char>(ch);
                    return (u < 0x20 && ch != '\t') || u == 0x7f;
                });
                bad != value.end()) {
                d_.error(at, "the value of '" + key + "' holds a control character at offset " + std::to_string(bad - value.begin()), "the engine cannot pass it to a process; remove it");
                continue;
            }
            out[key] = value;   // a later line or file wins, as compose
        }
    }
    r.env_from_files = std::make_shared<const std::map<std::string, std::string>>(std::move(out));
}

std::string Loader::read_external(const toml::table& t, const std::string& name, const std::string& where, const std::string& kind,
                                  const std::string& own_name, std::initializer_list<const char*> made) {
    const bool external = get_bool(t, "external", where).value_or(false);
    std::string engine_name = external ? name : std::string();
    if (auto given = get_string(t, "name", where)) {
        if (!external)
            d_.error(pos(*t.get("name")), "name in " + where + " is only for an external " + kind,
                     "a project's own " + kind + " is named " + own_name + " on the engine");
        else if (given->empty() || given->find_first_of(" \t/:") != std::string::npos)
            d_.error(pos(*t.get("name")), "'" + *given + "' in " + where + " is not a " + kind + " name");
        else engine_name = *given;
    }
    for (const char* key : made)
        if (external && t.get(key))
            d_.error(pos(*t.get(key)), std::string(key) + " in " + where + " does not go with external = true",
                     "an external " + kind + " is made outside the project, with its own settings");
    return engine_name;
}

// [volumes.NAME] driver = "local", options = { type = "tmpfs", device = "tmpfs", o = "size=64m" }
// [volumes.NAME] external = true, name = "shared-media" (a volume made outside the project)
void Loader::read_volume_decls(const toml::node* n, Project& p) {
    if (!n) return;
    auto* t = n->as_table();
    if (!t) {
        d_.error(pos(*n), "'volumes' must be a table of volumes, not " + a_type(*n), "write [volumes.NAME] sections");
        return;
    }
    for (auto&& [k, v] : *t) {
        std::string name(k.str());
        const std::string where = "[volumes." + name + "]";
        if (!valid_name(name)) {
            d_.error(pos(k), "volume name '" + name + "' is not valid", std::string(kNameRule));
            continue;
        }
        auto* vt = v.as_table();
        if (!vt) {
            d_.error(pos(v), "volume '" + name + "' must be a table, not " + a_type(v));
            continue;
        }
        check_keys(*vt, {"driver", "options", "external", "name"}, where);
        VolumeDecl decl;
        decl.pos = pos(k);
        decl.name = read_external(*vt, name, where, "volume", "<project>_" + name, {"driver", "options"});
        decl.external = !decl.name.empty();
        if (auto driver = get_string(*vt, "driver", where)) {
            if (driver->empty() || driver->find_first_of(" \t/") != std::string::npos)
                d_.error(pos(*vt->get("driver")), "driver '" + *driver + "' in " + where + " is not a driver name");
            else decl.driver = *driver;
        }
        if (auto* o = typed(*vt, "options", toml::node_type::table, where, "a table")) {
            for (auto&& [ok, ov] : *o->as_table()) {
                if (auto s = ov.as_string()) decl.options[std::string(ok.str())] = s->get();
                else d_.error(pos(ov), "option '" + std::string(ok.str()) + "' in " + where + " must be a string, not " + a_type(ov));
            }
        }
        p.volumes[name] = std::move(decl);
    }
}

// depends_on = { "db.master" = "healthy", migrate = "completed", cache = "started" }
void Loader::read_depends_on(const toml::node& n, const std::string& where, InstanceDecl& decl) {
    auto* t = n.as_table();
    if (!t) {
        d_.error(pos(n), "depends_on in " + where + " must be a table, not " + a_type(n),
                 "depends_on = { \"db.master\" = \"healthy\" }");
        return;
    }
    for (auto&& [k, v] : *t) {
        auto s = v.as_string();
        const auto cond = parse_condition(s ? std::string_view(s->get()) : std::string_view());
        if (!cond) {
            d_.error(pos(v), "depends_on " + std::string(k.str()) + " in " + where +
                                 " must be \"started\", \"healthy\" or \"completed\"");
            continue;
        }
        decl.depends.push_back({std::string(k.str()), *cond, pos(k)});
    }
}

// Targets: an instance ("db.master" or "db-master"), or a container (each of its instances).
void Loader::resolve_depends_on(std::vector<InstanceDecl>& decls) {
    std::map<std::string, std::string> by_name;                // "db.master", "db-master" -> "db.master"
    std::map<std::string, std::vector<std::string>> by_container;
    std::vector<std::string> known;
    for (const auto& d : decls) {
        if (!d.complete) continue;
        by_name[d.inst->id()] = d.inst->id();
        by_name.emplace(d.inst->dashed(), d.inst->id());
        by_container[d.inst->container].push_back(d.inst->id());
        known.push_back(d.inst->id());
    }
    for (auto& d : decls) {
        if (!d.complete) continue;
        for (const auto& dep : d.depends) {
            std::vector<std::string> targets;
            if (auto it = by_name.find(dep.target); it != by_name.end()) targets.push_back(it->second);
            else if (auto c = by_container.find(dep.target); c != by_container.end()) targets = c->second;
            if (targets.empty()) {
                d_.error(dep.pos, "depends_on names '" + dep.target + "', which is no instance or container of the project",
                         suggest(dep.target, known, "instances"));
                continue;
            }
            for (const auto& target : targets) {
                if (target == d.inst->id()) {
                    d_.error(dep.pos, "instance " + d.inst->id() + " depends on itself");
                    continue;
                }
                d.inst->depends_on.push_back({target, dep.condition, dep.pos});
            }
        }
    }
}

void Loader::read_runtime(const toml::table& t, const std::string& where, RuntimeOptions& r) {
    // Most instance tables set none of the table's keys: their few keys are
    // looked at once, instead of looking each of the table's keys up in them.
    bool any = false;
    for (auto&& [k, n] : t) any = any || find_key(k.str()) != nullptr;
    for (const KeyRow& row : any ? key_table() : std::span<const KeyRow>()) {
        const toml::node* n = t.get(row.name);
        if (!n) continue;
        std::optional<KeyValue> v;
        switch (row.form) {
            case KeyForm::Memory: case KeyForm::Bytes: case KeyForm::Cpus: case KeyForm::PositiveInteger:
            case KeyForm::Replicas: case KeyForm::GraceSeconds:
                v = read_number_key(row, *n, where);
                break;
            case KeyForm::Restart: case KeyForm::Mode: case KeyForm::Node: case KeyForm::User: case KeyForm::AbsolutePath: case KeyForm::Signal:
            case KeyForm::Text: case KeyForm::NetworkMode:
                v = read_text_key(row, t, where);
                break;
            case KeyForm::Bool:
                if (auto b = get_bool(t, row.name, where)) v = *b;
                break;
            default: v = read_list_key(row, t, where);
        }
        if (v) r.put(row, std::move(*v));
    }
    if (auto* n = t.get("ready_timeout"))
        if (auto ns = read_duration(*n, "ready_timeout in " + where)) {
            if (*ns < 1'000'000'000LL) d_.error(pos(*n), "ready_timeout in " + where + " must be at least 1s");
            else r.ready_timeout_ms = *ns / 1'000'000;
        }
    read_env_files(t, where, r);
}

}  // namespace dockerops::config_detail
