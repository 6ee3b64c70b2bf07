#include "engine/model/secrets.hpp"

#include "util/hash.hpp"
#include "util/files.hpp"

#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <algorithm>
#include <fstream>
#include <mutex>
#include <set>

namespace fs = std::filesystem;

namespace dockerops {

namespace {
std::mutex g_mutex;
// Longest first, so that a value inside another is not masked before it.
struct LongestFirst {
    bool operator()(const std::string& a, const std::string& b) const {
        return a.size() != b.size() ? a.size() > b.size() : a < b;
    }
};
std::set<std::string, LongestFirst> g_values;

}  // namespace

std::string secret_digest(std::string_view key, std::string_view value) {
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(value.data()),
         value.size(), mac, &len);
    return "hmac-sha256:" + hex_string(mac, len);
}

Result<std::string> project_secret_key(const fs::path& root) {
    const fs::path dir = root / ".dockerops";
    const fs::path file = dir / "secret-key";
    if (auto text = read_regular_file(file, 4096).text; text && text->size() >= 64) return text->substr(0, 64);
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) return Error{"cannot make " + dir.string() + " for the project's secret key: " + ec.message()};
    fs::permissions(dir, fs::perms::owner_all, ec);
    unsigned char raw[32];
    if (RAND_bytes(raw, sizeof raw) != 1) return Error{"no random bytes for the project's secret key"};
    const std::string key = hex_string(raw, sizeof raw);
    {
        std::ofstream out(file, std::ios::trunc);
        out << key << "\n";
        if (!out) return Error{"cannot write the project's secret key", file.string()};
    }
    fs::permissions(file, fs::perms::owner_read | fs::perms::owner_write, ec);
    ensure_git_ignored(root, ".dockerops/");
    return key;
}

namespace {
// The value as the engine quotes it in its errors (Go's %q, without the
// quotes): runc says `environment variable value can't contain null(\x00):
// "DB_PASSWORD=sec\x00ret"`.
std::string go_quoted(const std::string& v) {
    std::string out;
    for (unsigned char c : v) {
        switch (c) {
            case '\a': out += "\\a"; break;
            case '\b': out += "\\b"; break;
            case '\f': out += "\\f"; break;
            case '\n': out += "\\n"; break;
            case '\r': out += "\\r"; break;
            case '\t': out += "\\t"; break;
            case '\v': out += "\\v"; break;
            case '\\': out += "\\\\"; break;
            case '"': out += "\\\""; break;
            default:
                if (c < 0x20 || c == 0x7f) {
                    static const char* digits = "0123456789abcdef";
                    out += "\\x";
                    out += digits[c >> 4];
                    out += digits[c & 15];
                } else {
                    out += static_cast<char>(c);
                }
        }
    }
    return out;
}
}  // namespace

void register_secret(const std::string& value) {
    if (value.size() < 3) return;
    std::lock_guard<std::mutex> l(g_mutex);
    g_values.insert(value);
    if (std::string q = go_quoted(value); q != value) g_values.insert(q);
}

std::string redact(std::string_view text) {
    std::string out(text);
    std::lock_guard<std::mutex> l(g_mutex);
    for (const auto& v : g_values) {
        for (std::size_t at = out.find(v); at != std::string::npos; at = out.find(v, at + 11))
            out.replace(at, v.size(), "(sensitive)");
    }
    return out;
}

}  // namespace dockerops
