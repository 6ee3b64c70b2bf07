#pragma once
// A build context as the engine will see it: the files of a folder after
// .dockerignore. The same list feeds the tar the provider sends and the hash the
// planner compares, so "unchanged context" means "the same bytes would be sent".
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace dockerops {

class DockerIgnore {
public:
    explicit DockerIgnore(std::string_view text = {});
    static DockerIgnore from_dir(const std::filesystem::path& dir);
    // True when `rel` (slash-separated, relative to the context) is left out.
    bool excluded(std::string_view rel) const;
    bool has_exceptions() const;

private:
    struct Rule { std::string pattern; bool negate; };
    std::vector<Rule> rules_;
};

// Go's filepath.Match, plus '**' for any number of path segments.
bool glob_match(std::string_view pattern, std::string_view path);

struct ContextEntry {
    std::string rel;                  // slash-separated
    std::filesystem::path path;       // on disk
    enum class Kind { File, Dir, Symlink } kind = Kind::File;
};

// dockerops's own folder (the project's key pair, the digest index of
// engine/desired/context_index) at a context's top, as when the context is the
// project's folder: never part of the context (no key is sent to the engine,
// and writing the index does not change the context).
inline constexpr const char* kOwnFolder = ".dockerops";

// Sorted by rel. The Dockerfile and .dockerignore are always included, as the
// engine needs them whatever .dockerignore says; kOwnFolder never is.
std::vector<ContextEntry> context_entries(const std::filesystem::path& dir);

// rel -> SHA-256 of the content (a symlink's target, "" for a folder), each
// file read with a fixed buffer; scan_context does the same with an index.
std::map<std::string, std::string> context_digests(const std::filesystem::path& dir);

// The digests as an image's label holds them (rel=first 12 hex digits, a line
// each). Past 32 KiB, grouped by folder: each path deeper than `depth` folders
// counts in one entry "a/b/" of its folder at that depth (the digest of what is
// under it), at the greatest depth that fits in kContextGroupsBudget, with a
// line "/depth=N" first; empty when even the top folders do not fit.
inline constexpr std::size_t kContextFilesBudget = 32 * 1024;
inline constexpr std::size_t kContextGroupsBudget = 4 * 1024;
std::string context_files_label(const std::map<std::string, std::string>& digests);
// The digests grouped at `depth` as context_files_label does (values: 12 hex digits).
std::map<std::string, std::string> group_digests(const std::map<std::string, std::string>& digests, int depth);

// One SHA-256 over the digests and the build args: the image's context hash.
std::string context_hash(const std::map<std::string, std::string>& digests,
                         const std::map<std::string, std::string>& build_args, std::string_view settings = {});

}  // namespace dockerops
