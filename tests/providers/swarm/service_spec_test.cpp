// The mapping of a ContainerSpec onto a Swarm service spec (providers/swarm):
// what a manager receives for create and update.
#include "engine/model/ownership.hpp"
#include "providers/swarm/swarm.hpp"

#include <catch2/catch.hpp>
#include <simdjson.h>

using namespace dockerops;

namespace {

ContainerSpec web() {
    ContainerSpec s;
    s.name = "shop-web-one";
    s.image = "sha256:abc";
    s.hostname = "web-one";
    s.command = std::vector<std::string>{"serve", "--port", "8080"};
    s.env = {{"MODE", "a"}};
    s.labels = {{labels::kProject, "shop"}, {labels::kContainer, "web"}, {"com.example.team", "web"}};
    s.ports = {PortSpec{8080, "tcp", true, "", 80}};
    s.mounts = {MountSpec{"/srv/shop/data/web_one/log", "/var/log", false, true, true},
                MountSpec{"cache", "/cache", false, false},
                MountSpec{"/run/dockerops/shop/web_one/TOKEN", "/run/secrets/TOKEN", true, true, false, true}};
    s.network = "shop";
    s.aliases = {"web-one"};
    s.replicas = 3;
    s.extras_mut().node = "swarm-node2";
    s.restart_policy = "on-failure:4";
    s.extras_mut().extra_hosts = {"db.local:10.0.0.5"};
    s.extras_mut().stop_grace_period = 2;
    s.memory = 64 * 1024 * 1024;
    s.extras_mut().tmpfs = {{"/run", "size=16m,mode=1777"}};
    return s;
}

std::string text(simdjson::simdjson_result<simdjson::dom::element> e) {
    std::string_view v;
    return e.get_string().get(v) == simdjson::SUCCESS ? std::string(v) : std::string("<none>");
}
std::int64_t number(simdjson::simdjson_result<simdjson::dom::element> e) {
    int64_t v = -1;
    return e.get_int64().get(v) == simdjson::SUCCESS ? v : -1;
}

}  // namespace

