#include "engine/model/builtins.hpp"

#include <system_error>

namespace fs = std::filesystem;

namespace dockerops {

namespace {

bool has_containers(const fs::path& dir) {
    std::error_code ec;
    return fs::is_directory(dir / "containers" / "dockerops-base", ec);
}

}  // namespace

bool is_builtin_container(std::string_view name) { return name == "dockerops-base" || name == "dockerops-dns"; }

std::vector<std::string> builtin_container_names() { return {"dockerops-base", "dockerops-dns"}; }

std::optional<fs::path> find_share_dir(const std::optional<std::string>& named, const fs::path& exe) {
    if (named && !named->empty()) {
        if (has_containers(*named)) return fs::path(*named);
        return std::nullopt;
    }
    if (exe.empty()) return std::nullopt;
    std::error_code ec;
    // Installed: <prefix>/bin/dockerops and <prefix>/share/dockerops. In a
    // build folder: <build>/dockerops and <build>/share/dockerops (a link made
    // by CMake to the sources' share/).
    for (const fs::path& dir : {exe.parent_path().parent_path() / "share" / "dockerops", exe.parent_path() / "share" / "dockerops"})
        if (has_containers(dir)) return fs::weakly_canonical(dir, ec);
    return std::nullopt;
}

std::string share_dir_description(const std::optional<fs::path>& dir) {
    if (!dir) return "not found (set DOCKEROPS_SHARE_DIR, or reinstall)";
    return dir->string();
}

Result<Container> builtin_container(const std::string& name, const std::optional<fs::path>& dir) {
    if (!dir)
        return Error{"this built-in container needs dockerops's share folder, which is not found: set DOCKEROPS_SHARE_DIR "
                     "to it, or reinstall dockerops",
                     "container " + name};
    Container c;
    c.name = name;
    c.path = *dir / "containers" / name;
    c.builtin = true;
    return c;
}

}  // namespace dockerops
