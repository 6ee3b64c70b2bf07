// util/files: input files are regular files read once, up to a limit; a FIFO,
// a device or a folder is refused at once (a FIFO with no writer would
// otherwise block forever, /dev/zero never end).
#include "util/files.hpp"
#include "tests/support.hpp"

#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <chrono>

using dockerops::read_regular_file;
using dockerops::test::TempDir;

TEST_CASE("files: a regular file is read whole, up to its limit, through a link too") {
    TempDir d;
    d.write("a.toml", "name = 1\n");
    auto r = read_regular_file(d.path() / "a.toml", 1024);
    REQUIRE(r.text);
    CHECK(*r.text == "name = 1\n");
    std::filesystem::create_symlink(d.path() / "a.toml", d.path() / "link.toml");
    CHECK(read_regular_file(d.path() / "link.toml", 1024).text == std::string("name = 1\n"));
    d.write("big", std::string(5000, 'x'));
    auto big = read_regular_file(d.path() / "big", 4096);
    CHECK_FALSE(big.text);
    CHECK(big.too_large);
    CHECK(big.error == "it is larger than the 4 KiB such a file may be");
    CHECK(read_regular_file(d.path() / "big", 4u << 20).text->size() == 5000);
    auto missing = read_regular_file(d.path() / "nope", 10);
    CHECK(missing.missing);
    CHECK(missing.error == "No such file or directory");
}

TEST_CASE("files: a FIFO, a device and a folder are refused at once") {
    TempDir d;
    REQUIRE(::mkfifo((d.path() / "fifo").c_str(), 0600) == 0);
    const auto t0 = std::chrono::steady_clock::now();
    auto fifo = read_regular_file(d.path() / "fifo", 1024);
    CHECK_FALSE(fifo.text);
    CHECK(fifo.error == "it is a FIFO, not a regular file");
    // Refused without waiting for a writer (a blocking open would never return).
    CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(5));
    std::filesystem::create_symlink("/dev/zero", d.path() / "zero.toml");
    auto zero = read_regular_file(d.path() / "zero.toml", 1024);
    CHECK_FALSE(zero.text);
    CHECK(zero.error == "it is a device, not a regular file");
    std::filesystem::create_directories(d.path() / "dockerops.toml");
    CHECK(read_regular_file(d.path() / "dockerops.toml", 1024).error == "it is a folder, not a file");
}
