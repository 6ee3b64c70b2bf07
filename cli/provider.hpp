#pragma once
// The composition root: the one place that names the concrete provider.
#include "engine/apply/provider.hpp"
#include "engine/model/model.hpp"

#include <memory>
#include <optional>

namespace dockerops::cli {

// Where a session's connections go: a fresh connection to the engine the
// environment names (DOCKER_HOST, DOCKER_TLS_VERIFY, DOCKER_CERT_PATH;
// default: the local socket) each call, so executor workers and the signal
// thread each get their own. The provider follows the target in effect:
// --target (`target_override`), else the loaded project's [project] target
// (use_project), else docker. main owns it.
class Providers {
public:
    // trace_api: --trace-api or DOCKEROPS_TRACE=api, every engine call to stderr.
    Providers(std::optional<Target> target_override, bool trace_api);
    ProviderFactory factory() const;
    // Told the loaded project: its target and registry. Returns the target in effect.
    Target use_project(const Project& project);
    // --trace-api: the count of engine calls, at the end.
    void print_trace_summary() const;

private:
    struct State;
    std::shared_ptr<State> state_;   // shared with the factories handed out (the signal thread keeps one)
};

}  // namespace dockerops::cli
