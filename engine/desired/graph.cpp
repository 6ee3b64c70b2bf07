#include "engine/desired/graph.hpp"

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/depth_first_search.hpp>

#include <algorithm>
#include <functional>
#include <queue>

namespace dockerops {

std::optional<NodeKey> parse_node_key(std::string_view key) {
    if (key == "network") return NodeKey{NodeKey::Kind::Network, {}};
    for (auto [prefix, kind] : {std::pair{std::string_view("image:"), NodeKey::Kind::Image},
                                std::pair{std::string_view("instance:"), NodeKey::Kind::Instance},
                                std::pair{std::string_view("network:"), NodeKey::Kind::Network}})
        if (key.starts_with(prefix) && key.size() > prefix.size()) return NodeKey{kind, std::string(key.substr(prefix.size()))};
    return std::nullopt;
}

std::string network_key(const std::string& name) { return name.empty() ? "network" : "network:" + name; }
std::string image_key(const std::string& c) { return "image:" + c; }
std::string instance_key(const std::string& id) { return "instance:" + id; }

struct DesiredGraph::Impl {
    // The node's key, held once: by `index` (whose entries never move).
    struct Node { const std::string* key = nullptr; };
    // Edges point from a node to what it needs. Out-edges in a vector: a node
    // needs a few others, and a plan of 100,000 instances holds no tree of
    // edges per node. `build` gathers the needs first, then adds each once,
    // every node's in the order of their targets: the depth-first search that
    // finds a cycle walks them in a stable order.
    using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::directedS, Node>;
    using Vertex = Graph::vertex_descriptor;
    Graph g;
    std::map<std::string, Vertex> index;

