// The built-in containers and where dockerops finds them.
#include "engine/model/builtins.hpp"
#include "tests/support.hpp"

#include <catch2/catch.hpp>

using namespace dockerops;

TEST_CASE("builtins: the two names, and the share folder named (DOCKEROPS_SHARE_DIR) when it holds the containers") {
    CHECK(is_builtin_container("dockerops-base"));
    CHECK(is_builtin_container("dockerops-dns"));
    CHECK_FALSE(is_builtin_container("base"));
    dockerops::test::TempDir share;
    share.write("containers/dockerops-base/Dockerfile", "FROM scratch\n");
    const auto found = find_share_dir(share.path().string(), "/nonexistent/bin/dockerops");
    REQUIRE(found);
    CHECK(*found == share.path());
    auto c = builtin_container("dockerops-dns", found);
    REQUIRE(c);
    CHECK(c->path == share.path() / "containers/dockerops-dns");
    CHECK(c->builtin);
    // A folder named without the containers is not taken (the executable's is
    // not looked at then), and says so.
    const auto none = find_share_dir((share.path() / "containers").string(), test::source_share() / "../build/dockerops");
    CHECK_FALSE(none);
    CHECK(share_dir_description(none) == "not found (set DOCKEROPS_SHARE_DIR, or reinstall)");
    auto missing = builtin_container("dockerops-base", none);
    REQUIRE_FALSE(missing);
    CHECK_THAT(missing.error().text(), Catch::StartsWith("container dockerops-base: this built-in container needs dockerops's share folder"));
}

TEST_CASE("builtins: the share folder beside the executable, installed or in a build folder") {
    dockerops::test::TempDir prefix;
    prefix.write("share/dockerops/containers/dockerops-base/Dockerfile", "FROM scratch\n");
    // Installed: <prefix>/bin/dockerops and <prefix>/share/dockerops.
    CHECK(find_share_dir(std::nullopt, prefix.path() / "bin/dockerops") == prefix.path() / "share/dockerops");
    // A build folder: <build>/dockerops and <build>/share/dockerops.
    CHECK(find_share_dir(std::string(), prefix.path() / "dockerops") == prefix.path() / "share/dockerops");
    CHECK_FALSE(find_share_dir(std::nullopt, prefix.path() / "elsewhere/deep/dockerops"));
    CHECK_FALSE(find_share_dir(std::nullopt, std::filesystem::path()));
}
