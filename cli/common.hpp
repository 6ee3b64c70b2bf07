#pragma once
// Helpers shared by the commands that talk to the engine (cmd_engine.cpp,
// cmd_seed.cpp): one place for loading, planning, asking, executing, locking.
#include "cli/cli.hpp"
#include "engine/desired/desired.hpp"
#include "engine/apply/lock.hpp"
#include "planner/plan.hpp"
#include "providers/docker/docker.hpp"

#include <boost/program_options.hpp>

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace dockerops::cli {

struct Common {
    std::string file;
    std::optional<std::string> host_file;
    std::vector<std::string> targets;
    std::string group;
};

struct Planned {
    Project project;
    DesiredState desired;
    std::unique_ptr<docker::DockerEngine> engine;
};

void add_common(boost::program_options::options_description& o);
void add_apply_options(boost::program_options::options_description& o);
boost::program_options::variables_map parse(const Args& args, boost::program_options::options_description& opts);
Common common(const boost::program_options::variables_map& vm);

int fail(const Error& e);
// A fresh engine connection each call (executor workers, the signal thread).
ProviderFactory factory();
// Unblocks the signals main() routes to its signal thread (before exec).
void restore_signals();

// The project (configuration only), a connection, and what the engine holds for it.
struct Observed {
    Project project;
    std::unique_ptr<docker::DockerEngine> engine;
    ObservedState state;
};
Result<Observed> load_and_observe(const Common& c);
std::string colored(const std::string& text);
Result<std::unique_ptr<docker::DockerEngine>> connect();
// Loads, lets `adjust` change the project (command-line overrides), compiles
// (asking for missing variables on a terminal), connects.
Result<Planned> prepare(const Common& c, const std::function<void(Project&)>& adjust = {}, CompileOptions options = {});
Result<Plan> plan_now(Planned& pl, const Common& c);
// On a terminal: ask. Elsewhere: only with `yes`.
bool confirmed(bool yes, const std::string& question);
Result<ProjectLock> take_lock(Provider& engine, const std::string& project,
                              const boost::program_options::variables_map& vm);
// Executes a plan (the caller holds the lock); prints progress and the summary.
int execute_plan(const Plan& plan, const boost::program_options::variables_map& vm);
// destroy and clean: the project's containers (or the targeted ones) removed
// under the lock; `question` asked first when given.
int remove_instances(const Common& c, const boost::program_options::variables_map& vm, bool purge,
                     const std::optional<std::string>& question);
// compile(), with a prompt for each missing variable when stdin is a terminal,
// and an offer to save the answers in the host file.
Result<DesiredState> compile_with_prompts(const Project& p, CompileOptions options = {});

}  // namespace dockerops::cli
