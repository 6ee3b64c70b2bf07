#include "engine/desired/graph.hpp"

#include <boost/graph/adjacency_list.hpp>

#include <algorithm>
#include <functional>
#include <queue>

namespace dockerops {

std::string network_key() { return "network"; }
std::string image_key(const std::string& c) { return "image:" + c; }
std::string instance_key(const std::string& id) { return "instance:" + id; }

struct DesiredGraph::Impl {
    struct Node { std::string key; };
    // Edges point from a node to what it needs.
    using Graph = boost::adjacency_list<boost::setS, boost::vecS, boost::bidirectionalS, Node>;
    using Vertex = Graph::vertex_descriptor;
    Graph g;
    std::map<std::string, Vertex> index;

    Vertex add(const std::string& key) {
        auto it = index.find(key);
        if (it != index.end()) return it->second;
        Vertex v = boost::add_vertex(Node{key}, g);
        index[key] = v;
        return v;
    }
    std::vector<std::string> out(Vertex v) const {
        std::vector<std::string> r;
        for (auto [e, end] = boost::out_edges(v, g); e != end; ++e) r.push_back(g[boost::target(*e, g)].key);
        std::sort(r.begin(), r.end());
        return r;
    }
};

DesiredGraph::DesiredGraph(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
DesiredGraph::DesiredGraph(DesiredGraph&&) noexcept = default;
DesiredGraph& DesiredGraph::operator=(DesiredGraph&&) noexcept = default;
DesiredGraph::~DesiredGraph() = default;

namespace {
std::string short_name(const std::string& key) {
    auto colon = key.find(':');
    return colon == std::string::npos ? key : key.substr(colon + 1);
}
}  // namespace

Result<DesiredGraph> DesiredGraph::build(const DesiredState& d) {
    auto impl = std::make_unique<Impl>();
    // Named steps: nodes first, then each kind of edge.
    impl->add(network_key());
    for (const auto& [name, _] : d.images) impl->add(image_key(name));
    for (const auto& i : d.instances) impl->add(instance_key(i.id));
    for (const auto& [name, img] : d.images)
        for (const auto& parent : img.parents)
            boost::add_edge(impl->index.at(image_key(name)), impl->index.at(image_key(parent)), impl->g);
    for (const auto& i : d.instances) {
        auto v = impl->index.at(instance_key(i.id));
        boost::add_edge(v, impl->index.at(image_key(i.container)), impl->g);
        boost::add_edge(v, impl->index.at(network_key()), impl->g);
        for (const auto& dep : i.depends_on)
            if (auto t = impl->index.find(instance_key(dep.target)); t != impl->index.end()) boost::add_edge(v, t->second, impl->g);
        for (const auto& l : i.links) {
            if (l.target.empty()) continue;
            auto t = impl->index.find(instance_key(l.target));
            // A link to an instance that is not applied (interactive ones) adds no edge.
            if (t != impl->index.end()) boost::add_edge(v, t->second, impl->g);
        }
    }

    // Cycles: a depth-first walk in key order, so the path printed is stable.
    std::map<std::string, int> state;   // 0 new, 1 on the path, 2 done
    std::vector<std::string> path;
    std::vector<std::string> cycle;
    std::function<bool(const std::string&)> visit = [&](const std::string& key) {
        state[key] = 1;
        path.push_back(key);
        for (const auto& next : impl->out(impl->index.at(key))) {
            if (state[next] == 1) {
                auto from = std::find(path.begin(), path.end(), next);
                cycle.assign(from, path.end());
                cycle.push_back(next);
                return true;
            }
            if (state[next] == 0 && visit(next)) return true;
        }
        path.pop_back();
        state[key] = 2;
        return false;
    };
    for (const auto& [key, _] : impl->index) {
        if (state[key] == 0 && visit(key)) {
            std::string kind = cycle.front().starts_with("image:") ? "image cycle (FROM)" : "link cycle";
            std::string text;
            for (const auto& k : cycle) text += (text.empty() ? "" : " -> ") + short_name(k);
            return Error{kind + ": " + text, "project " + d.project};
        }
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
    // Kahn's algorithm on "needs" edges, smallest key first among the ready.
    std::map<std::string, std::size_t> pending;
    std::map<std::string, std::vector<std::string>> needed_by;
    for (const auto& [k, v] : impl_->index) {
        auto deps = impl_->out(v);
        pending[k] = deps.size();
        for (const auto& dep : deps) needed_by[dep].push_back(k);
    }
    std::priority_queue<std::string, std::vector<std::string>, std::greater<>> ready;
    for (const auto& [k, n] : pending) if (n == 0) ready.push(k);
    std::vector<std::string> out;
    while (!ready.empty()) {
        std::string k = ready.top();
        ready.pop();
        out.push_back(k);
        for (const auto& dependent : needed_by[k])
            if (--pending[dependent] == 0) ready.push(dependent);
    }
    return out;
}

std::set<std::string> DesiredGraph::closure(const std::set<std::string>& keys) const {
    std::set<std::string> out;
    std::vector<std::string> todo(keys.begin(), keys.end());
    while (!todo.empty()) {
        std::string k = todo.back();
        todo.pop_back();
        if (!out.insert(k).second) continue;
        for (const auto& dep : dependencies(k)) todo.push_back(dep);
    }
    return out;
}

std::string DesiredGraph::to_dot(const std::map<std::string, std::string>& color) const {
    std::string out = "digraph dockerops {\n  rankdir=LR;\n  node [fontname=\"sans-serif\", style=filled, fillcolor=white];\n";
    for (const auto& [k, v] : impl_->index) {
        std::string shape = k == network_key() ? "ellipse" : k.starts_with("image:") ? "box" : "box, style=\"rounded,filled\"";
        auto c = color.find(k);
        out += "  \"" + k + "\" [label=\"" + short_name(k) + "\", shape=" + shape +
               (c != color.end() ? ", fillcolor=\"" + c->second + "\"" : "") + "];\n";
    }
    for (const auto& [k, v] : impl_->index)
        for (const auto& dep : impl_->out(v)) out += "  \"" + k + "\" -> \"" + dep + "\";\n";
    return out + "}\n";
}

}  // namespace dockerops
