#pragma once
// The options every command shares, and reading them into the orchestration
// layer's requests.
#include "cli/cli.hpp"
#include "cli/ops/ops.hpp"

#include <boost/program_options.hpp>

namespace dockerops::cli {

namespace po = boost::program_options;

// -h, -f FILE, --host-file, and TARGET... as positional words (--target is
// listed only where TARGETs are taken: `hidden` gets it otherwise, parsed so
// that a stray word is refused, not shown).
enum class FileFlag { Short, LongOnly };   // LongOnly: -f means something else (logs -f follows)
void add_common(po::options_description& o, po::options_description& hidden, bool with_targets, FileFlag file = FileFlag::Short);
// -f, --host-file, -p, --profile, --env-file: where the project is and how it is read.
void add_project_options(po::options_description& o, FileFlag file = FileFlag::Short);
// What every changing command takes: --yes, --parallelism, --lock-timeout,
// --json, --progress, --quiet.
void add_change_options(po::options_description& o);
// apply's (and run's): the above, --allow-destroy-all, --adopt and the selection's.
void add_apply_options(po::options_description& o);
// --no-deps and --force-recreate (plan and apply).
void add_selection_options(po::options_description& o);
po::variables_map parse(const Args& args, po::options_description& opts);

ops::Where where(const po::variables_map& vm);
std::vector<std::string> targets(const po::variables_map& vm);
std::string group(const po::variables_map& vm);
ops::ApplyFlags apply_flags(const po::variables_map& vm);

// --help: the options, printed.
int print_help(const po::options_description& opts);

// A command's options: the common ones first, then its own (add them to
// `opts`). parse() gives nullopt when --help was asked, and prints the options.
// A command that takes no TARGET refuses one (a stray word is not ignored).
struct Command {
    explicit Command(const std::string& usage, bool with_targets = true, FileFlag file = FileFlag::Short)
        : opts(usage), takes_targets(with_targets) {
        add_common(opts, hidden, with_targets, file);
    }
    std::optional<po::variables_map> parse(const Args& args);
    // "[options] TARGET CMD...": the options before TARGET (with the value of
    // each that takes one) and TARGET are ours; everything after it is the
    // command, verbatim (its own -c and --flags included); all of it after "--".
    std::pair<Args, Args> split_at_target(const Args& args) const;
    po::options_description opts;     // shown by --help
    po::options_description hidden;   // parsed, not shown
    bool takes_targets;
};

// A command with the common options only: parsed, then `run` on the project.
int run_simple(ops::Session& session, const Args& args, const std::string& usage, int (*run)(ops::Session&, const ops::Where&));

}  // namespace dockerops::cli
