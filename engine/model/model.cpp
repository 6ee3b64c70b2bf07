#include "engine/model/model.hpp"

#include <algorithm>
#include <array>
#include <cctype>

namespace dockerops {

namespace {
constexpr std::string_view kConditions[] = {"started", "healthy", "completed"};
constexpr std::string_view kPullPolicies[] = {"missing", "always", "never"};
template <class E, std::size_t N>
std::optional<E> parse_word(std::string_view text, const std::string_view (&words)[N]) {
    for (std::size_t i = 0; i < N; ++i)
        if (words[i] == text) return static_cast<E>(i);
    return std::nullopt;
}
}  // namespace

std::string_view to_string(Condition c) { return kConditions[static_cast<int>(c)]; }
std::optional<Condition> parse_condition(std::string_view text) { return parse_word<Condition>(text, kConditions); }
std::string_view to_string(PullPolicy p) { return kPullPolicies[static_cast<int>(p)]; }
std::optional<PullPolicy> parse_pull_policy(std::string_view text) { return parse_word<PullPolicy>(text, kPullPolicies); }

namespace {
struct TypeRow { InstanceType type; std::string_view name; Switches defaults; };
// The seed's table: linked, publish_ports, persistent_data, persistent_opt, persistent_log.
constexpr std::array<TypeRow, 5> kTypes{{
    {InstanceType::Standard,    "standard",    {true,  false, false, false, true}},
    {InstanceType::Published,   "published",   {true,  true,  false, false, false}},
    {InstanceType::Master,      "master",      {true,  true,  true,  false, false}},
    {InstanceType::Interactive, "interactive", {true,  false, false, false, false}},
    {InstanceType::Safemode,    "safemode",    {false, false, false, false, false}},
}};
}  // namespace

std::string_view to_string(InstanceType t) {
    for (const auto& r : kTypes) if (r.type == t) return r.name;
    return "standard";
}

std::optional<InstanceType> parse_instance_type(std::string_view s) {
    for (const auto& r : kTypes) if (r.name == s) return r.type;
    return std::nullopt;
}

std::vector<std::string> instance_type_names() {
    std::vector<std::string> out;
    for (const auto& r : kTypes) out.emplace_back(r.name);
    return out;
}

InstanceType type_for_instance_name(std::string_view name) {
    auto t = parse_instance_type(name);
    return t ? *t : InstanceType::Standard;
}

Switches type_defaults(InstanceType t) {
    for (const auto& r : kTypes) if (r.type == t) return r.defaults;
    return {};
}

const std::vector<std::string>& switch_names() {
    static const std::vector<std::string> names{"linked", "publish_ports", "persistent_data",
                                                "persistent_opt", "persistent_log"};
    return names;
}

bool* switch_field(Switches& s, std::string_view name) {
    if (name == "linked") return &s.linked;
    if (name == "publish_ports") return &s.publish_ports;
    if (name == "persistent_data") return &s.persistent_data;
    if (name == "persistent_opt") return &s.persistent_opt;
    if (name == "persistent_log") return &s.persistent_log;
    return nullptr;
}

const Instance* InstanceLookup::find(const std::vector<Instance>& instances, std::string_view id) const {
    std::lock_guard<std::mutex> l(m_);
    auto matches = [&](const Instance& i) {
        return id.size() == i.container.size() + 1 + i.name.size() && id.starts_with(i.container) &&
               id[i.container.size()] == '.' && id.substr(i.container.size() + 1) == i.name;
    };
    auto rebuild = [&] {
        by_id_.clear();
        by_id_.reserve(instances.size());
        for (std::size_t k = 0; k < instances.size(); ++k) by_id_.emplace(instances[k].id(), k);
        data_ = instances.data();
        size_ = instances.size();
    };
    auto look = [&]() -> const Instance* {
        auto it = by_id_.find(std::string(id));
        return it == by_id_.end() ? nullptr : &instances[it->second];
    };
    if (data_ != instances.data() || size_ != instances.size()) rebuild();
    const Instance* hit = look();
    if (!hit || matches(*hit)) return hit;
    rebuild();   // an entry that no longer matches: made before a rename
    hit = look();
    return hit && matches(*hit) ? hit : nullptr;
}

const Instance* Project::find_instance(std::string_view id) const { return lookup_.find(instances, id); }

const Container* Project::find_container(std::string_view n) const {
    auto it = containers.find(std::string(n));
    return it == containers.end() ? nullptr : &it->second;
}

std::vector<std::string> Project::instance_ids() const {
    std::vector<std::string> out;
    for (const auto& i : instances) out.push_back(i.id());
    return out;
}

std::vector<std::string> Project::container_names() const {
    std::vector<std::string> out;
    for (const auto& [n, _] : containers) out.push_back(n);
    return out;
}

static bool lower_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

bool valid_name(std::string_view s) {
    if (s.empty() || !lower_alnum(s[0])) return false;
    return std::all_of(s.begin(), s.end(), [](char c) { return lower_alnum(c) || c == '_' || c == '-'; });
}

bool valid_env_name(std::string_view s) {
    auto alpha = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; };
    if (s.empty() || !alpha(s[0])) return false;
    return std::all_of(s.begin(), s.end(), [&](char c) { return alpha(c) || (c >= '0' && c <= '9'); });
}

bool valid_env_key(std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
        const auto u = static_cast<unsigned char>(c);
        return u > 0x20 && u < 0x7f && c != '=';
    });
}

