#pragma once
// Carries out a plan: the executor decides nothing. Actions run as soon as
// every action they depend on has succeeded, up to `parallelism` at once, each
// worker on its own engine connection. A failure stops only its dependents.
#include "engine/apply/provider.hpp"
#include "planner/plan.hpp"

#include <chrono>
#include <functional>
#include <string>
#include <vector>

namespace dockerops {

struct ExecOptions {
    int parallelism = 8;
    std::chrono::milliseconds ready_deadline{std::chrono::seconds(120)};
    std::chrono::seconds stop_timeout{10};
    // One line per event ("build demo/base:latest: done (3.1 s)"); called from worker threads, serialised.
    std::function<void(const std::string&)> log;
    // Build output lines, when wanted.
    std::function<void(const std::string& image, const BuildEvent&)> build_progress;
};

enum class Outcome { Done, Failed, NotStarted };

struct ActionResult {
    int id = 0;
    Outcome outcome = Outcome::NotStarted;
    std::string message;    // why it failed, or which failure kept it from starting
    double seconds = 0;
};

struct ExecReport {
    std::vector<ActionResult> results;   // in plan order
    bool ok() const;
    // "Apply: 5 done, 1 failed, 2 not started." and the lines naming them.
    std::string summary(const Plan& plan) const;
};

ExecReport execute(const Plan& plan, const ProviderFactory& connect, const ExecOptions& options);

// Resolves the spec's image to its id, creates from that id, and writes the
// owner label for it (engine/ownership): every container dockerops creates
// goes through here first.
Status stamp_owner(Provider& p, ContainerSpec& spec);

}  // namespace dockerops
