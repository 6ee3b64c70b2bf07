// Docker's port syntax: [[IP:][HOST[-HOST]]:]CONTAINER[-CONTAINER][/PROTO].
#include "engine/model/spec.hpp"

#include <algorithm>
#include <charconv>

namespace dockerops {

namespace {

// "9000-9002" -> {9000, 9002}; "80" -> {80, 80}.
bool parse_range(std::string_view s, int& lo, int& hi) {
    auto dash = s.find('-');
    auto num = [](std::string_view t, int& v) {
        if (t.empty() || t.size() > 5) return false;
        auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
        return ec == std::errc() && p == t.data() + t.size() && v >= 1 && v <= 65535;
    };
    if (dash == std::string_view::npos) {
        if (!num(s, lo)) return false;
        hi = lo;
        return true;
    }
    return num(s.substr(0, dash), lo) && num(s.substr(dash + 1), hi) && lo <= hi;
}

}  // namespace

std::optional<std::vector<PortSpec>> parse_port_mapping(const std::string& text, std::string& error) {
    std::string_view s = text;
    std::string proto = "tcp";
    if (auto slash = s.rfind('/'); slash != std::string_view::npos) {
        proto = std::string(s.substr(slash + 1));
        s = s.substr(0, slash);
        if (proto != "tcp" && proto != "udp") {
            error = "protocol '" + proto + "' is not tcp or udp";
            return std::nullopt;
        }
    }
    std::string ip;
    if (s.starts_with("[")) {   // [::1]:8080:80
        auto close = s.find(']');
        if (close == std::string_view::npos || close + 1 >= s.size() || s[close + 1] != ':') {
            error = "an IPv6 address is written [ADDRESS]:HOST:CONTAINER";
            return std::nullopt;
        }
        ip = std::string(s.substr(1, close - 1));
        s = s.substr(close + 2);
    }
    std::vector<std::string_view> parts;
    for (std::size_t start = 0;;) {
        auto colon = s.find(':', start);
        parts.push_back(s.substr(start, colon == std::string_view::npos ? std::string_view::npos : colon - start));
        if (colon == std::string_view::npos) break;
        start = colon + 1;
    }
    if (!ip.empty() && parts.size() != 2) {
        error = "write [ADDRESS]:HOST:CONTAINER";
        return std::nullopt;
    }
    if (parts.size() > 3) {
        error = "write [ADDRESS:][HOST:]CONTAINER[/PROTOCOL]";
        return std::nullopt;
    }
    if (parts.size() == 3) ip = std::string(parts[0]);
    if (parts.size() == 3 && ip.empty()) {
        error = "the address before the host port is empty";
        return std::nullopt;
    }
    std::string_view host = parts.size() >= 2 ? parts[parts.size() - 2] : std::string_view();
    std::string_view container = parts.back();
    int clo = 0, chi = 0, hlo = 0, hhi = 0;
    if (!parse_range(container, clo, chi)) {
        error = "container port '" + std::string(container) + "' is not a port (1-65535) or a range of them";
        return std::nullopt;
    }
    const bool any_host = host.empty();
    if (!any_host && !parse_range(host, hlo, hhi)) {
        error = "host port '" + std::string(host) + "' is not a port (1-65535) or a range of them";
        return std::nullopt;
    }
    if (!any_host && hhi - hlo != chi - clo) {
        error = "the host range and the container range differ in length";
        return std::nullopt;
    }
    // Each port is a rule the engine sets up (and a userland proxy it may start): a bound, said.
    if (chi - clo + 1 > kMaxPortsPerEntry) {
        error = "the range has " + std::to_string(chi - clo + 1) + " ports; an entry may publish at most " +
                std::to_string(kMaxPortsPerEntry) + " (split it, or publish the service's own ports)";
        return std::nullopt;
    }
    if (!ip.empty()) {
        const bool v4 = ip.find_first_not_of("0123456789.") == std::string::npos && std::count(ip.begin(), ip.end(), '.') == 3;
        const bool v6 = ip.find_first_not_of("0123456789abcdefABCDEF:") == std::string::npos && ip.find(':') != std::string::npos;
        if (!v4 && !v6) {
            error = "bind address '" + ip + "' is not an IP address";
            return std::nullopt;
        }
    }
    std::vector<PortSpec> out;
    for (int k = 0; k <= chi - clo; ++k)
        out.push_back(PortSpec{clo + k, proto, true, ip, any_host ? 0 : hlo + k});
    return out;
}

}  // namespace dockerops
