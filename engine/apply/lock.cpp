#include "engine/apply/lock.hpp"

#include "util/hash.hpp"
#include "engine/model/ownership.hpp"

#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <mutex>
#include <optional>
#include <set>
#include <sstream>
#include <ctime>
#include <thread>

namespace dockerops {

namespace {

constexpr const char* kHolder = "io.dockerops.lock.holder";
constexpr const char* kSince = "io.dockerops.lock.since";
constexpr const char* kHost = "io.dockerops.lock.host";
constexpr const char* kBoot = "io.dockerops.lock.boot";
constexpr const char* kPid = "io.dockerops.lock.pid";
constexpr const char* kStart = "io.dockerops.lock.start";

std::string first_line(const std::string& path) {
    std::ifstream f(path);
    std::string line;
    std::getline(f, line);
    return line;
}

// Field 22 of /proc/PID/stat: the start time in clock ticks since boot.
std::string start_time_of(const std::string& pid) {
    std::string stat = first_line("/proc/" + pid + "/stat");
    auto close = stat.rfind(')');
    if (close == std::string::npos) return {};
    std::istringstream in(stat.substr(close + 2));
    std::string field;
    for (int i = 3; i <= 22 && in >> field; ++i)
        if (i == 22) return field;
    return {};
}

std::string this_host() {
    char host[256] = "";
    gethostname(host, sizeof host - 1);
    return host;
}

// A /30 in 100.64.0.0/10 per project: a lock network needs an address range,
// and this one is unlikely to meet anything else.
std::string lock_subnet(const std::string& lock) {
    const std::string project = lock.ends_with(kLockSuffix) ? lock.substr(0, lock.size() - kLockSuffix.size()) : lock;
    std::uint64_t h = fnv1a(project) % (1u << 20);   // 2^20 /30 blocks in a /10
    std::uint32_t base = (100u << 24) | (64u << 16) | static_cast<std::uint32_t>(h << 2);
    return std::to_string(base >> 24) + "." + std::to_string((base >> 16) & 255) + "." +
           std::to_string((base >> 8) & 255) + "." + std::to_string(base & 255) + "/30";
}

// The lock is the project's by its owner token: the lock's own, or, for a
// lock network of an earlier dockerops, the ownership rule for networks (the
// token of its name) or its lock label alone.
bool lock_is_ours(const LockObject& n, const std::string& project) {
    if (n.label(labels::kLock) != project) return false;
    const std::string owner = n.label(labels::kOwner);
    return owner.empty() || owner == lock_owner_token(project) || owner == network_owner_token(project, n.name);
}

LockHolder holder_of(const LockObject& n) {
    return {n.label(kHolder), n.label(kSince), n.label(kHost), n.label(kBoot), n.label(kPid), n.label(kStart)};
}

}  // namespace

bool holder_is_gone(const LockHolder& h) {
    if (h.host.empty() || h.host != this_host()) return false;   // elsewhere, or an older dockerops: cannot tell
    if (h.boot != first_line("/proc/sys/kernel/random/boot_id")) return true;   // this host rebooted since
    if (h.pid.empty() || h.pid.find_first_not_of("0123456789") != std::string::npos) return false;
    const std::string now = start_time_of(h.pid);
    return now.empty() || now != h.start;   // no such process, or another one with that pid
}

std::string lock_name(const std::string& project) { return project + std::string(kLockSuffix); }

std::string lock_owner_token(const std::string& project) { return owner_token(project, "lock " + lock_name(project)); }

// The default lock: a network (the engine refuses a second one by its name,
// or by its address range, whichever it checks first).
Result<std::string> Provider::create_lock(const std::string& name, const std::map<std::string, std::string>& labels) {
    return create_network(NetworkSpec{name, lock_subnet(name), "", labels});
}

Result<std::optional<LockObject>> Provider::find_lock(const std::string& name) {
    auto n = find_network(name);
    if (!n) return n.error();
    if (!*n) return std::optional<LockObject>();
    return std::optional<LockObject>(LockObject{(*n)->id, (*n)->name, "network", (*n)->labels});
}

Status Provider::remove_lock(const std::string& id) { return remove_network(id); }

void HeldLocks::add(const std::string& id) {
    std::lock_guard<std::mutex> l(mutex_);
    ids_.insert(id);
}

void HeldLocks::remove(const std::string& id) {
    std::lock_guard<std::mutex> l(mutex_);
    ids_.erase(id);
}

int HeldLocks::release_all() {
    std::lock_guard<std::mutex> l(mutex_);
    if (ids_.empty() || !connect_) return 0;
    auto p = connect_();
    if (!p) return 0;
    int released = 0;
    for (const auto& id : ids_)
        if ((*p)->remove_lock(id)) ++released;
    ids_.clear();
    return released;
}

Result<ProjectLock> ProjectLock::acquire(Provider& p, const std::string& project, std::chrono::seconds timeout,
                                         const std::function<void(const LockHolder&)>& waiting,
                                         const std::function<void(const LockHolder&)>& took_over, HeldLocks* held_locks) {
    const std::string host = this_host();
    const char* user = std::getenv("USER");
    std::time_t now = std::time(nullptr);
    char since[32];
    std::strftime(since, sizeof since, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&now));
    const std::string pid = std::to_string(getpid());
    const std::string name = lock_name(project);
    const std::map<std::string, std::string> labels{
        {labels::kLock, project},
        {labels::kOwner, lock_owner_token(project)},
        {kHolder, std::string(user ? user : "someone") + "@" + host + " pid " + pid},
        {kSince, since},
        {kHost, host},
        {kBoot, first_line("/proc/sys/kernel/random/boot_id")},
        {kPid, pid},
        {kStart, start_time_of("self")}};
    const auto until = std::chrono::steady_clock::now() + timeout;
    bool told = false;
    std::optional<std::string> dead_since;   // the run whose lock was taken over, since when
    while (true) {
        auto made = p.create_lock(name, labels);
        if (made) {
            if (held_locks) held_locks->add(*made);
            ProjectLock lock(&p, held_locks, *made);
            // What the dead run left in flight settles before anything is observed.
            if (dead_since)
                if (auto s = p.settle(project, *dead_since); !s) return s.error();
            return lock;
        }
        // Whether the lock is held is decided by the lock being there: the
        // engine refuses a second one with 409 (same name), or, for a lock
        // network, 403 (its address range is taken).
        auto held = p.find_lock(name);
        if (!held) return held.error();
        const bool late = std::chrono::steady_clock::now() >= until;
        if (*held && !lock_is_ours(**held, project))
            return Error{"a " + (*held)->kind + " named " + name + " that dockerops did not make as this project's lock "
                         "is in the way; it is left alone (rename or remove it)",
                         "project " + project};
        if (*held && holder_is_gone(holder_of(**held))) {
            // Its holder is gone for certain: take it over, and say so.
            LockHolder h = holder_of(**held);
            if (p.remove_lock((**held).id)) {
                if (took_over) took_over(h);
                dead_since = h.since;
                continue;
            }
        }
        if (*held) {
            LockHolder h = holder_of(**held);
            if (late)
                return Error{"locked by " + h.who + " since " + h.since +
                                 "; wait for it (--lock-timeout SECONDS), or run 'dockerops unlock' if that run is gone",
                             "project " + project};
            if (!told && waiting) waiting(h);
            told = true;
        } else if (late || (made.error().status != 409 && made.error().status != 403)) {
            // Not held, yet not creatable: say what the engine said.
            return Error{"cannot take the project lock: " + made.error().message, "project " + project};
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(300));
    }
}

