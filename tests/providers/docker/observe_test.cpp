// providers/docker/observe: what observe asks the engine and how it sorts the
// answers, against a scripted engine on a unix socket (no dockerd): the calls
// by the scope, the project's containers told from a squatter and from a
// container that only carries the label, networks and images. The real
// engine's answers are covered by tests/providers/docker/docker_test.cpp.
#include "engine/model/ownership.hpp"
#include "providers/docker/docker.hpp"
#include "tests/providers/docker/scripted_server.hpp"
#include "util/json_writer.hpp"

#include <catch2/catch.hpp>

#include <map>
#include <mutex>

using namespace dockerops;
using dockerops::test::ScriptedServer;

namespace {

// A container as /containers/json lists it.
std::string listed(const std::string& id, const std::string& name, const std::string& image_id,
                   const std::map<std::string, std::string>& labels, bool publishes = true,
                   const std::string& status = "Up 3 minutes") {
    JsonWriter w;
    w.begin_object().key("Id").value(id).key("Names").begin_array().value("/" + name).end_array();
    w.key("Image").value("shop/web:latest").key("ImageID").value(image_id).key("State").value("running");
    w.key("Status").value(status).key("Created").value(static_cast<int64_t>(1700000000)).key("Labels").begin_object();
    for (const auto& [k, v] : labels) w.key(k).value(v);
    w.end_object().key("NetworkSettings").begin_object().key("Networks").begin_object().key("shop").begin_object();
    w.key("IPAddress").value("10.20.0.2").end_object().end_object().end_object();
    w.key("Ports").begin_array();
    if (publishes) {
        w.begin_object().key("PrivatePort").value(static_cast<int64_t>(80)).key("Type").value("tcp");
        w.key("IP").value("0.0.0.0").key("PublicPort").value(static_cast<int64_t>(8080)).end_object();
    }
    w.end_array();
    w.key("Mounts").begin_array().end_array().end_object();
    return w.str();
}

// The engine as a table of answers: the request's path (without /vN.NN) ->
// its body; a path not in the table is answered 404. Every path asked is kept.
class ScriptedEngine {
public:
    explicit ScriptedEngine(std::map<std::string, std::string> answers)
        : answers_(std::move(answers)), server_([this](int fd, std::atomic<int>&) { serve(fd); }, true) {}
    docker::Endpoint endpoint() const { return server_.endpoint(); }
    std::vector<std::string> asked() {
        std::lock_guard<std::mutex> l(mutex_);
        return asked_;
    }

private:
    void serve(int fd) {
        std::string pending;
        test::Seen req;
        while (test::read_request(fd, pending, req)) {
            std::string path = req.head.substr(req.head.find(' ') + 1);
            path = path.substr(0, path.find(' '));
            if (path.starts_with("/v1.")) path = path.substr(path.find('/', 1));
            {
                std::lock_guard<std::mutex> l(mutex_);
                asked_.push_back(path);
            }
            // The filters' values are compared decoded-free: by their prefix before "?".
            auto it = answers_.find(path);
            if (it == answers_.end()) it = answers_.find(path.substr(0, path.find('?')));
            const bool found = it != answers_.end();
            const std::string body = found ? it->second : R"({"message":"no such object"})";
            test::write_all(fd, std::string("HTTP/1.1 ") + (found ? "200 OK" : "404 Not Found") +
                                    "\r\nApi-Version: 1.41\r\nContent-Type: application/json\r\nContent-Length: " +
                                    std::to_string(body.size()) + "\r\n\r\n" + body);
        }
    }
    std::map<std::string, std::string> answers_;
    std::mutex mutex_;
    std::vector<std::string> asked_;
    ScriptedServer server_;
};

}  // namespace

