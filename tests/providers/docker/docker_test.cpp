// providers/docker against the real dockerd: every operation the planner can
// ask for, and the ways each one fails.
#include "engine/apply/lock.hpp"
#include "engine/model/ownership.hpp"
#include "util/hash.hpp"
#include "providers/docker/attach.hpp"
#include "providers/docker/docker.hpp"
#include "tests/providers/docker/engine_fixture.hpp"
#include "tests/support.hpp"

#include <catch2/catch.hpp>
#include <simdjson.h>

#include <cstdlib>
#include <fstream>
#include <thread>

using namespace dockerops;
using namespace std::chrono_literals;
using dockerops::test::EngineProject;
using dockerops::test::TempDir;

namespace {

std::string must(Result<std::string> r) {
    if (!r) FAIL(r.error().text());
    return *r;
}
void must(const Status& s) {
    if (!s) FAIL(s.error().text());
}
// A container named like an instance of p (<p>-squatter), made by `other`.
std::string make_squatter(EngineProject& p, EngineProject& other) {
    ContainerSpec named = other.spec("x");
    named.name = p.name() + "-squatter";
    return must(p.engine().create_container(named));
}
// The ids of observed containers.
std::set<std::string> ids(const std::vector<ObservedContainer>& cs) {
    std::set<std::string> out;
    for (const auto& c : cs) out.insert(c.id);
    return out;
}
std::string run(docker::DockerEngine& e, const std::string& id, std::vector<std::string> cmd, int want_exit = 0) {
    auto r = e.exec(id, cmd);
    if (!r) FAIL(r.error().text());
    CHECK(r->exit_code == want_exit);
    return r->out;
}

struct EnvGuard {
    EnvGuard(const char* k, const char* v) : key(k) {
        if (const char* old = std::getenv(k)) saved = old;
        if (v) setenv(k, v, 1); else unsetenv(k);
    }
    ~EnvGuard() { if (saved) setenv(key, saved->c_str(), 1); else unsetenv(key); }
    const char* key;
    std::optional<std::string> saved;
};

}  // namespace

TEST_CASE("docker: connects and negotiates the API version") {
    auto e = dockerops::test::connect_engine();
    CHECK(e->api_version() == "1.41");
    CHECK(e->endpoint().display() == "unix:///var/run/docker.sock");
}

TEST_CASE("docker: an engine that does not answer is one clear error, never a hang") {
    EnvGuard host("DOCKER_HOST", "unix:///nonexistent/docker.sock");
    auto t0 = std::chrono::steady_clock::now();
    auto e = docker::DockerEngine::connect_from_env();
    REQUIRE_FALSE(e);
    CHECK(e.error().text() ==
          "engine unix:///nonexistent/docker.sock: cannot reach the Docker engine: /nonexistent/docker.sock: No such "
          "file or directory (is dockerd running? check DOCKER_HOST, or run scripts/setup.sh)");
    EnvGuard tcp("DOCKER_HOST", "tcp://127.0.0.1:1");
    auto e2 = docker::DockerEngine::connect_from_env();
    REQUIRE_FALSE(e2);
    CHECK_THAT(e2.error().text(), Catch::StartsWith("engine tcp://127.0.0.1:1: cannot reach the Docker engine"));
    // Generous bound: this guards against a hang, it does not measure speed.
    CHECK(std::chrono::steady_clock::now() - t0 < 20s);
    EnvGuard bad("DOCKER_HOST", "ssh://somewhere");
    auto e3 = docker::DockerEngine::connect_from_env();
    REQUIRE_FALSE(e3);
    CHECK(e3.error().text() == "ssh://somewhere: unsupported DOCKER_HOST (dockerops speaks unix:// and tcp://)");
}

TEST_CASE("docker: a network with a chosen subnet is created, observed and removed") {
    EngineProject p;
    NetworkSpec n{p.name(), p.subnet_prefix() + "0/24", p.subnet_prefix() + "1", {{labels::kProject, p.name()}}};
    std::string id = must(p.engine().create_network(n));
    auto obs = p.engine().observe(p.name());
    REQUIRE(obs);
    REQUIRE(obs->networks.size() == 1);
    CHECK(obs->networks[0].id == id);
    CHECK(obs->networks[0].name == p.name());
    CHECK(obs->networks[0].subnet == n.subnet);
    auto dup = p.engine().create_network(n);
    REQUIRE_FALSE(dup);
    CHECK(dup.error().status == 409);
    CHECK_THAT(dup.error().text(), Catch::Contains("network " + p.name() + ": create: ") &&
                                       Catch::Contains("already exists"));
    must(p.engine().remove_network(id));
    CHECK(p.engine().observe(p.name())->networks.empty());
}

