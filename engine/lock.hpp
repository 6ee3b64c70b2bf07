#pragma once
// One apply or destroy at a time per project, held on the engine itself so two
// people on two machines sharing an engine exclude each other. The lock is a
// network named <project>-dockerops-lock (creation is atomic on the engine),
// labelled with who holds it and since when; it carries no project label, so
// plans never see it.
#include "engine/provider.hpp"

#include <chrono>
#include <functional>
#include <string>

namespace dockerops {

std::string lock_name(const std::string& project);

struct LockHolder {
    std::string who;     // user@host pid N
    std::string since;   // UTC, ISO 8601
};

class ProjectLock {
public:
    // Waits up to `timeout` for the lock; `waiting` is told once who holds it.
    static Result<ProjectLock> acquire(Provider& p, const std::string& project, std::chrono::seconds timeout,
                                       const std::function<void(const LockHolder&)>& waiting = {});
    ProjectLock(ProjectLock&& o) noexcept : p_(o.p_), id_(std::move(o.id_)) { o.p_ = nullptr; }
    ProjectLock& operator=(ProjectLock&&) = delete;
    ~ProjectLock() { release(); }
    void release();

private:
    ProjectLock(Provider* p, std::string id) : p_(p), id_(std::move(id)) {}
    Provider* p_;
    std::string id_;
};

// `dockerops unlock`: removes a lock left by a run that was killed.
Result<std::optional<LockHolder>> break_lock(Provider& p, const std::string& project);

}  // namespace dockerops
