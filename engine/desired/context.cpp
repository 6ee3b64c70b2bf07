#include "engine/desired/context.hpp"

#include "engine/desired/context_index.hpp"

#include "util/files.hpp"
#include "util/hash.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>

namespace fs = std::filesystem;

namespace dockerops {

namespace {

// Cleans a .dockerignore pattern as the engine does: trims, drops a leading
// '/' and './', collapses '//' and a trailing '/'.
std::string clean_pattern(std::string p) {
    while (!p.empty() && (p.back() == ' ' || p.back() == '\t' || p.back() == '\r')) p.pop_back();
    std::size_t b = p.find_first_not_of(" \t");
    p = b == std::string::npos ? "" : p.substr(b);
    while (p.starts_with("./")) p = p.substr(2);
    while (p.starts_with("/")) p = p.substr(1);
    std::string out;
    for (char c : p)
        if (!(c == '/' && !out.empty() && out.back() == '/')) out += c;
    while (out.size() > 1 && out.back() == '/') out.pop_back();
    return out;
}

bool match_class(std::string_view pattern, std::size_t& pi, char c) {
    // pattern[pi] == '['; on return pi is past ']'
    std::size_t i = pi + 1;
    bool negate = false;
    if (i < pattern.size() && (pattern[i] == '^' || pattern[i] == '!')) { negate = true; ++i; }
    bool matched = false, first = true;
    while (i < pattern.size() && (pattern[i] != ']' || first)) {
        first = false;
        char lo = pattern[i];
        if (lo == '\\' && i + 1 < pattern.size()) lo = pattern[++i];
        char hi = lo;
        if (i + 2 < pattern.size() && pattern[i + 1] == '-' && pattern[i + 2] != ']') {
            hi = pattern[i + 2];
            if (hi == '\\' && i + 3 < pattern.size()) { hi = pattern[i + 3]; ++i; }
            i += 2;
        }
        if (c >= lo && c <= hi) matched = true;
        ++i;
    }
    pi = i + 1;
    return matched != negate;
}

bool match_here(std::string_view p, std::string_view s) {
    std::size_t pi = 0, si = 0;
    while (pi < p.size()) {
        if (p.substr(pi).starts_with("**")) {
            // '**' matches any run of characters, '/' included; "**/" may match nothing.
            std::string_view rest = p.substr(pi + 2);
            if (rest.starts_with("/")) {
                if (match_here(rest.substr(1), s.substr(si))) return true;
            }
            for (std::size_t k = si; k <= s.size(); ++k)
                if (match_here(rest, s.substr(k))) return true;
            return false;
        }
        char c = p[pi];
        if (c == '*') {
            std::string_view rest = p.substr(pi + 1);
            for (std::size_t k = si; k <= s.size(); ++k) {
                if (match_here(rest, s.substr(k))) return true;
                if (k < s.size() && s[k] == '/') break;
            }
            return false;
        }
        if (si >= s.size()) return false;
        if (c == '?') {
            if (s[si] == '/') return false;
            ++pi; ++si;
        } else if (c == '[') {
            if (s[si] == '/' || !match_class(p, pi, s[si])) return false;
            ++si;
        } else {
            if (c == '\\' && pi + 1 < p.size()) c = p[++pi];
            if (c != s[si]) return false;
            ++pi; ++si;
        }
    }
    return si == s.size();
}

}  // namespace

bool glob_match(std::string_view pattern, std::string_view path) { return match_here(pattern, path); }

DockerIgnore::DockerIgnore(std::string_view text) {
    std::stringstream ss{std::string(text)};
    for (std::string line; std::getline(ss, line);) {
        std::string t = line;
        std::size_t b = t.find_first_not_of(" \t");
        if (b == std::string::npos || t[b] == '#') continue;
        bool negate = t[b] == '!';
        std::string p = clean_pattern(negate ? t.substr(b + 1) : t);
        if (p.empty()) continue;
        rules_.push_back({p, negate});
    }
}

DockerIgnore DockerIgnore::from_dir(const fs::path& dir) {
    return DockerIgnore(read_text_file(dir / ".dockerignore").value_or(""));
}

bool DockerIgnore::excluded(std::string_view rel) const {
    bool out = false;
    for (const auto& r : rules_) {
        // A pattern matches the path itself or any folder above it.
        bool m = glob_match(r.pattern, rel);
        for (std::size_t slash = rel.find('/'); !m && slash != std::string_view::npos; slash = rel.find('/', slash + 1))
            m = glob_match(r.pattern, rel.substr(0, slash));
        if (m) out = !r.negate;
    }
    return out;
}

bool DockerIgnore::has_exceptions() const {
    return std::any_of(rules_.begin(), rules_.end(), [](const Rule& r) { return r.negate; });
}

std::vector<ContextEntry> context_entries(const fs::path& dir) {
    std::vector<ContextEntry> out;
    DockerIgnore ignore = DockerIgnore::from_dir(dir);
    std::error_code ec;
    const std::string& base = dir.native();
    for (auto it = fs::recursive_directory_iterator(dir, fs::directory_options::skip_permission_denied, ec);
         it != fs::recursive_directory_iterator(); it.increment(ec)) {
        if (ec) break;
        // The iterator's paths are `dir` joined with the rest: the rest is the relative path.
        std::string_view tail(it->path().native());
        tail.remove_prefix(std::min(base.size(), tail.size()));
        while (tail.starts_with('/')) tail.remove_prefix(1);
        std::string rel(tail);
        // dockerops's own folder, when the context is the project's folder.
        if (rel == kOwnFolder) {
            it.disable_recursion_pending();
            continue;
        }
        bool always = rel == "Dockerfile" || rel == ".dockerignore";
        ContextEntry e{rel, it->path(), ContextEntry::Kind::File};
        if (it->is_symlink()) e.kind = ContextEntry::Kind::Symlink;
        else if (it->is_directory()) e.kind = ContextEntry::Kind::Dir;
        else if (!it->is_regular_file()) continue;   // sockets, fifos, devices are not sent
        if (!always && ignore.excluded(rel)) {
            // A folder that is left out may still hold an exception ('!'): walk it only then.
            if (e.kind == ContextEntry::Kind::Dir && !ignore.has_exceptions()) it.disable_recursion_pending();
            continue;
        }
        out.push_back(std::move(e));
    }
    std::sort(out.begin(), out.end(), [](const ContextEntry& a, const ContextEntry& b) { return a.rel < b.rel; });
    return out;
}

std::map<std::string, std::string> context_digests(const fs::path& dir) { return scan_context(dir, {}).digests; }

std::map<std::string, std::string> group_digests(const std::map<std::string, std::string>& digests, int depth) {
    std::map<std::string, std::string> out;
    std::map<std::string, std::string> groups;   // folder/ -> what its digest is made of
    for (const auto& [rel, d] : digests) {
        std::size_t cut = 0;
        int level = 0;
        for (std::size_t slash = rel.find('/'); slash != std::string::npos; slash = rel.find('/', slash + 1))
            if (level++ == depth) { cut = slash + 1; break; }
        if (cut == 0) out[rel] = d.substr(0, 12);
        else groups[rel.substr(0, cut)] += rel.substr(cut) + '\x1f' + d + '\n';
    }
    for (const auto& [folder, made_of] : groups) out[folder] = sha256_hex(made_of).substr(0, 12);
    return out;
}

std::string context_files_label(const std::map<std::string, std::string>& digests) {
    auto text = [](const std::map<std::string, std::string>& m) {
        std::string s;
        for (const auto& [rel, d] : m) s += rel + "=" + d.substr(0, 12) + "\n";
        return s;
    };
    std::string files = text(digests);
    if (files.size() < kContextFilesBudget) return files;
    int deepest = 0;
    for (const auto& [rel, _] : digests) deepest = std::max(deepest, int(std::count(rel.begin(), rel.end(), '/')));
    for (int depth = deepest - 1; depth >= 0; --depth) {
        std::string grouped = "/depth=" + std::to_string(depth) + "\n" + text(group_digests(digests, depth));
        if (grouped.size() < kContextGroupsBudget) return grouped;
    }
    return "";
}

std::string context_hash(const std::map<std::string, std::string>& digests,
                         const std::map<std::string, std::string>& build_args, std::string_view settings) {
    std::string all;
    // \x1f (unit separator) cannot appear in a file name that Docker accepts, nor in a hash.
    for (const auto& [rel, d] : digests) all += "file\x1f" + rel + '\x1f' + d + '\n';
    for (const auto& [k, v] : build_args) all += "arg\x1f" + k + '\x1f' + v + '\n';
    all += settings;
    return sha256_hex(all);
}

}  // namespace dockerops
