#pragma once
// What dockerops needs from an engine: one method per kind of action, each one
// engine call where the API allows, plus observing and the terminal (run,
// shell, logs). providers/docker implements it against a real dockerd; tests/
// has an in-memory fake. A second provider (Swarm services) says which kinds of
// objects it owns with kinds(): the planner refuses a project that needs
// another, without knowing which provider it talks to.
#include "engine/model/kinds.hpp"
#include "engine/model/observed.hpp"
#include "engine/model/result.hpp"
#include "engine/model/spec.hpp"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace dockerops {

struct BuildEvent {
    enum class Kind { Step, Output };
    Kind kind = Kind::Output;
    std::string text;          // one line, without its newline
};

// What the engine tells of a change to one of its objects (docker events).
struct EngineEvent {
    std::string type;          // container, network, volume, image
    std::string action;        // create, start, die, health_status: healthy, ...
    std::string id;
    std::int64_t time_nano = 0;                       // when, in UNIX nanoseconds
    std::map<std::string, std::string> attributes;    // name, image, exitCode, the object's labels...
};

// The processes in a container, as ps shows them (docker top).
struct ProcessTable {
    std::vector<std::string> titles;                  // UID, PID, PPID, C, STIME, TTY, TIME, CMD
    std::vector<std::vector<std::string>> processes;
};

struct ImageConfig {
    std::string id;
    std::vector<PortSpec> exposed;              // EXPOSE, tcp and udp
    std::map<std::string, std::string> labels;
    bool has_healthcheck = false;
    std::vector<std::string> cmd, entrypoint;
    std::int64_t size = 0;      // bytes
    std::string created;        // RFC 3339, as the engine gives it
};

struct ExecResult {
    int exit_code = 0;
    std::string out;           // stdout
    std::string err;           // stderr (their relative order is not kept by the engine)
};


// How a provider's engine differs from one dockerd, for the planner.
struct ProviderTraits {
    Target target = Target::Docker;
    // Instances are services of a cluster: no fixed addresses, a changed spec
    // is an update in place (rolling), a service short of tasks is drift.
    bool services = false;
    std::vector<std::string> notes;   // said in every plan ("no IPVS here: ...")
    // Its locks are containers, listed with the project's: apply keeps a home
    // record (where the project was last applied from) as one.
    bool home_record = false;
};

// The project lock (engine/apply/lock.hpp) as the engine holds it.
struct LockObject {
    std::string id, name;
    std::string kind;   // "container" or "network": what it is on the engine, for messages
    std::map<std::string, std::string> labels;
    std::string label(const std::string& k) const {
        auto it = labels.find(k);
        return it == labels.end() ? std::string() : it->second;
    }
};

// What wait_ready does with an unhealthy container.
enum class Unhealthy { Fails, WaitedOut };

