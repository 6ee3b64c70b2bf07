#pragma once
// The user's terminal as the orchestration layer's Ui: standard output and
// error, answers from standard input (hidden ones without echo), colour when
// standard output is a terminal and NO_COLOR is not set.
#include "cli/ops/ops.hpp"

namespace dockerops::cli {

class TerminalUi final : public ops::Ui {
public:
    TerminalUi();
    void out(const std::string& text) override;
    void err(const std::string& text) override;
    std::string read_line(bool hidden) override;
};

}  // namespace dockerops::cli
