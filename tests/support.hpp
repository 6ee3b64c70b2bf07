#pragma once
// Helpers shared by the unit tests: a throw-away project folder on disk.
#include "engine/config/config.hpp"

#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <string>
#include <unistd.h>

namespace dockerops::test {

class TempDir {
public:
    TempDir() {
        std::string tmpl = (std::filesystem::temp_directory_path() / "dockerops-test-XXXXXX").string();
        path_ = mkdtemp(tmpl.data());
    }
    ~TempDir() { std::error_code ec; std::filesystem::remove_all(path_, ec); }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::filesystem::path& path() const { return path_; }
    void write(const std::filesystem::path& rel, const std::string& text) const {
        std::filesystem::create_directories((path_ / rel).parent_path());
        std::ofstream(path_ / rel) << text;
    }

private:
    std::filesystem::path path_;
};

// The sources' share folder: the built-in containers, as the tests find them.
inline std::filesystem::path source_share() { return std::filesystem::path(DOCKEROPS_SOURCE_DIR) / "share"; }

// A project folder with containers/<name>/Dockerfile for each name.
class TempProject : public TempDir {
public:
    explicit TempProject(std::initializer_list<const char*> containers = {"base", "web", "db", "cache"}) {
        for (const char* c : containers) write(std::string("containers/") + c + "/Dockerfile", "FROM scratch\n");
    }
    LoadResult parse(const std::string& toml, std::optional<std::string> host = std::nullopt) const {
        return parse_project(toml, "dockerops.toml", path(),
                             host ? std::optional<std::string_view>(*host) : std::nullopt, "dockerops.host.toml", source_share());
    }
};

inline std::vector<std::string> messages(const LoadResult& r, bool errors_only = true) {
    std::vector<std::string> out;
    for (const auto& d : r.diagnostics.sorted())
        if (!errors_only || d.severity == Severity::Error) out.push_back(format(d));
    return out;
}

}  // namespace dockerops::test
