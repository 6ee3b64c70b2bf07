#include "cli/provider.hpp"

#include "providers/docker/docker.hpp"
#include "providers/docker/http.hpp"

namespace dockerops::cli {

ProviderFactory provider_factory() {
    return []() -> Result<std::unique_ptr<Provider>> {
        auto e = docker::DockerEngine::connect_from_env();
        if (!e) return e.error();
        return std::unique_ptr<Provider>(std::move(*e));
    };
}

void enable_api_trace() { docker::trace::enable(true); }
void print_api_trace_summary() { docker::trace::print_summary(); }

}  // namespace dockerops::cli
