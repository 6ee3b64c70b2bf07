// Fuzz target: arbitrary bytes as a saved plan file (`dockerops plan -o`). The
// reader and the checks apply runs before anything is done with it
// (parse_plan_json, check_saved_plan) must refuse or accept, never crash, hang
// or read out of bounds; a plan they accept is one the executor can order.
#include "planner/plan.hpp"

#include <cstddef>
#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string text(reinterpret_cast<const char*>(data), size);
    auto plan = dockerops::parse_plan_json(text);
    if (!plan) return 0;
    auto checked = dockerops::check_saved_plan(*plan, "/run/dockerops/secrets/" + plan->project);
    // Accepted: its structure holds (the executor would otherwise refuse it whole).
    if (checked && !dockerops::check_plan_structure(*plan)) __builtin_trap();
    // Whatever was read renders again without failing.
    (void)dockerops::render_text(*plan);
    (void)dockerops::render_json(*plan);
    return 0;
}
