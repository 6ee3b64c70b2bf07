#pragma once
// The orchestration layer: load → compile → observe → plan → apply, the
// ad-hoc run, builds, saved plans, and the reading commands' lookups. The
// commands (cli/cmd_*.cpp) parse their arguments into these requests, call one
// function, and print what it returns; everything here reaches the engine
// through Session::connect (the composition root's provider in cli/provider,
// the in-memory fake in tests) and the user through Ui.
#include "engine/apply/executor.hpp"
#include "engine/apply/lock.hpp"
#include "engine/config/config.hpp"
#include "engine/desired/desired.hpp"
#include "engine/model/model.hpp"
#include "planner/plan.hpp"

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace dockerops::ops {

inline constexpr int kExitOk = 0;
inline constexpr int kExitError = 1;
inline constexpr int kExitChanges = 2;   // plan --detailed-exitcode: changes pending

// What the user sees and answers. The terminal one is cli/terminal_ui; tests
// record the text and script the answers.
class Ui {
public:
    virtual ~Ui() = default;
    virtual void out(const std::string& text) = 0;   // standard output, as is
    virtual void err(const std::string& text) = 0;   // standard error
    virtual std::string read_line(bool hidden) = 0;  // one answer (hidden: not echoed)
    bool in_terminal = false;    // standard input is a terminal: questions may be asked
    bool out_terminal = false;   // standard output is a terminal
    bool err_terminal = false;   // standard error is a terminal
    bool color = false;          // colour the plan's verbs
    // The session's secrets: every text shown to the user goes through it.
    Redactor secrets;
};

struct Session {
    Ui& ui;
    ProviderFactory connect;
    // Told the project once it is loaded ([project] target and registry);
    // returns the target in effect (--target wins). Unset: docker.
    std::function<Target(const Project&)> use_target = nullptr;
    // The project locks this process holds, for main's signal thread; null: not kept.
    std::shared_ptr<HeldLocks> locks = nullptr;
    // --target docker|swarm: a compose file is read for it (on swarm a
    // service's replicas are one service's tasks, not containers).
    std::optional<Target> target_override = std::nullopt;
};

// Which project: -f (a file or folder; empty: the current folder) and --host-file.
struct Where {
    std::string file = {};                     // the first -f (empty: the current folder)
    std::vector<std::string> more_files = {};  // further -f: compose files merged over the first
    std::optional<std::string> host_file = {};
    std::string project_name = {};             // -p
    std::vector<std::string> profiles = {};    // --profile
    std::optional<std::string> env_file = {};  // --env-file
    std::string registry = {};                 // --registry
    bool adopt = false;                        // --adopt: docker-compose's containers of the project are replaced
    bool no_deps = false;                      // --no-deps: the targets alone (plan, apply)
    bool force_recreate = false;               // --force-recreate: replaced even when unchanged (plan, apply)
};
// How engine/config reads the project: the above and the process environment.
// `target`: main's --target (Session::target_override), which a compose file is read for.
LoadOptions load_options(const Where& where, std::optional<Target> target = std::nullopt);
// dockerops's share folder (the built-in containers): $DOCKEROPS_SHARE_DIR, else
// beside the executable (engine/model/builtins' find_share_dir); nullopt: not found.
std::optional<std::filesystem::path> share_dir();

// What apply, destroy, clean and run share.
struct ApplyFlags {
    bool yes = false;
    bool allow_destroy_all = false;
    int parallelism = 8;
    int lock_timeout = 120;   // seconds
    bool json = false;
    bool plain_progress = false;   // every build output line
    bool quiet = false;            // nothing but the result (the summary, and errors)
    std::string heading = "Apply";   // the summary's first word: "Destroy: 3 done, ..."
};

// "dockerops: <message>" on standard error; returns kExitError.
int fail(Ui& ui, const Error& e);

// --- configuration (ops/load.cpp) ---
// The project, or nullopt with every error printed (the first 100).
// The session's connections then go to the project's target (Project::target
// is set to the one in effect).
enum class Changes { No, Yes };   // does the command change anything: "nothing was changed" is said then
std::optional<Project> load_or_report(Session& s, const Where& where, Changes changes = Changes::No);
// compile(), asking for each missing variable when there is a terminal, and
// offering to save the answers in the host file.
Result<DesiredState> compile_with_prompts(Session& s, const Project& p, CompileOptions options = {});
// validate: "ok: project 'demo', 2 containers, ..." or the errors.
int validate(Session& s, const Where& where);
// Words for shell completion, one a line, read from the project's file alone
// (no engine, no message: a file that does not load gives none): "targets"
// (containers and instance ids), "containers", "groups".
std::string completion_words(const Where& where, const std::string& kind);
// validate --json: {"ok", "summary", "diagnostics": [{severity, file, line, column, message, hint}]}.
int validate_json(Session& s, const Where& where);
// import: dockerops.toml (and the host file) written for a 2016 folder.
int import_project(Session& s, const std::string& folder, const std::optional<std::string>& output, bool force);
// init: the project's key pair.
int init(Session& s, const Where& where);

// --- plans and changes (ops/apply.cpp) ---
struct PlanRequest {
    Where where;
    std::vector<std::string> targets;
    std::string group;
    bool json = false;
    std::optional<std::string> out;   // save the plan here
    bool detailed_exitcode = false;
};
int plan(Session& s, const PlanRequest& r);

struct ApplyRequest {
    Where where;
    std::vector<std::string> targets;
    std::string group;
    ApplyFlags flags;
};
int apply(Session& s, const ApplyRequest& r);
// A saved plan, carried out exactly if the engine still holds what it was made from.
int apply_saved(Session& s, const Where& where, const std::string& plan_file, const ApplyFlags& flags);

struct RemoveRequest {
    Where where;
    std::vector<std::string> targets;   // empty: the whole project
    bool purge_data = false;
    bool remove_images = false;
    std::optional<std::string> question;   // asked first when set
    ApplyFlags flags;
};
// destroy and clean.
int remove_instances(Session& s, const RemoveRequest& r);
int unlock(Session& s, const Where& where);
// The desired graph as DOT; with `with_plan`, each node coloured by its planned action.
Result<std::string> graph_dot(Session& s, const Where& where, const std::vector<std::string>& targets,
                              const std::string& group, bool with_plan);

// --- build and run (ops/build.cpp, ops/run.cpp) ---
struct BuildRequest {
    Where where;
    std::vector<std::string> containers;   // empty or "all": every one
    bool no_cache = false;
    enum class Progress { Auto, Plain, Json } progress = Progress::Auto;
    int parallelism = 4;                    // images built at once, along the FROM graph
};
int build(Session& s, const BuildRequest& r);

struct RunRequest {
    Where where;
    std::string target;                     // CONTAINER, CONTAINER.INSTANCE or all
    std::optional<std::string> instance;    // --instance
    std::optional<InstanceType> type;       // --type, --interactive, --safemode
    std::map<std::string, bool> sets;       // --set SWITCH=BOOL
    ApplyFlags flags;
    // --rm: a one-off copy of the instance (the first declared, or the one
    // named), attached and removed at its end; its exit code is run's.
    struct OneOffRun {
        std::vector<std::string> command;   // empty: the instance's own
        bool service_ports = false;         // --service-ports: its ports published as declared
        bool tty = false;                   // a TTY (both ends are a terminal, and no -T)
    };
    std::optional<OneOffRun> rm = std::nullopt;
};
int run(Session& s, const RunRequest& r);

// --- config (ops/config_view.cpp): the resolved project as JSON, secrets masked ---
int config(Session& s, const Where& where);

// --- stop, start, restart, pause, unpause, kill (ops/lifecycle.cpp) ---
enum class Lifecycle { Stop, Start, Restart, Pause, Unpause, Kill };
struct LifecycleRequest {
    Where where;
    std::vector<std::string> targets;   // instances or containers; none (and no group): every instance
    std::string group;
    Lifecycle verb = Lifecycle::Stop;
    std::string signal = "SIGKILL";     // kill's
};
// One line per instance; starts wait until each is ready (as apply does).
// Exit 1 when any failed or a target matches nothing.
int lifecycle(Session& s, const LifecycleRequest& r);

// --- reading (ops/inspect.cpp) ---
struct Observed {
    Project project;
    std::unique_ptr<Provider> engine;
    ObservedState state;
};
Result<Observed> load_and_observe(Session& s, const Where& where);

// One instance for TARGET ("web.one", "web" or a container name): several
// matching ones are offered as a choice on a terminal, named in the error elsewhere.
struct Chosen {
    Project project;
    std::unique_ptr<Provider> engine;
    ObservedContainer container;
    std::string address;   // on the project's network
};
Result<Chosen> choose(Session& s, const Where& where, const std::string& target, bool running_only = true);

// The project's instances on the engine (not a replace's leftovers) that
// TARGETS select -- an instance id, a container, or the name on the engine --
// plus those whose id is in `also`; with neither, all of them. A TARGET that
// selects nothing is an Error, with the instance it may have meant.
Result<std::vector<const ObservedContainer*>> select_instances(const Observed& ob, const std::vector<std::string>& targets,
                                                               const std::set<std::string>& also = {});

// ps: a header row, then one row per instance.
Result<std::vector<std::vector<std::string>>> ps_rows(Session& s, const Where& where, bool all);
// `images`: a header row, then one per image the project uses (built or
// taken): CONTAINER, IMAGE, ID (12 hex, or "not built"/"not pulled"), SIZE, CREATED.
Result<std::vector<std::vector<std::string>>> image_rows(Session& s, const Where& where);
// `port TARGET PORT[/PROTO]`: where a published port is reached on the host ("0.0.0.0:8080").
Result<std::string> published_port(Session& s, const Where& where, const std::string& target, const std::string& port);
// status: supervisorctl status in every running instance, as text.
Result<std::string> status_text(Session& s, const Where& where);
// ssh: the key and the address to log in with.
struct SshTarget {
    std::string key;
    std::string address;
};
Result<SshTarget> ssh_target(Session& s, const Where& where, const std::string& target);
// shell: a command's result, or an interactive shell (exit code) on a terminal.
Result<ExecResult> shell_command(Session& s, const Where& where, const std::string& target, const std::vector<std::string>& cmd);
Result<int> shell_interactive(Session& s, const Where& where, const std::string& target);
// logs: the output of the instances TARGETS match (none: every instance), as
// docker logs gives it for one; with several, each line prefixed by its
// instance ("web.one  | ...", coloured on a terminal), read at once. With
// `program`, that supervisord program's own log in each (no --follow).
struct LogsRequest {
    Where where;
    std::vector<std::string> targets;
    Provider::LogOptions options;
    std::string since;     // "10m", "2h", a UNIX time or an RFC 3339 date; empty: all
    std::string program;   // a supervisord program of the base container
};
int logs(Session& s, const LogsRequest& r);
// "10m" (that long ago), a UNIX time, or "2026-11-26T08:00:00" (UTC) as UNIX
// seconds; 0 for ""; nullopt when it is none of those.
std::optional<std::int64_t> since_seconds(const std::string& text);

// --- the engine's view of the project (ops/container_io.cpp) ---
// top: the processes of each running instance TARGETS select (all: none
// named), under its name; with json, an array of {instance, titles, processes}.
Result<std::string> top_text(Session& s, const Where& where, const std::vector<std::string>& targets, bool json);
// events: the engine's events about the project's objects as they happen, one
// line each (JSON Lines with json), from `since` until `until` (empty: from
// now, for ever).
struct EventsRequest {
    Where where;
    std::string since, until;
    bool json = false;
};
int events(Session& s, const EventsRequest& r);
// cp: TARGET:PATH to a host path, or a host path to TARGET:PATH.
int copy(Session& s, const Where& where, const std::string& from, const std::string& to);
// pull: the images the project takes as they are (those of CONTAINERS, or
// all), fetched again; built ones are named and passed over.
int pull(Session& s, const Where& where, const std::vector<std::string>& containers);

}  // namespace dockerops::ops
