#pragma once
// Small file helpers shared by the loaders, the build context and the CLI.
#include <filesystem>
#include <optional>
#include <string>

namespace dockerops {

// The whole file as bytes; nullopt when it cannot be opened.
std::optional<std::string> read_text_file(const std::filesystem::path& path);

// What read_regular_file found: the text, or why not.
struct FileRead {
    std::optional<std::string> text;
    std::string error;       // "it is a FIFO, not a regular file", "No such file or directory", ...
    bool missing = false;    // it does not exist
    bool too_large = false;
};
// Input files (configuration, host, env and plan files): a regular file after
// links are followed, opened once and read up to `limit` bytes. A FIFO, a
// device, a socket or a folder is refused at once, without waiting or reading;
// a file past the limit is refused without reading past it.
FileRead read_regular_file(const std::filesystem::path& path, std::size_t limit);

// Adds `entry` as a line of <root>/.gitignore unless a line already says it.
// True when it was added.
bool ensure_git_ignored(const std::filesystem::path& root, const std::string& entry);

}  // namespace dockerops
