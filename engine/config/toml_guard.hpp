#pragma once
// A guard in front of toml++ 3.3.0 (Debian's): its generated
// is_non_ascii_horizontal_whitespace() reaches __builtin_unreachable() for
// most code points in U+00A1..U+0499 (and a few other blocks), which is
// undefined behaviour. The parser asks that question of characters outside
// strings and comments, and of the character after a backslash in a
// multi-line basic string. No valid TOML has such a character in those
// places, so the guard rejects the document with a positioned error before
// toml++ sees it; everywhere else (strings, comments) such characters are
// fine and are left alone.
#include <optional>
#include <string_view>

namespace dockerops {

struct TomlHazard {
    int line = 0;        // 1-based
    int column = 0;      // 1-based, in code points
    char32_t code_point = 0;
};

// True for the code points that toml++ 3.3.0's whitespace test cannot answer.
bool toml_whitespace_test_undefined(char32_t c);

// The first character toml++ would ask that question of, if any.
std::optional<TomlHazard> find_toml_hazard(std::string_view text);

}  // namespace dockerops