bool valid_hostname(std::string_view s) {
    if (s.empty() || s.size() > 253) return false;
    std::size_t start = 0;
    while (start <= s.size()) {
        std::size_t end = s.find('.', start);
        if (end == std::string_view::npos) end = s.size();
        std::string_view label = s.substr(start, end - start);
        if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') return false;
        for (char c : label) {
            bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
            if (!ok) return false;
        }
        start = end + 1;
    }
    return true;
}

std::optional<std::vector<std::string>> split_command(std::string_view s) {
    std::vector<std::string> out;
    std::string cur;
    bool in_word = false;
    char quote = 0;
    for (std::size_t i = 0; i < s.size(); ++i) {
        char c = s[i];
        if (quote) {
            if (c == quote) quote = 0;
            else if (c == '\\' && quote == '"' && i + 1 < s.size()) cur += s[++i];
            else cur += c;
        } else if (c == '\'' || c == '"') {
            quote = c;
            in_word = true;
        } else if (c == '\\' && i + 1 < s.size()) {
            cur += s[++i];
            in_word = true;
        } else if (c == ' ' || c == '\t' || c == '\n') {
            if (in_word) out.push_back(std::move(cur));
            cur.clear();
            in_word = false;
        } else {
            cur += c;
            in_word = true;
        }
    }
    if (quote) return std::nullopt;
    if (in_word) out.push_back(std::move(cur));
    return out;
}

const std::vector<std::string>& reserved_env_names() {
    static const std::vector<std::string> names{"CONTAINER", "INSTANCE", "INSTANCE_TYPE", "PERSISTENT_DATA",
                                                "PERSISTENT_LOG", "PERSISTENT_OPT", "SAFEMODE"};
    return names;
}

bool valid_image_component(std::string_view s) {
    // [a-z0-9]+ ( ( [._] | __ | -+ ) [a-z0-9]+ )*
    auto alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
    std::size_t i = 0;
    while (true) {
        const std::size_t start = i;
        while (i < s.size() && alnum(s[i])) ++i;
        if (i == start) return false;
        if (i == s.size()) return true;
        const std::size_t sep = i;
        while (i < s.size() && !alnum(s[i])) ++i;
        std::string_view between = s.substr(sep, i - sep);
        const bool dashes = between.find_first_not_of('-') == std::string_view::npos;
        if (!(between == "." || between == "_" || between == "__" || dashes)) return false;
    }
}

void Instance::change_type(InstanceType t) {
    if (t == type) return;
    Switches s = type_defaults(t);
    for (const auto& n : switches_in_file) *switch_field(s, n) = *switch_field(switches, n);
    type = t;
    switches = s;
}

Instance adhoc_instance(const std::string& container, const std::string& name, std::optional<InstanceType> type) {
    Instance i;
    i.container = container;
    i.name = name;
    i.type = type ? *type : type_for_instance_name(name);
    i.switches = type_defaults(i.type);
    i.hostname = i.dashed();
    i.adhoc = true;
    return i;
}

}  // namespace dockerops

namespace dockerops {

std::optional<std::string> normalize_image_reference(std::string_view ref) {
    if (ref.empty() || ref.size() > 512) return std::nullopt;
    std::string_view rest = ref, digest;
    if (auto at = rest.find('@'); at != std::string_view::npos) {
        digest = rest.substr(at + 1);
        rest = rest.substr(0, at);
        auto colon = digest.find(':');
        if (colon == std::string_view::npos || colon == 0 || digest.size() - colon - 1 < 32) return std::nullopt;
        for (char c : digest.substr(colon + 1))
            if (!std::isxdigit(static_cast<unsigned char>(c))) return std::nullopt;
    }
    // A tag is after the last ':' that comes after the last '/'.
    std::string_view tag;
    auto slash = rest.rfind('/');
    if (auto colon = rest.rfind(':'); colon != std::string_view::npos && (slash == std::string_view::npos || colon > slash)) {
        tag = rest.substr(colon + 1);
        rest = rest.substr(0, colon);
        if (tag.empty() || tag.size() > 128) return std::nullopt;
        auto word = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; };
        if (!word(tag[0])) return std::nullopt;
        for (char c : tag)
            if (!(word(c) || c == '.' || c == '-')) return std::nullopt;
    }
    // Path components; the first may be a registry host[:port] (it has a '.' or ':', or is localhost).
    std::vector<std::string_view> parts;
    for (std::size_t start = 0;;) {
        auto end = rest.find('/', start);
        parts.push_back(rest.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
        if (end == std::string_view::npos) break;
        start = end + 1;
    }
    std::size_t first = 0;
    if (parts.size() > 1) {
        std::string_view host = parts[0];
        if (host.find_first_of(".:") != std::string_view::npos || host == "localhost") {
            auto hp = host.rfind(':');
            std::string_view name = hp == std::string_view::npos ? host : host.substr(0, hp);
            if (name.empty()) return std::nullopt;
            for (char c : name)
                if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-')) return std::nullopt;
            if (hp != std::string_view::npos) {
                auto port = host.substr(hp + 1);
                if (port.empty() || port.size() > 5) return std::nullopt;
                for (char c : port)
                    if (!std::isdigit(static_cast<unsigned char>(c))) return std::nullopt;
            }
            first = 1;
        }
    }
    for (std::size_t i = first; i < parts.size(); ++i)
        if (!valid_image_component(parts[i])) return std::nullopt;
    std::string out(ref.substr(0, ref.size() - (digest.empty() ? 0 : digest.size() + 1)));
    if (tag.empty() && digest.empty()) out += ":latest";
    if (!digest.empty()) out += "@" + std::string(digest);
    return out;
}

}  // namespace dockerops
