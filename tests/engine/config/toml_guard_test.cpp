// The guard in front of toml++ 3.3.0: characters whose whitespace test is
// undefined behaviour there are refused where toml++ would test them, and left
// alone in strings and comments, where valid TOML has them.
#include "engine/config/config.hpp"
#include "engine/config/toml_guard.hpp"

#include <catch2/catch.hpp>

using namespace dockerops;
using namespace std::string_literals;

TEST_CASE("toml guard: the code points toml++ 3.3.0 cannot test for whitespace") {
    CHECK(toml_whitespace_test_undefined(U'\u00E9'));    // é
    CHECK(toml_whitespace_test_undefined(U'\u00A1'));
    CHECK(toml_whitespace_test_undefined(U'\u0416'));    // Cyrillic
    CHECK(toml_whitespace_test_undefined(U'\u3041'));    // Hiragana
    CHECK_FALSE(toml_whitespace_test_undefined(U'\u00A0'));   // no-break space: answered
    CHECK_FALSE(toml_whitespace_test_undefined(U'\u3000'));
    CHECK_FALSE(toml_whitespace_test_undefined(U'\u1680'));   // chunk 5: answered by the switch
    CHECK_FALSE(toml_whitespace_test_undefined(U'\u2000'));   // chunk 7
    CHECK_FALSE(toml_whitespace_test_undefined(U'\u049A'));
    CHECK_FALSE(toml_whitespace_test_undefined(U'a'));
}

TEST_CASE("toml guard: strings, keys and comments may hold any character") {
    for (const char* doc : {"x = \"caf\xc3\xa9\"\n", "x = 'caf\xc3\xa9'\n", "# caf\xc3\xa9\nx = 1\n",
                            "a.\"caf\xc3\xa9\" = 1\n", "\"caf\xc3\xa9\" = 1\n", "x = [\"\xc3\xa9\", '\xc3\xbc']\n",
                            "t = { \"\xc3\xa9\" = \"\xc3\xbc\" }\n", "[\"\xc3\xa9\"]\nx = 1\n", "x = \"\"\"\n\xc3\xa9\n\"\"\"\n",
                            "x = '''\xc3\xa9'''\n", "x = 1 # \xc3\xa9\n", "x = \"\"\"a\\\\\xc3\xa9\"\"\"\n"}) {
        INFO(doc);
        CHECK_FALSE(find_toml_hazard(doc));
    }
}

TEST_CASE("toml guard: where toml++ would test the character, it is refused with its position") {
    auto at = [](const std::string& doc) {
        auto h = find_toml_hazard(doc);
        REQUIRE(h);
        return std::to_string(h->line) + ":" + std::to_string(h->column);
    };
    CHECK(at("x = 1\xc2\xa1") == "1:6");                          // after a value
    CHECK(at("a = 1\n\xc3\xa9 = 2\n") == "2:1");                   // a bare key
    CHECK(at("x = \"\"\"a\\\xc3\xa9\"\"\"") == "1:10");           // after '\' in a multi-line string
    CHECK(at("x = \"\"\"a\\  \n  \xc3\xa9\"\"\"") == "2:3");      // after a line-ending backslash
    CHECK(at("x =0(\"a\"\"4\xc3\xa9\"#\"") == "1:11");            // a malformed value read on, quotes and all
    CHECK(at("x = 6\0=b[\"\"\"caf\xc3\xa9\" = 1"s) == "1:16");   // NUL does not end a value for toml++
}

TEST_CASE("toml guard: the loader reports it as a syntax error, and toml++ never sees the text") {
    auto r = parse_project("x = 1\xc2\xa1", "dockerops.toml", ".");
    REQUIRE_FALSE(r.ok());
    CHECK(format(r.diagnostics.items().at(0)) ==
          "dockerops.toml:1:6: TOML syntax error: character U+00A1 is not allowed here "
          "(outside strings and comments TOML allows only ASCII)");
}
