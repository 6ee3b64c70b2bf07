#include "engine/model/builtins.hpp"

#include <cstdlib>
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

std::optional<fs::path> share_dir() {
    if (const char* env = std::getenv("DOCKEROPS_SHARE_DIR"); env && *env) {
        if (has_containers(env)) return fs::path(env);
        return std::nullopt;
    }
    std::error_code ec;
    const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    if (ec) return std::nullopt;
    // Installed: <prefix>/bin/dockerops and <prefix>/share/dockerops. In a
    // build folder: <build>/dockerops and <build>/share/dockerops (a link made
    // by CMake to the sources' share/).
    for (const fs::path& dir : {exe.parent_path().parent_path() / "share" / "dockerops", exe.parent_path() / "share" / "dockerops"})
        if (has_containers(dir)) return fs::weakly_canonical(dir, ec);
    return std::nullopt;
}

std::string share_dir_description() {
    auto dir = share_dir();
    if (!dir) return "not found (set DOCKEROPS_SHARE_DIR, or reinstall)";
    return dir->string();
}

Result<Container> builtin_container(const std::string& name) {
    auto dir = share_dir();
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
