#pragma once
// What dockerops reads from a Dockerfile without building it: the images it
// starts FROM (so project images build in order), the ports it EXPOSEs, and
// whether it declares a HEALTHCHECK.
#include "engine/model/spec.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace dockerops {

struct DockerfileFacts {
    std::vector<std::string> from;      // every FROM image, in order (stage names left out)
    std::vector<PortSpec> exposed;      // of the final stage
    bool healthcheck = false;           // the final stage declares one (not NONE)
    std::vector<std::string> unresolved;   // EXPOSE words with variables, not understood
};

DockerfileFacts read_dockerfile(std::string_view text);
DockerfileFacts read_dockerfile_at(const std::filesystem::path& path);

}  // namespace dockerops
