#pragma once
// Steps the orchestration functions share (cli/ops only): connecting, the
// lock, asking, planning against an engine, carrying a plan out.
#include "cli/ops/ops.hpp"

namespace dockerops::ops {

Result<std::unique_ptr<Provider>> connect(Session& s);
// What compile is given (project_files.cpp): the process's environment, the
// project's secret key (made on first use), the session's redactor, the
// secrets folder, the key pair's folder when there is one.
Environment process_environment(Session& s, const Project& p);
Result<std::string> project_secret_key(const std::filesystem::path& root, const std::filesystem::path& data_dir);
// The project's key pair in .dockerops/ssh (for ssh into and between
// instances built FROM the base container): made when missing; true when made.
Result<bool> ensure_key_pair(const std::filesystem::path& root, const std::filesystem::path& data_dir, const std::string& project);
// .gitignore covers what dockerops writes into a project: .dockerops/ (keys),
// the host file (secrets) and the data folder when it is inside the project.
// Returns the entries it added.
std::vector<std::string> ignore_project_files(const std::filesystem::path& root, const std::filesystem::path& data_dir);
// Where secret files are written on the host (a tmpfs where possible).
std::filesystem::path secrets_root();
// Loaded (errors printed), compiled (missing variables asked for), connected.
struct Prepared {
    DesiredState desired;
    std::unique_ptr<Provider> engine;
};
Result<Prepared> prepare(Session& s, const Where& where, Changes changes);
Result<ProjectLock> take_lock(Session& s, Provider& engine, const std::string& project, const ApplyFlags& flags);
// On a terminal: ask. Elsewhere: only with `yes`.
bool confirmed(Ui& ui, bool yes, const std::string& question);
// What observe needs for a plan of `d`: the host ports it publishes.
ObserveScope observe_scope(const DesiredState& d);
// Observes, and plans the desired state against it.
// make_plan with what the provider is (its traits) and what it says (notes as warnings).
Result<Plan> plan_observed(Provider& engine, const DesiredState& d, const DesiredGraph& graph, const ObservedState& observed,
                           const std::vector<std::string>& targets, const std::string& group);
Result<Plan> plan_against(Provider& engine, const DesiredState& d, const std::vector<std::string>& targets,
                          const std::string& group);
// What was observed and the plan made from it. When the plan replaces an
// instance, its swap names (-dockerops-new, -old) are observed too, in a
// second observe, so that a foreign holder is a conflict in the plan; when
// it rebuilds, the project's earlier builds. The plan is made again only
// when that second look finds something the first did not.
struct ObservedPlan {
    ObservedState observed;
    Plan plan;
};
Result<ObservedPlan> observe_and_plan(Provider& engine, const DesiredState& d, const DesiredGraph& graph,
                                      const std::vector<std::string>& targets, const std::string& group);
// The question before a plan is carried out, asked without holding the
// project lock: on a terminal the lock is let go while the question waits,
// taken again after, and the engine observed again; if anything changed,
// nothing is done. A plan that removes every instance also needs
// --allow-destroy-all or the project's name (with `guard_destroy_all`).
// Returns the lock to carry the plan out under; nullopt when it is not to be
// carried out (what happened is already said).
std::optional<ProjectLock> confirm_unlocked(Session& s, ProjectLock lock, Provider& engine, const Plan& plan,
                                            const ObservedState& observed, const ApplyFlags& flags, const std::string& question,
                                            const std::string& cancelled, bool guard_destroy_all);
// Carries a plan out (the caller holds the lock), each event a line; `eo`
// gives the hooks beyond the flags'.
ExecReport execute_plan(Session& s, const Plan& plan, const ApplyFlags& flags, ExecOptions eo);
// The summary (and --json results); the exit code.
int report_execution(Session& s, const Plan& plan, const ExecReport& report, const ApplyFlags& flags);
int carry_out(Session& s, const Plan& plan, const ApplyFlags& flags);
// The plan as a command shows it: its text, or with --json its plan event.
void show_plan(Session& s, const Plan& plan, const ApplyFlags& flags);

// A shell prefix that runs `otherwise` unless a supervisord answers on its
// socket here (ops/logs.cpp): supervisorctl is never left waiting for one.
std::string supervisord_guard(const std::string& otherwise);

// --json: JSON Lines events (ops/events.cpp).
std::string plan_event(const Plan& plan, const Redactor& secrets);
void add_json_events(Ui& ui, const Plan& plan, ExecOptions& eo);
std::string summary_event(const Plan& plan, const ExecReport& report, const Redactor& secrets);

}  // namespace dockerops::ops
