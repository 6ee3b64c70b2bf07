#include "engine/model/spec_hash.hpp"

#include "engine/model/keys.hpp"

#include "util/hash.hpp"
#include "engine/model/secrets.hpp"
#include "util/json_writer.hpp"

#include <simdjson.h>

namespace dockerops {

namespace {
std::string join(const std::vector<std::string>& v) { return canonical_list(v); }
}  // namespace

CanonicalSpec canonical_spec(const ContainerSpec& s, const std::set<std::string>& secret_keys, const std::string& secret_key) {
    CanonicalSpec c;
    c["image"] = s.image;
    c["hostname"] = s.hostname;
    if (s.command) c["command"] = join(*s.command);
    for (const auto& [k, v] : s.env) c["env." + k] = secret_keys.count(k) ? secret_digest(secret_key, v) : v;
    for (const auto& [k, v] : s.extras().secret_files) c["secret_file." + k] = secret_digest(secret_key, v);
    // One entry per container port; several host bindings of one port are
    // listed in order. A port published on the same host port reads as 0.1
    // wrote it, so that upgrading changes no spec.
    for (const auto& p : s.ports) {
        std::string& v = c["port." + std::to_string(p.port) + "/" + p.protocol];
        std::string one = !p.publish ? "exposed"
                        : p.host_port == p.port ? "published on " + (p.host_ip.empty() ? "*" : p.host_ip)
                        : "published on " + (p.host_ip.empty() ? "*" : p.host_ip) + ":" +
                              (p.host_port ? std::to_string(p.host_port) : std::string("any"));
        if (v.empty() || v == "exposed") v = one;
        else if (one != "exposed") v += ", " + one;
    }
    for (const auto& m : s.mounts) {
        std::string& entry = c["mount." + m.target];
        if (!m.as.empty()) {   // a secret or config file: what it is and its content (a secret's digest keyed, as a secret value's)
            entry = m.as + " " + m.source + " " + (m.as == "secret" ? secret_digest(secret_key, m.digest) : "sha256:" + m.digest);
            continue;
        }
        entry = std::string(m.bind ? "bind " : "volume ") + m.source + (m.read_only ? " ro" : " rw");
        // A declared driver or options only when set: a plain volume's entry reads as before.
        if (!m.driver.empty()) entry += " driver " + m.driver;
        for (const auto& [k, v] : m.driver_options) entry += " " + k + "=" + v;
    }
    if (!s.network.empty()) c["network"] = s.network;
    if (!s.ipv4.empty()) c["address"] = s.ipv4;
    if (!s.aliases.empty()) c["aliases"] = join(s.aliases);
    if (!s.extras().extra_networks.empty()) c["networks"] = join(s.extras().extra_networks);   // only when set: earlier hashes stay
    for (const auto& [net, names] : s.extras().network_aliases) c["aliases." + net] = join(names);
    if (!s.links.empty()) c["links"] = join(s.links);
    c["init"] = s.init ? "true" : "false";
    // The key table's rows: present only when set, so a spec that sets none
    // hashes as before they existed.
    for (const auto& row : key_table()) row.canon(row, s, c);
    return c;
}

std::string canonical_to_json(const CanonicalSpec& c) { return JsonWriter().object(c).take(); }

std::optional<CanonicalSpec> canonical_from_json(const std::string& json) {
    simdjson::dom::parser p;
    simdjson::padded_string body(json);
    simdjson::dom::object o;
    if (p.parse(body).get_object().get(o) != simdjson::SUCCESS) return std::nullopt;
    CanonicalSpec c;
    for (auto [k, v] : o) {
        std::string_view s;
        if (v.get_string().get(s) != simdjson::SUCCESS) return std::nullopt;
        c[std::string(k)] = std::string(s);
    }
    return c;
}

std::string spec_hash(const CanonicalSpec& c) { return sha256_hex(canonical_to_json(c)); }

namespace {
// A value as a cause shows it: a secret's digest as (sensitive); a list
// (command, links, caps... held as JSON text) as it is; any other quoted (JSON
// escapes, so a newline stays on the line); shortened past 60 characters.
std::string shown(const std::string& key, const std::string& v) {
    if (const KeyRow* row = find_key_by_canonical(key); row && row->human_size) {
        char* end = nullptr;
        const long long bytes = std::strtoll(v.c_str(), &end, 10);
        if (end && *end == '\0' && !v.empty()) return human_bytes(bytes);
    }
    // A secret file's content digest is not shown (its path is).
    if (key.starts_with("mount.")) {
        if (auto at = v.find(" hmac-sha256:"); at != std::string::npos) return json_quote(v.substr(0, at) + " (sensitive content)");
    }
    const bool text = key.starts_with("env.") || key.starts_with("label.") || key.starts_with("secret_file.");
    if (text && v.starts_with("hmac-sha256:")) return "(sensitive)";
    constexpr std::size_t kMax = 60;
    const bool list = !text && v.starts_with("[");
    auto form = [&](const std::string& x) { return list ? x : json_quote(x); };
    if (v.size() <= kMax) return form(v);
    std::size_t cut = kMax;
    while (cut > 0 && (static_cast<unsigned char>(v[cut]) & 0xC0) == 0x80) --cut;   // not inside a UTF-8 character
    return form(v.substr(0, cut)) + "…";
}
}  // namespace

std::vector<std::string> describe_changes(const CanonicalSpec& before, const CanonicalSpec& after) {
    std::vector<std::string> out;
    auto words = [](const std::string& key) {
        auto dot = key.find('.');
        return dot == std::string::npos ? key : key.substr(0, dot) + " " + key.substr(dot + 1);
    };
    for (const auto& [k, v] : after) {
        auto it = before.find(k);
        if (it == before.end()) out.push_back(words(k) + " added: " + shown(k, v));
        else if (it->second != v) {
            auto was = shown(k, it->second), now = shown(k, v);
            out.push_back(words(k) + (was == now ? " changed " + now : " " + was + " → " + now));   // (sensitive) both
        }
    }
    for (const auto& [k, v] : before)
        if (!after.count(k)) out.push_back(words(k) + " removed (was " + shown(k, v) + ")");
    return out;
}

std::map<std::string, std::string> spec_labels(const CanonicalSpec& c) {
    std::string json = canonical_to_json(c);   // written once: the label, and what its hash is of
    std::string hash = sha256_hex(json);
    std::map<std::string, std::string> out;
    out.emplace(labels::kSpec, std::move(json));
    out.emplace(labels::kSpecHash, std::move(hash));
    return out;
}

}  // namespace dockerops
