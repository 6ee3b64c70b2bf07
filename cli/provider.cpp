#include "cli/provider.hpp"

#include "providers/docker/docker.hpp"
#include "providers/docker/http.hpp"
#include "providers/swarm/swarm.hpp"

#include <mutex>

namespace dockerops::cli {

namespace {
// The target in effect: --target, else the project's [project] target, else docker.
std::mutex g_mutex;
std::string g_override;
std::string g_target = "docker";
std::string g_registry;
}  // namespace

void set_target_override(const std::string& target) {
    std::lock_guard<std::mutex> l(g_mutex);
    g_override = target;
    g_target = target;
}

std::string use_project_target(const Project& p) {
    std::lock_guard<std::mutex> l(g_mutex);
    g_target = g_override.empty() ? p.target : g_override;
    g_registry = p.registry;
    return g_target;
}

ProviderFactory provider_factory() {
    return []() -> Result<std::unique_ptr<Provider>> {
        std::string target, registry;
        {
            std::lock_guard<std::mutex> l(g_mutex);
            target = g_target;
            registry = g_registry;
        }
        if (target == "swarm") {
            auto s = swarm::SwarmEngine::connect_from_env(swarm::Options{registry, {}});
            if (!s) return s.error();
            return std::unique_ptr<Provider>(std::move(*s));
        }
        auto e = docker::DockerEngine::connect_from_env();
        if (!e) return e.error();
        return std::unique_ptr<Provider>(std::move(*e));
    };
}

void enable_api_trace() { docker::trace::enable(true); }
void print_api_trace_summary() { docker::trace::print_summary(); }

}  // namespace dockerops::cli
