// observe(): what the engine holds for a project, in a fixed number of list
// calls, sorted into the project's own and the foreign ones that matter
// (engine/ownership).
#include "engine/model/ownership.hpp"
#include "providers/docker/docker.hpp"
#include "providers/docker/engine_json.hpp"

#include "util/json_writer.hpp"

#include <algorithm>
#include <cctype>
#include <thread>
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

// An image's tags, sorted, without the engine's "<none>:<none>".
std::vector<std::string> tags_of(element i) {
    std::vector<std::string> tags;
    simdjson::dom::array arr;
    if (i["RepoTags"].get_array().get(arr) == simdjson::SUCCESS)
        for (auto t : arr) {
            std::string_view v;
            if (t.get_string().get(v) == simdjson::SUCCESS && v != "<none>:<none>") tags.emplace_back(v);
        }
    std::sort(tags.begin(), tags.end());
    return tags;
}

// Whether the project's own containers among `all` hold every one of `names`.
bool names_held(const std::vector<ObservedContainer>& all, const std::vector<std::string>& names, const std::string& project) {
    std::set<std::string> held;
    for (const auto& c : all)
        if (container_ownership(c, project) != Ownership::NotOurs) held.insert(c.name);
    for (const auto& n : names)
        if (!held.count(n)) return false;
    return true;
}

std::string filter(const std::string& key, const std::vector<std::string>& values) {
    std::string json = "{\"" + key + "\":[";
    for (std::size_t i = 0; i < values.size(); ++i) json += (i ? "," : "") + json_quote(values[i]);
    return url_encode(json + "]}");
}

}  // namespace

// How many connections observe's calls share: one for every two cores, up to
// three. The engine's work on them is CPU, on the same cores as ours: on two
// cores a no-op plan of 50 took 25.1 ms over one connection, 25.5-26.7 ms over
// two, 26.8-26.9 ms over three, 27.2 ms over six (medians of 30).
static std::size_t observe_lanes() {
    static const std::size_t lanes = std::clamp<std::size_t>(std::thread::hardware_concurrency() / 2, 1, 3);
    return lanes;
}

std::vector<Result<HttpResponse>> DockerEngine::get_all(const std::vector<std::string>& paths, std::size_t lanes) {
    std::vector<Result<HttpResponse>> answers(paths.size(), Error{"not sent"});
    lanes = std::max<std::size_t>(1, std::min(lanes, paths.size()));
    auto lane = [&](HttpClient& client, std::size_t first) {
        for (std::size_t k = first; k < paths.size(); k += lanes) {
            HttpRequest req;
            req.path = api(paths[k]);
            answers[k] = client.send(req);
        }
    };
    std::vector<std::thread> others;
    for (std::size_t l = 1; l < lanes; ++l)
        others.emplace_back([&, l] {
            HttpClient client(endpoint());
            lane(client, l);
        });
    lane(http_, 0);   // the first lane on this engine's own connection, open since the ping
    for (auto& t : others) t.join();
    return answers;
}

// The list says a container's health, not why, nor how often its restart
// policy restarted it: the project's containers that are not healthy are
// inspected for their last health check's output, and those with no health
// check that a restart policy restarts (scope.policy_restarted) and that have
// been up for less than kSettledSeconds for their restart count (one call
// each), so a plan says why and tells a crash loop caught between two
// restarts from a settled container. A healthy platform, or one of containers
// without a restart policy, costs no more calls.
Status DockerEngine::add_inspected_detail(std::vector<ObservedContainer>& containers, const ObserveScope& scope) {
    std::set<std::string> restartable;
    if (scope.policy_restarted) restartable.insert(scope.policy_restarted->begin(), scope.policy_restarted->end());
    std::vector<std::string> paths;
    std::vector<ObservedContainer*> who;
    for (auto& c : containers) {
        const bool unsettled = c.health.empty() && c.up_seconds >= 0 && c.up_seconds < kSettledSeconds &&
                               (!scope.policy_restarted || restartable.count(c.name));
        if (c.health == "unhealthy" || c.health == "starting" || unsettled) {
            paths.push_back("/containers/" + url_encode(c.id) + "/json");
            who.push_back(&c);
        }
    }
    if (paths.empty()) return ok_status();
    auto answers = get_all(paths, observe_lanes());
    simdjson::dom::parser parser;
    for (std::size_t k = 0; k < who.size(); ++k) {
        if (!answers[k]) return answers[k].error();
        if (answers[k]->status == 404) continue;   // removed since it was listed
        if (!is_2xx(answers[k]->status)) return engine_error(*answers[k], "container " + who[k]->name, "inspect");
        simdjson::padded_string body(answers[k]->body);
        element doc;
        if (parser.parse(body).get(doc) != simdjson::SUCCESS) return Error{"unreadable answer to inspect", "container " + who[k]->name};
        who[k]->health_output = last_health_output(doc);
        who[k]->restart_count = static_cast<int>(num(doc, "RestartCount"));
    }
    return ok_status();
}