void ProjectLock::release() {
    if (p_ && !id_.empty()) {
        if (held_) held_->remove(id_);
        (void)p_->remove_lock(id_);
    }
    p_ = nullptr;
}

Result<std::optional<LockHolder>> break_lock(Provider& p, const std::string& project) {
    auto held = p.find_lock(lock_name(project));
    if (!held) return held.error();
    std::optional<LockHolder> broken;
    if (*held) {
        if (!lock_is_ours(**held, project))
            return Error{"the " + (*held)->kind + " " + lock_name(project) +
                             " was not made by dockerops as this project's lock; it is left alone",
                         "project " + project};
        broken = holder_of(**held);
        if (auto s = p.remove_lock((*held)->id); !s) return s.error();
    }
    // A lock network left by a dockerops from before the lock was a container.
    if (!*held || (*held)->kind != "network") {
        auto legacy = p.find_network(lock_name(project));
        if (!legacy) return legacy.error();
        if (*legacy) {
            LockObject n{(*legacy)->id, (*legacy)->name, "network", (*legacy)->labels};
            if (lock_is_ours(n, project)) {
                if (!broken) broken = holder_of(n);
                if (auto s = p.remove_network(n.id); !s) return s.error();
            }
        }
    }
    return broken;
}

}  // namespace dockerops
