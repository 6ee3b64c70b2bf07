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

// Sorted by rel. The Dockerfile and .dockerignore are always included, as the
// engine needs them whatever .dockerignore says.
std::vector<ContextEntry> context_entries(const std::filesystem::path& dir);

// rel -> SHA-256 of the content (a symlink's target, "" for a folder).
std::map<std::string, std::string> context_digests(const std::filesystem::path& dir);

// One SHA-256 over the digests and the build args: the image's context hash.
std::string context_hash(const std::map<std::string, std::string>& digests,
                         const std::map<std::string, std::string>& build_args, std::string_view settings = {});

}  // namespace dockerops
