// Test helper for tty_test.sh: attaches the real terminal it runs in (under
// tmux) to a new busybox container's TTY, and writes the exit code to a file.
//   tty_probe PROJECT EXIT_CODE_FILE
#include "providers/docker/attach.hpp"
#include "providers/docker/docker.hpp"

#include <fstream>
#include <iostream>

using namespace dockerops;

int main(int argc, char** argv) {
    if (argc != 3) return 2;
    auto e = docker::DockerEngine::connect_from_env();
    if (!e) { std::cerr << e.error().text() << "\n"; return 1; }
    ContainerSpec s;
    s.name = std::string(argv[1]) + "-tty";
    s.image = "dockerops/busybox:latest";
    s.command = std::vector<std::string>{"sh"};
    s.labels = {{labels::kProject, argv[1]}};
    s.tty = true;
    s.open_stdin = true;
    auto id = (*e)->create_container(s);
    if (!id) { std::cerr << id.error().text() << "\n"; return 1; }
    auto code = docker::attach_and_start((*e)->endpoint(), (*e)->api_version(), *id, {0, 1, std::nullopt});
    (void)(*e)->remove_container(*id, true);
    std::ofstream(argv[2]) << (code ? std::to_string(*code) : "error: " + code.error().text()) << "\n";
    return 0;
}
