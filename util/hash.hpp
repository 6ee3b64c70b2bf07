#pragma once
// Hashes any layer may use: SHA-256 (OpenSSL's libcrypto), hex, and FNV-1a.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace dockerops {

std::string sha256_hex(std::string_view data);
// SHA-256 of `prefix` followed by the bytes of the file at `path`, read with a
// fixed buffer (never the whole file in memory); nullopt when it cannot be read.
std::optional<std::string> sha256_file_hex(std::string_view prefix, const char* path);
// Bytes as lower-case hexadecimal.
std::string hex_string(const unsigned char* bytes, std::size_t n);
// A fast, stable 64-bit hash (FNV-1a) for deriving addresses from names.
std::uint64_t fnv1a(std::string_view s);

}  // namespace dockerops
