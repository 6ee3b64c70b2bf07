#pragma once
// Carries out a plan: the executor decides nothing. Each kind of action is one
// fixed protocol of Provider calls (documented in ARCHITECTURE.md, "Protocols"):
// create (secret files, bind folders made and seeded when new, owner stamped,
// create, start, ready), replace (new made aside, old stopped and renamed
// away, new renamed and started, old removed; the old one put back if the new
// one does not become ready), attached create (as create, then the caller's
// terminal, then removed). Actions run as soon as
// every action they depend on has succeeded, up to `parallelism` at once, each
// worker on its own engine connection. A failure stops only its dependents.
#include "engine/apply/provider.hpp"
#include "planner/plan.hpp"

#include <chrono>
#include <filesystem>
#include <set>
#include <functional>
#include <string>
#include <vector>

namespace dockerops {

struct ExecOptions {
    int parallelism = 8;
    // How long an instance may take to be ready, and a job to end, unless
    // the action says (its ready_timeout).
    std::chrono::milliseconds ready_deadline{std::chrono::seconds(120)};
    std::chrono::milliseconds job_deadline{std::chrono::minutes(30)};
    std::chrono::seconds stop_timeout{-1};   // negative: each container's own grace period
    // The progress callbacks below are called in order, one at a time, on a
    // thread of the executor's own (never with its lock held, never holding a
    // worker up): a slow terminal slows no action.
    // One line per event ("build demo/base:latest: done (3.1 s)").
    std::function<void(const std::string&)> log;
    // Build output lines, when wanted.
    std::function<void(const std::string& image, const BuildEvent&)> build_progress;
    // What an instance's action waits for now ("running, health starting", "running to its end").
    std::function<void(const Action&, const std::string& state)> waiting;
    // Told when an action starts and when it has finished.
    std::function<void(const Action&)> started;
    std::function<void(const Action&, const struct ActionResult&)> finished;
    // Called just before a terminal instance takes over the caller's terminal
    // (an attached create): 'dockerops run' lets the project lock go here.
    std::function<void()> before_attach;
};

enum class Outcome { Done, Failed, NotStarted };

struct ActionResult {
    int id = 0;
    Outcome outcome = Outcome::NotStarted;
    std::string message;    // why it failed, or which failure kept it from starting
    double seconds = 0;
    std::string produced;   // build: the image id
    int exit_code = 0;      // attached create: the terminal instance's exit code
    std::string note;       // done, but otherwise than planned: what happened instead
};

struct ExecReport {
    std::vector<ActionResult> results;   // in plan order
    std::size_t scheduling_operations = 0;   // the scheduler's work (engine/apply/scheduler): linear in the plan
    bool ok() const;
    // "Apply: 5 done, 1 failed, 2 not started." and the lines naming them.
    std::string summary(const Plan& plan, const std::string& heading = "Apply") const;
};

ExecReport execute(const Plan& plan, const ProviderFactory& connect, const ExecOptions& options);

// Resolves the spec's image to its id, creates from that id, and writes the
// owner label for it (engine/ownership): every container dockerops creates
// goes through here first.
Status stamp_owner(Provider& p, ContainerSpec& spec);

// An instance's data folder (<data_dir>/<container>_<instance>) that dockerops
// made is recorded beside it, in <data_dir>/.<container>_<instance>.dockerops-made:
// destroy --purge-data deletes only such folders (and the record with them).
std::filesystem::path data_made_record(const std::filesystem::path& instance_dir);
bool write_data_made_record(const std::filesystem::path& instance_dir, const std::string& project);
bool data_made_by_dockerops(const std::filesystem::path& instance_dir);
// The instance folders under `data_dir` whose record says they were made for
// `project` (folder names: "<container>_<instance>").
std::set<std::string> data_folders_made_for(const std::filesystem::path& data_dir, const std::string& project);
// Where a persistent folder is filled before it is renamed into place.
std::filesystem::path seeding_folder(const std::filesystem::path& folder);

}  // namespace dockerops
