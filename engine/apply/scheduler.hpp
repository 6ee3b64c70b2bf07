#pragma once
// Which of a plan's actions may run now: a counter per action of the
// dependencies it still waits on, and a queue of those waiting on none
// (Kahn's order, kept while the actions run). Each dependency edge is looked
// at a bounded number of times over a whole run, so scheduling is linear in
// the plan's size; `operations()` counts that work for the tests. Not
// thread-safe: the executor holds its lock around each call.
#include "planner/plan.hpp"

#include <cstddef>
#include <deque>
#include <optional>
#include <vector>

namespace dockerops {

class Scheduler {
public:
    // `plan` has passed check_plan_structure (unique ids, no cycle, no dangling dependency).
    explicit Scheduler(const Plan& plan);

    // An action whose dependencies all succeeded, taken off the queue.
    std::optional<std::size_t> next();
    // Action `i` has finished. Its dependents are one step nearer to ready; on
    // a failure, every action behind it is settled as not started: each is
    // appended to `not_started` with the action it needed.
    struct Blocked {
        std::size_t action;
        std::size_t needed;   // the dependency that failed or was not started
    };
    void finish(std::size_t i, bool ok, std::vector<Blocked>& not_started);
    // Every action has finished or been settled.
    bool done() const { return settled_ == waiting_on_.size(); }
    std::size_t operations() const { return operations_; }

private:
    std::vector<std::vector<std::size_t>> dependents_;
    std::vector<std::size_t> waiting_on_;   // dependencies not yet done
    std::vector<bool> blocked_;
    std::deque<std::size_t> ready_;
    std::size_t settled_ = 0;
    std::size_t operations_ = 0;
};

}  // namespace dockerops
