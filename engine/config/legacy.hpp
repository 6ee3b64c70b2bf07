#pragma once
// The 2016 DockerOps layout: apps_containers/ holding one folder per container
// and three JSON files with '#' comments (build.conf, run.conf, host.conf).
// It is read by translating it to dockerops.toml text — exactly what
// `dockerops import` writes; the loader (engine/config/config) loads that, so
// both formats share one validator. The reader never calls the loader. The format as read is documented in docs/legacy.md.
#include "engine/model/diagnostics.hpp"

#include <vector>

#include <filesystem>
#include <optional>
#include <string>

namespace dockerops {

// A folder with apps_containers/run.conf (or apps_containers/ and no dockerops.toml).
bool is_legacy_project(const std::filesystem::path& folder);

struct ImportResult {
    std::string toml;                       // the equivalent dockerops.toml
    std::optional<std::string> host_toml;   // dockerops.host.toml, when host.conf exists
    Diagnostics diagnostics;                // problems in the JSON files themselves
    // Where each line of `toml` came from ("apps_containers/run.conf", entry), to
    // map the validator's messages back onto the file the user wrote.
    struct Origin { int first_line; SourcePos pos; std::string what; };
    std::vector<Origin> origins;
    bool ok() const { return !diagnostics.has_errors(); }
};

ImportResult import_legacy(const std::filesystem::path& folder);

// Strip '#' comments (outside strings) from JSON text, keeping line structure.
std::string strip_hash_comments(std::string_view text);

}  // namespace dockerops
