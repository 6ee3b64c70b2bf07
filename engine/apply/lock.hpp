#pragma once
// One apply or destroy at a time per project, held on the engine itself so two
// people on two machines sharing an engine exclude each other. The lock is an
// object named <project>-dockerops-lock whose creation is atomic on the engine
// (Provider::create_lock: a container created and never started on one
// dockerd, a network on a swarm), labelled with who holds it and since when;
// it carries no project label, so plans never see it.
#include "engine/apply/provider.hpp"

#include <chrono>
#include <functional>
#include <mutex>
#include <set>
#include <string>

namespace dockerops {

std::string lock_name(const std::string& project);
// The lock's io.dockerops.owner label.
std::string lock_owner_token(const std::string& project);

struct LockHolder {
    std::string who;     // user@host pid N
    std::string since;   // UTC, ISO 8601
    // Machine-readable, to tell a holder that is gone: host name, boot id,
    // pid and the process's start time (clock ticks since boot).
    std::string host, boot, pid, start;
};

// Whether the holder is provably gone: on this host (same host name and boot),
// its pid is not alive or belongs to a process started at another time; on
// this host name after a reboot. A holder on another host is never assumed gone.
bool holder_is_gone(const LockHolder& h);

// The locks one process holds, for its signal thread: they are released
// through a fresh connection from `connect` (the holder's own may be mid-call).
// The session owns it; main's signal thread keeps a share of it.
class HeldLocks {
public:
    explicit HeldLocks(ProviderFactory connect) : connect_(std::move(connect)) {}
    void add(const std::string& id);
    void remove(const std::string& id);
    // Releases every lock held; safe to call from a signal thread. Returns how
    // many were released.
    int release_all();

private:
    std::mutex mutex_;
    std::set<std::string> ids_;   // the locks' object ids
    ProviderFactory connect_;
};

class ProjectLock {
public:
    // Waits up to `timeout` for the lock; `waiting` is told once who holds it.
    // A lock whose holder is provably gone is taken over, and `took_over` told.
    static Result<ProjectLock> acquire(Provider& p, const std::string& project, std::chrono::seconds timeout,
                                       const std::function<void(const LockHolder&)>& waiting = {},
                                       const std::function<void(const LockHolder&)>& took_over = {},
                                       HeldLocks* held = nullptr);
    ProjectLock(ProjectLock&& o) noexcept : p_(o.p_), held_(o.held_), id_(std::move(o.id_)) { o.p_ = nullptr; }
    ProjectLock& operator=(ProjectLock&&) = delete;
    ~ProjectLock() { release(); }
    void release();

private:
    ProjectLock(Provider* p, HeldLocks* held, std::string id) : p_(p), held_(held), id_(std::move(id)) {}
    Provider* p_;
    HeldLocks* held_;   // told of the lock while it is held; may be null
    std::string id_;
};

// `dockerops unlock`: removes a lock left by a run that was killed.
Result<std::optional<LockHolder>> break_lock(Provider& p, const std::string& project);

}  // namespace dockerops
