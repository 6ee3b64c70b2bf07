#include "util/files.hpp"

#include <fstream>
#include <sstream>

namespace dockerops {

std::optional<std::string> read_text_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::nullopt;
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

bool ensure_git_ignored(const std::filesystem::path& root, const std::string& entry) {
    const auto file = root / ".gitignore";
    std::string text = read_text_file(file).value_or("");
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);)
        if (line == entry) return false;
    std::ofstream(file, std::ios::app) << (text.empty() || text.back() == '\n' ? "" : "\n") << entry << "\n";
    return true;
}

}  // namespace dockerops
