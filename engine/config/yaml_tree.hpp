#pragma once
// A YAML document as the compose front end reads it: every node with its
// FILE:LINE:COL, merge keys (`<<`, which yaml-cpp 0.7 leaves to the reader)
// applied, scalars interpolated as compose does, and compose's rules for
// merging one file (or an `extends` base) into another. Internal to engine/config.
#include "engine/config/interpolate.hpp"
#include "engine/model/diagnostics.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace dockerops::config_detail {

struct YNode {
    enum class Kind { Null, Scalar, Seq, Map };
    Kind kind = Kind::Null;
    std::string value;   // a scalar, variables substituted
    std::string raw;     // a scalar as written
    std::vector<YNode> items;                            // Seq
    std::vector<std::pair<std::string, YNode>> entries;  // Map, in file order
    std::vector<SourcePos> key_pos;                      // Map: where each key is
    SourcePos pos;

    bool is_null() const { return kind == Kind::Null; }
    bool is_scalar() const { return kind == Kind::Scalar; }
    bool is_seq() const { return kind == Kind::Seq; }
    bool is_map() const { return kind == Kind::Map; }
    const YNode* get(std::string_view key) const;
    YNode* get(std::string_view key);
    SourcePos key_at(std::string_view key) const;   // the key's own place (the node's if absent)
    void set(const std::string& key, YNode v, SourcePos at);
    void erase(std::string_view key);
};

// Reading a file: `display` names it in messages. Variables in scalars are
// substituted by `lookup` (warnings and errors into `d` at the scalar) unless
// `lookup` is empty: then `value` is `raw`.
// `report_variables` false: unset and required variables are not reported
// (`import`, which keeps them as written).
std::optional<YNode> read_yaml(std::string_view text, const std::string& display, const VariableLookup* lookup,
                               Diagnostics& d, bool report_variables = true);

// Compose's merge of `over` into `base` (a later -f file, or a service over
// its `extends` base): mappings merge key by key; environment, labels and
// build args merge by variable even when written as lists; ports, volumes,
// and the other lists of things append; anything else is replaced.
void merge_into(YNode& base, const YNode& over, std::string_view key = {});

// "a string", "a list", "a mapping", "nothing": for messages.
std::string a_kind(const YNode& n);

}  // namespace dockerops::config_detail
