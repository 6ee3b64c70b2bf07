#pragma once
// Errors are values in the core: every problem found while reading a project is
// a Diagnostic with a source position; nothing throws past the loader.
#include <compare>
#include <iosfwd>
#include <string>
#include <string_view>
#include <vector>
#include <optional>

namespace dockerops {

// A file's name as positions hold it: each distinct name is kept once for the
// life of the process and a SourceName points at it, so a position is copied
// without an allocation (a file of 100,000 instances holds about a million of
// them). Made from a string it looks the name up; copied, it does not.
class SourceName {
public:
    SourceName();
    SourceName(std::string_view name);   // NOLINT: implicit, as the std::string it replaces
    SourceName(const std::string& name) : SourceName(std::string_view(name)) {}   // NOLINT
    SourceName(const char* name) : SourceName(std::string_view(name)) {}          // NOLINT
    const std::string& str() const { return *name_; }
    operator const std::string&() const { return *name_; }   // NOLINT
    bool empty() const { return name_->empty(); }
    friend bool operator==(const SourceName& a, const SourceName& b) { return a.name_ == b.name_; }
    friend std::strong_ordering operator<=>(const SourceName& a, const SourceName& b) {
        return a.name_ == b.name_ ? std::strong_ordering::equal : a.name_->compare(*b.name_) <=> 0;
    }

private:
    const std::string* name_;   // interned: equal names, equal pointers
};
std::ostream& operator<<(std::ostream& os, const SourceName& n);

struct SourcePos {
    SourceName file;    // as the user named it (relative paths stay relative)
    int line = 0;       // 1-based; 0 = the whole file
    int column = 0;     // 1-based; 0 = the whole line
};

enum class Severity { Error, Warning };

struct Diagnostic {
    Severity severity = Severity::Error;
    SourcePos pos;
    std::string message;
    std::string hint;   // shown in parentheses after the message, e.g. "did you mean 'web'?"
};

// "file:line:col: message (hint)"; warnings carry "warning: " before the message.
std::string format(const Diagnostic& d);

class Diagnostics {
public:
    void error(SourcePos pos, std::string message, std::string hint = {});
    void warning(SourcePos pos, std::string message, std::string hint = {});
    void add(Diagnostic d) { items_.push_back(std::move(d)); }
    void append(const Diagnostics& other);
    bool has_errors() const;
    std::size_t error_count() const;
    const std::vector<Diagnostic>& items() const { return items_; }
    bool empty() const { return items_.empty(); }
    // Sorted by file, line, column (stable for equal positions): the order users read.
    std::vector<Diagnostic> sorted() const;

private:
    std::vector<Diagnostic> items_;
};

std::size_t edit_distance(std::string_view a, std::string_view b);
// The candidate closest to `word`, if it is close enough to be a likely typo.
std::optional<std::string> nearest(std::string_view word, const std::vector<std::string>& candidates);
// "did you mean 'x'?" when one is near, else "known: a, b, c" (or empty when no candidates).
std::string suggest(std::string_view word, const std::vector<std::string>& candidates,
                    std::string_view known_label = "known");

}  // namespace dockerops
