#pragma once
// Compose files as a front end of the loader: a compose file (or several,
// merged in compose's order) is translated to dockerops.toml text, line by
// line with the YAML position each line came from, and the loader loads that
// text: both formats share one validator, and `dockerops import` writes the
// same text. The mapping of every key is in docs/compose.md.
#include "engine/config/interpolate.hpp"
#include "engine/config/legacy.hpp"
#include "engine/model/kinds.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace dockerops {

// compose.yaml, compose.yml, docker-compose.yaml, docker-compose.yml: the
// first of those in `folder`, in that order (compose's own).
std::optional<std::filesystem::path> find_compose_file(const std::filesystem::path& folder);
bool is_compose_file_name(const std::filesystem::path& file);

struct ComposeRequest {
    std::vector<std::filesystem::path> files;   // the first one's folder is the project folder
    std::string project_name;                   // -p / COMPOSE_PROJECT_NAME; empty: the file's `name`, else the folder's
    VariableLookup lookup;                      // the environment, then .env
    bool keep_variables = false;                // import: strings keep their variables as written (TOML's braced form)
    std::optional<Target> target = {};          // --target; else x-dockerops.target (swarm: replicas are one service's tasks)
};

// The same ImportResult as a 2016 folder's: the TOML text and each line's origin.
ImportResult import_compose(const ComposeRequest& request);

// A folder's name as compose makes a project name of it: lower case, only
// [a-z0-9_-] kept, leading '_' and '-' removed.
std::string compose_project_name(std::string_view folder_name);

}  // namespace dockerops
