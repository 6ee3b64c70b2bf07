#pragma once
// The plan: plain data. make_plan is a pure function of the desired state and
// what observe() returned: no engine handle, no I/O, no clock. The executor
// carries a plan out and decides nothing.
#include "engine/desired/desired.hpp"
#include "engine/desired/graph.hpp"
#include "engine/model/kinds.hpp"
#include "engine/model/observed.hpp"
#include "engine/model/result.hpp"
#include "engine/model/spec.hpp"
#include "planner/action_spec.hpp"
#include "util/boxed.hpp"

#include <functional>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace dockerops {

// Wait: an instance that runs but is not ready (health starting or unhealthy,
// restarting, a job still running) is waited for, never replaced for it;
// Unpause: a paused one is unpaused. Both are drift (docs/trust.md, "Readiness").
// Adopt: a container docker-compose made for the same project and service, removed
// (its named volumes kept) before dockerops's own is created (apply --adopt).
enum class ActionKind { Build, CreateNetwork, Create, Replace, Start, Remove, RemoveNetwork, PurgeData, RemoveImage, RemoveVolume, Pull, Update, Wait, Unpause, Adopt };
std::string_view to_string(ActionKind k);
std::optional<ActionKind> parse_action_kind(std::string_view s);

// The cause of removing an earlier build that a rebuild supersedes (apply);
// the executor keeps such an image when something else still uses it.
inline constexpr const char* kSupersededCause = "superseded by this rebuild of ";

struct Action {
    int id = 0;                       // 1-based, in plan order
    ActionKind kind = ActionKind::Create;
    std::string key;                  // graph node ("instance:web.one"), or "container:<name>" for an orphan
    std::string object;               // as shown: demo/web:latest, demo, web.one
    std::string cause;                // not found, env API_URL changed, exited (137), ...
    std::vector<int> depends_on;      // ids of actions that must succeed first
    // Boxed (util/boxed.hpp): an action holds at most one of them, and
    // a plan of 100,000 actions moves pointers, not 1.5 KB specs.
    Boxed<BuildSpec> build;
    Boxed<NetworkSpec> network;
    ActionSpec container;             // create / replace / update: the full spec, labels included (a create's made when asked for)
    std::string target_id;            // the existing container or network acted on
    std::string target_name;          // its name as observed (replace: a leftover -dockerops-old keeps its name)
    std::string path;                 // purge-data: the folder to delete; remove: the instance's secret files
    std::vector<std::string> secret_env;   // env names never written in clear (plan files show a hash)
    double sleep = 0;                 // after start, before dependents start
    double ready_timeout = 0;         // seconds an instance may take to be ready (0: the executor's default)
    bool attach = false;              // create: started on the caller's terminal, removed when it ends (never saved)
    bool job = false;                 // create/replace/start: ready when it has exited 0 (depends_on "completed")
};

// A compact record of what was observed, kept in saved plans so that a stale
// one can say what changed.
struct ObservedSummary {
    std::vector<std::string> lines;   // "container demo-web-one <id> running spec <hash>", sorted
    std::string fingerprint;          // SHA-256 of the lines
    ObserveScope scope;               // what was observed: the check observes the same (images by name, ports)
};
ObservedSummary summarize(const ObservedState& o);
// What differs between two summaries, in words.
std::vector<std::string> summary_changes(const ObservedSummary& before, const ObservedSummary& after);

// Something the plan cannot do without touching what is not the project's:
// a name or a host port held by a container dockerops did not create. A plan
// with conflicts is shown, and refused by apply.
struct Conflict {
    std::string object;    // web.one
    std::string message;   // the name demo-web-one is taken by a container dockerops did not create (id ...)
};

struct Plan {
    std::string project;
    Target target = Target::Docker;    // the provider's (ProviderTraits::target): a saved plan is applied to the same
    std::vector<Action> actions;
    std::vector<Conflict> conflicts;
    std::vector<std::string> warnings;
    ObservedSummary observed;
    bool empty() const { return actions.empty(); }
};

struct PlanOptions {
    std::vector<std::string> targets;   // "web.one" (an instance) or "web" (all its instances)
    std::string group;
    ObjectKinds provider_kinds;         // what the provider can make; empty: every kind
    // Instances are Swarm services (ProviderTraits::services): no fixed
    // addresses (a link's <ALIAS>_CONTAINER_IP is the service's DNS name), a
    // changed spec or a service short of tasks is an `update` in place.
    bool services = false;
};

