// Build contexts as tar streams (providers/docker/tar): streamed through a
// pipe by a thread of their own, the same bytes as the archive in a file.
#include "providers/docker/tar.hpp"
#include "tests/support.hpp"

#include <catch2/catch.hpp>

#include <string>

using namespace dockerops;
using namespace dockerops::docker;

namespace {
std::string read_all(std::FILE* f) {
    std::string out;
    char buf[8192];
    while (std::size_t n = std::fread(buf, 1, sizeof buf, f)) out.append(buf, n);
    return out;
}
}  // namespace

TEST_CASE("tar: a context streamed through a pipe is the archive written to a file, byte for byte") {
    test::TempDir d;
    d.write("Dockerfile", "FROM scratch\n");
    d.write("big/blob", std::string(3 << 20, 'x'));   // larger than a pipe holds: the writer waits for the reader
    for (int i = 0; i < 50; ++i) d.write("many/f" + std::to_string(i), std::to_string(i));
    auto file = write_context_tar(d.path());
    REQUIRE(file);
    const std::string whole = read_all(file->get());
    auto stream = ContextStream::open(d.path());
    REQUIRE(stream);
    CHECK(read_all((*stream)->file()) == whole);
    CHECK((*stream)->finish().ok());
    CHECK(whole.size() > (3u << 20));
}

TEST_CASE("tar: a reader that stops early ends the writing with an error, and nothing hangs") {
    test::TempDir d;
    d.write("big/blob", std::string(8 << 20, 'y'));
    auto stream = ContextStream::open(d.path());
    REQUIRE(stream);
    char buf[4096];
    REQUIRE(std::fread(buf, 1, sizeof buf, (*stream)->file()) == sizeof buf);
    auto written = (*stream)->finish();   // closes the reading end while the writer is in the blob
    REQUIRE_FALSE(written);
    CHECK_THAT(written.error().message, Catch::StartsWith("cannot write the build context: "));
    CHECK_FALSE(ContextStream::open(d.path() / "nope"));
}
