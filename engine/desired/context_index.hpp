#pragma once
// A build context's digest index, as git's index: per regular file, its stat
// data (size, mtime and ctime in ns, inode, mode) and the digest it had. A
// file whose stat data is unchanged is not read again; one modified within
// the clock's granularity of the index's own scan is (git's "racy" rule).
// Kept under the project's .dockerops/index/ (safe to delete: rebuilt when
// missing; written atomically; a corrupted one is ignored and rebuilt).
// Beside it, the per-file digests of the newest context hashes seen
// (snapshots), so a plan can name the files that changed since a build
// whatever the context's size.
#include <cstddef>
#include <filesystem>
#include <map>
#include <optional>
#include <string>

namespace dockerops {

struct ContextScan {
    std::map<std::string, std::string> digests;   // rel -> SHA-256, as context_digests
    std::size_t hashed = 0;                        // regular files read and hashed
    std::size_t reused = 0;                        // regular files whose index entry held: not read
    bool index_read = false;                       // an index was there, whole, and of this version
    bool index_written = false;
};

// The digests of `dir`'s context with the index at `index` (empty: none kept).
ContextScan scan_context(const std::filesystem::path& dir, const std::filesystem::path& index);

// Where the index of the context `dir` of a project at `root` lives.
std::filesystem::path context_index_path(const std::filesystem::path& root, const std::filesystem::path& dir);

// The per-file digests of a context hash, kept beside `index` (the newest
// kKeptSnapshots hashes of that context); nothing written when it is there.
inline constexpr std::size_t kKeptSnapshots = 4;
void keep_context_snapshot(const std::filesystem::path& index, const std::string& hash,
                           const std::map<std::string, std::string>& digests);
std::optional<std::map<std::string, std::string>> read_context_snapshot(const std::filesystem::path& index,
                                                                        const std::string& hash);

}  // namespace dockerops
