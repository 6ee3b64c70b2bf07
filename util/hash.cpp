#include "util/hash.hpp"

// SHA256_Init/Update/Final, deprecated in OpenSSL 3 but kept: they run the
// digest directly. EVP_Digest (and the one-shot SHA256(), which goes through
// it) first sets up OpenSSL's providers, reading openssl.cnf: ~5 ms on every
// command, a sixth of a no-op plan, for one hash function.
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/sha.h>

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <vector>

namespace dockerops {

std::uint64_t fnv1a(std::string_view s) {
    std::uint64_t h = 1469598103934665603ULL;
    for (unsigned char c : s) { h ^= c; h *= 1099511628211ULL; }
    return h;
}

std::string hex_string(const unsigned char* bytes, std::size_t n) {
    static const char* hex = "0123456789abcdef";
    std::string out;
    for (std::size_t i = 0; i < n; ++i) {
        out += hex[bytes[i] >> 4];
        out += hex[bytes[i] & 15];
    }
    return out;
}

std::string sha256_hex(std::string_view data) {
    unsigned char md[SHA256_DIGEST_LENGTH];
    SHA256_CTX ctx;
    SHA256_Init(&ctx);
    SHA256_Update(&ctx, data.data(), data.size());
    SHA256_Final(md, &ctx);
    return hex_string(md, sizeof md);
}

std::optional<std::string> sha256_file_hex(std::string_view prefix, const char* path) {
    const int fd = ::open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) return std::nullopt;
    SHA256_CTX ctx;
    SHA256_Init(&ctx);
    SHA256_Update(&ctx, prefix.data(), prefix.size());
    static thread_local std::vector<unsigned char> buf(1 << 17);
    bool ok = true;
    for (;;) {
        const ssize_t n = ::read(fd, buf.data(), buf.size());
        if (n == 0) break;
        if (n < 0) {
            if (errno == EINTR) continue;
            ok = false;
            break;
        }
        SHA256_Update(&ctx, buf.data(), static_cast<std::size_t>(n));
    }
    ::close(fd);
    if (!ok) return std::nullopt;
    unsigned char md[SHA256_DIGEST_LENGTH];
    SHA256_Final(md, &ctx);
    return hex_string(md, sizeof md);
}

}  // namespace dockerops
