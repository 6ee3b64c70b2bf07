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

namespace {

// One pass over the text with toml++'s lexer states, stopping at the first
// character toml++ would test for whitespace with undefined behaviour.
class HazardScanner {
public:
    explicit HazardScanner(std::string_view s) : s_(s) {}

    std::optional<TomlHazard> scan() {
        while (i_ < s_.size()) {
            at_ = i_;
            c_ = next_code_point(s_, i_);
            ++col_;
            ws_ = toml_whitespace(c_);
            if (c_ == '\n') {
                ++line_;
                col_ = 0;
            }
            std::optional<TomlHazard> h;
            switch (in_) {
                case In::Plain: h = plain(); break;
                case In::Comment:
                    if (c_ == '\n') {
                        in_ = In::Plain;
                        if (nest_.empty()) expect_value_ = value_done_ = false;
                    }
                    break;
                case In::Basic:
                    if (c_ == '\\' && i_ < s_.size()) { next_code_point(s_, i_); ++col_; }
                    else if (c_ == '"' || c_ == '\n') close_string();
                    break;
                case In::Literal:
                    if (c_ == '\'' || c_ == '\n') close_string();
                    break;
                case In::MultiBasic: h = multi_basic(); break;
                case In::MultiLiteral:
                    if (c_ == '\'' && starts(at_, "\'\'\'")) close_multi('\'');
                    break;
            }
            if (h) return h;
        }
        return std::nullopt;
    }

private:
    enum class In { Plain, Comment, Basic, Literal, MultiBasic, MultiLiteral };

    bool starts(std::size_t i, std::string_view w) const { return s_.substr(i, w.size()) == w; }
    std::optional<TomlHazard> hazard() const {
        if (toml_whitespace_test_undefined(c_)) return TomlHazard{line_, col_, c_};
        return std::nullopt;
    }
    void close_string() {
        in_ = In::Plain;
        value_done_ = in_value_string_;
        in_value_string_ = false;
    }
    // The closing triple quote, and up to two more quotes that belong to the string.
    void close_multi(char q) {
        i_ = at_ + 3;
        col_ += 2;
        for (int k = 0; k < 2 && i_ < s_.size() && s_[i_] == q; ++k) { ++i_; ++col_; }
        close_string();
    }

    // Outside strings: toml++ reads a malformed value on to the next value
    // terminator (whitespace, ',', ']', '}', '#'), testing each character for
    // whitespace, quotes and all. So a quote opens a string only where a
    // value or a key may start, not inside such a run.
    std::optional<TomlHazard> plain() {
        const bool terminator = ws_ || c_ == ',' || c_ == ']' || c_ == '}' || c_ == '#';
        if (bare_ && !terminator) return hazard();
        bare_ = false;
        if (ws_) {
            if (c_ == '\n' && nest_.empty()) expect_value_ = value_done_ = false;
            return std::nullopt;
        }
        if (value_done_ && !terminator) {   // junk after a value: read on like a bare value
            value_done_ = false;
            bare_ = true;
            return hazard();
        }
        value_done_ = false;
        switch (c_) {
            case '#': in_ = In::Comment; return std::nullopt;
            case '"': case '\'': open_string(); return std::nullopt;
            case '=': expect_value_ = true; return std::nullopt;
            case '[':
                if (expect_value_) nest_.push_back('A');   // an array; otherwise a table header
                return std::nullopt;
            case '{': nest_.push_back('T'); expect_value_ = false; return std::nullopt;
            case ']': case '}':
                if (!nest_.empty()) nest_.pop_back();
                expect_value_ = false;
                return std::nullopt;
            case ',': expect_value_ = !nest_.empty() && nest_.back() == 'A'; return std::nullopt;
            default: break;
        }
        if (auto h = hazard()) return h;
        if (expect_value_) {
            bare_ = true;   // a number, date, boolean... or something malformed
            expect_value_ = false;
        }
        return std::nullopt;
    }

    void open_string() {
        in_value_string_ = expect_value_;
        expect_value_ = false;
        const bool triple = starts(at_, c_ == '"' ? "\"\"\"" : "\'\'\'");
        if (triple) { i_ = at_ + 3; col_ += 2; }
        in_ = c_ == '"' ? (triple ? In::MultiBasic : In::Basic) : (triple ? In::MultiLiteral : In::Literal);
    }

    std::optional<TomlHazard> multi_basic() {
        if (after_backslash_ || trimming_) {
            // toml++ asks whether the character after '\' is whitespace, and
            // skips whitespace after a line-ending backslash, asking of the
            // first character that is not.
            if (!ws_) {
                if (auto h = hazard()) return h;
                trimming_ = false;
            } else {
                trimming_ = true;
            }
            const bool escaped = after_backslash_;
            after_backslash_ = false;
            if (ws_ || escaped) return std::nullopt;
        }
        if (c_ == '\\') after_backslash_ = true;
        else if (c_ == '"' && starts(at_, "\"\"\"")) close_multi('"');
        return std::nullopt;
    }

    std::string_view s_;
    std::size_t i_ = 0, at_ = 0;
    char32_t c_ = 0;
    bool ws_ = false;
    In in_ = In::Plain;
    int line_ = 1, col_ = 0;
    bool after_backslash_ = false;     // multi-line basic: the next character follows '\'
    bool trimming_ = false;            // after a line-ending backslash: whitespace is skipped
    std::vector<char> nest_;           // 'A' array, 'T' inline table
    bool expect_value_ = false;        // after '=', or '[' / ',' in an array
    bool value_done_ = false;          // a string value just ended
    bool bare_ = false;                // inside a run of a bare (or malformed) value
    bool in_value_string_ = false;
};

}  // namespace

std::optional<TomlHazard> find_toml_hazard(std::string_view s) { return HazardScanner(s).scan(); }

}  // namespace dockerops
