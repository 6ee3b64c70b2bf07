#pragma once
// What providers/swarm's files share to read a manager's answers: one parsed
// answer, and a list call's filters as a query value.
#include "providers/docker/docker.hpp"
#include "util/json_writer.hpp"

#include <simdjson.h>

#include <map>
#include <string>
#include <vector>

namespace dockerops::swarm::detail {

// One parsed answer; the padded copy lives as long as the parser's view of it.
struct Parsed {
    simdjson::dom::parser parser;
    simdjson::padded_string body;
    simdjson::dom::element doc;
    bool ok = false;
    explicit Parsed(const std::string& text) : body(text) { ok = parser.parse(body).get(doc) == simdjson::SUCCESS; }
};

// {"key":["value",...],...}, URL-encoded: the `filters` of a list call.
inline std::string filters(const std::map<std::string, std::vector<std::string>>& by_key) {
    JsonWriter w;
    w.begin_object();
    for (const auto& [k, values] : by_key) w.key(k).strings(values);
    w.end_object();
    return docker::url_encode(w.str());
}
inline std::string filter(const std::string& key, const std::vector<std::string>& values) { return filters({{key, values}}); }

}  // namespace dockerops::swarm::detail