TEST_CASE("observe: the scoped calls, the project's own containers, a squatter, a label alone, networks and images") {
    const std::string image = "sha256:aaa";
    const std::string own = listed("c1", "shop-web-one", image,
                                   {{labels::kProject, "shop"}, {labels::kOwner, container_owner_token("shop", image)}});
    // The label without the owner token of its image, in no name or port of the plan: not the project's, and not in its way.
    const std::string label_only = listed("c2", "other-thing", image, {{labels::kProject, "shop"}, {labels::kOwner, "forged"}}, false);
    // A container of no project in a name the plan uses, and holding its host port (in the way: foreign).
    const std::string squatter = listed("c3", "shop-db-one", "sha256:bbb", {});
    JsonWriter nets;
    nets.begin_array();
    nets.begin_object().key("Id").value("n1").key("Name").value("shop").key("Labels").begin_object();
    nets.key(labels::kProject).value("shop").key(labels::kOwner).value(network_owner_token("shop", "shop")).end_object();
    nets.key("IPAM").begin_object().key("Config").begin_array().begin_object().key("Subnet").value("10.20.0.0/16");
    nets.end_object().end_array().end_object().end_object();
    nets.begin_object().key("Id").value("n2").key("Name").value("bridge").key("Labels").begin_object().end_object();
    nets.key("IPAM").begin_object().key("Config").begin_array().begin_object().key("Subnet").value("172.17.0.0/16");
    nets.end_object().end_array().end_object().end_object();
    nets.end_array();
    ScriptedEngine engine({
        {"/_ping", "OK"},
        {"/containers/json", "[" + own + "," + label_only + "," + squatter + "]"},
        {"/networks", nets.str()},
        {"/images/shop%2Fweb%3Alatest/json",
         R"({"Id":"sha256:aaa","RepoTags":["shop/web:latest"],"Created":"2024-01-02T03:04:05Z","Config":{"Labels":{}}})"},
    });
    auto trace = std::make_shared<docker::CallTrace>(false);
    docker::Endpoint ep = engine.endpoint();
    ep.trace = trace;
    auto e = docker::DockerEngine::connect(ep);
    REQUIRE(e);
    trace->reset();
    ObserveScope scope;
    scope.host_ports = {"8080/tcp"};
    scope.image_refs = std::vector<std::string>{"shop/web:latest", "redis:7"};
    auto s = (*e)->observe("shop", scope);
    REQUIRE(s);
    // By label, by name, by host port; the networks; each image the plan names.
    CHECK(trace->calls() == 6);
    const auto asked = engine.asked();
    CHECK(std::count_if(asked.begin(), asked.end(), [](const std::string& p) { return p.starts_with("/containers/json?all=1&filters="); }) == 3);
    CHECK(std::count(asked.begin(), asked.end(), "/networks") == 1);
    REQUIRE(s->containers.size() == 1);
    CHECK(s->containers[0].name == "shop-web-one");
    CHECK(s->containers[0].addresses.at("shop") == "10.20.0.2");
    CHECK(s->containers[0].ports.at(0).host_port == 8080);
    REQUIRE(s->foreign.size() == 1);
    CHECK(s->foreign[0].name == "shop-db-one");
    REQUIRE(s->networks.size() == 1);
    CHECK(s->networks[0].name == "shop");
    REQUIRE(s->other_networks.size() == 1);
    CHECK(s->other_networks[0].subnet == "172.17.0.0/16");
    CHECK(s->image_ids_by_tag.at("shop/web:latest") == "sha256:aaa");
    CHECK_FALSE(s->image_ids_by_tag.count("redis:7"));   // 404: not on the engine, and no error
    REQUIRE(s->images.size() == 1);
    CHECK(s->images[0].created == 1704164645);
}

TEST_CASE("observe: a container a restart policy restarts, with no health check, up for less than 10 s, is inspected for its restart count") {
    // c1 and c3 are up 4 s, c2 has run for minutes, c4 is healthy; the scope
    // says c1 (shop-web-one) and c4 have a restart policy, c3 none.
    const std::string image = "sha256:aaa";
    const std::map<std::string, std::string> ours = {{labels::kProject, "shop"}, {labels::kOwner, container_owner_token("shop", image)}};
    ScriptedEngine engine({
        {"/_ping", "OK"},
        {"/containers/json", "[" + listed("c1", "shop-web-one", image, ours, false, "Up 4 seconds") + "," +
                                 listed("c2", "shop-web-two", image, ours, false, "Up 3 minutes") + "," +
                                 listed("c3", "shop-web-three", image, ours, false, "Up 4 seconds") + "," +
                                 listed("c4", "shop-web-four", image, ours, false, "Up 4 seconds (healthy)") + "]"},
        {"/networks", "[]"},
        {"/images/json", "[]"},
        {"/containers/c1/json", R"({"Id":"c1","RestartCount":5,"State":{"Status":"running"}})"},
        {"/containers/c3/json", R"({"Id":"c3","RestartCount":0,"State":{"Status":"running"}})"},
    });
    auto e = docker::DockerEngine::connect(engine.endpoint());
    REQUIRE(e);
    ObserveScope scope;
    scope.policy_restarted = std::vector<std::string>{"shop-web-one", "shop-web-two", "shop-web-four"};
    auto s = (*e)->observe("shop", scope);
    REQUIRE(s);
    REQUIRE(s->containers.size() == 4);
    std::map<std::string, const ObservedContainer*> by_id;
    for (const auto& c : s->containers) by_id[c.id] = &c;
    CHECK(by_id["c1"]->up_seconds == 4);
    CHECK(by_id["c1"]->restart_count == 5);
    CHECK(by_id["c2"]->up_seconds == -1);
    CHECK(by_id["c3"]->up_seconds == 4);
    CHECK(by_id["c4"]->health == "healthy");
    auto asked = engine.asked();
    CHECK(std::count(asked.begin(), asked.end(), "/containers/c1/json") == 1);
    for (const char* other : {"/containers/c2/json", "/containers/c3/json", "/containers/c4/json"})
        CHECK(std::count(asked.begin(), asked.end(), other) == 0);
    // Without the scope's word (ps, a plan saved before it), every container
    // with no health check up for less than 10 s is.
    REQUIRE((*e)->observe("shop"));
    asked = engine.asked();
    CHECK(std::count(asked.begin(), asked.end(), "/containers/c1/json") == 2);
    CHECK(std::count(asked.begin(), asked.end(), "/containers/c3/json") == 1);
    CHECK(std::count(asked.begin(), asked.end(), "/containers/c4/json") == 0);
}

TEST_CASE("observe: an engine that answers a list with something that is not JSON is an error naming the list") {
    ScriptedEngine engine({{"/_ping", "OK"}, {"/containers/json", "<html>proxy error</html>"}, {"/networks", "[]"}, {"/images/json", "[]"}});
    auto e = docker::DockerEngine::connect(engine.endpoint());
    REQUIRE(e);
    auto s = (*e)->observe("shop");
    REQUIRE_FALSE(s);
    CHECK_THAT(s.error().text(), Catch::Contains("unreadable answer to list containers"));
}
