#include "util/cidr.hpp"

#include <charconv>

namespace dockerops {

namespace {

std::uint32_t mask_of(int prefix) { return prefix == 0 ? 0 : ~std::uint32_t(0) << (32 - prefix); }

}  // namespace

bool Cidr::contains(std::uint32_t address) const { return (address & mask_of(prefix)) == base; }

bool Cidr::overlaps(const Cidr& other) const {
    const int p = prefix < other.prefix ? prefix : other.prefix;
    return (base & mask_of(p)) == (other.base & mask_of(p));
}

std::string Cidr::str() const { return ipv4_string(base) + "/" + std::to_string(prefix); }

std::optional<std::uint32_t> parse_ipv4(std::string_view text) {
    std::uint32_t out = 0;
    const char* p = text.data();
    const char* end = text.data() + text.size();
    for (int i = 0; i < 4; ++i) {
        unsigned v = 0;
        auto r = std::from_chars(p, end, v);
        if (r.ec != std::errc() || r.ptr == p || v > 255 || r.ptr - p > 3) return std::nullopt;
        out = (out << 8) | v;
        p = r.ptr;
        if (i < 3) {
            if (p == end || *p != '.') return std::nullopt;
            ++p;
        }
    }
    if (p != end) return std::nullopt;
    return out;
}

std::optional<Cidr> parse_cidr(std::string_view text) {
    auto slash = text.find('/');
    if (slash == std::string_view::npos) return std::nullopt;
    auto base = parse_ipv4(text.substr(0, slash));
    int prefix = -1;
    auto pt = text.substr(slash + 1);
    auto r = std::from_chars(pt.data(), pt.data() + pt.size(), prefix);
    if (!base || r.ec != std::errc() || r.ptr != pt.data() + pt.size() || prefix < 0 || prefix > 32) return std::nullopt;
    if ((*base & ~mask_of(prefix)) != 0) return std::nullopt;
    return Cidr{*base, prefix};
}

std::string ipv4_string(std::uint32_t a) {
    return std::to_string(a >> 24) + "." + std::to_string((a >> 16) & 255) + "." + std::to_string((a >> 8) & 255) + "." +
           std::to_string(a & 255);
}

std::string special_purpose_overlap(const Cidr& c) {
    static const char* const kSpecial[] = {"0.0.0.0/8", "127.0.0.0/8", "169.254.0.0/16", "224.0.0.0/3"};
    for (const char* s : kSpecial)
        if (c.overlaps(*parse_cidr(s))) return s;
    return {};
}

}  // namespace dockerops
