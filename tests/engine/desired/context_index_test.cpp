// The build context's digest index: stat data -> digest, git's racy rule,
// atomic and self-checking files, and the snapshots that name changed files.
#include "engine/desired/context.hpp"
#include "engine/desired/context_index.hpp"
#include "tests/support.hpp"
#include "util/hash.hpp"

#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <fstream>
#include <sstream>
#include <thread>

using namespace dockerops;
using dockerops::test::TempDir;
namespace fs = std::filesystem;

namespace {

std::string slurp(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

// The index rewritten by hand: its scan time set to `at`, the digest of
// `rel` set to `digest`, and its sum made right again.
void forge_index(const fs::path& index, std::int64_t at, const std::string& rel, const std::string& digest) {
    std::istringstream in(slurp(index));
    std::string line, body;
    std::getline(in, line);
    body = line.substr(0, line.rfind(' ') + 1) + std::to_string(at) + "\n";
    while (std::getline(in, line)) {
        if (line.starts_with("end ")) break;
        if (line.size() > rel.size() && line.ends_with(" " + rel)) line = digest + line.substr(64);
        body += line + "\n";
    }
    std::ofstream(index, std::ios::binary | std::ios::trunc) << body << "end " << sha256_hex(body) << "\n";
}

std::int64_t changed_ns(const fs::path& p) {
    struct stat st {};
    REQUIRE(::lstat(p.c_str(), &st) == 0);
    return std::max(std::int64_t(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec,
                    std::int64_t(st.st_ctim.tv_sec) * 1000000000 + st.st_ctim.tv_nsec);
}

const std::string kForged(64, 'a');

}  // namespace

TEST_CASE("context index: a file's digest is SHA-256 of its mode mark and bytes, as before the index") {
    TempDir d;
    d.write("Dockerfile", "FROM scratch\n");
    d.write("app.py", "print(1)\n");
    TempDir home;
    auto scan = scan_context(d.path(), home.path() / "index");
    CHECK(scan.digests.at("app.py") == sha256_hex("f:print(1)\n"));
    CHECK(scan.digests == context_digests(d.path()));
    CHECK(scan.hashed == 2);
    CHECK_FALSE(scan.index_read);
    CHECK(scan.index_written);
}

TEST_CASE("context index: a file whose stat data holds is not read, one changed in the scan's own tick is") {
    TempDir d, home;
    d.write("Dockerfile", "FROM scratch\n");
    d.write("app.py", "print(1)\n");
    const fs::path index = home.path() / "index";
    scan_context(d.path(), index);
    const std::int64_t last_change = std::max(changed_ns(d.path() / "app.py"), changed_ns(d.path() / "Dockerfile"));
    // The scan began after the files' last change: the (forged) digest is taken as it is.
    forge_index(index, last_change + 1, "app.py", kForged);
    auto trusted = scan_context(d.path(), index);
    CHECK(trusted.index_read);
    CHECK(trusted.digests.at("app.py") == kForged);
    CHECK(trusted.hashed == 0);
    CHECK(trusted.reused == 2);
    CHECK_FALSE(trusted.index_written);   // nothing new to say
    // The scan began in the tick of app.py's last change: stat cannot vouch for it.
    forge_index(index, changed_ns(d.path() / "app.py"), "app.py", kForged);
    auto racy = scan_context(d.path(), index);
    CHECK(racy.digests.at("app.py") == sha256_hex("f:print(1)\n"));
    CHECK(racy.hashed >= 1);
    CHECK(racy.index_written);
}

TEST_CASE("context index: a file changed with the same size and mtime put back is hashed again") {
    TempDir d, home;
    d.write("Dockerfile", "FROM scratch\n");
    d.write("app.py", "print(1)\n");
    const fs::path index = home.path() / "index";
    scan_context(d.path(), index);
    const auto mtime = fs::last_write_time(d.path() / "app.py");
    d.write("app.py", "print(2)\n");                   // the same size
    fs::last_write_time(d.path() / "app.py", mtime);   // as `touch -d` would
    CHECK(scan_context(d.path(), index).digests.at("app.py") == sha256_hex("f:print(2)\n"));
}

TEST_CASE("context index: a file replaced by a symlink, and a permission change, are changes") {
    TempDir d, home;
    d.write("Dockerfile", "FROM scratch\n");
    d.write("run.sh", "echo\n");
    d.write("target.sh", "echo\n");
    const fs::path index = home.path() / "index";
    const auto before = scan_context(d.path(), index).digests;
    fs::permissions(d.path() / "run.sh", fs::perms::owner_exec, fs::perm_options::add);
    const auto exec = scan_context(d.path(), index).digests;
    CHECK(exec.at("run.sh") == sha256_hex("x:echo\n"));
    CHECK(exec.at("run.sh") != before.at("run.sh"));
    fs::remove(d.path() / "run.sh");
    fs::create_symlink("target.sh", d.path() / "run.sh");
    CHECK(scan_context(d.path(), index).digests.at("run.sh") == sha256_hex("symlink:target.sh"));
}

TEST_CASE("context index: a deleted or corrupted index is ignored and written again") {
    TempDir d, home;
    d.write("Dockerfile", "FROM scratch\n");
    d.write("a/b.txt", "b\n");
    const fs::path index = home.path() / "index";
    const auto truth = scan_context(d.path(), index).digests;
    fs::remove(index);
    auto rebuilt = scan_context(d.path(), index);
    CHECK_FALSE(rebuilt.index_read);
    CHECK(rebuilt.index_written);
    CHECK(rebuilt.digests == truth);
    // One byte changed: the sum no longer holds, nothing of it is believed.
    forge_index(index, std::int64_t(1) << 62, "a/b.txt", kForged);
    std::string text = slurp(index);
    text[text.find(kForged)] = 'b';
    std::ofstream(index, std::ios::binary | std::ios::trunc) << text;
    auto corrupted = scan_context(d.path(), index);
    CHECK_FALSE(corrupted.index_read);
    CHECK(corrupted.digests == truth);
    CHECK(corrupted.index_written);
    CHECK(scan_context(d.path(), index).index_read);
    // Cut short (as by a crash mid-write, were it not renamed into place).
    text = slurp(index);
    std::ofstream(index, std::ios::binary | std::ios::trunc) << text.substr(0, text.size() / 2);
    CHECK_FALSE(scan_context(d.path(), index).index_read);
    CHECK(scan_context(d.path(), index).index_read);
}

TEST_CASE("context index: two scans at once both see the truth and leave a whole index") {
    TempDir d, home;
    d.write("Dockerfile", "FROM scratch\n");
    for (int i = 0; i < 200; ++i) d.write("f/" + std::to_string(i), std::to_string(i) + "\n");
    const fs::path index = home.path() / "index";
    const auto truth = context_digests(d.path());
    ContextScan one, two;
    std::thread a([&] { one = scan_context(d.path(), index); });
    std::thread b([&] { two = scan_context(d.path(), index); });
    a.join();
    b.join();
    CHECK(one.digests == truth);
    CHECK(two.digests == truth);
    auto after = scan_context(d.path(), index);
    CHECK(after.index_read);
    CHECK(after.digests == truth);
    std::size_t left = 0;
    for (const auto& f : fs::directory_iterator(home.path())) left += f.path().filename().string().find(".tmp.") != std::string::npos;
    CHECK(left == 0);
}

TEST_CASE("context index: the project's own .dockerops folder is never part of a context") {
    TempDir d;
    d.write("Dockerfile", "FROM scratch\n");
    d.write(".dockerops/ssh/id_ed25519", "secret\n");
    const fs::path index = context_index_path(d.path(), d.path());
    CHECK(index.string().starts_with((d.path() / ".dockerops/index/").string()));
    const auto first = scan_context(d.path(), index);
    CHECK(first.index_written);
    CHECK(first.digests.size() == 1);   // the Dockerfile alone
    CHECK(scan_context(d.path(), index).digests == first.digests);
}

TEST_CASE("context index: snapshots keep the per-file digests of the newest hashes") {
    TempDir home;
    const fs::path index = home.path() / "index";
    for (int i = 0; i < 6; ++i)
        keep_context_snapshot(index, char('0' + i) + std::string(63, 'a'), {{"f", sha256_hex(std::to_string(i))}, {"dir", ""}});
    CHECK_FALSE(read_context_snapshot(index, '0' + std::string(63, 'a')));
    auto newest = read_context_snapshot(index, '5' + std::string(63, 'a'));
    REQUIRE(newest);
    CHECK(*newest == std::map<std::string, std::string>{{"f", sha256_hex("5")}, {"dir", ""}});
    std::size_t kept = 0;
    for (const auto& f : fs::directory_iterator(home.path())) kept += f.path().extension() == ".files";
    CHECK(kept == kKeptSnapshots);
}

TEST_CASE("context: a large context's label groups files by folder and still names the changed folder") {
    std::map<std::string, std::string> digests{{"Dockerfile", sha256_hex("d")}};
    for (int i = 0; i < 4000; ++i)
        digests["node_modules/pkg" + std::to_string(i / 50) + "/lib/f" + std::to_string(i % 50) + ".js"] = sha256_hex(std::to_string(i));
    const std::string label = context_files_label(digests);
    CHECK(label.size() < kContextGroupsBudget);
    REQUIRE(label.starts_with("/depth="));
    const int depth = std::stoi(label.substr(7));
    auto grouped = group_digests(digests, depth);
    CHECK(grouped.count("Dockerfile"));
    digests["node_modules/pkg7/lib/f3.js"] = sha256_hex("edited");
    auto after = group_digests(digests, depth);
    std::vector<std::string> changed;
    for (const auto& [k, v] : after) if (grouped.at(k) != v) changed.push_back(k);
    REQUIRE(changed.size() == 1);
    CHECK(std::string("node_modules/pkg7/lib/f3.js").starts_with(changed[0]));
    CHECK(changed[0].back() == '/');
    // A small context keeps a line per file.
    CHECK(context_files_label({{"a", sha256_hex("a")}}) == "a=" + sha256_hex("a").substr(0, 12) + "\n");
}
