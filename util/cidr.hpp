#pragma once
// IPv4 subnets in CIDR form ("10.20.0.0/16"): parsing, overlap, hosts.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace dockerops {

struct Cidr {
    std::uint32_t base = 0;   // the network address (host bits zero)
    int prefix = 0;           // 0..32
    std::uint64_t size() const { return std::uint64_t(1) << (32 - prefix); }
    bool contains(std::uint32_t address) const;
    bool overlaps(const Cidr& other) const;
    std::string str() const;   // "10.20.0.0/16"
};

// "10.20.0.0/16"; nullopt when it is not one (host bits set count as not one).
std::optional<Cidr> parse_cidr(std::string_view text);
// The ranges no network of containers may take ("this network" 0/8,
// loopback 127/8, link-local 169.254/16, multicast and reserved 224/3): the
// one it overlaps, or "" when none.
std::string special_purpose_overlap(const Cidr& c);
std::optional<std::uint32_t> parse_ipv4(std::string_view text);
std::string ipv4_string(std::uint32_t address);

}  // namespace dockerops