Result<ObservedState> DockerEngine::observe(const std::string& project, const ObserveScope& scope) {
    return observe_engine(project, true, scope);
}

namespace {

// Reading observe's answers into one ObservedState: each answer as JSON (the
// parser's until its next parse), and what it says kept when it concerns the
// project (engine/ownership).
class ObserveReader {
public:
    ObserveReader(DockerEngine& engine, const std::string& project, ObservedState& s) : engine_(engine), project_(project), s_(s) {}

    Result<element> answer(const Result<HttpResponse>& r, const std::string& what) {
        if (!r) return r.error();
        if (!is_2xx(r->status)) return engine_.engine_error(*r, "project " + project_, what);
        simdjson::padded_string body(r->body);
        element doc;
        if (parser_.parse(body).get(doc) != simdjson::SUCCESS)
            return Error{"unreadable answer to " + what, "engine " + engine_.endpoint().display()};
        return doc;
    }
    Result<simdjson::dom::array> list(const Result<HttpResponse>& r, const std::string& what) {
        auto doc = answer(r, "list " + what);
        if (!doc) return doc.error();
        simdjson::dom::array arr;
        if (doc->get_array().get(arr) != simdjson::SUCCESS)
            return Error{"unreadable answer to list " + what, "engine " + engine_.endpoint().display()};
        return arr;
    }
    // A list of containers: each counted once, whichever answers it is in.
    Status take_containers(const Result<HttpResponse>& r) {
        auto arr = list(r, "containers");
        if (!arr) return arr.error();
        for (auto c : *arr) {
            ObservedContainer o = container_from_list(c);
            if (seen_containers_.insert(o.id).second) containers_.push_back(std::move(o));
        }
        return ok_status();
    }
    std::vector<ObservedContainer>& containers() { return containers_; }

    // Every image answer: each image once, every tag seen recorded.
    void take_image(element i, bool inspected) {
        ObservedImage img;
        img.id = str(i, "Id");
        if (!seen_images_.insert(img.id).second) return;
        img.labels = inspected ? string_map(i["Config"], "Labels") : string_map(i, "Labels");
        img.created = inspected ? unix_seconds(str(i, "Created")) : num(i, "Created");
        img.tags = tags_of(i);
        for (const auto& t : img.tags) s_.image_ids_by_tag[t] = img.id;
        if (image_concerns_project(img, project_)) s_.images.push_back(std::move(img));
    }
    bool seen_image(const std::string& id) const { return seen_images_.count(id) > 0; }
    // An inspected image: absent (404) is no error. Asked by the plan's name
    // for it, that name leads to it too (a reference by digest is in no tags).
    Status take_inspected(const Result<HttpResponse>& r, const std::string& ref, bool by_name) {
        if (r && r->status == 404) return ok_status();
        auto doc = answer(r, "inspect image " + ref);
        if (!doc) return doc.error();
        if (by_name) {
            s_.image_ids_by_tag[ref] = str(*doc, "Id");
            element config;
            s_.image_healthcheck[ref] = (*doc)["Config"].get(config) == simdjson::SUCCESS && declares_healthcheck(config);
        }
        take_image(*doc, true);
        return ok_status();
    }
    // Every network (one call): the project's, and the others' subnets, which
    // a new project network must not overlap.
    Status take_networks(const Result<HttpResponse>& r) {
        auto networks = list(r, "networks");
        if (!networks) return networks.error();
        for (auto n : *networks) {
            ObservedNetwork net;
            net.id = str(n, "Id");
            net.name = str(n, "Name");
            net.labels = string_map(n, "Labels");
            s_.network_names.insert(net.name);
            simdjson::dom::array cfg;
            if (n["IPAM"]["Config"].get_array().get(cfg) == simdjson::SUCCESS)
                for (auto c : cfg) {
                    net.subnet = str(c, "Subnet");
                    if (!net.subnet.empty()) break;
                }
            if (network_is_ours(net, project_)) s_.networks.push_back(std::move(net));
            else if (!net.subnet.empty() && net.subnet.find(':') == std::string::npos) s_.other_networks.push_back(std::move(net));
        }
        return ok_status();
    }

private:
    DockerEngine& engine_;
    const std::string& project_;
    ObservedState& s_;
    simdjson::dom::parser parser_;
    std::vector<ObservedContainer> containers_;
    std::set<std::string> seen_containers_, seen_images_;
};

void sort_observed(ObservedState& s) {
    std::sort(s.containers.begin(), s.containers.end(), [](auto& a, auto& b) { return a.name < b.name; });
    std::sort(s.other_networks.begin(), s.other_networks.end(), [](auto& a, auto& b) { return a.name < b.name; });
    std::sort(s.images.begin(), s.images.end(), [](auto& a, auto& b) {
        return std::pair(a.tags.empty() ? "" : a.tags.front(), a.id) < std::pair(b.tags.empty() ? "" : b.tags.front(), b.id);
    });
    std::sort(s.networks.begin(), s.networks.end(), [](auto& a, auto& b) { return a.name < b.name; });
}

// The calls observe makes at once: the containers that concern the project,
// never the whole engine's (the engine spends ~0.1 ms on each container it
// lists, so a no-op plan on a shared engine would pay for every other
// project's): those carrying its label (a label can be inherited from an
// image, so ownership is decided by engine/ownership), those named like its
// instances, and, when it publishes host ports, those holding one of them.
// The last two are named in conflicts. With scope.names, the list by name
// waits until one of those names is not held by the project: a no-op plan
// lists its containers once. Then the networks, and the images: when the plan
// says which, those by name (the engine spends ~0.2 ms on each image it holds
// in a list, intermediate layers included); else every image.
struct ObservePaths {
    std::vector<std::string> paths;
    std::string by_name;
    std::size_t container_lists = 0, networks = 0, first_image = 0, earlier_builds = 0;
};
ObservePaths observe_paths(const std::string& project, bool with_containers, const ObserveScope& scope) {
    ObservePaths o;
    o.by_name = "/containers/json?all=1&filters=" + filter("name", {"^/" + regex_literal(project) + "-"});
    if (with_containers) {
        o.paths.push_back("/containers/json?all=1&filters=" + filter("label", {std::string(labels::kProject) + "=" + project}));
        if (!scope.names) o.paths.push_back(o.by_name);
        if (!scope.host_ports.empty()) o.paths.push_back("/containers/json?all=1&filters=" + filter("publish", scope.host_ports));
        if (!scope.compose_project.empty())
            o.paths.push_back("/containers/json?all=1&filters=" + filter("label", {"com.docker.compose.project=" + scope.compose_project}));
    }
    o.container_lists = o.paths.size();
    o.networks = o.paths.size();
    o.paths.push_back("/networks");
    o.first_image = o.paths.size();
    if (scope.image_refs) {
        for (const auto& ref : *scope.image_refs) o.paths.push_back("/images/" + url_encode(ref) + "/json");
        // The project's earlier builds, untagged (a rebuild removes the older ones).
        o.earlier_builds = o.paths.size();
        if (scope.earlier_builds)
            o.paths.push_back("/images/json?filters=" +
                          url_encode("{\"dangling\":[\"true\"],\"label\":[" + json_quote(std::string(labels::kImageProject) + "=" + project) + "]}"));
    } else {
        o.paths.push_back("/images/json");
    }
    return o;
}

}  // namespace