    Vertex add(const std::string& key) {
        auto [it, fresh] = index.try_emplace(key, Vertex{});
        if (!fresh) return it->second;
        it->second = boost::add_vertex(Node{&it->first}, g);
        return it->second;
    }
    const std::string& key(Vertex v) const { return *g[v].key; }
    std::vector<std::string> out(Vertex v) const {
        std::vector<std::string> r;
        for (auto [e, end] = boost::out_edges(v, g); e != end; ++e) r.push_back(key(boost::target(*e, g)));
        std::sort(r.begin(), r.end());
        return r;
    }
};

DesiredGraph::DesiredGraph(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
DesiredGraph::DesiredGraph(DesiredGraph&&) noexcept = default;
DesiredGraph& DesiredGraph::operator=(DesiredGraph&&) noexcept = default;
DesiredGraph::~DesiredGraph() = default;

namespace {

// The first back edge a depth-first search meets closes a cycle; the tree
// edges lead back from its source to its target.
template <class Graph>
struct CycleFinder : boost::default_dfs_visitor {
    using Vertex = typename boost::graph_traits<Graph>::vertex_descriptor;
    using Edge = typename boost::graph_traits<Graph>::edge_descriptor;
    std::vector<Vertex>* parent;
    std::optional<std::pair<Vertex, Vertex>>* back;
    void tree_edge(Edge e, const Graph& g) const { (*parent)[boost::target(e, g)] = boost::source(e, g); }
    void back_edge(Edge e, const Graph& g) const {
        if (!*back) *back = std::pair(boost::source(e, g), boost::target(e, g));
    }
};

template <class Graph>
std::optional<std::vector<std::size_t>> cycle_of(const Graph& g) {
    using Vertex = typename boost::graph_traits<Graph>::vertex_descriptor;
    std::vector<Vertex> parent(boost::num_vertices(g));
    std::optional<std::pair<Vertex, Vertex>> back;
    boost::depth_first_search(g, boost::visitor(CycleFinder<Graph>{{}, &parent, &back}));
    if (!back) return std::nullopt;
    std::vector<std::size_t> cycle{back->first};
    for (Vertex v = back->first; v != back->second; v = parent[v]) cycle.push_back(parent[v]);
    std::reverse(cycle.begin(), cycle.end());
    cycle.push_back(back->second);
    return cycle;
}

std::string short_name(const std::string& key) {
    auto colon = key.find(':');
    return colon == std::string::npos ? key : key.substr(colon + 1);
}
}  // namespace

std::optional<std::vector<std::size_t>> find_cycle(std::size_t n, const std::vector<std::pair<std::size_t, std::size_t>>& edges) {
    boost::adjacency_list<boost::vecS, boost::vecS, boost::directedS> g(n);
    for (auto [from, to] : edges) boost::add_edge(from, to, g);
    return cycle_of(g);
}

Result<DesiredGraph> DesiredGraph::build(const DesiredState& d) {
    auto impl = std::make_unique<Impl>();
    std::vector<std::pair<Impl::Vertex, Impl::Vertex>> needs;   // from, to
    auto need = [&](Impl::Vertex from, Impl::Vertex to) { needs.emplace_back(from, to); };
    // Named steps: nodes first, then each kind of edge.
    impl->add(network_key());
    for (const auto& n : d.extra_networks) impl->add(network_key(n.name));
    for (const auto& [name, _] : d.images) impl->add(image_key(name));
    for (const auto& i : d.instances) impl->add(instance_key(i.id));
    for (const auto& [name, img] : d.images)
        for (const auto& parent : img.parents)
            need(impl->index.at(image_key(name)), impl->index.at(image_key(parent)));
    for (const auto& i : d.instances) {
        auto v = impl->index.at(instance_key(i.id));
        need(v, impl->index.at(image_key(i.container)));
        need(v, impl->index.at(network_key()));
        for (const auto& n : i.spec->extras().extra_networks)
            if (auto t = impl->index.find(network_key(n)); t != impl->index.end()) need(v, t->second);
        if (!i.spec->network.empty() && i.spec->network != d.network.name)
            if (auto t = impl->index.find(network_key(i.spec->network)); t != impl->index.end()) need(v, t->second);
        for (const auto& dep : i.depends_on)
            if (auto t = impl->index.find(instance_key(dep.target)); t != impl->index.end()) need(v, t->second);
        for (const auto& l : i.links) {
            if (l.target.empty()) continue;
            auto t = impl->index.find(instance_key(l.target));
            // A link to an instance that is not applied (interactive ones) adds no edge.
            if (t != impl->index.end()) need(v, t->second);
        }
    }

    std::sort(needs.begin(), needs.end());
    needs.erase(std::unique(needs.begin(), needs.end()), needs.end());
    for (auto [from, to] : needs) boost::add_edge(from, to, impl->g);
    // Cycles: Boost.Graph's depth-first search, in the order the nodes were
    // added (network, images by name, instances by id), so the path is stable.
    if (auto cycle = cycle_of(impl->g)) {
        const std::string& first = impl->key(cycle->front());
        std::string text;
        for (std::size_t v : *cycle) text += (text.empty() ? "" : " -> ") + short_name(impl->key(v));
        return Error{std::string(first.starts_with("image:") ? "image cycle (FROM)" : "link cycle") + ": " + text,
                     "project " + d.project};
    }
    return DesiredGraph(std::move(impl));
}

std::vector<std::string> DesiredGraph::nodes() const {
    std::vector<std::string> r;
    for (const auto& [k, _] : impl_->index) r.push_back(k);
    return r;
}

std::vector<std::string> DesiredGraph::dependencies(const std::string& key) const {
    auto it = impl_->index.find(key);
    if (it == impl_->index.end()) return {};
    return impl_->out(it->second);
}

std::vector<std::string> DesiredGraph::order() const {
    // Kahn's algorithm on "needs" edges, smallest key first among the ready:
    // the plan's reading order. (Boost's topological_sort gives a depth-first
    // finishing order, which interleaves each instance with its image; the
    // plans' order, and so their action ids, would change for every project.)
    // On vertex numbers: a node's rank is its key's place in the sorted index.
    const Impl::Graph& g = impl_->g;
    const std::size_t n = boost::num_vertices(g);
    std::vector<std::size_t> rank(n), pending(n);
    std::vector<Impl::Vertex> by_rank;
    by_rank.reserve(n);
    for (const auto& [_, v] : impl_->index) {
        rank[v] = by_rank.size();
        by_rank.push_back(v);
    }
    std::vector<std::vector<Impl::Vertex>> needed_by(n);
    for (Impl::Vertex v = 0; v < n; ++v)
        for (auto [e, end] = boost::out_edges(v, g); e != end; ++e) {
            ++pending[v];
            needed_by[boost::target(*e, g)].push_back(v);
        }
    std::priority_queue<std::size_t, std::vector<std::size_t>, std::greater<>> ready;
    for (Impl::Vertex v = 0; v < n; ++v)
        if (pending[v] == 0) ready.push(rank[v]);
    std::vector<std::string> out;
    out.reserve(n);
    while (!ready.empty()) {
        const Impl::Vertex v = by_rank[ready.top()];
        ready.pop();
        out.push_back(impl_->key(v));
        for (Impl::Vertex dependent : needed_by[v])
            if (--pending[dependent] == 0) ready.push(rank[dependent]);
    }
    return out;
}

std::set<std::string> DesiredGraph::closure(const std::set<std::string>& keys) const {
    // Boost.Graph's depth-first visit from each key, one colour map for all:
    // a node reached once is not walked again.
    struct Reached : boost::default_dfs_visitor {
        std::set<std::string>* out;
        void discover_vertex(Impl::Vertex v, const Impl::Graph& g) const { out->insert(*g[v].key); }
    };
    std::set<std::string> out;
    std::vector<boost::default_color_type> colors(boost::num_vertices(impl_->g), boost::white_color);
    auto color = boost::make_iterator_property_map(colors.begin(), boost::get(boost::vertex_index, impl_->g));
    for (const auto& k : keys) {
        auto it = impl_->index.find(k);
        if (it == impl_->index.end()) {
            out.insert(k);   // not a node: itself only, as before
            continue;
        }
        if (colors[it->second] == boost::white_color) boost::depth_first_visit(impl_->g, it->second, Reached{{}, &out}, color);
    }
    return out;
}

std::string DesiredGraph::to_dot(const std::map<std::string, std::string>& color) const {
    std::string out = "digraph dockerops {\n  rankdir=LR;\n  node [fontname=\"sans-serif\", style=filled, fillcolor=white];\n";
    for (const auto& [k, v] : impl_->index) {
        std::string shape = k.starts_with(network_key()) ? "ellipse" : k.starts_with("image:") ? "box" : "box, style=\"rounded,filled\"";
        auto c = color.find(k);
        out += "  \"" + k + "\" [label=\"" + short_name(k) + "\", shape=" + shape +
               (c != color.end() ? ", fillcolor=\"" + c->second + "\"" : "") + "];\n";
    }
    for (const auto& [k, v] : impl_->index)
        for (const auto& dep : impl_->out(v)) out += "  \"" + k + "\" -> \"" + dep + "\";\n";
    return out + "}\n";
}

}  // namespace dockerops
