#include "engine/apply/scheduler.hpp"

#include <unordered_map>

namespace dockerops {

Scheduler::Scheduler(const Plan& plan)
    : dependents_(plan.actions.size()), waiting_on_(plan.actions.size(), 0), blocked_(plan.actions.size(), false) {
    std::unordered_map<int, std::size_t> index;
    index.reserve(plan.actions.size());
    for (std::size_t i = 0; i < plan.actions.size(); ++i) index.emplace(plan.actions[i].id, i);
    for (std::size_t i = 0; i < plan.actions.size(); ++i) {
        for (int dep : plan.actions[i].depends_on) {
            ++operations_;
            dependents_[index.at(dep)].push_back(i);
            ++waiting_on_[i];
        }
        if (waiting_on_[i] == 0) ready_.push_back(i);
    }
}

std::optional<std::size_t> Scheduler::next() {
    if (ready_.empty()) return std::nullopt;
    ++operations_;
    std::size_t i = ready_.front();
    ready_.pop_front();
    return i;
}

void Scheduler::finish(std::size_t i, bool ok, std::vector<Blocked>& not_started) {
    ++settled_;
    if (ok) {
        for (std::size_t d : dependents_[i]) {
            ++operations_;
            if (--waiting_on_[d] == 0 && !blocked_[d]) ready_.push_back(d);
        }
        return;
    }
    // Everything behind the failure, each once: it never becomes ready.
    std::vector<std::size_t> todo{i};
    while (!todo.empty()) {
        std::size_t at = todo.back();
        todo.pop_back();
        for (std::size_t d : dependents_[at]) {
            ++operations_;
            if (blocked_[d]) continue;
            blocked_[d] = true;
            ++settled_;
            not_started.push_back({d, at});
            todo.push_back(d);
        }
    }
}

}  // namespace dockerops
