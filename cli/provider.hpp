#pragma once
// The composition root: the one place that names the concrete provider.
#include "engine/apply/provider.hpp"
#include "engine/model/model.hpp"

namespace dockerops::cli {

// A fresh connection to the Docker engine the environment names (DOCKER_HOST,
// DOCKER_TLS_VERIFY, DOCKER_CERT_PATH; default: the local socket) each call:
// executor workers and the signal thread each get their own.
// The provider follows the target in effect: --target (set_target_override),
// else the loaded project's [project] target (use_project_target), else docker.
ProviderFactory provider_factory();
void set_target_override(const std::string& target);
std::string use_project_target(const Project& project);

// --trace-api: every engine call to stderr, and their count at the end.
void enable_api_trace();
void print_api_trace_summary();

}  // namespace dockerops::cli
