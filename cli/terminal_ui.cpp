#include "cli/terminal_ui.hpp"

#include "cli/provider.hpp"

#include <termios.h>
#include <unistd.h>

#include <cstdlib>
#include <iostream>

namespace dockerops::cli {

TerminalUi::TerminalUi() {
    in_terminal = isatty(0);
    out_terminal = isatty(1);
    err_terminal = isatty(2);
    color = out_terminal && !std::getenv("NO_COLOR");
}

void TerminalUi::out(const std::string& text) { std::cout << text << std::flush; }

void TerminalUi::err(const std::string& text) { std::cerr << text << std::flush; }

std::string TerminalUi::read_line(bool hidden) {
    termios saved{};
    const bool off = hidden && tcgetattr(0, &saved) == 0;
    if (off) {
        termios t = saved;
        t.c_lflag &= ~static_cast<tcflag_t>(ECHO);
        tcsetattr(0, TCSANOW, &t);
    }
    std::string v;
    std::getline(std::cin, v);
    if (off) {
        tcsetattr(0, TCSANOW, &saved);
        std::cerr << "\n";
    }
    return v;
}

}  // namespace dockerops::cli
