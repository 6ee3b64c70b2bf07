#pragma once
// The containers shipped with dockerops itself, as in the 2016 tool:
// dockerops-base (the SSH-ready base) and dockerops-dns (the platform's DNS).
// Every project knows them by name, without a path: declared with no `path`,
// named by an instance or a link, or built FROM (dockerops/dockerops-base),
// they are built from the installed copy in <share>/containers/NAME and
// tagged dockerops/NAME:latest, an image shared by every project (never
// removed by `destroy --rmi`). A `path` makes it the project's own build of
// that name.
#include "engine/model/model.hpp"
#include "engine/model/result.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace dockerops {

inline constexpr const char* kBuiltinImagePrefix = "dockerops/";

bool is_builtin_container(std::string_view name);
std::vector<std::string> builtin_container_names();

// Where dockerops's own files are, from what the process was given (cli/ops
// reads them): `named` ($DOCKEROPS_SHARE_DIR), when it holds the containers;
// else <dir of the executable>/../share/dockerops (an installed copy); else
// <dir of the executable>/share/dockerops (a build folder: CMake's link to the
// sources' share/). No source path is compiled in.
std::optional<std::filesystem::path> find_share_dir(const std::optional<std::string>& named,
                                                    const std::filesystem::path& executable);
// What `dockerops version` says about it.
std::string share_dir_description(const std::optional<std::filesystem::path>& share);

// The built-in container NAME, from the share folder (the project's, as found
// by the command line; nullopt: not found, and the error says so).
Result<Container> builtin_container(const std::string& name, const std::optional<std::filesystem::path>& share);

}  // namespace dockerops
