#include "engine/config/interpolate.hpp"

#include <algorithm>

namespace dockerops {

namespace {

bool name_start(char c) { return c == '_' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }
bool name_char(char c) { return name_start(c) || (c >= '0' && c <= '9'); }

// The end of a `${...}` starting at `open` (the `$`): the index of its `}`,
// nested `${` counted; npos when it is not closed.
std::size_t closing_brace(std::string_view s, std::size_t open) {
    int depth = 0;
    for (std::size_t j = open; j < s.size(); ++j) {
        if (s[j] == '$' && j + 1 < s.size() && s[j + 1] == '{') {
            ++depth;
            ++j;
        } else if (s[j] == '}' && --depth == 0) {
            return j;
        }
    }
    return std::string_view::npos;
}

class Interpolator {
public:
    Interpolator(const VariableLookup& lookup, VariableSyntax syntax, Interpolated& out)
        : lookup_(lookup), syntax_(syntax), out_(out) {}

    std::string run(std::string_view s, std::size_t base) {
        std::string r;
        r.reserve(s.size());
        for (std::size_t i = 0; i < s.size(); ++i) {
            if (s[i] != '$') {
                r += s[i];
                continue;
            }
            const char next = i + 1 < s.size() ? s[i + 1] : '\0';
            if (next == '$') {
                if (syntax_ == VariableSyntax::Compose) {
                    r += '$';
                    ++i;
                } else if (i + 2 < s.size() && s[i + 2] == '{') {
                    r += "${";
                    i += 2;
                } else {
                    r += '$';
                }
            } else if (next == '{') {
                std::size_t end = closing_brace(s, i);
                if (end == std::string_view::npos) {
                    problem(base + i, true, "'${' is not closed by '}'");
                    return r;
                }
                r += braced(s.substr(i + 2, end - i - 2), base + i + 2, base + i);
                i = end;
            } else if (syntax_ == VariableSyntax::Compose && name_start(next)) {
                std::size_t j = i + 1;
                while (j < s.size() && name_char(s[j])) ++j;
                r += value_of(std::string(s.substr(i + 1, j - i - 1)), base + i);
                i = j - 1;
            } else if (syntax_ == VariableSyntax::Compose) {
                problem(base + i, true, "'$' is not followed by a variable: write '$$' for a '$'");
            } else {
                r += '$';
            }
        }
        return r;
    }

private:
    void problem(std::size_t at, bool error, std::string message) {
        out_.problems.push_back({at, error, std::move(message)});
    }

    std::optional<std::string> get(const std::string& name) {
        out_.variables.push_back(name);
        return lookup_ ? lookup_(name) : std::nullopt;
    }

    std::string value_of(const std::string& name, std::size_t at) {
        auto v = get(name);
        if (!v) {
            problem(at, false, "variable " + name + " is not set: an empty string is used");
            return {};
        }
        return *v;
    }

    // NAME, NAME:-word, NAME-word, NAME:?msg, NAME?msg, NAME:+word, NAME+word
    std::string braced(std::string_view inner, std::size_t base, std::size_t at) {
        std::size_t n = 0;
        if (inner.empty() || !name_start(inner[0])) {
            problem(at, true, "'${" + std::string(inner) + "}' does not start with a variable name");
            return {};
        }
        while (n < inner.size() && name_char(inner[n])) ++n;
        const std::string name(inner.substr(0, n));
        if (n == inner.size()) return value_of(name, at);
        bool colon = inner[n] == ':';
        std::size_t op = colon ? n + 1 : n;
        if (op >= inner.size() || (inner[op] != '-' && inner[op] != '?' && inner[op] != '+')) {
            problem(at, true, "'${" + std::string(inner) + "}' is not a variable form: ${VAR}, ${VAR:-default}, ${VAR:?message}, ${VAR:+alt}");
            return {};
        }
        const char kind = inner[op];
        const std::string_view word = inner.substr(op + 1);
        const std::size_t word_at = base + op + 1;
        auto v = get(name);
        const bool usable = v && (!colon || !v->empty());
        switch (kind) {
            case '-': return usable ? *v : run(word, word_at);
            case '+': return usable ? run(word, word_at) : std::string();
            default:
                if (usable) return *v;
                {
                    std::string message = run(word, word_at);
                    problem(at, true, "variable " + name + " is required" + std::string(colon ? " and not empty" : "") +
                                          (message.empty() ? std::string() : ": " + message));
                }
                return {};
        }
    }

    const VariableLookup& lookup_;
    VariableSyntax syntax_;
    Interpolated& out_;
};

}  // namespace

bool Interpolated::has_error() const {
    return std::any_of(problems.begin(), problems.end(), [](const auto& p) { return p.error; });
}

Interpolated interpolate(std::string_view text, const VariableLookup& lookup, VariableSyntax syntax) {
    Interpolated out;
    Interpolator in(lookup, syntax, out);
    out.text = in.run(text, 0);
    return out;
}

bool has_variables(std::string_view text, VariableSyntax syntax) {
    return syntax == VariableSyntax::Compose ? text.find('$') != std::string_view::npos
                                             : text.find("${") != std::string_view::npos;
}

std::string compose_text_as_toml(std::string_view s) {
    std::string r;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] != '$') {
            r += s[i];
            continue;
        }
        const char next = i + 1 < s.size() ? s[i + 1] : '\0';
        if (next == '$') {
            r += i + 2 < s.size() && s[i + 2] == '{' ? "$$" : "$";
            ++i;
        } else if (next == '{') {
            std::size_t end = closing_brace(s, i);
            if (end == std::string_view::npos) end = s.size() - 1;
            r += std::string(s.substr(i, end - i + 1));
            i = end;
        } else if (name_start(next)) {
            std::size_t j = i + 1;
            while (j < s.size() && name_char(s[j])) ++j;
            r += "${" + std::string(s.substr(i + 1, j - i - 1)) + "}";
            i = j - 1;
        } else {
            r += '$';
        }
    }
    return r;
}

std::vector<EnvLine> parse_env_text(std::string_view text) {
    std::vector<EnvLine> out;
    int no = 0;
    std::size_t start = 0;
    while (start <= text.size()) {
        std::size_t nl = text.find('\n', start);
        std::string line(text.substr(start, nl == std::string_view::npos ? std::string_view::npos : nl - start));
        start = nl == std::string_view::npos ? text.size() + 1 : nl + 1;
        ++no;
        if (!line.empty() && line.back() == '\r') line.pop_back();
        auto first = line.find_first_not_of(" \t");
        if (first == std::string::npos || line[first] == '#') continue;
        std::string body = line.substr(first);
        if (body.starts_with("export ")) body = body.substr(7);
        EnvLine e;
        e.line = no;
        e.column = static_cast<int>(first) + 1;
        auto eq = body.find('=');
        if (eq == std::string::npos) {
            e.error = "line is not KEY=VALUE";
            out.push_back(std::move(e));
            continue;
        }
        e.key = body.substr(0, eq);
        while (!e.key.empty() && (e.key.back() == ' ' || e.key.back() == '\t')) e.key.pop_back();
        e.value = body.substr(eq + 1);
        if (e.value.size() >= 2 && (e.value.front() == '"' || e.value.front() == '\'') && e.value.back() == e.value.front())
            e.value = e.value.substr(1, e.value.size() - 2);
        out.push_back(std::move(e));
    }
    return out;
}

}  // namespace dockerops
