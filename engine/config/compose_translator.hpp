#pragma once
// The compose translator's parts, shared by engine/config/compose.cpp (files,
// extends, the project, networks and volumes) and compose_service.cpp (one
// service's keys). Internal to engine/config.
#include "engine/config/compose.hpp"
#include "engine/config/yaml_tree.hpp"
#include "engine/model/keys.hpp"
#include "engine/model/model.hpp"
#include "util/toml_text.hpp"

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>
#include <sstream>

namespace dockerops::config_detail {

namespace fs = std::filesystem;



inline constexpr std::size_t kMaxComposeBytes = 4 * 1024 * 1024;

// Keys a service may have that have no mapping, and why.
inline const std::map<std::string, std::string>& refused_service_keys() {
    static const std::map<std::string, std::string> k{
        {"runtime", "the engine's default runtime is used; another is not mapped"},
        {"isolation", "not mapped (a Windows engine's setting)"},
        {"cgroup_parent", "not mapped"}, {"userns_mode", "not mapped"}, {"uts", "not mapped"},
        {"mac_address", "not mapped"}, {"domainname", "not mapped"}, {"dns_search", "not mapped"},
        {"dns_opt", "not mapped"}, {"oom_score_adj", "not mapped"}, {"oom_kill_disable", "not mapped"},
        {"memswap_limit", "not mapped"}, {"mem_swappiness", "not mapped"}, {"cpu_shares", "not mapped: use cpus"},
        {"cpu_quota", "not mapped: use cpus"}, {"cpu_period", "not mapped: use cpus"}, {"cpuset", "not mapped"},
        {"cpu_count", "not mapped"}, {"cpu_percent", "not mapped"}, {"cpu_rt_runtime", "not mapped"},
        {"cpu_rt_period", "not mapped"}, {"blkio_config", "not mapped"}, {"device_cgroup_rules", "not mapped"},
        {"group_add", "not mapped"}, {"storage_opt", "not mapped"}, {"external_links", "not mapped: links stay inside the project"},
        {"credential_spec", "not mapped (a Windows engine's setting)"}, {"post_start", "not mapped"}, {"pre_stop", "not mapped"},
        {"develop", "compose watch is not mapped"}, {"attach", "not mapped"}, {"annotations", "not mapped"},
        {"use_api_socket", "not mapped"}, {"models", "not mapped"}, {"provider", "not mapped"}, {"gpus", "not mapped"},
        {"cgroup", "not mapped"}, {"label_file", "not mapped"}, {"volume_driver", "not mapped"},
    };
    return k;
}

// The service keys mapped: those below, and the key table's rows that
// compose names as we do (KeyRow::compose_text).
inline const std::vector<std::string>& mapped_service_keys() {
    static const std::vector<std::string> k = [] {
        std::vector<std::string> keys{
            "image", "build", "command", "entrypoint", "environment", "env_file", "ports", "expose", "volumes", "networks",
            "depends_on", "healthcheck", "deploy", "secrets", "configs", "container_name", "hostname", "labels",
            "cap_add", "cap_drop", "privileged", "devices", "sysctls", "shm_size", "security_opt",
            "ulimits", "tmpfs", "read_only", "init", "extra_hosts", "dns", "logging",
            "stdin_open", "tty", "mem_limit", "mem_reservation", "cpus", "links", "profiles", "extends",
            "pull_policy", "scale", "pids_limit", "network_mode", "volumes_from"};
        for (const KeyRow& row : key_table())
            if (row.compose_text) keys.emplace_back(row.name);
        return keys;
    }();
    return k;
}

// A value already substituted, for the TOML loader that substitutes again: "${" -> "$${".
inline std::string escape_braces(const std::string& value) {
    std::string v;
    for (std::size_t i = 0; i < value.size(); ++i) {
        if (value[i] == '$' && i + 1 < value.size() && value[i + 1] == '{') v += '$';
        v += value[i];
    }
    return v;
}

inline bool is_digits(const std::string& s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c); });
}

// A value written into TOML text with its origin.
class TomlOut {
public:
    explicit TomlOut(ImportResult& r) : r_(r) {}
    void line(const std::string& text, const SourcePos& at, const std::string& what) {
        r_.origins.push_back({line_, at, what});
        out_ << text << "\n";
        line_ += 1 + static_cast<int>(std::count(text.begin(), text.end(), '\n'));
    }
    void blank() {
        out_ << "\n";
        ++line_;
    }
    std::string str() const { return out_.str(); }

private:
    ImportResult& r_;
    std::ostringstream out_;
    int line_ = 1;
};

