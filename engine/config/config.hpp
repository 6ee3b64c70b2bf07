#pragma once
// Reading a project: dockerops.toml (+ dockerops.host.toml) or a 2016 DockerOps
// folder, into a validated Project. Every problem is collected, not just the
// first; a project with any error is never returned.
#include "engine/config/interpolate.hpp"
#include "engine/model/diagnostics.hpp"
#include "engine/model/model.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dockerops {

// Larger files are refused before parsing: a declaration is kilobytes to a
// few megabytes, and parsing more costs far more memory than it is worth.
// 16 MiB: a project of 100,000 instances written as [[instances]] tables is
// about 7 MiB (4 MiB until #24; raised for every file read through it).
inline constexpr std::size_t kMaxConfigBytes = 16 * 1024 * 1024;

struct LoadResult {
    std::optional<Project> project;   // set only when there is no error
    Diagnostics diagnostics;          // errors and warnings, in any case
    bool ok() const { return project.has_value(); }
};

// `path` is a dockerops.toml, or a folder holding one, or a folder in the 2016
// layout (apps_containers/ with run.conf). The host file is looked for beside
// the configuration unless `host_file` names one.
// `share_dir`: dockerops's share folder (the built-in containers); nullopt:
// not found, and a project using them is told so.
LoadResult load_project(const std::filesystem::path& path,
                        const std::optional<std::filesystem::path>& host_file = std::nullopt,
                        const std::optional<std::filesystem::path>& share_dir = std::nullopt);

// What the command line says about where the project is and how to read it.
struct LoadOptions {
    // -f: a dockerops.toml, a project folder, or compose files (several are
    // merged in order, compose's override rules). Empty: the current folder,
    // where dockerops.toml is looked for first, then compose.yaml,
    // compose.yml, docker-compose.yaml, docker-compose.yml, then a 2016 layout.
    std::vector<std::filesystem::path> files;
    std::optional<std::filesystem::path> host_file;
    std::string project_name;                        // -p; else COMPOSE_PROJECT_NAME (environment, then .env)
    std::vector<std::string> profiles;               // --profile; else COMPOSE_PROFILES ("a,b")
    std::optional<std::filesystem::path> env_file;   // --env-file; else .env beside the file, when there is one
    std::optional<Target> target;                    // --target docker|swarm; else the file's
    std::string registry;                            // --registry; else DOCKEROPS_REGISTRY (environment, then .env); else the file's
    VariableLookup environment;                      // the process's variables; empty: none
    std::optional<std::filesystem::path> share_dir;  // dockerops's share folder (the built-in containers)
};
// Variables in the file come from, first to last: the environment, the
// .env file, the host file's [env] (docs/compose.md says the whole order).
LoadResult load_project(const LoadOptions& options);

// The same from text, for tests and for `import`: `display` is how messages
// name the file, `root` the folder relative paths start from.
LoadResult parse_project(std::string_view toml_text, const std::string& display,
                         const std::filesystem::path& root,
                         std::optional<std::string_view> host_text = std::nullopt,
                         const std::string& host_display = std::string(kHostFileName),
                         const std::optional<std::filesystem::path>& share_dir = std::nullopt);

// A 2016 folder: engine/config/legacy translates it, then the loader above
// loads the text; messages are mapped back onto run.conf.
LoadResult load_legacy_project(const std::filesystem::path& folder,
                               const std::optional<std::filesystem::path>& host_file = std::nullopt,
                               const std::optional<std::filesystem::path>& share_dir = std::nullopt);

}  // namespace dockerops
