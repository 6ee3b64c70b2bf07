#include "engine/config/yaml_tree.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <set>

namespace dockerops::config_detail {

const YNode* YNode::get(std::string_view key) const {
    for (const auto& [k, v] : entries)
        if (k == key) return &v;
    return nullptr;
}

YNode* YNode::get(std::string_view key) {
    for (auto& [k, v] : entries)
        if (k == key) return &v;
    return nullptr;
}

SourcePos YNode::key_at(std::string_view key) const {
    for (std::size_t i = 0; i < entries.size(); ++i)
        if (entries[i].first == key) return key_pos[i];
    return pos;
}

void YNode::set(const std::string& key, YNode v, SourcePos at) {
    if (YNode* old = get(key)) {
        *old = std::move(v);
        return;
    }
    kind = Kind::Map;
    entries.emplace_back(key, std::move(v));
    key_pos.push_back(std::move(at));
}

void YNode::erase(std::string_view key) {
    for (std::size_t i = 0; i < entries.size(); ++i)
        if (entries[i].first == key) {
            entries.erase(entries.begin() + static_cast<std::ptrdiff_t>(i));
            key_pos.erase(key_pos.begin() + static_cast<std::ptrdiff_t>(i));
            return;
        }
}

std::string a_kind(const YNode& n) {
    switch (n.kind) {
        case YNode::Kind::Scalar: return "a string";
        case YNode::Kind::Seq: return "a list";
        case YNode::Kind::Map: return "a mapping";
        default: return "nothing";
    }
}

namespace {

// Aliases make a small file into a huge tree ("billion laughs"): a compose
// file has thousands of nodes, so a million is refused.
constexpr std::size_t kMaxNodes = 1'000'000;
constexpr int kMaxDepth = 64;

class Reader {
public:
    Reader(std::string display, const VariableLookup* lookup, Diagnostics& d, bool report)
        : file_(std::move(display)), lookup_(lookup), d_(d), report_(report) {}

    SourcePos at(const YAML::Mark& m, const SourcePos& fallback) const {
        if (m.line < 0) return fallback;
        return {file_, m.line + 1, m.column + 1};
    }

    bool convert(const YAML::Node& n, YNode& out, const SourcePos& parent, int depth) {
        if (++count_ > kMaxNodes || depth > kMaxDepth) {
            if (!too_big_) d_.error(parent, "the file unfolds into more than a million nodes or 64 levels (aliases?)");
            too_big_ = true;
            return false;
        }
        out.pos = at(n.Mark(), parent);
        switch (n.Type()) {
            case YAML::NodeType::Scalar: scalar(n.Scalar(), out); return true;
            case YAML::NodeType::Sequence:
                out.kind = YNode::Kind::Seq;
                for (const auto& item : n) {
                    out.items.emplace_back();
                    if (!convert(item, out.items.back(), out.pos, depth + 1)) return false;
                }
                return true;
            case YAML::NodeType::Map: return mapping(n, out, depth);
            default: out.kind = YNode::Kind::Null; return true;
        }
    }

private:
    void scalar(const std::string& text, YNode& out) {
        out.kind = YNode::Kind::Scalar;
        out.raw = text;
        if (!lookup_ || !has_variables(text, VariableSyntax::Compose)) {
            out.value = text;
            return;
        }
        Interpolated r = interpolate(text, *lookup_, VariableSyntax::Compose);
        for (const auto& p : r.problems) {
            if (!report_) break;
            if (p.error) d_.error(out.pos, p.message, "in '" + text + "'");
            else d_.warning(out.pos, p.message);
        }
        out.value = std::move(r.text);
    }

