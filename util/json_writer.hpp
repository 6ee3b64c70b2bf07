#pragma once
// A small JSON writer, a neutral home used by every layer: the engine's
// request bodies (providers), the canonical spec (engine), plan files
// (planner), --json output (cli). Keys and strings are escaped; output is
// deterministic. Answers are parsed with simdjson.
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <string_view>
#include <vector>

namespace dockerops {

class JsonWriter {
public:
    JsonWriter() = default;
    // A writer that goes on inside an array another writer's text left open
    // (elements written apart, on another thread, and put in the text in
    // order): each element it writes is preceded by a comma, except the first
    // when `first` (the array has none yet).
    static JsonWriter inside_array(bool first) {
        JsonWriter w;
        w.first_.push_back(first);
        return w;
    }
    JsonWriter& begin_object();
    JsonWriter& end_object();
    JsonWriter& begin_array();
    JsonWriter& end_array();
    JsonWriter& key(std::string_view k);
    JsonWriter& value(std::string_view s);
    JsonWriter& value(const char* s) { return value(std::string_view(s)); }
    JsonWriter& value(const std::string& s) { return value(std::string_view(s)); }
    JsonWriter& value(std::int64_t n);
    JsonWriter& value(int n) { return value(static_cast<std::int64_t>(n)); }
    JsonWriter& value(bool b);
    JsonWriter& value(double d);
    JsonWriter& null();
    JsonWriter& strings(const std::vector<std::string>& v);
    // A map of strings to strings, in its order (std::map, a flat map).
    template <class Map = std::map<std::string, std::string>>
    JsonWriter& object(const Map& m) {
        begin_object();
        for (const auto& [k, v] : m) key(k).value(v);
        return end_object();
    }
    const std::string& str() const { return out_; }
    // The text written since the last take, handed over; the writer goes on
    // where it was (a long document written out in pieces).
    std::string take() { return std::exchange(out_, std::string()); }

private:
    void comma();
    std::string out_;
    std::vector<bool> first_{true};
    bool after_key_ = false;
};

std::string json_quote(std::string_view s);
// The same, appended to `out`.
void append_json_quoted(std::string& out, std::string_view s);

}  // namespace dockerops
