#pragma once
// The composition root: the one place that names the concrete provider.
#include "engine/apply/provider.hpp"

namespace dockerops::cli {

// A fresh connection to the Docker engine the environment names (DOCKER_HOST,
// DOCKER_TLS_VERIFY, DOCKER_CERT_PATH; default: the local socket) each call:
// executor workers and the signal thread each get their own.
ProviderFactory provider_factory();

// --trace-api: every engine call to stderr, and their count at the end.
void enable_api_trace();
void print_api_trace_summary();

}  // namespace dockerops::cli
