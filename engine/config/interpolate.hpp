#pragma once
// Variables in a project file, as compose substitutes them: `${VAR}`,
// `${VAR:-default}`, `${VAR-default}`, `${VAR:?message}`, `${VAR?message}`,
// `${VAR:+alt}`, `${VAR+alt}`, and in compose files also a bare `$VAR` and
// `$$` for one `$`. In dockerops.toml only the braced forms are read (a bare
// `$VAR` in a command keeps its meaning for the shell) and `$${` writes `${`.
// Pure: the values come from a lookup the caller builds (the environment,
// then a .env file, then the host file).
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dockerops {

enum class VariableSyntax { Compose, Toml };

struct InterpolationProblem {
    std::size_t offset = 0;   // in the text given
    bool error = false;       // false: a warning (an unset variable without a default)
    std::string message;
};

struct Interpolated {
    std::string text;
    std::vector<InterpolationProblem> problems;
    std::vector<std::string> variables;   // the names read, in order (for secrets: never echo their values)
    bool has_error() const;
};

using VariableLookup = std::function<std::optional<std::string>(const std::string&)>;

Interpolated interpolate(std::string_view text, const VariableLookup& lookup, VariableSyntax syntax);

// True when the text holds something interpolate() would replace.
bool has_variables(std::string_view text, VariableSyntax syntax);

// A compose value written for dockerops.toml with the same meaning, its
// variables kept as written: `$VAR` -> `${VAR}`, `$$` -> `$` (`$${` before `{`).
std::string compose_text_as_toml(std::string_view text);

// KEY=VALUE lines as docker's --env-file and compose's .env read them: '#'
// comments and blank lines skipped, "export " allowed, one pair of matching
// quotes around the value removed, nothing expanded.
struct EnvLine {
    int line = 0, column = 0;
    std::string key, value;
    std::string error;   // set: the line is not a valid KEY=VALUE (key and value unset)
};
std::vector<EnvLine> parse_env_text(std::string_view text);

}  // namespace dockerops
