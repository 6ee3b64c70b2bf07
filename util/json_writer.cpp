#include "util/json_writer.hpp"

#include <charconv>
#include <cmath>

#include <cstdio>

namespace dockerops {

std::string json_quote(std::string_view s) {
    std::string out = "\"";
    for (unsigned char c : s) {
        switch (c) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\n': out += "\\n"; break;
            case '\r': out += "\\r"; break;
            case '\t': out += "\\t"; break;
            default:
                if (c < 0x20) {
                    char buf[8];
                    std::snprintf(buf, sizeof buf, "\\u%04x", c);
                    out += buf;
                } else {
                    out += static_cast<char>(c);
                }
        }
    }
    return out + "\"";
}

void JsonWriter::comma() {
    if (after_key_) {
        after_key_ = false;
        return;
    }
    if (!first_.back()) out_ += ',';
    first_.back() = false;
}

JsonWriter& JsonWriter::begin_object() { comma(); out_ += '{'; first_.push_back(true); return *this; }
JsonWriter& JsonWriter::end_object() { out_ += '}'; first_.pop_back(); return *this; }
JsonWriter& JsonWriter::begin_array() { comma(); out_ += '['; first_.push_back(true); return *this; }
JsonWriter& JsonWriter::end_array() { out_ += ']'; first_.pop_back(); return *this; }
JsonWriter& JsonWriter::key(std::string_view k) { comma(); out_ += json_quote(k) + ':'; after_key_ = true; return *this; }
JsonWriter& JsonWriter::value(std::string_view s) { comma(); out_ += json_quote(s); return *this; }
JsonWriter& JsonWriter::value(std::int64_t n) { comma(); out_ += std::to_string(n); return *this; }
JsonWriter& JsonWriter::value(bool b) { comma(); out_ += b ? "true" : "false"; return *this; }
JsonWriter& JsonWriter::value(double d) {
    comma();
    if (!std::isfinite(d)) {   // JSON has no NaN or infinity
        out_ += "null";
        return *this;
    }
    // The shortest text that reads back as the same double: 4.881312266, not 4.8813122660000001.
    char buf[32];
    auto r = std::to_chars(buf, buf + sizeof buf, d);
    out_.append(buf, r.ptr);
    return *this;
}
JsonWriter& JsonWriter::null() { comma(); out_ += "null"; return *this; }

JsonWriter& JsonWriter::strings(const std::vector<std::string>& v) {
    begin_array();
    for (const auto& s : v) value(s);
    return end_array();
}

JsonWriter& JsonWriter::object(const std::map<std::string, std::string>& m) {
    begin_object();
    for (const auto& [k, v] : m) key(k).value(v);
    return end_object();
}

}  // namespace dockerops
