#include "engine/lock.hpp"

#include "engine/context.hpp"

#include <unistd.h>

#include <cstdlib>
#include <ctime>
#include <thread>

namespace dockerops {

namespace {

constexpr const char* kHolder = "io.dockerops.lock.holder";
constexpr const char* kSince = "io.dockerops.lock.since";

// A /30 in 100.64.0.0/10 per project: the lock network needs an address range,
// and this one is unlikely to meet anything else.
std::string lock_subnet(const std::string& project) {
    std::uint64_t h = fnv1a(project) % (1u << 20);   // 2^20 /30 blocks in a /10
    std::uint32_t base = (100u << 24) | (64u << 16) | static_cast<std::uint32_t>(h << 2);
    return std::to_string(base >> 24) + "." + std::to_string((base >> 16) & 255) + "." +
           std::to_string((base >> 8) & 255) + "." + std::to_string(base & 255) + "/30";
}

LockHolder holder_of(const ObservedNetwork& n) {
    return {n.label(kHolder), n.label(kSince)};
}

}  // namespace

std::string lock_name(const std::string& project) { return project + "-dockerops-lock"; }

Result<ProjectLock> ProjectLock::acquire(Provider& p, const std::string& project, std::chrono::seconds timeout,
                                         const std::function<void(const LockHolder&)>& waiting) {
    char host[256] = "";
    gethostname(host, sizeof host - 1);
    const char* user = std::getenv("USER");
    std::time_t now = std::time(nullptr);
    char since[32];
    std::strftime(since, sizeof since, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&now));
    NetworkSpec spec{lock_name(project), lock_subnet(project), "",
                     {{labels::kLock, project}, {kHolder, std::string(user ? user : "someone") + "@" + host + " pid " +
                                                              std::to_string(getpid())},
                      {kSince, since}}};
    const auto until = std::chrono::steady_clock::now() + timeout;
    bool told = false;
    while (true) {
        auto made = p.create_network(spec);
        if (made) return ProjectLock(&p, *made);
        // Whether the lock is held is decided by the lock network being there:
        // the engine refuses a second one with 409 (same name) or 403 (its
        // address range is taken), depending on which check it makes first.
        auto held = p.find_network(spec.name);
        if (!held) return held.error();
        const bool late = std::chrono::steady_clock::now() >= until;
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
    if (p_ && !id_.empty()) (void)p_->remove_network(id_);
    p_ = nullptr;
}

Result<std::optional<LockHolder>> break_lock(Provider& p, const std::string& project) {
    auto held = p.find_network(lock_name(project));
    if (!held) return held.error();
    if (!*held) return std::optional<LockHolder>();
    LockHolder h = holder_of(**held);
    if (auto s = p.remove_network((*held)->id); !s) return s.error();
    return std::optional<LockHolder>(h);
}

}  // namespace dockerops
