#include "engine/model/diagnostics.hpp"

#include <algorithm>
#include <mutex>
#include <ostream>
#include <tuple>
#include <unordered_set>

namespace dockerops {

namespace {

struct NameHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

// Never freed: the names are few (the files a run reads), their positions many.
const std::string* intern(std::string_view name) {
    static std::mutex mutex;
    static auto* names = new std::unordered_set<std::string, NameHash, std::equal_to<>>();
    std::lock_guard<std::mutex> lock(mutex);
    auto it = names->find(name);
    if (it == names->end()) it = names->emplace(name).first;
    return &*it;
}

}  // namespace

SourceName::SourceName() {
    static const std::string* const none = intern({});
    name_ = none;
}

SourceName::SourceName(std::string_view name) : name_(intern(name)) {}

std::ostream& operator<<(std::ostream& os, const SourceName& n) { return os << n.str(); }

std::string format(const Diagnostic& d) {
    std::string out = d.pos.file.str();
    if (d.pos.line > 0) {
        out += ':' + std::to_string(d.pos.line);
        if (d.pos.column > 0) out += ':' + std::to_string(d.pos.column);
    }
    out += ": ";
    if (d.severity == Severity::Warning) out += "warning: ";
    out += d.message;
    if (!d.hint.empty()) out += " (" + d.hint + ")";
    return out;
}

void Diagnostics::error(SourcePos pos, std::string message, std::string hint) {
    items_.push_back({Severity::Error, std::move(pos), std::move(message), std::move(hint)});
}

void Diagnostics::warning(SourcePos pos, std::string message, std::string hint) {
    items_.push_back({Severity::Warning, std::move(pos), std::move(message), std::move(hint)});
}

void Diagnostics::append(const Diagnostics& other) {
    items_.insert(items_.end(), other.items_.begin(), other.items_.end());
}

bool Diagnostics::has_errors() const { return error_count() > 0; }

std::size_t Diagnostics::error_count() const {
    return static_cast<std::size_t>(std::count_if(items_.begin(), items_.end(),
        [](const Diagnostic& d) { return d.severity == Severity::Error; }));
}

std::vector<Diagnostic> Diagnostics::sorted() const {
    std::vector<Diagnostic> out = items_;
    std::stable_sort(out.begin(), out.end(), [](const Diagnostic& a, const Diagnostic& b) {
        return std::tie(a.pos.file, a.pos.line, a.pos.column) < std::tie(b.pos.file, b.pos.line, b.pos.column);
    });
    return out;
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
    std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        cur[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            std::size_t subst = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
            cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, subst});
        }
        std::swap(prev, cur);
    }
    return prev[b.size()];
}

std::optional<std::string> nearest(std::string_view word, const std::vector<std::string>& candidates) {
    std::optional<std::string> best;
    std::size_t best_d = 0;
    // A typo is at most a third of the word's letters away (and always 1 or 2 allowed).
    const std::size_t limit = std::max<std::size_t>(2, word.size() / 3);
    for (const auto& c : candidates) {
        std::size_t d = edit_distance(word, c);
        if (d <= limit && (!best || d < best_d || (d == best_d && c < *best))) {
            best = c;
            best_d = d;
        }
    }
    return best;
}

std::string suggest(std::string_view word, const std::vector<std::string>& candidates,
                    std::string_view known_label) {
    if (auto n = nearest(word, candidates)) return "did you mean '" + *n + "'?";
    if (candidates.empty()) return {};
    std::vector<std::string> sorted = candidates;
    std::sort(sorted.begin(), sorted.end());
    std::string out = std::string(known_label) + ": ";
    for (std::size_t i = 0; i < sorted.size(); ++i) {
        if (i) out += ", ";
        out += sorted[i];
    }
    return out;
}

}  // namespace dockerops
