// Secrets: keyed digests, and the one mask every printed message goes through.
#include "util/hash.hpp"
#include "engine/model/secrets.hpp"

#include <catch2/catch.hpp>

using namespace dockerops;

TEST_CASE("secrets: a digest is keyed, so a dictionary of sha256 sums does not reverse it") {
    const std::string a = secret_digest("key-one", "hunter2");
    CHECK(a.starts_with("hmac-sha256:"));
    CHECK(a.size() == 12 + 64);
    CHECK(a == secret_digest("key-one", "hunter2"));
    CHECK(a != secret_digest("key-two", "hunter2"));
    CHECK(a.find(sha256_hex("hunter2")) == std::string::npos);
}

TEST_CASE("secrets: values added to a session's redactor are masked, also as the engine quotes them") {
    Redactor secrets;
    secrets.add("correct-horse-battery");
    secrets.add(std::string("sec\0ret-value", 13));
    secrets.add("ab");   // too short to mask without masking ordinary words
    CHECK(secrets.redact("env DB=correct-horse-battery!") == "env DB=(sensitive)!");
    // runc's message, as the engine passes it on (Go's %q inside JSON).
    CHECK(secrets.redact(R"x(environment variable value can't contain null(\x00): "DB_PASSWORD=sec\x00ret-value": unknown)x") ==
          R"x(environment variable value can't contain null(\x00): "DB_PASSWORD=(sensitive)": unknown)x");
    CHECK(secrets.redact("about abba") == "about abba");
    // Another session's redactor knows nothing of these.
    CHECK(Redactor().redact("env DB=correct-horse-battery!") == "env DB=correct-horse-battery!");
}
