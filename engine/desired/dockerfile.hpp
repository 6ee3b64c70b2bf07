#pragma once
// What dockerops reads from a Dockerfile without building it: the images it
// starts FROM (so project images build in order), the ports it EXPOSEs, and
// whether it declares a HEALTHCHECK.
#include "engine/model/spec.hpp"

#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace dockerops {

struct DockerfileFacts {
    std::vector<std::string> from;      // every FROM image, in order (stage names left out)
    std::vector<PortSpec> exposed;      // of the final stage
    bool healthcheck = false;           // the final stage declares one (not NONE)
    std::vector<std::string> unresolved;   // EXPOSE words with variables, not understood
    std::set<std::string> args;            // names declared by ARG (before or after FROM)
};

// ${NAME} and $NAME replaced by their values in `args` (others left as they are).
std::string substitute_args(const std::string& text, const std::map<std::string, std::string>& args);

DockerfileFacts read_dockerfile(std::string_view text);
DockerfileFacts read_dockerfile_at(const std::filesystem::path& path);

}  // namespace dockerops
