// Build contexts: .dockerignore as the engine reads it, and the context hash.
#include "engine/desired/context.hpp"
#include "tests/support.hpp"

#include <catch2/catch.hpp>

using namespace dockerops;
using dockerops::test::TempDir;

TEST_CASE("context: glob patterns follow Go's filepath.Match, plus **") {
    CHECK(glob_match("*.log", "a.log"));
    CHECK_FALSE(glob_match("*.log", "dir/a.log"));
    CHECK(glob_match("**/*.log", "dir/sub/a.log"));
    CHECK(glob_match("**/*.log", "a.log"));
    CHECK(glob_match("dir/**", "dir/x/y"));
    CHECK(glob_match("a?c", "abc"));
    CHECK_FALSE(glob_match("a?c", "a/c"));
    CHECK(glob_match("[a-c]x", "bx"));
    CHECK_FALSE(glob_match("[!a-c]x", "bx"));
    CHECK(glob_match("\\*", "*"));
}

TEST_CASE("context: .dockerignore rules, exceptions, folders and the last match winning") {
    DockerIgnore ig("# comment\n/secret.txt\n./build/\nlogs/*.log\n!logs/keep.log\n**/*.tmp\n\n");
    CHECK(ig.excluded("secret.txt"));
    CHECK(ig.excluded("build"));
    CHECK(ig.excluded("build/out/x.o"));   // a folder's contents go with it
    CHECK(ig.excluded("logs/a.log"));
    CHECK_FALSE(ig.excluded("logs/keep.log"));
    CHECK(ig.excluded("a/b/c.tmp"));
    CHECK_FALSE(ig.excluded("src/main.c"));
    CHECK(ig.has_exceptions());
}

TEST_CASE("context: the file list leaves out what .dockerignore says, never the Dockerfile") {
    TempDir d;
    d.write("Dockerfile", "FROM scratch\n");
    d.write(".dockerignore", "Dockerfile\nnode_modules\n*.md\n");
    d.write("app.py", "print()\n");
    d.write("README.md", "x\n");
    d.write("node_modules/big/index.js", "x\n");
    std::vector<std::string> rels;
    for (const auto& e : context_entries(d.path())) rels.push_back(e.rel);
    CHECK(rels == std::vector<std::string>{".dockerignore", "Dockerfile", "app.py"});
}

TEST_CASE("context: the hash changes with content, names, modes and build args, not with ignored files") {
    TempDir d;
    d.write("Dockerfile", "FROM scratch\n");
    d.write(".dockerignore", "*.log\n");
    d.write("app.py", "print(1)\n");
    auto h = [&](std::map<std::string, std::string> args = {}) { return context_hash(context_digests(d.path()), args); };
    const std::string base = h();
    CHECK(base.size() == 64);
    CHECK(h() == base);
    d.write("debug.log", "ignored\n");
    CHECK(h() == base);
    CHECK(h({{"V", "1"}}) != base);
    d.write("app.py", "print(2)\n");
    const std::string changed = h();
    CHECK(changed != base);
    std::filesystem::permissions(d.path() / "app.py", std::filesystem::perms::owner_exec, std::filesystem::perm_options::add);
    CHECK(h() != changed);
    auto digests = context_digests(d.path());
    CHECK(digests.count("app.py") == 1);
    CHECK(digests.count("debug.log") == 0);
}