TEST_CASE("docker: a container with the full spec runs as specified") {
    EngineProject p;
    TempDir shared;
    shared.write("hello.txt", "from the host\n");
    NetworkSpec n{p.name(), p.subnet_prefix() + "0/24", p.subnet_prefix() + "1", {{labels::kProject, p.name()}}};
    must(p.engine().create_network(n));
    const int tcp_port = dockerops::test::free_port();
    const int udp_port = dockerops::test::free_port();

    ContainerSpec s = p.spec("web-one");
    s.hostname = "web-one";
    s.env = {{"GREETING", "hello world"}, {"INSTANCE", "one"}};
    s.ports = {{tcp_port, "tcp", true, "127.0.0.1", tcp_port}, {udp_port, "udp", true, "127.0.0.1", udp_port}, {7000, "tcp", false, ""}};
    s.mounts = {{shared.path().string(), "/mnt/shared", true, true}};
    s.network = p.name();
    s.ipv4 = p.subnet_prefix() + "10";
    s.aliases = {"web-one", "WEB"};
    s.init = true;
    s.restart_policy = "unless-stopped";
    std::string id = must(p.engine().create_container(s));
    must(p.engine().start_container(id));
    must(p.engine().wait_ready(id, 10s));

    auto obs = p.engine().observe(p.name());
    REQUIRE(obs);
    REQUIRE(obs->containers.size() == 1);
    const ObservedContainer& c = obs->containers[0];
    CHECK(c.name == s.name);
    CHECK(c.state == "running");
    // The engine merges the image's labels into the container's.
    std::map<std::string, std::string> want_labels(s.labels.begin(), s.labels.end());
    want_labels["io.dockerops.bootstrap"] = "busybox";
    CHECK(c.labels == want_labels);
    CHECK(c.image == "dockerops/busybox:latest");
    CHECK(c.addresses.at(p.name()) == s.ipv4);
    REQUIRE(c.mounts.size() == 1);
    CHECK(c.mounts[0].target == "/mnt/shared");
    CHECK(c.mounts[0].read_only);
    bool tcp_seen = false, udp_seen = false;
    for (const auto& port : c.ports) {
        if (port.port == tcp_port && port.protocol == "tcp" && port.host_port == tcp_port && port.host_ip == "127.0.0.1") tcp_seen = true;
        if (port.port == udp_port && port.protocol == "udp" && port.host_port == udp_port) udp_seen = true;
    }
    CHECK(tcp_seen);
    CHECK(udp_seen);

    CHECK(run(p.engine(), id, {"sh", "-c", "echo $GREETING"}) == "hello world\n");
    CHECK(run(p.engine(), id, {"hostname"}) == "web-one\n");
    CHECK(run(p.engine(), id, {"cat", "/mnt/shared/hello.txt"}) == "from the host\n");
    run(p.engine(), id, {"sh", "-c", "echo x > /mnt/shared/nope"}, 1);   // read-only
    CHECK_FALSE(std::filesystem::exists(shared.path() / "nope"));
    CHECK(run(p.engine(), id, {"cat", "/proc/1/comm"}) == "docker-init\n");
    // The aliases resolve on the project network, from a second container.
    ContainerSpec probe = p.spec("probe");
    probe.network = p.name();
    std::string probe_id = must(p.engine().create_container(probe));
    must(p.engine().start_container(probe_id));
    CHECK_THAT(run(p.engine(), probe_id, {"ping", "-c", "1", "-W", "2", "WEB"}), Catch::Contains(s.ipv4));

    auto raw = p.engine().call("GET", "/containers/" + id + "/json");
    REQUIRE(raw);
    simdjson::dom::parser parser;
    simdjson::padded_string body(raw->body);
    auto doc = parser.parse(body);
    CHECK(std::string_view(doc["HostConfig"]["RestartPolicy"]["Name"].get_string()) == "unless-stopped");
    CHECK(bool(doc["HostConfig"]["Init"].get_bool()));

    // With an init process as PID 1, stopping takes far less than the timeout.
    auto t0 = std::chrono::steady_clock::now();
    must(p.engine().stop_container(id, 10s));
    CHECK(std::chrono::steady_clock::now() - t0 < 8s);
    auto stopped = p.engine().inspect_container(id);
    REQUIRE(stopped);
    CHECK(stopped->state == "exited");
    must(p.engine().stop_container(id, 10s));   // stopping a stopped container is fine
    must(p.engine().rename_container(id, s.name + "-old"));
    CHECK(p.engine().inspect_container(id)->name == s.name + "-old");
    must(p.engine().remove_container(id, false));
    auto gone = p.engine().inspect_container(id);
    REQUIRE_FALSE(gone);
    CHECK(gone.error().status == 404);
}