Result<Plan> make_plan(const DesiredState& desired, const DesiredGraph& graph, const ObservedState& observed,
                       const PlanOptions& options);

// The kinds of objects the desired state needs that `have` lacks (by name,
// sorted); nothing when `have` is empty (every kind).
std::vector<std::string> unsupported_kinds(const DesiredState& desired, const ObjectKinds& have);

// On target swarm: what the desired state asks that services cannot do, one
// line per key and instance (empty: everything maps).
std::vector<std::string> unmappable_to_services(const DesiredState& desired);

// An image's build as the engine receives it: the context-files label (the
// digests the next plan names changed files from) added to its build spec.
BuildSpec build_spec_of(const DesiredImage& img);

// `dockerops build`: every image of `containers` (empty: all) and the images
// they are built FROM, built whatever their state, in FROM order.
Result<Plan> make_build_plan(const DesiredState& desired, const DesiredGraph& graph,
                             const std::vector<std::string>& containers, bool no_cache);

struct DestroyOptions {
    std::vector<std::string> targets;   // as for plan; empty: the whole project
    bool purge_data = false;            // data folders, and the project's named volumes
    std::string data_dir;               // <data_dir>/<container>_<instance>
    bool remove_images = false;         // --rmi: the project's images (tagged and dangling)
    std::vector<ObservedVolume> volumes;   // the project's, listed for --purge-data
    std::string secrets_dir;            // <secrets_dir>/<container>_<instance>: deleted with the instance
    // The instance folders under data_dir ("<container>_<instance>") that
    // exist: recorded as made by dockerops (purged) or not (kept, said).
    std::set<std::string> data_made = {}, data_not_made = {};
    // Folders made for the project whose instance is gone (removed by an
    // earlier clean, destroy TARGET or a change of the file): purged too
    // when the whole project is.
    std::set<std::string> data_left = {};
};
// Removes the project's containers (and the network when nothing is left); data
// folders only with purge_data. Needs no configuration beyond names.
Result<Plan> make_destroy_plan(const std::string& project, const ObservedState& observed, const DestroyOptions& options);

// The one canonical text form: the `plan` output and the golden files. With
// colour, only the verbs are wrapped in ANSI colours; the words are the same.
struct TextStyle {
    bool color = false;
};
std::string render_text(const Plan& plan, const TextStyle& style = {});
std::string summary_line(const Plan& plan);
std::string render_json(const Plan& plan);
// The same text in pieces of about 64 KiB, each handed to `sink` as it is
// written: a plan of 100,000 actions is never one string in memory.
void render_json(const Plan& plan, const std::function<void(const std::string&)>& sink);
// Secret values come back as "hmac-sha256:<hex>"; fill_secrets puts the real ones in.
Result<Plan> parse_plan_json(const std::string& json);
// The largest plan file apply reads; past it, a clear refusal.
inline constexpr std::size_t kMaxPlanFileBytes = 256u * 1024 * 1024;
// A saved plan is carried out only if the engine still holds what it was
// made from: otherwise an Error, and `changes` says what differs, in words.
Status check_fresh(const Plan& plan, const ObservedState& now, std::vector<std::string>& changes);
// Every id unique and positive, every dependency an action of the plan, no
// cycle: the executor refuses any other plan (nothing is carried out).
Status check_plan_structure(const Plan& plan);
// A plan read from a file, before anything is done with it: its structure,
// each action's fields for its kind, no data folder deleted, and every path it
// deletes or writes secrets in under the project's secrets folder.
Status check_saved_plan(const Plan& plan, const std::string& secrets_dir);
// For a plan read from a file: each secret from `lookup`, refused if its
// digest under the project's key is not the one planned.
// Each value found is added to `secrets`, so that no output shows it.
Status fill_secrets(Plan& plan, const std::function<std::optional<std::string>(const std::string&)>& lookup,
                    const std::string& secret_key, Redactor& secrets);

// Where the planner's search for a new project's subnet starts (a /20 of
// 10.128.0.0/9 derived from the name); the subnet it picks avoids the
// engine's networks, and is larger for large projects.
std::string default_subnet(const std::string& project);

}  // namespace dockerops
