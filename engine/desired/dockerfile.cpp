#include "engine/desired/dockerfile.hpp"

#include "util/files.hpp"

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

namespace dockerops {

namespace {
std::string upper(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::toupper(c); });
    return s;
}
std::vector<std::string> words(const std::string& s) {
    std::istringstream in(s);
    std::vector<std::string> out;
    for (std::string w; in >> w;) out.push_back(w);
    return out;
}
}  // namespace

DockerfileFacts read_dockerfile(std::string_view text) {
    DockerfileFacts f;
    // Join continuation lines, drop comments.
    std::vector<std::string> lines;
    std::string cur;
    std::istringstream in{std::string(text)};
    for (std::string line; std::getline(in, line);) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        auto first = line.find_first_not_of(" \t");
        if (first != std::string::npos && line[first] == '#' && cur.empty()) continue;
        if (!line.empty() && line.back() == '\\') {
            cur += line.substr(0, line.size() - 1) + " ";
            continue;
        }
        cur += line;
        lines.push_back(cur);
        cur.clear();
    }
    if (!cur.empty()) lines.push_back(cur);

    std::set<std::string> stages;
    for (const auto& line : lines) {
        auto w = words(line);
        if (w.empty()) continue;
        std::string ins = upper(w[0]);
        if (ins == "FROM") {
            std::size_t i = 1;
            while (i < w.size() && w[i].starts_with("--")) ++i;   // --platform=...
            if (i < w.size() && !stages.count(w[i])) f.from.push_back(w[i]);
            if (i + 2 < w.size() && upper(w[i + 1]) == "AS") stages.insert(w[i + 2]);
            f.exposed.clear();   // a new stage: only the final stage's EXPOSE counts
            f.healthcheck = false;
        } else if (ins == "EXPOSE") {
            for (std::size_t i = 1; i < w.size(); ++i) {
                std::string p = w[i];
                auto slash = p.find('/');
                std::string num = p.substr(0, slash);
                std::string proto = slash == std::string::npos ? "tcp" : p.substr(slash + 1);
                std::transform(proto.begin(), proto.end(), proto.begin(), [](unsigned char c) { return std::tolower(c); });
                if (num.empty() || !std::all_of(num.begin(), num.end(), ::isdigit) || (proto != "tcp" && proto != "udp")) {
                    f.unresolved.push_back(p);
                    continue;
                }
                PortSpec ps{std::stoi(num), proto, false, ""};
                if (std::find(f.exposed.begin(), f.exposed.end(), ps) == f.exposed.end()) f.exposed.push_back(ps);
            }
        } else if (ins == "ARG") {
            for (std::size_t i = 1; i < w.size(); ++i) f.args.insert(w[i].substr(0, w[i].find('=')));
        } else if (ins == "HEALTHCHECK") {
            f.healthcheck = w.size() > 1 && upper(w[1]) != "NONE";
        }
    }
    return f;
}

std::string substitute_args(const std::string& text, const std::map<std::string, std::string>& args) {
    std::string out;
    for (std::size_t i = 0; i < text.size();) {
        if (text[i] != '$') { out += text[i++]; continue; }
        const bool braced = i + 1 < text.size() && text[i + 1] == '{';
        std::size_t start = i + (braced ? 2 : 1), end = start;
        while (end < text.size() && (std::isalnum(static_cast<unsigned char>(text[end])) || text[end] == '_')) ++end;
        if (braced && (end >= text.size() || text[end] != '}')) { out += text[i++]; continue; }
        auto it = args.find(text.substr(start, end - start));
        if (end == start || it == args.end()) { out += text[i++]; continue; }
        out += it->second;
        i = end + (braced ? 1 : 0);
    }
    return out;
}

DockerfileFacts read_dockerfile_at(const std::filesystem::path& path) {
    return read_dockerfile(read_text_file(path).value_or(""));
}

}  // namespace dockerops
