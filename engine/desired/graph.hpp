#pragma once
// The desired state as a dependency graph: the project network, one node per
// image (an edge to each project image its Dockerfile starts FROM), one node per
// instance (edges to its image, the network and every instance it links to).
// Boost.Graph does the storing; nothing outside this file sees it.
#include "engine/desired/desired.hpp"
#include "engine/model/result.hpp"

#include <map>
#include <memory>
#include <optional>
#include <utility>
#include <set>
#include <string>
#include <vector>

namespace dockerops {

// A cycle among n nodes joined by `edges` (from, to), found by Boost.Graph's
// depth-first search in node order (so the same input gives the same cycle):
// its nodes in order, the first repeated at the end; nullopt when there is none.
std::optional<std::vector<std::size_t>> find_cycle(std::size_t n, const std::vector<std::pair<std::size_t, std::size_t>>& edges);

// Node keys: "network" (the project network), "network:<name>" (another
// one), "image:<container>", "instance:<container>.<instance>".
// A key read back into what it names: "image:web" -> {Image, "web"}.
struct NodeKey {
    enum class Kind { Network, Image, Instance };
    Kind kind;
    std::string name;   // the container (image), the instance id; the network's (empty: the project network)
};
std::optional<NodeKey> parse_node_key(std::string_view key);
std::string network_key(const std::string& name = {});
std::string image_key(const std::string& container);
std::string instance_key(const std::string& id);

class DesiredGraph {
public:
    // A cycle is an Error printing the whole path in a stable order.
    static Result<DesiredGraph> build(const DesiredState& d);
    DesiredGraph(DesiredGraph&&) noexcept;
    DesiredGraph& operator=(DesiredGraph&&) noexcept;
    ~DesiredGraph();

    std::vector<std::string> nodes() const;                          // sorted
    std::vector<std::string> dependencies(const std::string& key) const;   // direct, sorted
    // Dependencies first; among nodes free at the same time, by key.
    std::vector<std::string> order() const;
    // `keys` and everything they need, transitively.
    std::set<std::string> closure(const std::set<std::string>& keys) const;
    // Graphviz DOT; `color` maps keys to a fill colour (the plan's actions).
    std::string to_dot(const std::map<std::string, std::string>& color = {}) const;

private:
    struct Impl;
    explicit DesiredGraph(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

}  // namespace dockerops