Result<ObservedState> DockerEngine::observe_engine(const std::string& project, bool with_containers, const ObserveScope& scope) {
    // A fixed number of calls whatever the number of instances, shared out
    // over observe_lanes() connections.
    ObservedState s;
    s.project = project;
    s.scope = scope;
    const ObservePaths calls = observe_paths(project, with_containers, scope);
    auto answers = get_all(calls.paths, observe_lanes());
    ObserveReader read(*this, project, s);
    if (with_containers) {
        for (std::size_t k = 0; k < calls.container_lists; ++k)
            if (auto st = read.take_containers(answers[k]); !st) return st.error();
        if (scope.names && !names_held(read.containers(), *scope.names, project))
            if (auto st = read.take_containers(get_all({calls.by_name}, 1)[0]); !st) return st.error();
        classify_containers(s, std::move(read.containers()));
        if (auto st = add_inspected_detail(s.containers, scope); !st) return st.error();
    }
    if (!scope.image_refs) {
        auto images = read.list(answers[calls.first_image], "images");
        if (!images) return images.error();
        for (auto i : *images) read.take_image(i, false);
    } else {
        for (std::size_t k = calls.first_image; k < calls.earlier_builds; ++k)
            if (auto st = read.take_inspected(answers[k], (*scope.image_refs)[k - calls.first_image], true); !st) return st.error();
        if (scope.earlier_builds) {
            auto earlier = read.list(answers[calls.earlier_builds], "images");
            if (!earlier) return earlier.error();
            for (auto i : *earlier) read.take_image(i, false);
        }
        // The image a container of the project runs, when no name leads to it
        // any more (a later build took its tag): a plan names the files that
        // changed from its labels. Rare, so a second round.
        std::vector<std::string> more, more_paths;
        for (const auto& c : s.containers)
            if (!c.image_id.empty() && !read.seen_image(c.image_id) && std::find(more.begin(), more.end(), c.image_id) == more.end()) {
                more.push_back(c.image_id);
                more_paths.push_back("/images/" + url_encode(c.image_id) + "/json");
            }
        auto more_answers = more.empty() ? std::vector<Result<HttpResponse>>{} : get_all(more_paths, observe_lanes());
        for (std::size_t k = 0; k < more.size(); ++k)
            if (auto st = read.take_inspected(more_answers[k], more[k], false); !st) return st.error();
    }
    if (auto st = read.take_networks(answers[calls.networks]); !st) return st.error();
    sort_observed(s);
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