struct Service {
    std::string name;
    SourcePos pos;
    const YNode* node = nullptr;
    std::vector<std::string> container_lines, instance_lines;   // "key = value"
    std::vector<SourcePos> container_pos, instance_pos;
    std::vector<std::string> container_what, instance_what;
    int replicas = 1;
    std::vector<std::string> aliases;                            // TOML-quoted
    std::vector<std::pair<std::string, SourcePos>> volumes, tmpfs;   // TOML-quoted entries
    std::vector<std::pair<std::string, SourcePos>> secret_files;
    std::vector<std::pair<std::string, SourcePos>> secrets, configs;   // "./FILE:TARGET", TOML-quoted
    std::vector<std::pair<std::string, SourcePos>> network_aliases;   // "NET = [...]" with several networks
    std::set<std::string> container_keys;
};

class Translator {
public:
    Translator(const ComposeRequest& req, ImportResult& r) : req_(req), r_(r), d_(r.diagnostics), out_(r) {}
    void run();

private:
    // The text of a string value: as written (import) or substituted, in TOML quotes.
    std::string q(const YNode& n) const {
        if (req_.keep_variables) return toml_quote(compose_text_as_toml(n.raw));
        return toml_quote(escape_braces(n.value));
    }
    std::string q(const std::string& plain) const { return toml_quote(escape_braces(plain)); }
    std::string number_or_string(const YNode& n) const { return is_digits(n.value) ? n.value : q(n); }

    bool load_files(YNode& doc);
    void resolve_extends(YNode& services);
    bool extend_one(YNode& services, const std::string& name, std::set<std::string>& busy);
    void project(const YNode& doc);
    void check_top(const YNode& doc);
    struct NetworkOut {
        std::string name;
        SourcePos pos;
        const YNode* subnet = nullptr;
        bool internal = false;
        bool external = false;           // external: true: joined as it is, never made
        const YNode* engine_name = nullptr;   // its name: (with external)
    };
    void networks(const YNode& doc);
    void network_settings(const YNode& net, const std::string& where, bool project, NetworkOut& out);
    void write_networks();
    void volumes_top(const YNode& doc);
    void service(Service& s);
    void service_keys(Service& s);
    void env_files(Service& s, const YNode& v);
    void ulimits(Service& s, const YNode& v);
    void volumes_from(Service& s, const YNode& v);
    void logging(Service& s, const YNode& v);
    void build(Service& s, const YNode& n);
    void runtime(Service& s);
    void deploy(Service& s, const YNode& n);
    void resources(Service& s, const YNode& r, const std::string& where);
    void rolls(Service& s, const std::string& as, const YNode& u, const std::string& where);
    void placement(Service& s, const YNode& p, const std::string& where);
    void environment(Service& s, const YNode& n);
    void ports(Service& s, const YNode& n);
    std::optional<std::string> port_entry(const YNode& e);
    void volumes(Service& s, const YNode& n);
    std::optional<std::string> volume_long(Service& s, const YNode& e);
    void depends(Service& s);
    void service_networks(Service& s, const YNode& n);
    void files_mounted(Service& s, const YNode& n, const char* kind);
    void healthcheck(Service& s, const YNode& n);
    void write_service(const Service& s);

    std::optional<std::string> list_of_strings(const YNode& n, const std::string& what, bool allow_scalar = true);
    std::optional<std::string> string_map(const YNode& n, const std::string& what, char sep = '=');
    void c(Service& s, const std::string& key, const std::string& value, const YNode& at) {
        if (!s.container_keys.insert(key).second) {
            d_.error(at.pos, "services." + s.name + ": " + key + " is given twice (e.g. mem_limit and deploy.resources.limits.memory)");
            return;
        }
        s.container_lines.push_back(toml_key(key) + " = " + value);
        s.container_pos.push_back(at.pos);
        s.container_what.push_back("services." + s.name + "." + key);
    }
    void i(Service& s, const std::string& key, const std::string& value, const SourcePos& at, const std::string& what) {
        s.instance_lines.push_back(toml_key(key) + " = " + value);
        s.instance_pos.push_back(at);
        s.instance_what.push_back("services." + s.name + "." + what);
    }
    void refuse(const SourcePos& at, const std::string& what, const std::string& why) {
        d_.error(at, what + ": " + why);
    }

    const ComposeRequest& req_;
    ImportResult& r_;
    Diagnostics& d_;
    TomlOut out_;
    fs::path root_;
    YNode doc_;
    std::string project_network_;                 // the one network services share ("default" unless named)
    std::map<std::string, const YNode*> secrets_, configs_;
    std::set<std::string> service_names_;
    std::set<std::string> declared_volumes_;
    const YNode* subnet_ = nullptr;
    bool swarm_ = false;   // target swarm (--target, else x-dockerops.target): a service's replicas are its tasks
    bool several_networks_ = false;
    std::vector<NetworkOut> extra_networks_;
};

inline std::optional<bool> bool_of(const YNode& n) {
    static const std::set<std::string> yes{"true", "True", "TRUE", "yes", "Yes", "on"}, no{"false", "False", "FALSE", "no", "No", "off"};
    if (yes.count(n.value)) return true;
    if (no.count(n.value)) return false;
    return std::nullopt;
}


std::string joined(const std::vector<std::pair<std::string, SourcePos>>& v);

}  // namespace dockerops::config_detail
