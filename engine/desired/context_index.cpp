#include "engine/desired/context_index.hpp"

#include "engine/desired/context.hpp"
#include "util/hash.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <ctime>
#include <fstream>
#include <random>
#include <sstream>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace fs = std::filesystem;

namespace dockerops {

namespace {

constexpr std::string_view kIndexHeader = "dockerops-context-index 1 ";
constexpr std::string_view kSnapshotHeader = "dockerops-context-snapshot 1\n";

struct StatKey {
    std::uint64_t size = 0, ino = 0, mode = 0;
    std::int64_t mtime = 0, ctime = 0;   // ns since the epoch
    bool operator==(const StatKey&) const = default;
};

struct IndexEntry {
    StatKey stat;
    std::string_view digest;
};

std::int64_t ns_of(const struct timespec& t) { return std::int64_t(t.tv_sec) * 1000000000 + t.tv_nsec; }

StatKey stat_key(const struct stat& st) {
    return {std::uint64_t(st.st_size), std::uint64_t(st.st_ino), std::uint64_t(st.st_mode), ns_of(st.st_mtim),
            ns_of(st.st_ctim)};
}

// The clock file times are taken from (coarse: it never runs ahead of them).
std::int64_t now_ns() {
    struct timespec t {};
    clock_gettime(CLOCK_REALTIME_COARSE, &t);
    return ns_of(t);
}

std::optional<std::string> read_whole(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    if (!in) return std::nullopt;
    return std::string(std::istreambuf_iterator<char>(in), {});
}

// The body of a file ending in "end <sha256 of what precedes>\n"; nullopt when
// the sum does not hold (a torn or edited file is not trusted).
std::optional<std::string_view> checked_body(std::string_view text) {
    if (text.size() < 70 || text.back() != '\n') return std::nullopt;
    const std::size_t end = text.rfind("end ", text.size() - 2);
    if (end == std::string_view::npos || (end > 0 && text[end - 1] != '\n')) return std::nullopt;
    const std::string_view body = text.substr(0, end);
    if (text.substr(end + 4, text.size() - end - 5) != sha256_hex(body)) return std::nullopt;
    return body;
}

// Writes `body` and its sum to `path` atomically (a temporary file renamed).
// A folder it makes holds a .gitignore of "*": a cache is never committed,
// whether or not the project's .gitignore names .dockerops/.
bool write_checked(const fs::path& path, const std::string& body) {
    std::error_code ec;
    if (!fs::is_directory(path.parent_path(), ec)) {
        fs::create_directories(path.parent_path(), ec);
        std::ofstream(path.parent_path() / ".gitignore") << "*\n";
    }
    const fs::path tmp = path.string() + ".tmp." + std::to_string(::getpid()) + "." + std::to_string(std::random_device{}());
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        if (!out) return false;
        out << body << "end " << sha256_hex(body) << '\n';
        if (!out.flush()) {
            fs::remove(tmp, ec);
            return false;
        }
    }
    fs::rename(tmp, path, ec);
    if (ec) fs::remove(tmp, ec);
    return !ec;
}

template <typename T>
bool take_number(std::string_view& line, T& out) {
    const auto [p, err] = std::from_chars(line.data(), line.data() + line.size(), out);
    if (err != std::errc() || p == line.data() + line.size() || *p != ' ') return false;
    line.remove_prefix(static_cast<std::size_t>(p - line.data()) + 1);
    return true;
}

bool is_digest(std::string_view s) {
    return s.size() == 64 && std::all_of(s.begin(), s.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

// An index's entries, views into `text`; false when it is not a whole index of this version.
bool parse_index(std::string_view text, std::int64_t& scanned_at, std::unordered_map<std::string_view, IndexEntry>& out) {
    auto body = checked_body(text);
    if (!body || !body->starts_with(kIndexHeader)) return false;
    std::string_view rest = body->substr(kIndexHeader.size());
    const std::size_t nl = rest.find('\n');
    if (nl == std::string_view::npos) return false;
    std::string_view first = rest.substr(0, nl);
    const auto [end, err] = std::from_chars(first.data(), first.data() + first.size(), scanned_at);
    if (err != std::errc() || end != first.data() + first.size()) return false;
    rest.remove_prefix(nl + 1);
    while (!rest.empty()) {
        const std::size_t e = rest.find('\n');
        if (e == std::string_view::npos) return false;
        std::string_view line = rest.substr(0, e);
        rest.remove_prefix(e + 1);
        if (line.size() < 66 || line[64] != ' ' || !is_digest(line.substr(0, 64))) return false;
        IndexEntry entry;
        entry.digest = line.substr(0, 64);
        line.remove_prefix(65);
        StatKey& k = entry.stat;
        if (!take_number(line, k.size) || !take_number(line, k.mtime) || !take_number(line, k.ctime) ||
            !take_number(line, k.ino) || !take_number(line, k.mode) || line.empty())
            return false;
        out.emplace(line, entry);
    }
    return true;
}

std::string file_digest(const ContextEntry& e, const struct stat* st) {
    switch (e.kind) {
        case ContextEntry::Kind::Dir: return "";
        case ContextEntry::Kind::Symlink: {
            std::error_code ec;
            return sha256_hex("symlink:" + fs::read_symlink(e.path, ec).string());
        }
        case ContextEntry::Kind::File: break;
    }
    // The executable bit changes what runs in the image: it is part of the content.
    const bool exec = st ? (st->st_mode & S_IXUSR) != 0
                         : (fs::status(e.path).permissions() & fs::perms::owner_exec) != fs::perms::none;
    const std::string_view prefix = exec ? "x:" : "f:";
    return sha256_file_hex(prefix, e.path.c_str()).value_or(sha256_hex(prefix));
}

}  // namespace

ContextScan scan_context(const fs::path& dir, const fs::path& index) {
    ContextScan scan;
    std::string old_text;
    std::int64_t old_at = 0;
    std::unordered_map<std::string_view, IndexEntry> old;
    if (!index.empty())
        if (auto t = read_whole(index)) {
            old_text = std::move(*t);
            scan.index_read = parse_index(old_text, old_at, old);
            if (!scan.index_read) old.clear();
        }
    const std::int64_t at = now_ns();
    std::string body = std::string(kIndexHeader) + std::to_string(at) + "\n";
    std::size_t kept = 0;
    for (const auto& e : context_entries(dir)) {
        if (e.kind != ContextEntry::Kind::File) {
            scan.digests[e.rel] = file_digest(e, nullptr);
            continue;
        }
        struct stat st {};
        if (::lstat(e.path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) {
            scan.digests[e.rel] = file_digest(e, nullptr);
            continue;
        }
        const StatKey key = stat_key(st);
        std::string digest;
        auto it = old.find(e.rel);
        // Trusted only when the stat data holds and the file was last changed
        // before the old scan began: a change within its tick is not seen by stat.
        if (it != old.end() && it->second.stat == key && key.mtime < old_at && key.ctime < old_at) {
            digest = std::string(it->second.digest);
            ++scan.reused;
        } else {
            digest = file_digest(e, &st);
            ++scan.hashed;
        }
        if (e.rel.find('\n') == std::string::npos) {
            body += digest + ' ' + std::to_string(key.size) + ' ' + std::to_string(key.mtime) + ' ' +
                    std::to_string(key.ctime) + ' ' + std::to_string(key.ino) + ' ' + std::to_string(key.mode) + ' ' +
                    e.rel + '\n';
            ++kept;
        }
        scan.digests[e.rel] = std::move(digest);
    }
    // Written when it says something new: a hashed file, a file gone, or no index before.
    if (!index.empty() && (scan.hashed > 0 || !scan.index_read || kept != old.size()))
        scan.index_written = write_checked(index, body);
    return scan;
}

fs::path context_index_path(const fs::path& root, const fs::path& dir) {
    std::error_code ec;
    fs::path abs = fs::absolute(dir, ec);
    if (ec) abs = dir;
    fs::path top = fs::absolute(root, ec);
    if (ec) top = root;
    return top.lexically_normal() / ".dockerops" / "index" / sha256_hex(abs.lexically_normal().string()).substr(0, 16);
}

namespace {

fs::path snapshot_path(const fs::path& index, const std::string& hash) {
    return index.string() + "." + hash.substr(0, std::min<std::size_t>(hash.size(), 32)) + ".files";
}

}  // namespace

void keep_context_snapshot(const fs::path& index, const std::string& hash, const std::map<std::string, std::string>& digests) {
    if (index.empty() || hash.empty()) return;
    const fs::path path = snapshot_path(index, hash);
    std::error_code ec;
    if (fs::exists(path, ec)) return;
    std::string body(kSnapshotHeader);
    for (const auto& [rel, d] : digests)
        if (rel.find('\n') == std::string::npos) body += (d.empty() ? std::string(64, '-') : d) + ' ' + rel + '\n';
    if (!write_checked(path, body)) return;
    // The newest kKeptSnapshots of this context stay: their list, newest first,
    // is beside them (two plans at once may keep one more or one fewer: a cache).
    const fs::path list = index.string() + ".snapshots";
    std::vector<std::string> names{path.filename().string()};
    const auto old = read_whole(list);
    std::istringstream in(std::string(old ? checked_body(*old).value_or("") : ""));
    for (std::string line; std::getline(in, line);)
        if (!line.empty() && line != names.front() && line.find('/') == std::string::npos) names.push_back(line);
    for (std::size_t i = kKeptSnapshots; i < names.size(); ++i) fs::remove(index.parent_path() / names[i], ec);
    names.resize(std::min(names.size(), kKeptSnapshots));
    std::string text;
    for (const auto& n : names) text += n + '\n';
    write_checked(list, text);
}

std::optional<std::map<std::string, std::string>> read_context_snapshot(const fs::path& index, const std::string& hash) {
    if (index.empty() || hash.empty()) return std::nullopt;
    auto text = read_whole(snapshot_path(index, hash));
    if (!text) return std::nullopt;
    auto body = checked_body(*text);
    if (!body || !body->starts_with(kSnapshotHeader)) return std::nullopt;
    std::map<std::string, std::string> out;
    std::string_view rest = body->substr(kSnapshotHeader.size());
    while (!rest.empty()) {
        const std::size_t e = rest.find('\n');
        if (e == std::string_view::npos || e < 66 || rest[64] != ' ') return std::nullopt;
        const std::string_view d = rest.substr(0, 64);
        out[std::string(rest.substr(65, e - 65))] = d[0] == '-' ? std::string() : std::string(d);
        rest.remove_prefix(e + 1);
    }
    return out;
}

}  // namespace dockerops
