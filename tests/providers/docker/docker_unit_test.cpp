// The Docker provider's pure parts: request bodies and answer parsing.
#include "providers/docker/docker.hpp"
#include "util/json_writer.hpp"

#include <catch2/catch.hpp>
#include <simdjson.h>

using namespace dockerops;
using namespace dockerops::docker;

TEST_CASE("docker unit: a container spec maps onto the create body") {
    ContainerSpec s;
    s.name = "demo-web-one";
    s.image = "demo/web:latest";
    s.hostname = "web-one";
    s.command = std::vector<std::string>{"supervisord", "-n"};
    s.env = {{"B", "2"}, {"A", "x \"q\""}};
    s.labels = {{labels::kProject, "demo"}};
    s.ports = {{80, "tcp", true, "10.0.0.1", 80}, {53, "udp", false, ""}, {9000, "tcp", true, "", 0}, {80, "tcp", true, "", 8080}};
    s.mounts = {{"/srv/data", "/data", false, true}, {"cache", "/cache", true, false}};
    s.network = "demo";
    s.ipv4 = "10.1.2.3";
    s.aliases = {"web-one", "WEB"};
    s.restart_policy = "unless-stopped";
    CHECK(container_create_body(s) ==
          R"({"Image":"demo/web:latest","Hostname":"web-one","Cmd":["supervisord","-n"],"Env":["A=x \"q\"","B=2"],)"
          R"("Labels":{"io.dockerops.project":"demo"},"Tty":false,"OpenStdin":false,"StdinOnce":false,)"
          R"("AttachStdin":false,"AttachStdout":false,"AttachStderr":false,)"
          R"("ExposedPorts":{"53/udp":{},"80/tcp":{},"9000/tcp":{}},"HostConfig":{"Init":true,)"
          R"("PortBindings":{"80/tcp":[{"HostIp":"10.0.0.1","HostPort":"80"},{"HostIp":"","HostPort":"8080"}],)"
          R"("9000/tcp":[{"HostIp":"","HostPort":""}]},)"
          R"("Binds":["/srv/data:/data:rw","cache:/cache:ro"],"RestartPolicy":{"Name":"unless-stopped"},)"
          R"("NetworkMode":"demo"},"NetworkingConfig":{"EndpointsConfig":{"demo":{"IPAMConfig":)"
          R"({"IPv4Address":"10.1.2.3"},"Aliases":["web-one","WEB"]}}}})");
    simdjson::dom::parser p;
    simdjson::padded_string body(container_create_body(s));
    CHECK(p.parse(body).error() == simdjson::SUCCESS);
}