    // Keys in the file win over those a `<<` brings; of several `<<`
    // sources, the first that has a key wins (YAML's merge key rules).
    bool mapping(const YAML::Node& n, YNode& out, int depth) {
        out.kind = YNode::Kind::Map;
        std::vector<YNode> merges;
        std::set<std::string> seen;
        for (const auto& kv : n) {
            SourcePos kpos = at(kv.first.Mark(), out.pos);
            if (!kv.first.IsScalar()) {
                d_.error(kpos, "a key must be a string, not a list or mapping");
                continue;
            }
            const std::string key = kv.first.Scalar();
            YNode value;
            if (!convert(kv.second, value, kpos, depth + 1)) return false;
            if (key == "<<") {
                if (value.is_map()) merges.push_back(std::move(value));
                else if (value.is_seq())
                    for (auto& item : value.items) merges.push_back(std::move(item));
                continue;
            }
            if (!seen.insert(key).second) {
                d_.error(kpos, "key '" + key + "' is given twice in this mapping");
                continue;
            }
            out.entries.emplace_back(key, std::move(value));
            out.key_pos.push_back(kpos);
        }
        for (auto& m : merges) {
            if (!m.is_map()) {
                d_.error(m.pos, "'<<' must merge a mapping, not " + a_kind(m));
                continue;
            }
            for (std::size_t i = 0; i < m.entries.size(); ++i)
                if (seen.insert(m.entries[i].first).second) {
                    out.entries.push_back(std::move(m.entries[i]));
                    out.key_pos.push_back(m.key_pos[i]);
                }
        }
        return true;
    }

    SourceName file_;
    const VariableLookup* lookup_;
    Diagnostics& d_;
    std::size_t count_ = 0;
    bool too_big_ = false;
    bool report_ = true;
};

// environment, labels, args... as a list ["A=1", "B"] -> a mapping {A: 1, B: null}.
YNode as_mapping(const YNode& n) {
    if (!n.is_seq()) return n;
    YNode m;
    m.kind = YNode::Kind::Map;
    m.pos = n.pos;
    for (const auto& item : n.items) {
        if (!item.is_scalar()) continue;
        auto eq = item.value.find('=');
        YNode v = item;
        std::string key = item.value.substr(0, eq);
        if (eq == std::string::npos) v.kind = YNode::Kind::Null;
        else {
            v.value = item.value.substr(eq + 1);
            auto req = item.raw.find('=');
            v.raw = req == std::string::npos ? v.value : item.raw.substr(req + 1);
        }
        m.set(key, std::move(v), item.pos);
    }
    return m;
}

bool merged_as_mapping(std::string_view key) {
    static const std::set<std::string_view> k{"environment", "labels", "args", "sysctls", "extra_hosts", "annotations"};
    return k.count(key) > 0;
}
bool appended(std::string_view key) {
    static const std::set<std::string_view> k{"ports", "expose", "volumes", "dns", "dns_search", "tmpfs", "cap_add",
                                              "cap_drop", "devices", "security_opt", "secrets", "configs", "env_file",
                                              "external_links", "links", "volumes_from", "profiles"};
    return k.count(key) > 0;
}

}  // namespace

std::optional<YNode> read_yaml(std::string_view text, const std::string& display, const VariableLookup* lookup,
                               Diagnostics& d, bool report_variables) {
    YAML::Node doc;
    try {
        doc = YAML::Load(std::string(text));
    } catch (const YAML::Exception& e) {
        d.error({display, e.mark.line + 1, e.mark.column + 1}, "not valid YAML: " + e.msg);
        return std::nullopt;
    }
    Reader r(display, lookup, d, report_variables);
    YNode root;
    const SourcePos top{display, 1, 1};
    if (!r.convert(doc, root, top, 0)) return std::nullopt;
    return root;
}

void merge_into(YNode& base, const YNode& over, std::string_view key) {
    if (merged_as_mapping(key) && (base.is_seq() || over.is_seq()) && !base.is_null()) {
        YNode b = as_mapping(base);
        merge_into(b, as_mapping(over), {});
        base = std::move(b);
        return;
    }
    if (base.is_map() && over.is_map()) {
        for (std::size_t i = 0; i < over.entries.size(); ++i) {
            const auto& [k, v] = over.entries[i];
            if (YNode* mine = base.get(k)) merge_into(*mine, v, k);
            else base.set(k, v, over.key_pos[i]);
        }
        return;
    }
    if (appended(key) && base.is_seq() && over.is_seq()) {
        for (const auto& item : over.items) {
            bool dup = item.is_scalar() && std::any_of(base.items.begin(), base.items.end(), [&](const YNode& b) {
                           return b.is_scalar() && b.value == item.value;
                       });
            if (!dup) base.items.push_back(item);
        }
        return;
    }
    base = over;
}

}  // namespace dockerops::config_detail
