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
};

// Attaches to a container created with tty and open_stdin, then starts it.
// Returns the container's exit code once it has ended.
Result<int> attach_and_start(const Endpoint& endpoint, const std::string& api_version, const std::string& container_id,
                             const AttachIo& io);

// Runs `cmd` in a running container on a TTY joined to the caller's terminal.
// Returns the command's exit code.
Result<int> exec_interactive(const Endpoint& endpoint, const std::string& api_version, const std::string& container_id,
                             const std::vector<std::string>& cmd, const AttachIo& io);

}  // namespace dockerops::docker