TEST_CASE("swarm service spec: a container spec as the manager receives it") {
    const std::string body = swarm::service_spec_body(web(), "10.77.0.11:5000/shop/web:abc@sha256:d1", {{"sid", "shop-web-one-TOKEN-1", "TOKEN"}},
                                                      true, 7);
    simdjson::dom::parser parser;
    simdjson::padded_string padded(body);
    simdjson::dom::element doc;
    REQUIRE(parser.parse(padded).get(doc) == simdjson::SUCCESS);
    CHECK(text(doc["Name"]) == "shop-web-one");
    // dockerops's labels on the service (with the image id its owner token names), the user's on the containers.
    CHECK(text(doc["Labels"][labels::kProject]) == "shop");
    CHECK(text(doc["Labels"][swarm::kImageIdLabel]) == "sha256:abc");
    CHECK(text(doc["Labels"]["com.example.team"]) == "<none>");
    auto cs = doc["TaskTemplate"]["ContainerSpec"];
    CHECK(text(cs["Image"]) == "10.77.0.11:5000/shop/web:abc@sha256:d1");
    CHECK(text(cs["Labels"]["com.example.team"]) == "web");
    CHECK(text(cs["Labels"][labels::kProject]) == "<none>");
    CHECK(text(cs["Args"].at(0)) == "serve");
    CHECK(text(cs["Env"].at(0)) == "MODE=a");
    CHECK(text(cs["Hosts"].at(0)) == "10.0.0.5 db.local");
    CHECK(number(cs["StopGracePeriod"]) == 2'000'000'000);
    // The persistent folder is a bind, the named volume labelled as the project's, the secret a Swarm secret.
    CHECK(text(cs["Mounts"].at(0)["Type"]) == "bind");
    CHECK(text(cs["Mounts"].at(1)["Type"]) == "volume");
    CHECK(text(cs["Mounts"].at(1)["VolumeOptions"]["Labels"][labels::kOwner]) == volume_owner_token("shop", "cache"));
    CHECK(text(cs["Mounts"].at(2)["Type"]) == "tmpfs");
    CHECK(number(cs["Mounts"].at(2)["TmpfsOptions"]["SizeBytes"]) == 16 * 1024 * 1024);
    CHECK(number(cs["Mounts"].at(2)["TmpfsOptions"]["Mode"]) == 01777);
    CHECK(cs["Mounts"].get_array().size() == 3);
    CHECK(text(cs["Secrets"].at(0)["SecretID"]) == "sid");
    CHECK(text(cs["Secrets"].at(0)["File"]["Name"]) == "TOKEN");
    CHECK(number(doc["TaskTemplate"]["Resources"]["Limits"]["MemoryBytes"]) == 64 * 1024 * 1024);
    CHECK(text(doc["TaskTemplate"]["RestartPolicy"]["Condition"]) == "on-failure");
    CHECK(number(doc["TaskTemplate"]["RestartPolicy"]["MaxAttempts"]) == 4);
    CHECK(text(doc["TaskTemplate"]["Placement"]["Constraints"].at(0)) == "node.hostname==swarm-node2");
    CHECK(text(doc["TaskTemplate"]["Networks"].at(0)["Target"]) == "shop");
    CHECK(number(doc["TaskTemplate"]["ForceUpdate"]) == 7);
    CHECK(number(doc["Mode"]["Replicated"]["Replicas"]) == 3);
    // Without IPVS: dnsrr, ports in host mode, and updates that stop first (a host port cannot be held twice).
    CHECK(text(doc["EndpointSpec"]["Mode"]) == "dnsrr");
    CHECK(text(doc["EndpointSpec"]["Ports"].at(0)["PublishMode"]) == "host");
    CHECK(number(doc["EndpointSpec"]["Ports"].at(0)["PublishedPort"]) == 80);
    CHECK(text(doc["UpdateConfig"]["Order"]) == "stop-first");
    CHECK(text(doc["UpdateConfig"]["FailureAction"]) == "rollback");
}

TEST_CASE("swarm service spec: secrets and configs files are Swarm secrets and configs, not mounts") {
    ContainerSpec s = web();
    s.mounts = {MountSpec{"/p/db.txt", "/run/secrets/db", true, true}, MountSpec{"/p/nginx.conf", "/etc/nginx/nginx.conf", true, true}};
    s.mounts[0].as = "secret";
    s.mounts[1].as = "config";
    const std::string body = swarm::service_spec_body(
        s, "img", {{"sid", "shop-web-one-db-1", "db", false, 0444}, {"cid", "shop-web-one-nginx.conf-1", "/etc/nginx/nginx.conf", true, 0444}},
        false, 0);
    simdjson::dom::parser parser;
    simdjson::padded_string padded(body);
    simdjson::dom::element doc;
    REQUIRE(parser.parse(padded).get(doc) == simdjson::SUCCESS);
    auto cs = doc["TaskTemplate"]["ContainerSpec"];
    CHECK(cs["Mounts"].get_array().size() == 1);   // the tmpfs only
    REQUIRE(cs["Secrets"].get_array().size() == 1);
    CHECK(text(cs["Secrets"].at(0)["SecretID"]) == "sid");
    CHECK(text(cs["Secrets"].at(0)["File"]["Name"]) == "db");
    CHECK(number(cs["Secrets"].at(0)["File"]["Mode"]) == 0444);
    REQUIRE(cs["Configs"].get_array().size() == 1);
    CHECK(text(cs["Configs"].at(0)["ConfigID"]) == "cid");
    CHECK(text(cs["Configs"].at(0)["ConfigName"]) == "shop-web-one-nginx.conf-1");
    CHECK(text(cs["Configs"].at(0)["File"]["Name"]) == "/etc/nginx/nginx.conf");
}

TEST_CASE("swarm service spec: with IPVS, a virtual IP, the routing mesh and start-first updates") {
    ContainerSpec s = web();
    const std::string body = swarm::service_spec_body(s, "img", {}, false, 0);
    simdjson::dom::parser parser;
    simdjson::padded_string padded(body);
    simdjson::dom::element doc;
    REQUIRE(parser.parse(padded).get(doc) == simdjson::SUCCESS);
    CHECK(text(doc["EndpointSpec"]["Mode"]) == "vip");
    CHECK(text(doc["EndpointSpec"]["Ports"].at(0)["PublishMode"]) == "ingress");
    CHECK(text(doc["UpdateConfig"]["Order"]) == "start-first");
    s.ports.clear();
    s.restart_policy.clear();
    const std::string quiet = swarm::service_spec_body(s, "img", {}, true, 0);
    simdjson::padded_string p2(quiet);
    REQUIRE(parser.parse(p2).get(doc) == simdjson::SUCCESS);
    CHECK(text(doc["UpdateConfig"]["Order"]) == "start-first");   // nothing published: no port held twice
    CHECK(doc["TaskTemplate"]["RestartPolicy"].error() == simdjson::NO_SUCH_FIELD);   // Swarm's own (any)
}

TEST_CASE("swarm service spec: update sets how the tasks roll, each key over dockerops's own") {
    ContainerSpec s = web();
    s.extras_mut().update = {{"parallelism", "2"}, {"delay", "5s"}, {"order", "stop-first"}, {"failure_action", "pause"}};
    const std::string body = swarm::service_spec_body(s, "img", {}, false, 0);
    simdjson::dom::parser parser;
    simdjson::padded_string padded(body);
    simdjson::dom::element doc;
    REQUIRE(parser.parse(padded).get(doc) == simdjson::SUCCESS);
    auto num = [](simdjson::dom::element e) { return int64_t(e); };
    CHECK(num(doc["UpdateConfig"]["Parallelism"]) == 2);
    CHECK(num(doc["UpdateConfig"]["Delay"]) == 5'000'000'000);
    CHECK(text(doc["UpdateConfig"]["Order"]) == "stop-first");
    CHECK(text(doc["UpdateConfig"]["FailureAction"]) == "pause");
    CHECK(num(doc["UpdateConfig"]["Monitor"]) == 2'000'000'000);   // not given: dockerops's own
    // A rollback rolls the same way, and pauses if it fails in turn.
    CHECK(num(doc["RollbackConfig"]["Parallelism"]) == 2);
    CHECK(text(doc["RollbackConfig"]["Order"]) == "stop-first");
    CHECK(text(doc["RollbackConfig"]["FailureAction"]) == "pause");
}

TEST_CASE("swarm service spec: rollback sets how a failed update rolls back, each key over the update's") {
    ContainerSpec s = web();
    s.extras_mut().update = {{"parallelism", "2"}, {"delay", "5s"}, {"failure_action", "rollback"}};
    s.extras_mut().rollback = {{"parallelism", "0"}, {"failure_action", "continue"}, {"monitor", "10s"}};
    const std::string body = swarm::service_spec_body(s, "img", {}, false, 0);
    simdjson::dom::parser parser;
    simdjson::padded_string padded(body);
    simdjson::dom::element doc;
    REQUIRE(parser.parse(padded).get(doc) == simdjson::SUCCESS);
    auto num = [](simdjson::dom::element e) { return int64_t(e); };
    CHECK(num(doc["RollbackConfig"]["Parallelism"]) == 0);   // all at once
    CHECK(num(doc["RollbackConfig"]["Delay"]) == 5'000'000'000);   // the update's
    CHECK(num(doc["RollbackConfig"]["Monitor"]) == 10'000'000'000);
    CHECK(text(doc["RollbackConfig"]["FailureAction"]) == "continue");
    CHECK(num(doc["UpdateConfig"]["Parallelism"]) == 2);   // the update keeps its own
    CHECK(text(doc["UpdateConfig"]["FailureAction"]) == "rollback");
    CHECK(num(doc["UpdateConfig"]["Monitor"]) == 2'000'000'000);
}

TEST_CASE("swarm service spec: mode global is the service's Mode, with no replica count") {
    ContainerSpec s = web();
    s.replicas = 1;
    s.extras_mut().mode = "global";
    const std::string body = swarm::service_spec_body(s, "10.77.0.11:5000/shop/web:abc@sha256:d1", {}, true, 0);
    simdjson::dom::parser parser;
    simdjson::padded_string padded(body);
    simdjson::dom::element doc;
    REQUIRE(parser.parse(padded).get(doc) == simdjson::SUCCESS);
    CHECK(doc["Mode"]["Global"].is_object());
    CHECK(doc["Mode"]["Replicated"].error() == simdjson::NO_SUCH_FIELD);
    s.extras_mut().mode.clear();
    const std::string replicated = swarm::service_spec_body(s, "img", {}, true, 0);
    CHECK(replicated.find("\"Mode\":{\"Replicated\":{\"Replicas\":1}}") != std::string::npos);
}
