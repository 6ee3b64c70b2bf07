#include "engine/config/toml_guard.hpp"

#include <cstdint>
#include <vector>

namespace dockerops {

bool toml_whitespace_test_undefined(char32_t c) {
    // The same arithmetic as toml++'s generated table: 64 chunks of 0x3FA code
    // points from U+00A0; a chunk whose bit is clear falls to a switch that
    // only knows chunks 5 and 7.
    if (c <= 0xA0 || c > 0xFEFF || c == 0x3000 || c == 0xFEFF) return false;
    const std::uint64_t chunk = (static_cast<std::uint64_t>(c) - 0xA0u) / 0x3FAu;
    if ((1ull << chunk) & 0x7FFFFFFFFFFFF75Eull) return false;
    return chunk != 5 && chunk != 7;
}

namespace {

// One UTF-8 code point at `i` (advancing it); an invalid sequence decodes as
// one byte and is left for toml++ to report.
char32_t next_code_point(std::string_view s, std::size_t& i) {
    const auto b = static_cast<unsigned char>(s[i]);
    int len = b < 0x80 ? 1 : (b >> 5) == 0x6 ? 2 : (b >> 4) == 0xE ? 3 : (b >> 3) == 0x1E ? 4 : 1;
    if (i + static_cast<std::size_t>(len) > s.size()) len = 1;
    char32_t c = len == 1 ? b : len == 2 ? (b & 0x1F) : len == 3 ? (b & 0x0F) : (b & 0x07);
    for (int k = 1; k < len; ++k) {
        const auto cont = static_cast<unsigned char>(s[i + static_cast<std::size_t>(k)]);
        if ((cont >> 6) != 0x2) { len = 1; c = b; break; }
        c = (c << 6) | (cont & 0x3F);
    }
    i += static_cast<std::size_t>(len);
    return c;
}

// Whitespace as toml++ 3.3.0 reads it (is_whitespace): besides tab, space and
// line breaks, the non-ASCII spaces it knows, U+FEFF included. Where toml++
// skips or stops at whitespace, the guard must do the same.
bool toml_whitespace(char32_t c) {
    return c == '\t' || c == ' ' || (c >= '\n' && c <= '\r') || c == 0x85 || c == 0x2028 || c == 0x2029 || c == 0xA0 ||
           c == 0x1680 || c == 0x180E || (c >= 0x2000 && c <= 0x200B) || c == 0x202F || c == 0x205F || c == 0x2060 ||
           c == 0x3000 || c == 0xFEFF;
}

}  // namespace

std::optional<TomlHazard> find_toml_hazard(std::string_view s) {
    enum class In { Plain, Comment, Basic, Literal, MultiBasic, MultiLiteral };
    In in = In::Plain;
    int line = 1, col = 0;
    bool after_backslash = false;      // multi-line basic: the next character follows '\'
    bool trimming = false;             // after a line-ending backslash: whitespace is skipped
    // Where we are outside strings: toml++ reads a malformed value on to the
    // next value terminator (whitespace, ',', ']', '}', '#'), testing each
    // character for whitespace, quotes and all. So a quote opens a string only
    // where a value or a key may start, not inside such a run.
    std::vector<char> nest;            // 'A' array, 'T' inline table
    bool expect_value = false;         // after '=', or '[' / ',' in an array
    bool value_done = false;           // a string value just ended
    bool bare = false;                 // inside a run of a bare (or malformed) value
    bool in_value_string = false;
    auto starts = [&](std::size_t i, std::string_view w) { return s.substr(i, w.size()) == w; };
    std::size_t i = 0;
    while (i < s.size()) {
        const std::size_t at = i;
        const char32_t c = next_code_point(s, i);
        ++col;
        const bool ws = toml_whitespace(c);
        auto hazard = [&]() -> std::optional<TomlHazard> {
            if (toml_whitespace_test_undefined(c)) return TomlHazard{line, col, c};
            return std::nullopt;
        };
        if (c == '\n') {
            ++line;
            col = 0;
        }
        auto close_string = [&] {
            in = In::Plain;
            value_done = in_value_string;
            in_value_string = false;
        };
        switch (in) {
            case In::Plain: {
                const bool terminator = ws || c == ',' || c == ']' || c == '}' || c == '#';
                if (bare && !terminator) {
                    if (auto h = hazard()) return h;
                    break;
                }
                bare = false;
                if (ws) {
                    if (c == '\n' && nest.empty()) expect_value = value_done = false;
                    break;
                }
                if (value_done && !terminator) {   // junk after a value: read on like a bare value
                    value_done = false;
                    bare = true;
                    if (auto h = hazard()) return h;
                    break;
                }
                value_done = false;
                if (c == '#') { in = In::Comment; break; }
                if (c == '"' || c == '\'') {
                    in_value_string = expect_value;
                    expect_value = false;
                    const bool triple = starts(at, c == '"' ? "\"\"\"" : "'''");
                    if (triple) { i = at + 3; col += 2; }
                    in = c == '"' ? (triple ? In::MultiBasic : In::Basic) : (triple ? In::MultiLiteral : In::Literal);
                    break;
                }
                if (c == '=') { expect_value = true; break; }
                if (c == '[') {
                    if (expect_value) nest.push_back('A');   // an array; otherwise a table header
                    break;
                }
                if (c == '{') { nest.push_back('T'); expect_value = false; break; }
                if (c == ']' || c == '}') {
                    if (!nest.empty()) nest.pop_back();
                    expect_value = false;
                    break;
                }
                if (c == ',') {
                    expect_value = !nest.empty() && nest.back() == 'A';
                    break;
                }
                if (auto h = hazard()) return h;
                if (expect_value) {
                    bare = true;   // a number, date, boolean... or something malformed
                    expect_value = false;
                }
                break;
            }
            case In::Comment:
                if (c == '\n') {
                    in = In::Plain;
                    if (nest.empty()) expect_value = value_done = false;
                }
                break;
            case In::Basic:
                if (c == '\\' && i < s.size()) { next_code_point(s, i); ++col; }
                else if (c == '"' || c == '\n') close_string();
                break;
            case In::Literal:
                if (c == '\'' || c == '\n') close_string();
                break;
            case In::MultiBasic:
                if (after_backslash || trimming) {
                    // toml++ asks whether the character after '\' is
                    // whitespace, and skips whitespace after a line-ending
                    // backslash, asking of the first character that is not.
                    if (!ws) {
                        if (auto h = hazard()) return h;
                        trimming = false;
                    } else {
                        trimming = true;
                    }
                    const bool escaped = after_backslash;
                    after_backslash = false;
                    if (ws || escaped) break;
                }
                if (c == '\\') after_backslash = true;
                else if (c == '"' && starts(at, "\"\"\"")) {
                    i = at + 3;
                    col += 2;
                    // Up to two more quotes belong to the string.
                    for (int k = 0; k < 2 && i < s.size() && s[i] == '"'; ++k) { ++i; ++col; }
                    close_string();
                }
                break;
            case In::MultiLiteral:
                if (c == '\'' && starts(at, "'''")) {
                    i = at + 3;
                    col += 2;
                    for (int k = 0; k < 2 && i < s.size() && s[i] == '\''; ++k) { ++i; ++col; }
                    close_string();
                }
                break;
        }
    }
    return std::nullopt;
}

}  // namespace dockerops