class Provider {
public:
    virtual ~Provider() = default;
    virtual ProviderTraits traits() const { return {}; }
    // A service's spec changed in place (a rolling update); ready is wait_ready's.
    virtual Status update_container(const std::string& id, const ContainerSpec& spec) {
        return Error{"this engine cannot update an instance in place", spec.name.empty() ? id : spec.name};
    }
    // The project lock: an object named `name` that the engine creates
    // atomically (a second one of that name fails, with status 409 or 403),
    // carrying `labels`. These defaults make it a network (lock.cpp); the
    // Docker provider makes it a container, created and never started, which
    // costs the engine a tenth of a network.
    virtual Result<std::string> create_lock(const std::string& name, const std::map<std::string, std::string>& labels);
    // The lock of that name, whoever made it; nullopt when there is none.
    virtual Result<std::optional<LockObject>> find_lock(const std::string& name);
    virtual Status remove_lock(const std::string& id);
    // After the lock of a run that died was taken over: what that run had in
    // flight may still be under way on the engine (a stop whose container is
    // still "running"). Waits, bounded, until the project's containers that
    // were told to stop since `since` (ISO 8601 UTC) have stopped, so that the
    // next observe sees the engine at rest. Nothing by default.
    virtual Status settle(const std::string& project, const std::string& since) {
        (void)project, (void)since;
        return ok_status();
    }
    // The kinds of objects this provider makes and observes on its engine.
    virtual ObjectKinds kinds() const = 0;
    // The project's containers, images and networks, in a fixed number of calls.
    virtual Result<ObservedState> observe(const std::string& project, const ObserveScope& scope = {}) = 0;
    virtual Result<std::string> build(const BuildSpec& spec, const std::function<void(const BuildEvent&)>& progress) = 0;
    // Fetches `ref` from its registry; its id. Progress lines as a build's Output events.
    virtual Result<std::string> pull_image(const std::string& ref, const std::function<void(const BuildEvent&)>& progress) = 0;
    virtual Result<ImageConfig> inspect_image(const std::string& ref) = 0;
    virtual Result<std::string> create_network(const NetworkSpec& spec) = 0;
    virtual Status remove_network(const std::string& id_or_name) = 0;
    // A network by name, whoever made it; nullopt when there is none.
    virtual Result<std::optional<ObservedNetwork>> find_network(const std::string& name) = 0;
    virtual Result<std::string> create_container(const ContainerSpec& spec) = 0;
    virtual Status start_container(const std::string& id) = 0;
    // A negative timeout: the container's own grace period (its stop_grace_period, else the engine's 10 s).
    virtual Status stop_container(const std::string& id, std::chrono::seconds timeout) = 0;
    // A paused container resumed.
    virtual Status unpause_container(const std::string& id) {
        return Error{"this engine cannot unpause an instance", id};
    }
    // Its processes frozen (the cgroup freezer), as docker pause does.
    virtual Status pause_container(const std::string& id) { return Error{"this engine cannot pause an instance", id}; }
    // A signal sent to its main process ("SIGKILL", "SIGHUP", "9").
    virtual Status kill_container(const std::string& id, const std::string& signal) {
        (void)signal;
        return Error{"this engine cannot send a signal to an instance", id};
    }
    virtual Status remove_container(const std::string& id, bool force) = 0;
    virtual Status rename_container(const std::string& id, const std::string& new_name) = 0;
    // Until running (or healthy, when the container has a health check), or the deadline.
    // `state`, when given, hears each new state while it waits ("running, health starting").
    // An exit, or a crash loop (restarting, or its restart count rising), fails
    // at once with the exit code and the last output lines; so does an
    // unhealthy state, unless `unhealthy` says to wait it out (an instance that
    // was already running: it may recover before the deadline).
    virtual Status wait_ready(const std::string& id, std::chrono::milliseconds deadline,
                              const std::function<void(const std::string&)>& state = nullptr,
                              Unhealthy unhealthy = Unhealthy::Fails) = 0;
    // Until the container has stopped (a job ran to its end); its exit code.
    virtual Result<int> wait_exit(const std::string& id, std::chrono::milliseconds deadline) = 0;
    virtual Result<ObservedContainer> inspect_container(const std::string& id) = 0;
    virtual Result<ExecResult> exec(const std::string& id, const std::vector<std::string>& cmd) = 0;
    virtual Result<std::string> logs_tail(const std::string& id, int lines) = 0;
    // Copies what `image` holds at `path` into the host folder `dest` (which
    // must be empty); nothing when the image has no such path.
    // Reads through a helper container that is never started, named
    // <project>-dockerops-seed-<hash of dest> and carrying the project's label
    // and owner token (so apply and destroy remove one left behind); a
    // container of that name that is not the project's is refused, never removed.
    virtual Status seed_from_image(const std::string& image, const std::string& path, const std::string& dest,
                                   const std::string& project) = 0;
    // A named volume with these labels; an existing one of that name is kept as it is.
    // Made if missing (the engine answers for an existing one of that name); `driver` empty: local.
    virtual Status create_volume(const std::string& name, const std::map<std::string, std::string>& labels,
                                 const std::string& driver, const std::map<std::string, std::string>& driver_options) = 0;
    // Whether a volume of that name is on the engine (an external volume must be).
    virtual Result<bool> volume_exists(const std::string& name) = 0;
    // Volumes labelled for the project (ownership is checked by the caller).
    virtual Result<std::vector<ObservedVolume>> list_volumes(const std::string& project) = 0;
    virtual Status remove_volume(const std::string& name) = 0;
    // Without force: the engine refuses an image that any container still uses.
    virtual Status remove_image(const std::string& ref, bool force) = 0;

    // The terminal: these join the caller's standard input and output to the
    // container (a TTY in raw mode on a terminal).
    // Starts a container created with open_stdin, attached (tty: as it was
    // created, a TTY's one stream; else its output and errors apart); returns
    // its exit code once it has ended.
    virtual Result<int> run_attached(const std::string& id, bool tty) = 0;
    // `cmd` in a running container on a TTY; returns its exit code.
    virtual Result<int> exec_attached(const std::string& id, const std::vector<std::string>& cmd) = 0;
    // The container's output as it comes (follow: until the container stops).
    struct LogOptions {
        bool follow = false;
        int tail = -1;            // the last N lines only; negative: all
        std::int64_t since = 0;   // UNIX seconds: only what came after; 0: from the start
    };
    virtual Status stream_logs(const std::string& id, const LogOptions& options,
                               const std::function<void(std::string_view)>& out) = 0;
    // The engine's events about the objects labelled for `project`, each as it
    // happens, from `since` (UNIX seconds; 0: from now) until `until` (0: for
    // as long as the engine keeps the stream open).
    struct EventWindow {
        std::int64_t since = 0, until = 0;
    };
    virtual Status stream_events(const std::string& project, const EventWindow& window,
                                 const std::function<void(const EngineEvent&)>& on) {
        (void)window, (void)on;
        return Error{"this engine cannot stream events", "project " + project};
    }
    virtual Result<ProcessTable> top(const std::string& id) { return Error{"this engine cannot list an instance's processes", id}; }
    // Copies the container's `path` (a file or a folder, and what it holds) to
    // the host path `dest`, which it becomes (its parent must exist).
    virtual Status copy_from_container(const std::string& id, const std::string& path, const std::filesystem::path& dest) {
        (void)path, (void)dest;
        return Error{"this engine cannot copy files", id};
    }
    // Copies the host's `src` into the container: into the folder `dest` when
    // there is one, else as `dest` (its parent must exist there).
    virtual Status copy_to_container(const std::string& id, const std::filesystem::path& src, const std::string& dest) {
        (void)src, (void)dest;
        return Error{"this engine cannot copy files", id};
    }
};

// Each executor worker gets its own connection.
using ProviderFactory = std::function<Result<std::unique_ptr<Provider>>()>;

}  // namespace dockerops
