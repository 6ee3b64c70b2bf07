#include "cli/provider.hpp"

#include "providers/docker/docker.hpp"
#include "providers/docker/http.hpp"
#include "providers/swarm/swarm.hpp"

#include <mutex>

namespace dockerops::cli {

struct Providers::State {
    std::mutex mutex;
    std::optional<Target> override_target;
    Target target = Target::Docker;
    std::string registry;
    std::map<std::string, std::string> nodes;
    std::shared_ptr<docker::CallTrace> trace;
    std::shared_ptr<swarm::Pushes> pushes = std::make_shared<swarm::Pushes>();   // one push per image in a run
};

Providers::Providers(std::optional<Target> target_override, bool trace_api) : state_(std::make_shared<State>()) {
    state_->override_target = target_override;
    state_->target = target_override.value_or(Target::Docker);
    if (trace_api) state_->trace = std::make_shared<docker::CallTrace>(true);
}

Target Providers::use_project(const Project& p) {
    std::lock_guard<std::mutex> l(state_->mutex);
    state_->target = state_->override_target.value_or(p.target);
    state_->registry = p.registry;
    state_->nodes = p.swarm_nodes;
    return state_->target;
}

ProviderFactory Providers::factory() const {
    return [state = state_]() -> Result<std::unique_ptr<Provider>> {
        Target target;
        swarm::Options options;
        {
            std::lock_guard<std::mutex> l(state->mutex);
            target = state->target;
            options.registry = state->registry;
            options.nodes = state->nodes;
            options.pushes = state->pushes;
        }
        if (target == Target::Swarm) {
            auto s = swarm::SwarmEngine::connect_from_env(std::move(options), state->trace);
            if (!s) return s.error();
            return std::unique_ptr<Provider>(std::move(*s));
        }
        auto e = docker::DockerEngine::connect_from_env(state->trace);
        if (!e) return e.error();
        return std::unique_ptr<Provider>(std::move(*e));
    };
}

void Providers::print_trace_summary() const {
    if (state_->trace) state_->trace->print_summary();
}

}  // namespace dockerops::cli
