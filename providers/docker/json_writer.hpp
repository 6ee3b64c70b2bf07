#pragma once
// A small writer for the JSON bodies sent to the engine (responses are parsed
// with simdjson). Keys and strings are escaped; output is deterministic.
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace dockerops::docker {

class JsonWriter {
public:
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
    JsonWriter& object(const std::map<std::string, std::string>& m);
    const std::string& str() const { return out_; }

private:
    void comma();
    std::string out_;
    std::vector<bool> first_{true};
    bool after_key_ = false;
};

std::string json_quote(std::string_view s);

}  // namespace dockerops::docker
