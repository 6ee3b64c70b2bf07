// observe(): what the engine holds for a project, in a fixed number of list
// calls, sorted into the project's own and the foreign ones that matter
// (engine/ownership).
#include "engine/model/ownership.hpp"
#include "providers/docker/docker.hpp"
#include "providers/docker/json_read.hpp"

#include "util/json_writer.hpp"

#include <algorithm>
#include <cctype>
#include <future>
#include <set>

namespace dockerops::docker {

using namespace detail;
using simdjson::dom::element;

namespace {

// A project name as a literal in the engine's name filter (a Go regular
// expression): every character that is not a letter or digit escaped.
std::string regex_literal(const std::string& text) {
    std::string out;
    for (char c : text) {
        if (!std::isalnum(static_cast<unsigned char>(c))) out += '\\';
        out += c;
    }
    return out;
}

std::string filter(const std::string& key, const std::vector<std::string>& values) {
    std::string json = "{\"" + key + "\":[";
    for (std::size_t i = 0; i < values.size(); ++i) json += (i ? "," : "") + json_quote(values[i]);
    return url_encode(json + "]}");
}

}  // namespace

Result<ObservedState> DockerEngine::observe(const std::string& project, const ObserveScope& scope) {
    return observe_engine(project, true, scope);
}

Result<ObservedState> DockerEngine::observe_engine(const std::string& project, bool with_containers, const ObserveScope& scope) {
    // A fixed number of list calls whatever the number of instances: everything
    // the planner needs is in the list answers. They go out at once, each on
    // its own connection (the engine takes longest over the images), so
    // observe costs the slowest of them, not their sum.
    ObservedState s;
    s.project = project;
    simdjson::dom::parser parser;
    auto list_on_own_connection = [this](std::string path) {
        return std::async(std::launch::async, [endpoint = endpoint(), path = api(path)] {
            HttpClient client(endpoint);
            HttpRequest req;
            req.path = path;
            return client.send(req);
        });
    };
    // The containers that concern the project, never the whole engine's (the
    // engine spends ~0.1 ms on each container it lists, so a no-op plan on a
    // shared engine would pay for every other project's): those carrying its
    // label (a label can be inherited from an image, so ownership is decided
    // by engine/ownership), those named like its instances, and, when it
    // publishes host ports, those holding one of them. The last two are named
    // in conflicts.
    std::vector<std::future<Result<HttpResponse>>> container_calls;
    if (with_containers) {
        container_calls.push_back(list_on_own_connection(
            "/containers/json?all=1&filters=" + filter("label", {std::string(labels::kProject) + "=" + project})));
        container_calls.push_back(list_on_own_connection(
            "/containers/json?all=1&filters=" + filter("name", {"^/" + regex_literal(project) + "-"})));
        if (!scope.host_ports.empty())
            container_calls.push_back(
                list_on_own_connection("/containers/json?all=1&filters=" + filter("publish", scope.host_ports)));
    }
    auto images_call = list_on_own_connection("/images/json");
    auto networks_call = list_on_own_connection("/networks");

    // One list's answer as a JSON array (the parser's until its next parse).
    auto answer = [&](std::future<Result<HttpResponse>>& call, const std::string& what) -> Result<simdjson::dom::array> {
        auto r = call.get();
        if (!r) return r.error();
        if (!is_2xx(r->status)) return engine_error(*r, "project " + project, "list " + what);
        simdjson::padded_string body(r->body);
        simdjson::dom::array arr;
        if (parser.parse(body).get_array().get(arr) != simdjson::SUCCESS)
            return Error{"unreadable answer to list " + what, "engine " + endpoint().display()};
        return arr;
    };

    if (with_containers) {
        std::vector<ObservedContainer> all;
        std::set<std::string> seen;   // a container in two answers is counted once
        for (auto& call : container_calls) {
            auto arr = answer(call, "containers");
            if (!arr) return arr.error();
            for (auto c : *arr) {
                ObservedContainer o = container_from_list(c);
                if (seen.insert(o.id).second) all.push_back(std::move(o));
            }
        }
        classify_containers(s, std::move(all));
    }

    // Every image too (one call), kept when it concerns the project (engine/ownership).
    auto images = answer(images_call, "images");
    if (!images) return images.error();
    for (auto i : *images) {
        ObservedImage img;
        img.id = str(i, "Id");
        img.labels = string_map(i, "Labels");
        img.created = num(i, "Created");
        simdjson::dom::array tags;
        if (i["RepoTags"].get_array().get(tags) == simdjson::SUCCESS)
            for (auto t : tags) {
                std::string_view v;
                if (t.get_string().get(v) == simdjson::SUCCESS && v != "<none>:<none>") img.tags.emplace_back(v);
            }
        std::sort(img.tags.begin(), img.tags.end());
        for (const auto& t : img.tags) s.image_ids_by_tag[t] = img.id;
        if (image_concerns_project(img, project)) s.images.push_back(std::move(img));
    }

    // Every network (one call): the project's, and the others' subnets, which
    // a new project network must not overlap.
    auto networks = answer(networks_call, "networks");
    if (!networks) return networks.error();
    for (auto n : *networks) {
        ObservedNetwork net;
        net.id = str(n, "Id");
        net.name = str(n, "Name");
        net.labels = string_map(n, "Labels");
        simdjson::dom::array cfg;
        if (n["IPAM"]["Config"].get_array().get(cfg) == simdjson::SUCCESS)
            for (auto c : cfg) {
                net.subnet = str(c, "Subnet");
                if (!net.subnet.empty()) break;
            }
        if (network_is_ours(net, project)) s.networks.push_back(std::move(net));
        else if (!net.subnet.empty() && net.subnet.find(':') == std::string::npos) s.other_networks.push_back(std::move(net));
    }

    std::sort(s.containers.begin(), s.containers.end(), [](auto& a, auto& b) { return a.name < b.name; });
    std::sort(s.other_networks.begin(), s.other_networks.end(), [](auto& a, auto& b) { return a.name < b.name; });
    std::sort(s.images.begin(), s.images.end(), [](auto& a, auto& b) {
        return std::pair(a.tags.empty() ? "" : a.tags.front(), a.id) < std::pair(b.tags.empty() ? "" : b.tags.front(), b.id);
    });
    std::sort(s.networks.begin(), s.networks.end(), [](auto& a, auto& b) { return a.name < b.name; });
    return s;
}

Result<std::vector<ObservedVolume>> DockerEngine::list_volumes(const std::string& project) {
    auto r = call("GET", "/volumes?filters=" + filter_label(project));
    if (!r) return r.error();
    if (!is_2xx(r->status)) return engine_error(*r, "project " + project, "list volumes");
    simdjson::dom::parser parser;
    simdjson::padded_string body(r->body);
    simdjson::dom::array arr;
    std::vector<ObservedVolume> out;
    if (parser.parse(body)["Volumes"].get_array().get(arr) == simdjson::SUCCESS)
        for (auto v : arr) out.push_back({str(v, "Name"), string_map(v, "Labels")});
    std::sort(out.begin(), out.end(), [](auto& a, auto& b) { return a.name < b.name; });
    return out;
}

}  // namespace dockerops::docker
