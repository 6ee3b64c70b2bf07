#include "engine/model/secrets.hpp"

#include "util/hash.hpp"

#include <openssl/hmac.h>

#include <algorithm>

namespace dockerops {

std::string secret_digest(std::string_view key, std::string_view value) {
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(value.data()),
         value.size(), mac, &len);
    return "hmac-sha256:" + hex_string(mac, len);
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

void Redactor::add(const std::string& value) {
    if (value.size() < 3) return;
    std::lock_guard<std::mutex> l(mutex_);
    values_.insert(value);
    if (std::string q = go_quoted(value); q != value) values_.insert(q);
}

std::string Redactor::redact(std::string_view text) const {
    std::string out(text);
    std::lock_guard<std::mutex> l(mutex_);
    for (const auto& v : values_) {
        for (std::size_t at = out.find(v); at != std::string::npos; at = out.find(v, at + 11))
            out.replace(at, v.size(), "(sensitive)");
    }
    return out;
}

}  // namespace dockerops
