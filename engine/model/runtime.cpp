#include "engine/model/runtime.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>

namespace dockerops {

namespace {
std::uint64_t bit_of(const KeyRow& row) {
    return std::uint64_t{1} << static_cast<std::size_t>(&row - key_table().data());
}
}  // namespace

bool RuntimeOptions::has(const KeyRow& row) const { return (set & bit_of(row)) != 0; }

bool RuntimeOptions::has(std::string_view name) const {
    const KeyRow* row = find_key(name);
    return row && has(*row);
}

const ContainerSpec& RuntimeOptions::values() const {
    static const ContainerSpec none;
    return values_ ? *values_ : none;
}

// Shared with another copy: this one gets its own before it changes.
ContainerSpec& RuntimeOptions::values_mut() {
    if (!values_) values_ = std::make_shared<ContainerSpec>();
    else if (values_.use_count() > 1) values_ = std::make_shared<ContainerSpec>(*values_);
    return *values_;
}

void RuntimeOptions::put(const KeyRow& row, KeyValue&& value) {
    row.assign(std::move(value), values_mut());
    set |= bit_of(row);
}

void RuntimeOptions::fill_from(const RuntimeOptions& d) {
    if (set == 0) {   // nothing of its own: the defaults' spec, shared
        values_ = d.values_;
        set = d.set;
    } else {
        for (const auto& row : key_table())
            if (!has(row) && d.has(row)) {
                row.copy(*d.values_, values_mut());
                set |= bit_of(row);
            }
    }
    if (!ready_timeout_ms) ready_timeout_ms = d.ready_timeout_ms;
    if (!env_from_files) env_from_files = d.env_from_files;
}

void RuntimeOptions::apply_to(ContainerSpec& spec) const {
    if (!values_) return;
    for (const auto& row : key_table())
        if (has(row)) row.copy(*values_, spec);
}

namespace {
// A decimal number at the front of `s` (digits, one optional point); its length in `used`.
std::optional<double> leading_number(std::string_view s, std::size_t& used) {
    std::size_t i = 0;
    bool digits = false, point = false;
    while (i < s.size() && (std::isdigit(static_cast<unsigned char>(s[i])) || (s[i] == '.' && !point))) {
        if (s[i] == '.') point = true;
        else digits = true;
        ++i;
    }
    if (!digits) return std::nullopt;
    used = i;
    return std::strtod(std::string(s.substr(0, i)).c_str(), nullptr);
}
}  // namespace

std::optional<long long> parse_duration_ns(std::string_view s) {
    if (s.empty()) return std::nullopt;
    double total = 0;
    while (!s.empty()) {
        std::size_t used = 0;
        auto n = leading_number(s, used);
        if (!n) return std::nullopt;
        s.remove_prefix(used);
        std::size_t u = 0;
        while (u < s.size() && std::isalpha(static_cast<unsigned char>(s[u]))) ++u;
        std::string_view unit = s.substr(0, u);
        s.remove_prefix(u);
        double scale;
        if (unit == "ns") scale = 1;
        else if (unit == "us") scale = 1e3;
        else if (unit == "ms") scale = 1e6;
        else if (unit == "s") scale = 1e9;
        else if (unit == "m") scale = 60e9;
        else if (unit == "h") scale = 3600e9;
        else return std::nullopt;
        total += *n * scale;
    }
    if (total > 9.2e18) return std::nullopt;
    return static_cast<long long>(std::llround(total));
}

std::optional<long long> parse_bytes(std::string_view s) {
    std::size_t used = 0;
    auto n = leading_number(s, used);
    if (!n) return std::nullopt;
    std::string unit;
    for (char c : s.substr(used)) unit += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (unit.size() == 2 && unit[1] == 'b' && unit[0] != 'b') unit.pop_back();   // "mb" as "m"
    double scale;
    if (unit.empty() || unit == "b") scale = 1;
    else if (unit == "k") scale = 1024.0;
    else if (unit == "m") scale = 1024.0 * 1024;
    else if (unit == "g") scale = 1024.0 * 1024 * 1024;
    else if (unit == "t") scale = 1024.0 * 1024 * 1024 * 1024;
    else return std::nullopt;
    double v = *n * scale;
    if (v > 9.2e18) return std::nullopt;
    return static_cast<long long>(v);
}

bool valid_restart_policy(std::string_view s) {
    if (s == "no" || s == "always" || s == "unless-stopped" || s == "on-failure") return true;
    if (!s.starts_with("on-failure:")) return false;
    auto n = s.substr(11);
    if (n.empty() || n.size() > 6) return false;
    for (char c : n)
        if (!std::isdigit(static_cast<unsigned char>(c))) return false;
    return true;
}

bool valid_signal(std::string_view s) {
    if (s.empty()) return false;
    if (std::isdigit(static_cast<unsigned char>(s[0]))) {
        for (char c : s)
            if (!std::isdigit(static_cast<unsigned char>(c))) return false;
        int n = std::atoi(std::string(s).c_str());
        return n >= 1 && n <= 64;
    }
    if (s.starts_with("SIG")) s.remove_prefix(3);
    static const char* names[] = {"HUP", "INT", "QUIT", "ILL", "TRAP", "ABRT", "BUS", "FPE", "KILL", "USR1", "SEGV",
                                  "USR2", "PIPE", "ALRM", "TERM", "STKFLT", "CHLD", "CONT", "STOP", "TSTP", "TTIN",
                                  "TTOU", "URG", "XCPU", "XFSZ", "VTALRM", "PROF", "WINCH", "IO", "PWR", "SYS"};
    for (const char* n : names)
        if (s == n) return true;
    for (std::string_view base : {"RTMIN", "RTMAX"}) {
        if (!s.starts_with(base)) continue;
        auto rest = s.substr(base.size());
        if (rest.empty()) return true;
        if ((rest[0] == '+' || rest[0] == '-') && rest.size() > 1 && rest.size() <= 3) {
            for (char c : rest.substr(1))
                if (!std::isdigit(static_cast<unsigned char>(c))) return false;
            return true;
        }
    }
    return false;
}

bool valid_node_selector(std::string_view text) {
    auto word = [](std::string_view w, bool dots) {
        if (w.empty()) return false;
        for (char c : w)
            if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || (dots && c == '.'))) return false;
        return true;
    };
    if (!text.starts_with("label:")) return word(text, true);
    std::string_view kv = text.substr(6);
    auto eq = kv.find('=');
    return eq != std::string_view::npos && word(kv.substr(0, eq), true) && word(kv.substr(eq + 1), true);
}

std::optional<VolumesFromRef> parse_volumes_from(std::string_view text) {
    VolumesFromRef r;
    if (text.starts_with("instance:")) r.instance = true;
    else if (!text.starts_with("container:")) return std::nullopt;
    text.remove_prefix(r.instance ? 9 : 10);
    if (text.ends_with(":ro") || text.ends_with(":rw")) {
        r.read_only = text.ends_with(":ro");
        text.remove_suffix(3);
    }
    auto name_char = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.'; };
    if (text.empty() || !std::all_of(text.begin(), text.end(), name_char)) return std::nullopt;
    if (r.instance && text.find('.') == std::string_view::npos) return std::nullopt;
    r.name = std::string(text);
    return r;
}

std::string placement_constraint(std::string_view node) {
    if (!node.starts_with("label:")) return "node.hostname==" + std::string(node);
    std::string_view kv = node.substr(6);
    auto eq = kv.find('=');
    return "node.labels." + std::string(kv.substr(0, eq)) + "==" + std::string(kv.substr(eq + 1));
}

}  // namespace dockerops
