// The seed's Fabric-style command words (build:all, run:demo,instance=one).
#include "cli/cli.hpp"

namespace dockerops::cli {

Args translate_seed_words(const Args& argv) {
    if (argv.empty()) return argv;
    const std::string& first = argv.front();
    auto colon = first.find(':');
    if (colon == std::string::npos || first.starts_with("-")) return argv;
    Args out{first.substr(0, colon)};
    std::string rest = first.substr(colon + 1);
    std::size_t start = 0;
    bool positional_done = false;
    while (start <= rest.size()) {
        std::size_t comma = rest.find(',', start);
        if (comma == std::string::npos) comma = rest.size();
        std::string item = rest.substr(start, comma - start);
        start = comma + 1;
        if (item.empty()) continue;
        auto eq = item.find('=');
        if (eq == std::string::npos && !positional_done) {
            out.push_back(item);
            continue;
        }
        positional_done = true;
        std::string key = item.substr(0, eq), value = eq == std::string::npos ? "true" : item.substr(eq + 1);
        if (key == "instance") out.insert(out.end(), {"--instance", value});
        else if (key == "instance_type") out.insert(out.end(), {"--type", value});
        else if (key == "progress") out.insert(out.end(), {"--progress", value == "True" || value == "true" ? "plain" : "auto"});
        else out.insert(out.end(), {"--set", key + "=" + value});
    }
    out.insert(out.end(), argv.begin() + 1, argv.end());
    return out;
}

}  // namespace dockerops::cli
