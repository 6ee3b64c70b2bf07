// The built-in containers and where dockerops finds them.
#include "engine/model/builtins.hpp"
#include "tests/support.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>

using namespace dockerops;

namespace {

// Sets an environment variable for the scope of one test.
class ScopedEnv {
public:
    ScopedEnv(const char* name, const std::string& value) : name_(name) {
        if (const char* old = std::getenv(name)) old_ = old;
        setenv(name, value.c_str(), 1);
    }
    ~ScopedEnv() { old_ ? setenv(name_, old_->c_str(), 1) : unsetenv(name_); }

private:
    const char* name_;
    std::optional<std::string> old_;
};

}  // namespace

TEST_CASE("builtins: the two names, and the share folder from DOCKEROPS_SHARE_DIR when it holds the containers") {
    CHECK(is_builtin_container("dockerops-base"));
    CHECK(is_builtin_container("dockerops-dns"));
    CHECK_FALSE(is_builtin_container("base"));
    dockerops::test::TempDir share;
    share.write("containers/dockerops-base/Dockerfile", "FROM scratch\n");
    {
        ScopedEnv env("DOCKEROPS_SHARE_DIR", share.path().string());
        REQUIRE(share_dir());
        CHECK(*share_dir() == share.path());
        auto c = builtin_container("dockerops-dns");
        REQUIRE(c);
        CHECK(c->path == share.path() / "containers/dockerops-dns");
        CHECK(c->builtin);
    }
    {
        // A folder without the containers is not taken, and says so.
        ScopedEnv env("DOCKEROPS_SHARE_DIR", (share.path() / "containers").string());
        CHECK_FALSE(share_dir());
        CHECK(share_dir_description() == "not found (set DOCKEROPS_SHARE_DIR, or reinstall)");
        auto c = builtin_container("dockerops-base");
        REQUIRE_FALSE(c);
        CHECK_THAT(c.error().text(), Catch::StartsWith("container dockerops-base: this built-in container needs dockerops's share folder"));
    }
    // From the build folder: <build>/share/dockerops, CMake's link to the source tree's share/ (no source path compiled in).
    CHECK(share_dir() == std::filesystem::path(DOCKEROPS_SOURCE_DIR) / "share");
}
