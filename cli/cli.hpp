#pragma once
// The command line: one function per command, each taking the words after the
// command's name. Exceptions stop at main; commands return the exit code.

#include <string>
#include <vector>

namespace dockerops::cli {

using Args = std::vector<std::string>;

int cmd_validate(const Args& args);
int cmd_import(const Args& args);
int cmd_plan(const Args& args);
int cmd_apply(const Args& args);
int cmd_destroy(const Args& args);
int cmd_unlock(const Args& args);
int cmd_graph(const Args& args);
int cmd_init(const Args& args);
int cmd_build(const Args& args);
int cmd_run(const Args& args);
int cmd_clean(const Args& args);
int cmd_ps(const Args& args);
int cmd_ip(const Args& args);
int cmd_ssh(const Args& args);
int cmd_shell(const Args& args);
int cmd_exec(const Args& args);
int cmd_logs(const Args& args);
int cmd_status(const Args& args);
int cmd_config(const Args& args);
int cmd_stop(const Args& args);
int cmd_start(const Args& args);
int cmd_restart(const Args& args);
int cmd_version(const Args& args);
int cmd_complete(const Args& args);
int cmd_pause(const Args& args);
int cmd_unpause(const Args& args);
int cmd_kill(const Args& args);
int cmd_images(const Args& args);
int cmd_port(const Args& args);
int cmd_top(const Args& args);
int cmd_events(const Args& args);
int cmd_cp(const Args& args);
int cmd_pull(const Args& args);

// The seed's Fabric-style words: "run:demo,instance=one,persistent_data=True"
// becomes {"run", "demo", "--instance", "one", "--set", "persistent_data=True"}.
// Words that are not in that form are returned unchanged.
Args translate_seed_words(const Args& argv);

// Unblocks the signals main() routes to its signal thread (before exec).
void restore_signals();

}  // namespace dockerops::cli