TEST_CASE("docker unit: the runtime keys map onto the create body as the Engine API names them") {
    ContainerSpec s;
    s.image = "x";
    s.restart_policy = "on-failure:3";
    s.memory = 67108864;
    s.nano_cpus = 1'500'000'000;
    s.pids_limit = 100;
    s.extras_mut().ulimits = {{"nofile", 1024, 4096}};
    s.extras_mut().extra_hosts = {"db.local:10.0.0.5"};
    s.extras_mut().dns = {"10.0.0.2"};
    s.extras_mut().user = "1000:1000";
    s.extras_mut().stop_signal = "SIGQUIT";
    s.extras_mut().stop_grace_period = 90;
    s.extras_mut().cap_add = {"NET_ADMIN"};
    s.extras_mut().cap_drop = {"MKNOD"};
    s.extras_mut().tmpfs = {{"/run", ""}, {"/tmp", "size=64m"}};
    s.read_only = true;
    s.shm_size = 256LL << 20;
    s.privileged = true;
    s.extras_mut().volumes_from = {"shop-web-one:ro", "shop-data"};
    s.extras_mut().health = HealthSpec{{"CMD", "true"}, 5'000'000'000, 3'000'000'000, 0, 3};
    simdjson::dom::parser p;
    simdjson::padded_string body(container_create_body(s));
    simdjson::dom::element doc;
    REQUIRE(p.parse(body).get(doc) == simdjson::SUCCESS);
    auto str = [](simdjson::dom::element e) { return std::string(std::string_view(e)); };
    auto num = [](simdjson::dom::element e) { return int64_t(e); };
    CHECK(str(doc["User"]) == "1000:1000");
    CHECK(str(doc["StopSignal"]) == "SIGQUIT");
    CHECK(num(doc["StopTimeout"]) == 90);
    CHECK(num(doc["Healthcheck"]["Interval"]) == 5'000'000'000);
    CHECK(num(doc["Healthcheck"]["Retries"]) == 3);
    auto hc = doc["HostConfig"];
    CHECK(str(hc["RestartPolicy"]["Name"]) == "on-failure");
    CHECK(num(hc["RestartPolicy"]["MaximumRetryCount"]) == 3);
    CHECK(num(hc["Memory"]) == 67108864);
    CHECK(str(hc["VolumesFrom"].at(0)) == "shop-web-one:ro");
    CHECK(str(hc["VolumesFrom"].at(1)) == "shop-data");
    CHECK(num(hc["NanoCpus"]) == 1'500'000'000);
    CHECK(num(hc["PidsLimit"]) == 100);
    CHECK(num(hc["ShmSize"]) == 256LL << 20);
    CHECK(bool(hc["Privileged"]));
    CHECK(str(hc["Ulimits"].at(0)["Name"]) == "nofile");
    CHECK(num(hc["Ulimits"].at(0)["Soft"]) == 1024);
    CHECK(num(hc["Ulimits"].at(0)["Hard"]) == 4096);
    CHECK(str(hc["ExtraHosts"].at(0)) == "db.local:10.0.0.5");
    CHECK(str(hc["Dns"].at(0)) == "10.0.0.2");
    CHECK(str(hc["CapAdd"].at(0)) == "NET_ADMIN");
    CHECK(str(hc["CapDrop"].at(0)) == "MKNOD");
    CHECK(str(hc["Tmpfs"]["/tmp"]) == "size=64m");
    CHECK(str(hc["Tmpfs"]["/run"]) == "");
    CHECK(bool(hc["ReadonlyRootfs"]));
}

TEST_CASE("docker unit: list statuses give exit codes and health") {
    CHECK(exit_code_from_status("Exited (137) 5 seconds ago") == 137);
    CHECK(exit_code_from_status("Exited (0) 2 hours ago") == 0);
    CHECK(exit_code_from_status("Up 3 minutes") == 0);
    CHECK(health_from_status("Up 3 minutes (healthy)") == "healthy");
    CHECK(health_from_status("Up 1 second (health: starting)") == "starting");
    CHECK(health_from_status("Up 9 minutes (unhealthy)") == "unhealthy");
    CHECK(health_from_status("Up 3 minutes") == "");
    CHECK(up_seconds_from_status("Up Less than a second") == 0);
    CHECK(up_seconds_from_status("Up 1 second") == 1);
    CHECK(up_seconds_from_status("Up 9 seconds (health: starting)") == 9);
    CHECK(up_seconds_from_status("Up 59 seconds") == 59);
    CHECK(up_seconds_from_status("Up About a minute") == -1);
    CHECK(up_seconds_from_status("Up 12 minutes") == -1);
    CHECK(up_seconds_from_status("Restarting (3) 1 second ago") == -1);
    CHECK(up_seconds_from_status("Exited (0) 5 seconds ago") == -1);
}

TEST_CASE("docker unit: the host port is read from the engine's port-conflict messages") {
    CHECK(taken_port("Error starting userland proxy: listen tcp4 127.0.0.1:43729: bind: address already in use") == 43729);
    CHECK(taken_port("Bind for 0.0.0.0:8080 failed: port is already allocated") == 8080);
    CHECK(taken_port("listen tcp6 [::1]:9000: bind: address already in use") == 9000);
    CHECK(taken_port("No such image: x") == 0);
    // The kinds callers branch on, read once here from the engine's words.
    CHECK(error_kind(403, "Pool overlaps with other one on this address space") == ErrorKind::AddressOverlap);
    CHECK(error_kind(500, "Bind for 0.0.0.0:8080 failed: port is already allocated") == ErrorKind::PortTaken);
    CHECK(error_kind(403, "error while removing network: network shop id abc has active endpoints") == ErrorKind::InUse);
    CHECK(error_kind(404, "No such container: x") == ErrorKind::NotFound);
    CHECK(error_kind(409, "Conflict. The container name \"/x\" is already in use") == ErrorKind::Conflict);
    CHECK(error_kind(500, "something else") == ErrorKind::Other);
}

TEST_CASE("docker unit: the multiplexed stream splits into stdout and stderr") {
    std::string raw;
    auto frame = [&](char type, std::string_view s) {
        raw += type;
        raw += std::string("\0\0\0", 3);
        raw += static_cast<char>((s.size() >> 24) & 255);
        raw += static_cast<char>((s.size() >> 16) & 255);
        raw += static_cast<char>((s.size() >> 8) & 255);
        raw += static_cast<char>(s.size() & 255);
        raw += s;
    };
    frame(1, "out1\n");
    frame(2, "err\n");
    frame(1, std::string(300, 'x'));
    Streams s = demultiplex(raw);
    CHECK(s.out == "out1\n" + std::string(300, 'x'));
    CHECK(s.err == "err\n");
    CHECK(demultiplex("plain tty text").out == "plain tty text");
}

TEST_CASE("docker unit: the multiplexed stream read as it arrives passes on whole frames only") {
    std::string raw;
    for (std::string_view s : {std::string_view("first line\n"), std::string_view(""), std::string_view("x")}) {
        raw += std::string("\1\0\0\0\0\0\0", 7);
        raw += static_cast<char>(s.size());
        raw += s;
    }
    const std::size_t frames = raw.size();   // 36 bytes: three headers and 12 of payload
    raw += std::string(70000, 'y');   // not a whole frame: held, never passed on
    // Every cut of the stream into two chunks gives the same frames.
    for (std::size_t cut = 0; cut <= 40; ++cut) {
        FrameReader reader;
        std::vector<std::string> got;
        auto take = [&](std::string_view p) { got.emplace_back(p); };
        reader.feed(std::string_view(raw).substr(0, cut), take);
        reader.feed(std::string_view(raw).substr(cut, frames - std::min(cut, frames)), take);
        reader.feed(std::string_view(raw).substr(std::max(cut, frames)), take);
        CHECK(got == std::vector<std::string>{"first line\n", "", "x"});
    }
}

TEST_CASE("docker unit: DOCKER_HOST forms") {
    auto u = parse_endpoint("unix:///run/docker.sock", false, "/c");
    REQUIRE(u);
    CHECK(u->url_base() == "http://localhost");
    auto t = parse_endpoint("tcp://10.0.0.5", true, "/certs");
    REQUIRE(t);
    CHECK(t->address == "10.0.0.5:2376");
    CHECK(t->url_base() == "https://10.0.0.5:2376");
    CHECK(t->key == "/certs/key.pem");
    CHECK(parse_endpoint("tcp://h:2375/", false, "")->display() == "tcp://h:2375");
    CHECK_FALSE(parse_endpoint("npipe:////./pipe/docker_engine", false, ""));
    CHECK(url_encode("{\"a\":[1]} x") == "%7B%22a%22%3A%5B1%5D%7D%20x");
    CHECK(JsonWriter().begin_object().key("k").strings({"a", "b"}).key("n").value(3).end_object().str() ==
          R"({"k":["a","b"],"n":3})");
}
