#pragma once
// Interactive use: the caller's terminal joined to a container's TTY or an
// exec's, over a hijacked connection ("Upgrade: tcp"), in raw mode, with the
// window size passed on (and again on SIGWINCH).
#include "engine/model/result.hpp"
#include "providers/docker/http.hpp"

#include <optional>
#include <string>
#include <vector>

namespace dockerops::docker {

struct TerminalSize {
    int rows = 0, cols = 0;
};

struct AttachIo {
    int in_fd = 0;     // read until EOF or until the remote side ends
    int out_fd = 1;
    // When in_fd is not a terminal (tests, pipes), the size to give the TTY.
    std::optional<TerminalSize> size;
    int err_fd = 2;    // the container's standard error, when it has no TTY
    // The container has a TTY: one raw stream, and the caller's terminal in
    // raw mode. Without: the engine's frames split to out_fd and err_fd, and
    // the end of in_fd closes the container's standard input.
    bool tty = true;
};

// Attaches to a container created with open_stdin (and stdin_once), then starts it.
// Returns the container's exit code once it has ended.
Result<int> attach_and_start(const Endpoint& endpoint, const std::string& api_version, const std::string& container_id,
                             const AttachIo& io);

// Runs `cmd` in a running container on a TTY joined to the caller's terminal.
// Returns the command's exit code.
Result<int> exec_interactive(const Endpoint& endpoint, const std::string& api_version, const std::string& container_id,
                             const std::vector<std::string>& cmd, const AttachIo& io);

}  // namespace dockerops::docker
