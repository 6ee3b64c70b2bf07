// providers/docker/registry_auth: the registry of a reference, credentials
// from a config.json's auths, a credsStore and credHelpers (helpers are small
// scripts on a PATH of the test's own), and the header the engine is sent.
// The real registry with basic auth: tests/e2e/registry_auth_test.sh.
#include "providers/docker/registry_auth.hpp"
#include "tests/support.hpp"

#include <catch2/catch.hpp>
#include <simdjson.h>

#include <filesystem>

using namespace dockerops;
using namespace dockerops::docker;
using dockerops::test::TempDir;

namespace {

// A docker-credential-NAME script: prints ANSWER (and exits RC) after reading the server from stdin.
void helper(const TempDir& dir, const std::string& name, const std::string& answer, int rc = 0) {
    const auto file = dir.path() / "bin" / ("docker-credential-" + name);
    dir.write("bin/docker-credential-" + name,
              "#!/bin/sh\nread server\necho \"$server\" > \"$(dirname \"$0\")/asked-" + name + "\"\nprintf '%s' '" + answer + "'\nexit " +
                  std::to_string(rc) + "\n");
    std::filesystem::permissions(file, std::filesystem::perms::owner_all);
}

CredentialSources sources(const TempDir& dir) { return {(dir.path() / "cfg").string(), (dir.path() / "bin").string() + ":/usr/bin:/bin"}; }

std::string decoded_header(const RegistryCredentials& c) {
    auto json = base64_decode(registry_auth_header(c));
    REQUIRE(json);
    return *json;
}

}  // namespace

TEST_CASE("registry auth: the registry a reference names") {
    CHECK(registry_of("busybox") == "docker.io");
    CHECK(registry_of("library/redis:7") == "docker.io");
    CHECK(registry_of("docker.io/library/redis") == "docker.io");
    CHECK(registry_of("index.docker.io/x/y") == "docker.io");
    CHECK(registry_of("127.0.0.1:5000/team/app:1") == "127.0.0.1:5000");
    CHECK(registry_of("localhost/app") == "localhost");
    CHECK(registry_of("registry.example.org/app@sha256:abc") == "registry.example.org");
}

TEST_CASE("registry auth: auths in config.json, by host with or without scheme and path") {
    TempDir dir;
    dir.write("cfg/config.json", R"({"auths": {
        "https://index.docker.io/v1/": {"auth": ")" + base64_encode("hubuser:hub:pass") + R"("},
        "http://127.0.0.1:5000/v2/": {"auth": ")" + base64_encode("alice:s3cret") + R"("},
        "tok.example.org": {"identitytoken": "tkn"},
        "held.example.org": {}}})");
    auto hub = find_credentials("docker.io", sources(dir));
    REQUIRE(hub);
    REQUIRE(*hub);
    CHECK((*hub)->username == "hubuser");
    CHECK((*hub)->password == "hub:pass");   // the first colon splits
    CHECK((*hub)->server == "https://index.docker.io/v1/");
    auto local = find_credentials("127.0.0.1:5000", sources(dir));
    REQUIRE(local);
    REQUIRE(*local);
    CHECK((*local)->username == "alice");
    CHECK(decoded_header(**local) == R"({"username":"alice","password":"s3cret","serveraddress":"127.0.0.1:5000"})");
    auto tok = find_credentials("tok.example.org", sources(dir));
    REQUIRE(tok);
    REQUIRE(*tok);
    CHECK(decoded_header(**tok) == R"({"identitytoken":"tkn","serveraddress":"tok.example.org"})");
    auto none = find_credentials("other.example.org", sources(dir));
    REQUIRE(none);
    CHECK_FALSE(*none);
    auto held = find_credentials("held.example.org", sources(dir));   // an empty entry: none here
    REQUIRE(held);
    CHECK_FALSE(*held);
}

TEST_CASE("registry auth: a credsStore and credHelpers are asked with the server on stdin") {
    TempDir dir;
    helper(dir, "store", R"({"ServerURL":"x","Username":"bob","Secret":"pw"})");
    helper(dir, "special", R"({"ServerURL":"x","Username":"<token>","Secret":"refresh"})");
    dir.write("cfg/config.json", R"({"credsStore": "store", "credHelpers": {"special.example.org": "special"},
        "auths": {"127.0.0.1:5000": {}}})");
    auto c = find_credentials("127.0.0.1:5000", sources(dir));
    REQUIRE(c);
    REQUIRE(*c);
    CHECK((*c)->username == "bob");
    CHECK((*c)->password == "pw");
    CHECK((*c)->from == "helper docker-credential-store");
    auto special = find_credentials("special.example.org", sources(dir));
    REQUIRE(special);
    REQUIRE(*special);
    CHECK((*special)->identity_token == "refresh");
    auto hub = find_credentials("docker.io", sources(dir));
    REQUIRE(hub);
    std::ifstream asked(dir.path() / "bin" / "asked-store");
    std::string server;
    std::getline(asked, server);
    CHECK(server == "https://index.docker.io/v1/");
}

TEST_CASE("registry auth: a helper that has none, fails, or is missing, and a config that is not JSON") {
    TempDir dir;
    helper(dir, "empty", "credentials not found in native keychain", 1);
    helper(dir, "broken", "the keyring is locked", 3);
    dir.write("cfg/config.json", R"({"credsStore": "empty", "credHelpers": {"b.example.org": "broken", "m.example.org": "missing"}})");
    auto none = find_credentials("a.example.org", sources(dir));
    REQUIRE(none);
    CHECK_FALSE(*none);
    auto broken = find_credentials("b.example.org", sources(dir));
    REQUIRE_FALSE(broken);
    CHECK(broken.error().message == "failed for b.example.org (exit 3): the keyring is locked");
    CHECK(broken.error().object == "credential helper docker-credential-broken");
    auto missing = find_credentials("m.example.org", sources(dir));
    REQUIRE_FALSE(missing);
    CHECK(missing.error().message == "docker-credential-missing is not on PATH (config.json names it for m.example.org)");
    dir.write("cfg/config.json", "{not json");
    auto bad = find_credentials("a.example.org", sources(dir));
    REQUIRE_FALSE(bad);
    CHECK(bad.error().object == (dir.path() / "cfg" / "config.json").string());
    auto no_config = find_credentials("a.example.org", {(dir.path() / "nowhere").string(), ""});
    REQUIRE(no_config);
    CHECK_FALSE(*no_config);
}

TEST_CASE("registry auth: base64 both ways, the header in the URL-safe alphabet") {
    CHECK(base64_encode("alice:s3cret") == "YWxpY2U6czNjcmV0");
    CHECK(base64_decode("YWxpY2U6czNjcmV0") == std::optional<std::string>("alice:s3cret"));
    CHECK(base64_decode("YQ") == std::optional<std::string>("a"));
    CHECK(base64_decode("YWI=") == std::optional<std::string>("ab"));
    RegistryCredentials c;
    c.username = "u";
    c.password = "\xfb\xff\xfe";   // bytes whose base64 holds + and /
    c.server = "r";
    const std::string h = registry_auth_header(c);
    auto json = base64_decode(h);
    REQUIRE(json);
    CHECK(base64_encode(*json).find_first_of("+/") != std::string::npos);   // the standard alphabet would have them
    CHECK(h.find('+') == std::string::npos);
    CHECK(h.find('/') == std::string::npos);
}
