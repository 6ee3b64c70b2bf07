#pragma once
// Small file helpers shared by the loaders, the build context and the CLI.
#include <filesystem>
#include <optional>
#include <string>

namespace dockerops {

// The whole file as bytes; nullopt when it cannot be opened.
std::optional<std::string> read_text_file(const std::filesystem::path& path);

// Adds `entry` as a line of <root>/.gitignore unless a line already says it.
// True when it was added.
bool ensure_git_ignored(const std::filesystem::path& root, const std::string& entry);

}  // namespace dockerops
