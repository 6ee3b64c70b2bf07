#pragma once
// The command line: one function per command, each taking the session main
// made (the terminal, the providers) and the words after the command's name. Exceptions stop at main; commands return the exit code.

#include <string>
#include <vector>

namespace dockerops::ops {
struct Session;
}

namespace dockerops::cli {

using Args = std::vector<std::string>;

int cmd_validate(ops::Session& session, const Args& args);
int cmd_import(ops::Session& session, const Args& args);
int cmd_plan(ops::Session& session, const Args& args);
int cmd_apply(ops::Session& session, const Args& args);
int cmd_destroy(ops::Session& session, const Args& args);
int cmd_unlock(ops::Session& session, const Args& args);
int cmd_graph(ops::Session& session, const Args& args);
int cmd_init(ops::Session& session, const Args& args);
int cmd_build(ops::Session& session, const Args& args);
int cmd_run(ops::Session& session, const Args& args);
int cmd_clean(ops::Session& session, const Args& args);
int cmd_ps(ops::Session& session, const Args& args);
int cmd_ip(ops::Session& session, const Args& args);
int cmd_ssh(ops::Session& session, const Args& args);
int cmd_shell(ops::Session& session, const Args& args);
int cmd_exec(ops::Session& session, const Args& args);
int cmd_logs(ops::Session& session, const Args& args);
int cmd_status(ops::Session& session, const Args& args);
int cmd_config(ops::Session& session, const Args& args);
int cmd_stop(ops::Session& session, const Args& args);
int cmd_start(ops::Session& session, const Args& args);
int cmd_restart(ops::Session& session, const Args& args);
int cmd_version(ops::Session& session, const Args& args);
int cmd_complete(ops::Session& session, const Args& args);
int cmd_pause(ops::Session& session, const Args& args);
int cmd_unpause(ops::Session& session, const Args& args);
int cmd_kill(ops::Session& session, const Args& args);
int cmd_images(ops::Session& session, const Args& args);
int cmd_port(ops::Session& session, const Args& args);
int cmd_top(ops::Session& session, const Args& args);
int cmd_events(ops::Session& session, const Args& args);
int cmd_cp(ops::Session& session, const Args& args);
int cmd_pull(ops::Session& session, const Args& args);

// The seed's Fabric-style words: "run:demo,instance=one,persistent_data=True"
// becomes {"run", "demo", "--instance", "one", "--set", "persistent_data=True"}.
// Words that are not in that form are returned unchanged.
Args translate_seed_words(const Args& argv);

// Unblocks the signals main() routes to its signal thread (before exec).
void restore_signals();

}  // namespace dockerops::cli