TEST_CASE("docker: exec returns the output and the exit code") {
    EngineProject p;
    std::string id = must(p.engine().create_container(p.spec("exec")));
    must(p.engine().start_container(id));
    auto r = p.engine().exec(id, {"sh", "-c", "echo out; echo err >&2; exit 3"});
    REQUIRE(r);
    CHECK(r->exit_code == 3);
    CHECK(r->out == "out\n");
    CHECK(r->err == "err\n");
}

TEST_CASE("docker: waiting for a container reports healthy, unhealthy and exited ones") {
    EngineProject p;
    ContainerSpec healthy = p.spec("healthy");
    healthy.extras_mut().health = HealthSpec{{"CMD-SHELL", "true"}, 200'000'000, 1'000'000'000, 0, 1};
    std::string hid = must(p.engine().create_container(healthy));
    must(p.engine().start_container(hid));
    must(p.engine().wait_ready(hid, 20s));
    CHECK(p.engine().inspect_container(hid)->health == "healthy");

    ContainerSpec sick = p.spec("sick");
    sick.extras_mut().health = HealthSpec{{"CMD-SHELL", "echo database not reachable; false"}, 200'000'000, 1'000'000'000, 0, 1};
    std::string sid = must(p.engine().create_container(sick));
    must(p.engine().start_container(sid));
    auto w = p.engine().wait_ready(sid, 20s);
    REQUIRE_FALSE(w);
    CHECK(w.error().text() == "container " + sick.name + ": unhealthy; last health check:\ndatabase not reachable");

    ContainerSpec dies = p.spec("dies", {"sh", "-c", "echo cannot open /etc/app.conf; exit 7"});
    std::string did = must(p.engine().create_container(dies));
    must(p.engine().start_container(did));
    auto d = p.engine().wait_ready(did, 20s);
    REQUIRE_FALSE(d);
    CHECK(d.error().text() == "container " + dies.name + ": exited (7) on start; its last output:\ncannot open /etc/app.conf");
    auto obs = p.engine().observe(p.name());
    REQUIRE(obs);
    for (const auto& c : obs->containers)
        if (c.name == dies.name) {
            CHECK(c.state == "exited");
            CHECK(c.exit_code == 7);
        }

    ContainerSpec slow = p.spec("slow");
    slow.extras_mut().health = HealthSpec{{"CMD-SHELL", "false"}, 30'000'000'000, 1'000'000'000, 60'000'000'000, 3};
    std::string slid = must(p.engine().create_container(slow));
    must(p.engine().start_container(slid));
    auto s = p.engine().wait_ready(slid, 1s);
    REQUIRE_FALSE(s);
    CHECK(s.error().text() == "container " + slow.name + ": not ready after 1 s (running, health starting)");
}

TEST_CASE("docker: failures keep the engine's message and name the object") {
    EngineProject p;
    ContainerSpec missing = p.spec("missing");
    missing.image = "dockerops/no-such-image:latest";
    auto m = p.engine().create_container(missing);
    REQUIRE_FALSE(m);
    CHECK(m.error().status == 404);
    CHECK(m.error().text() == "container " + missing.name +
                                  ": create: No such image: dockerops/no-such-image:latest (HTTP 404)");

    ContainerSpec taken = p.spec("taken");
    must(p.engine().create_container(taken));
    auto again = p.engine().create_container(taken);
    REQUIRE_FALSE(again);
    CHECK(again.error().status == 409);
    CHECK_THAT(again.error().text(), Catch::StartsWith("container " + taken.name + ": create: Conflict. The container name \"/" +
                                                      taken.name + "\" is already in use"));

    dockerops::test::PortHolder holder;
    ContainerSpec port = p.spec("port");
    port.ports = {{holder.port(), "tcp", true, "127.0.0.1", holder.port()}};
    std::string pid = must(p.engine().create_container(port));
    auto started = p.engine().start_container(pid);
    REQUIRE_FALSE(started);
    CHECK_THAT(started.error().text(),
               Catch::StartsWith("container " + pid + ": host port " + std::to_string(holder.port()) +
                                 " is already in use (by a process outside the engine's containers); start: ") &&
                   Catch::Contains("127.0.0.1:" + std::to_string(holder.port())) && Catch::Contains("address already in use"));

    // A port held by another container: that container is named.
    const int shared = dockerops::test::free_port();
    ContainerSpec first = p.spec("first");
    first.ports = {{shared, "tcp", true, "127.0.0.1", shared}};
    std::string fid = must(p.engine().create_container(first));
    must(p.engine().start_container(fid));
    ContainerSpec second = p.spec("second");
    second.ports = first.ports;
    std::string sid = must(p.engine().create_container(second));
    auto clash = p.engine().start_container(sid);
    REQUIRE_FALSE(clash);
    CHECK_THAT(clash.error().text(), Catch::StartsWith("container " + sid + ": host port " + std::to_string(shared) +
                                                       " is already in use by container " + first.name + "; start: "));
}

TEST_CASE("docker: an image is built from a folder, honouring .dockerignore, with args, labels and progress") {
    EngineProject p;
    TempDir ctx;
    ctx.write("Dockerfile",
              "FROM dockerops/busybox:latest\nARG GREETING\nRUN echo \"$GREETING\" > /greeting\n"
              "COPY . /ctx\nEXPOSE 8080 9090/udp\n");
    ctx.write("app.txt", "app\n");
    ctx.write("secret.txt", "never sent\n");
    ctx.write("logs/a.log", "no\n");
    ctx.write("logs/keep.log", "yes\n");
    ctx.write("sub/deep/x.tmp", "no\n");
    ctx.write(".dockerignore", "secret.txt\nlogs/*.log\n!logs/keep.log\n**/*.tmp\n");
    BuildSpec b{ctx.path().string(), p.name() + "/web:latest", {{"GREETING", "hi there"}},
                {{labels::kProject, p.name()}, {labels::kContextHash, "abc"}}, false};
    std::vector<BuildEvent> events;
    auto id = p.engine().build(b, [&](const BuildEvent& e) { events.push_back(e); });
    REQUIRE(id);
    CHECK_THAT(*id, Catch::StartsWith("sha256:"));
    REQUIRE_FALSE(events.empty());
    CHECK(events.front().kind == BuildEvent::Kind::Step);
    // The engine adds the build's labels as steps of their own: 5 + 2.
    CHECK_THAT(events.front().text, Catch::StartsWith("Step 1/7 : FROM dockerops/busybox:latest"));

    auto img = p.engine().inspect_image(b.tag);
    REQUIRE(img);
    CHECK(img->id == *id);
    CHECK(img->labels.at(labels::kContextHash) == "abc");
    REQUIRE(img->exposed.size() == 2);
    CHECK((img->exposed[0] == PortSpec{8080, "tcp", false, ""}));
    CHECK((img->exposed[1] == PortSpec{9090, "udp", false, ""}));
    auto obs = p.engine().observe(p.name());
    REQUIRE(obs);
    // The project's image, besides the built-in containers' (dockerops/dockerops-*) that every project sees.
    std::vector<std::string> project_tags;
    for (const auto& i : obs->images)
        for (const auto& t : i.tags)
            if (!t.starts_with("dockerops/dockerops-")) project_tags.push_back(t);
    CHECK(project_tags == std::vector<std::string>{b.tag});

    ContainerSpec c = p.spec("built");
    c.image = b.tag;
    // Owned as the executor would own it: the token of the image it is made from.
    c.labels[labels::kOwner] = container_owner_token(p.name(), *id);
    std::string cid = must(p.engine().create_container(c));
    must(p.engine().start_container(cid));
    CHECK(run(p.engine(), cid, {"cat", "/greeting"}) == "hi there\n");
    CHECK(run(p.engine(), cid, {"find", "/ctx", "-type", "f"}) != "");
    auto files = run(p.engine(), cid, {"sh", "-c", "cd /ctx && find . -type f | sort"});
    CHECK(files == "./.dockerignore\n./Dockerfile\n./app.txt\n./logs/keep.log\n");
}

TEST_CASE("docker: a build whose RUN fails is an error carrying the failing step") {
    EngineProject p;
    TempDir ctx;
    ctx.write("Dockerfile", "FROM dockerops/busybox:latest\nRUN echo compiling && exit 3\n");
    BuildSpec b{ctx.path().string(), p.name() + "/broken:latest", {}, {{labels::kProject, p.name()}}, false};
    std::vector<std::string> lines;
    auto id = p.engine().build(b, [&](const BuildEvent& e) { lines.push_back(e.text); });
    REQUIRE_FALSE(id);
    CHECK(id.error().text() == "image " + b.tag + ": build failed at Step 2/3 : RUN echo compiling && exit 3: "
                                                  "The command '/bin/sh -c echo compiling && exit 3' returned a non-zero code: 3");
    CHECK(std::find(lines.begin(), lines.end(), "compiling") != lines.end());
    ctx.write("Dockerfile", "FROM dockerops/no-such-base:latest\n");
    auto missing = p.engine().build(b, nullptr);
    REQUIRE_FALSE(missing);
    CHECK_THAT(missing.error().text(), Catch::StartsWith("image " + b.tag + ": build failed at Step 1/2 : FROM dockerops/no-such-base:latest: "));
}

TEST_CASE("docker: observe makes the same few calls for 5 and for 50 instances") {
    EngineProject p;
    auto count_calls = [&](std::size_t want_containers) {
        p.calls().reset();
        auto obs = p.engine().observe(p.name());
        std::size_t calls = p.calls().calls();
        REQUIRE(obs);
        CHECK(obs->containers.size() == want_containers);
        return calls;
    };
    for (int i = 0; i < 5; ++i) must(p.engine().create_container(p.spec("n" + std::to_string(i))));
    std::size_t five = count_calls(5);
    for (int i = 5; i < 50; ++i) must(p.engine().create_container(p.spec("n" + std::to_string(i))));
    std::size_t fifty = count_calls(50);
    // The project's label, its instances' names, the images, the networks.
    CHECK(five == 4);
    CHECK(fifty == five);
    // And one more when the plan publishes host ports: who else holds them.
    p.calls().reset();
    REQUIRE(p.engine().observe(p.name(), ObserveScope{{"8080/tcp", "53/udp"}, std::nullopt, std::nullopt}));
    CHECK(p.calls().calls() == 5);
}

namespace {
// Pipes stand in for the terminal: input written up front, output collected.
struct PipeIo {
    PipeIo(const std::string& input) {
        REQUIRE(pipe(in) == 0);
        REQUIRE(pipe(out) == 0);
        REQUIRE(write(in[1], input.data(), input.size()) == static_cast<ssize_t>(input.size()));
        close(in[1]);
    }
    ~PipeIo() { close(in[0]); if (out[0] >= 0) close(out[0]); if (out[1] >= 0) close(out[1]); }
    std::string collect() {
        close(out[1]);
        out[1] = -1;
        std::string s;
        char buf[4096];
        for (ssize_t n; (n = read(out[0], buf, sizeof buf)) > 0;) s.append(buf, n);
        return s;
    }
    docker::AttachIo io() const { return {in[0], out[1], docker::TerminalSize{33, 99}}; }
    int in[2], out[2];
};
}  // namespace

TEST_CASE("docker: a terminal is attached to a new container's TTY, with its window size") {
    EngineProject p;
    ContainerSpec s = p.spec("interactive", {"sh"});
    s.tty = true;
    s.open_stdin = true;
    std::string id = must(p.engine().create_container(s));
    PipeIo pipes("sleep 1; stty size; echo hello-$((2+3)); exit 5\n");
    auto code = docker::attach_and_start(p.engine().endpoint(), p.engine().api_version(), id, pipes.io());
    std::string out = pipes.collect();
    REQUIRE(code);
    CHECK(*code == 5);
    CHECK_THAT(out, Catch::Contains("33 99") && Catch::Contains("hello-5"));
}

TEST_CASE("docker: without a TTY, an attached run keeps output and errors apart and its input ends with ours") {
    EngineProject p;
    ContainerSpec s = p.spec("oneoff", {"sh", "-c", "cat; echo oops >&2; exit 3"});
    s.open_stdin = s.stdin_once = true;
    std::string id = must(p.engine().create_container(s));
    PipeIo pipes("line-one\nline-two\n");
    int err[2];
    REQUIRE(pipe(err) == 0);
    docker::AttachIo io = pipes.io();
    io.tty = false;
    io.err_fd = err[1];
    auto code = docker::attach_and_start(p.engine().endpoint(), p.engine().api_version(), id, io);
    close(err[1]);
    std::string errors;
    char buf[256];
    for (ssize_t n; (n = read(err[0], buf, sizeof buf)) > 0;) errors.append(buf, static_cast<std::size_t>(n));
    close(err[0]);
    std::string out = pipes.collect();
    REQUIRE(code);
    CHECK(*code == 3);   // cat saw the end of our input, so the command went on to its end
    CHECK(out == "line-one\nline-two\n");
    CHECK(errors == "oops\n");
}

TEST_CASE("docker: a terminal is attached to an exec in a running container") {
    EngineProject p;
    std::string id = must(p.engine().create_container(p.spec("running")));
    must(p.engine().start_container(id));
    PipeIo pipes("abc\n");
    auto code = docker::exec_interactive(p.engine().endpoint(), p.engine().api_version(), id,
                                         {"sh", "-c", "sleep 1; stty size; read x; echo got-$x; exit 4"}, pipes.io());
    std::string out = pipes.collect();
    REQUIRE(code);
    CHECK(*code == 4);
    CHECK_THAT(out, Catch::Contains("33 99") && Catch::Contains("got-abc"));
    auto missing = docker::exec_interactive(p.engine().endpoint(), p.engine().api_version(), "no-such-container-xyz",
                                            {"sh"}, pipes.io());
    REQUIRE_FALSE(missing);
    CHECK(missing.error().text() == "container no-such-container-xyz: exec: No such container: no-such-container-xyz (HTTP 404)");
}

TEST_CASE("docker: a persistent folder is seeded from the image the first time only") {
    EngineProject p;
    TempDir ctx;
    ctx.write("Dockerfile", "FROM dockerops/busybox:latest\nRUN mkdir -p /data/sub && echo from-image > /data/sub/file && "
                            "chmod 0750 /data/sub\n");
    BuildSpec b{ctx.path().string(), p.name() + "/seeded:latest", {}, {{labels::kProject, p.name()}}, false};
    REQUIRE(p.engine().build(b, nullptr));
    TempDir host;
    const auto dest = host.path() / "data";
    std::filesystem::create_directories(dest);
    must(p.engine().seed_from_image(b.tag, "/data", dest.string(), p.name()));
    std::ifstream in(dest / "sub/file");
    std::string line;
    std::getline(in, line);
    CHECK(line == "from-image");
    CHECK((std::filesystem::status(dest / "sub").permissions() & std::filesystem::perms::all) ==
          (std::filesystem::perms::owner_all | std::filesystem::perms::group_read | std::filesystem::perms::group_exec));
    // Nothing at that path in the image: nothing copied, no error.
    const auto empty = host.path() / "opt";
    std::filesystem::create_directories(empty);
    must(p.engine().seed_from_image(b.tag, "/no/such/path", empty.string(), p.name()));
    CHECK(std::filesystem::is_empty(empty));
    // The probe container is gone.
    CHECK(p.engine().observe(p.name())->containers.empty());
}

TEST_CASE("docker: the seed's helper container is the project's, and a foreign one of its name is refused, not removed") {
    EngineProject p;
    TempDir host;
    const auto dest = host.path() / "data";
    std::filesystem::create_directories(dest);
    const std::string helper = p.name() + "-dockerops-seed-" + sha256_hex(dest.string()).substr(0, 12);
    // Someone else's container under the helper's name (no owner token).
    ContainerSpec foreign;
    foreign.name = helper;
    foreign.image = "dockerops/busybox:latest";
    foreign.command = std::vector<std::string>{"true"};
    foreign.labels = {{labels::kProject, p.name()}};
    auto fid = p.engine().create_container(foreign);
    REQUIRE(fid);
    auto refused = p.engine().seed_from_image("dockerops/busybox:latest", "/etc", dest.string(), p.name());
    REQUIRE_FALSE(refused);
    CHECK_THAT(refused.error().message, Catch::Contains("the name " + helper + ", which seeding this folder needs, is taken by "
                                                        "a container dockerops did not create"));
    CHECK(p.engine().inspect_container(*fid));   // still there
    must(p.engine().remove_container(*fid, true));
    // A helper an interrupted seed left (ours: label and owner token) is removed and the seed done.
    auto image = p.engine().inspect_image("dockerops/busybox:latest");
    REQUIRE(image);
    ContainerSpec left = foreign;
    left.image = image->id;
    left.labels[labels::kOwner] = container_owner_token(p.name(), image->id);
    REQUIRE(p.engine().create_container(left));
    must(p.engine().seed_from_image("dockerops/busybox:latest", "/etc", dest.string(), p.name()));
    CHECK(std::filesystem::exists(dest / "passwd"));
    CHECK(p.engine().observe(p.name())->containers.empty());
}

// Run by tests/providers/docker/tls_test.sh, which puts a TLS terminator with client
// certificates in front of the engine and sets DOCKER_HOST / DOCKER_TLS_VERIFY /
// DOCKER_CERT_PATH for it. Hidden from the default run.
TEST_CASE("docker: an engine over TCP with TLS and client certificates", "[.tls]") {
    auto e = docker::DockerEngine::connect_from_env();
    REQUIRE(e);
    CHECK((*e)->endpoint().tls);
    CHECK_THAT((*e)->endpoint().display(), Catch::StartsWith("tcp://127.0.0.1:"));
    auto obs = (*e)->observe("itest-tls-nothing");
    REQUIRE(obs);
    CHECK(obs->containers.empty());
    auto exec_ok = (*e)->inspect_image("dockerops/busybox:latest");
    REQUIRE(exec_ok);
    // Without the client certificate, the TLS terminator refuses.
    std::string certs = std::getenv("DOCKER_CERT_PATH");
    EnvGuard wrong("DOCKER_CERT_PATH", (certs + "/other").c_str());
    auto refused = docker::DockerEngine::connect_from_env();
    REQUIRE_FALSE(refused);
    CHECK_THAT(refused.error().text(), Catch::Contains("cannot reach the Docker engine") &&
                                           Catch::Contains("(check DOCKER_CERT_PATH: ca.pem, cert.pem, key.pem)"));
}

TEST_CASE("docker: the project lock is a container never started, one holder at a time, unseen by plans") {
    EngineProject p;
    auto& e = p.engine();
    auto first = ProjectLock::acquire(e, p.name(), 0s);
    REQUIRE(first);
    auto held = e.find_lock(lock_name(p.name()));
    REQUIRE(held);
    REQUIRE(held->has_value());
    CHECK((*held)->kind == "container");
    CHECK((*held)->label(labels::kLock) == p.name());
    auto c = e.inspect_container(lock_name(p.name()));
    REQUIRE(c);
    CHECK(c->state == "created");
    // A second connection (another run) is refused, told who holds it.
    auto other = test::connect_engine();
    auto second = ProjectLock::acquire(*other, p.name(), 0s);
    REQUIRE_FALSE(second);
    CHECK_THAT(second.error().text(), Catch::Contains("locked by ") && Catch::Contains("dockerops unlock"));
    // Plans never see it: neither the project's nor in the way of it.
    auto o = e.observe(p.name());
    REQUIRE(o);
    CHECK(o->containers.empty());
    // (foreign lists the containers named <project>-... and, from other
    // tests on a shared engine, those publishing host ports)
    for (const auto& f : o->foreign) CHECK(f.name != lock_name(p.name()));
    first->release();
    CHECK_FALSE(e.find_lock(lock_name(p.name())).value().has_value());
    auto again = ProjectLock::acquire(*other, p.name(), 0s);
    CHECK(again);
    again->release();
    // A container of that name that dockerops did not make as the lock is in
    // the way, said so at once, and never removed.
    const std::string foreign = must(e.create_container(p.spec("dockerops-lock")));
    auto refused = ProjectLock::acquire(e, p.name(), 5s);
    REQUIRE_FALSE(refused);
    CHECK_THAT(refused.error().text(), Catch::Contains("a container named " + lock_name(p.name()) +
                                                       " that dockerops did not make as this project's lock is in the way"));
    auto kept = break_lock(e, p.name());
    REQUIRE_FALSE(kept);
    CHECK(e.inspect_container(foreign));
}

TEST_CASE("docker: observe with the plan's names and images lists the containers once and looks images up by name") {
    EngineProject p, other;
    auto& e = p.engine();
    const std::string mine = must(e.create_container(p.spec("web")));
    const std::string squatter = make_squatter(p, other);
    auto observe = [&](ObserveScope scope, std::size_t want_calls) {
        p.calls().reset();
        auto o = e.observe(p.name(), scope);
        CHECK(p.calls().calls() == want_calls);
        REQUIRE(o);
        return *o;
    };
    const std::vector<std::string> refs{"dockerops/busybox:latest", "dockerops/no-such-image:1"};
    // Every name the plan uses is held by the project: its label's list, the
    // networks, one inspect per image (one not on the engine: no error).
    auto held = observe(ObserveScope{{}, refs, std::vector<std::string>{p.name() + "-web"}}, 4);
    CHECK(ids(held.containers) == std::set<std::string>{mine});
    CHECK(held.foreign.empty());   // the squatter is in the way of no name the plan uses
    CHECK(held.image_ids_by_tag.count("dockerops/busybox:latest") == 1);
    CHECK(held.image_ids_by_tag.count("dockerops/no-such-image:1") == 0);
    CHECK(held.image_ids_by_tag.count("dockerops/debian:bookworm") == 0);   // never listed
    CHECK(held.scope.image_refs == refs);
    // A name it does not hold: the names like the project's are listed too.
    auto missing = observe(ObserveScope{{}, refs, std::vector<std::string>{p.name() + "-web", p.name() + "-squatter"}}, 5);
    CHECK(ids(missing.containers) == std::set<std::string>{mine});
    CHECK(ids(missing.foreign) == std::set<std::string>{squatter});
    // The image a container runs, under no name the plan gives: inspected by
    // its id in a second round.
    auto by_id = observe(ObserveScope{{}, std::vector<std::string>{}, std::vector<std::string>{p.name() + "-web"}}, 3);
    CHECK(by_id.image_ids_by_tag.count("dockerops/busybox:latest") == 1);
    // A name that is in no image's tags (here the id; a reference by digest
    // is the same) leads to its image as written.
    const std::string busybox = held.image_ids_by_tag.at("dockerops/busybox:latest");
    auto by_ref = observe(ObserveScope{{}, std::vector<std::string>{busybox}, std::vector<std::string>{p.name() + "-web"}}, 3);
    CHECK(by_ref.image_ids_by_tag[busybox] == busybox);
    // A plan that rebuilds asks for the project's earlier (untagged) builds:
    // one list more, filtered by the engine.
    ObserveScope rebuilding{{}, refs, std::vector<std::string>{p.name() + "-web"}};
    rebuilding.earlier_builds = true;
    observe(rebuilding, 5);
}

TEST_CASE("docker: observe lists the project's containers and those in its way, never the whole engine's") {
    EngineProject p, other;
    auto& e = p.engine();
    const std::string mine = must(e.create_container(p.spec("web")));
    const std::string squatter = make_squatter(p, other);
    // Another project's container publishing a host port.
    const int port = test::free_port();
    ContainerSpec publisher = other.spec("pub");
    publisher.ports.push_back(PortSpec{80, "tcp", true, "127.0.0.1", port});
    const std::string holder = must(e.create_container(publisher));
    must(e.start_container(holder));
    const std::string bystander = must(e.create_container(other.spec("bystander")));

    auto plain = e.observe(p.name());
    REQUIRE(plain);
    CHECK(ids(plain->containers) == std::set<std::string>{mine});
    CHECK(ids(plain->foreign).count(squatter) == 1);
    CHECK(ids(plain->foreign).count(holder) == 0);      // its port is none of the plan's
    CHECK(ids(plain->foreign).count(bystander) == 0);
    auto scoped = e.observe(p.name(), ObserveScope{{std::to_string(port) + "/tcp"}, std::nullopt, std::nullopt});
    REQUIRE(scoped);
    CHECK(ids(scoped->containers) == std::set<std::string>{mine});
    CHECK(ids(scoped->foreign).count(squatter) == 1);
    CHECK(ids(scoped->foreign).count(holder) == 1);     // holds a host port the plan publishes
    CHECK(ids(scoped->foreign).count(bystander) == 0);
    CHECK(ids(e.observe(p.name(), ObserveScope{{std::to_string(port) + "/udp"}, std::nullopt, std::nullopt})->foreign).count(holder) == 0);
}
