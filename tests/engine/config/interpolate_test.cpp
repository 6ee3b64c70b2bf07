#include "engine/config/interpolate.hpp"

#include <catch2/catch.hpp>

#include <map>

using namespace dockerops;

namespace {
const std::map<std::string, std::string> kVars{{"TAG", "7"}, {"EMPTY", ""}, {"NAME", "shop"}};
VariableLookup lookup() {
    return [](const std::string& n) -> std::optional<std::string> {
        auto it = kVars.find(n);
        return it == kVars.end() ? std::nullopt : std::optional<std::string>(it->second);
    };
}
std::string compose(const std::string& s) { return interpolate(s, lookup(), VariableSyntax::Compose).text; }
std::string toml(const std::string& s) { return interpolate(s, lookup(), VariableSyntax::Toml).text; }
}  // namespace

TEST_CASE("interpolate: every compose form, set, empty and unset") {
    CHECK(compose("redis:${TAG}") == "redis:7");
    CHECK(compose("redis:$TAG") == "redis:7");
    CHECK(compose("$NAME-web") == "shop-web");
    CHECK(compose("${MISSING:-latest}") == "latest");
    CHECK(compose("${EMPTY:-latest}") == "latest");
    CHECK(compose("${EMPTY-latest}").empty());
    CHECK(compose("${MISSING-latest}") == "latest");
    CHECK(compose("${TAG:+yes}") == "yes");
    CHECK(compose("${EMPTY:+yes}").empty());
    CHECK(compose("${EMPTY+yes}") == "yes");
    CHECK(compose("${MISSING+yes}").empty());
    CHECK(compose("${MISSING:-${NAME}-x}") == "shop-x");   // a nested default
    CHECK(compose("cost $$5") == "cost $5");
    CHECK(compose("$${TAG}") == "${TAG}");
}

TEST_CASE("interpolate: an unset variable is a warning at its offset, a required one an error with its message") {
    auto r = interpolate("a ${MISSING} b", lookup(), VariableSyntax::Compose);
    CHECK(r.text == "a  b");
    REQUIRE(r.problems.size() == 1);
    CHECK_FALSE(r.problems[0].error);
    CHECK(r.problems[0].offset == 2);
    CHECK(r.problems[0].message == "variable MISSING is not set: an empty string is used");
    auto req = interpolate("${DB_PASSWORD:?set it in .env}", lookup(), VariableSyntax::Compose);
    CHECK(req.has_error());
    CHECK(req.problems[0].message == "variable DB_PASSWORD is required and not empty: set it in .env");
    CHECK(interpolate("${EMPTY?x}", lookup(), VariableSyntax::Compose).problems.empty());
    CHECK(interpolate("${EMPTY:?x}", lookup(), VariableSyntax::Compose).has_error());
    CHECK(interpolate("${TAG", lookup(), VariableSyntax::Compose).has_error());
    CHECK(interpolate("${9X}", lookup(), VariableSyntax::Compose).has_error());
    CHECK(interpolate("${TAG:x}", lookup(), VariableSyntax::Compose).has_error());
    CHECK(interpolate("a $ b", lookup(), VariableSyntax::Compose).has_error());
    // The names read are known, so that their values are never echoed.
    CHECK(interpolate("${TAG}${NAME}", lookup(), VariableSyntax::Compose).variables == std::vector<std::string>{"TAG", "NAME"});
}

TEST_CASE("interpolate: dockerops.toml reads only the braced forms, and $${ writes ${") {
    CHECK(toml("sh -c 'echo $HOME'") == "sh -c 'echo $HOME'");
    CHECK(toml("x:${TAG:-1}") == "x:7");
    CHECK(toml("$${TAG}") == "${TAG}");
    CHECK(toml("a $$ b") == "a $$ b");
    CHECK(toml("a $ b") == "a $ b");
    CHECK_FALSE(has_variables("$HOME", VariableSyntax::Toml));
    CHECK(has_variables("$HOME", VariableSyntax::Compose));
}

TEST_CASE("interpolate: a compose value is written for dockerops.toml with the same meaning") {
    CHECK(compose_text_as_toml("$TAG") == "${TAG}");
    CHECK(compose_text_as_toml("${TAG:-1}/$NAME") == "${TAG:-1}/${NAME}");
    CHECK(compose_text_as_toml("cost $$5") == "cost $5");
    CHECK(compose_text_as_toml("$${TAG}") == "$${TAG}");
    for (std::string s : {"$TAG", "${MISSING:-x}", "cost $$5", "$${TAG}", "a-$NAME-b"})
        CHECK(toml(compose_text_as_toml(s)) == compose(s));
}

TEST_CASE("interpolate: .env lines as compose reads them") {
    auto lines = parse_env_text("# c\nA=1\nexport B=\"two words\"\n\nC='x'\nbad line\r\n");
    REQUIRE(lines.size() == 4);
    CHECK(lines[0].key == "A");
    CHECK(lines[0].value == "1");
    CHECK(lines[1].key == "B");
    CHECK(lines[1].value == "two words");
    CHECK(lines[2].value == "x");
    CHECK(lines[3].error == "line is not KEY=VALUE");
    CHECK(lines[3].line == 6);
}
