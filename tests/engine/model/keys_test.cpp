// The key table: its rows drive the loader, the canonical spec, plan JSON and
// `config`, and the schema and docs are checked against it here.
#include "engine/model/keys.hpp"
#include "engine/model/runtime.hpp"
#include "engine/model/spec_hash.hpp"
#include "planner/plan.hpp"
#include "util/json_writer.hpp"

#include <catch2/catch.hpp>
#include <simdjson.h>

#include <fstream>
#include <set>
#include <sstream>

using namespace dockerops;

namespace {
std::string source_file(const std::string& rel) {
    std::ifstream in(std::string(DOCKEROPS_SOURCE_DIR) + "/" + rel);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}
std::set<std::string> object_keys(simdjson::dom::element e) {
    std::set<std::string> out;
    simdjson::dom::object o = e.get_object().value();
    for (auto [k, v] : o) out.insert(std::string(k));
    return out;
}
// A spec that sets every key of the table as the release before the table
// (0b42a58) read the same values from dockerops.toml.
ContainerSpec every_key_set() {
    ContainerSpec s;
    s.image = "dockerops/busybox:latest";
    s.hostname = "app-two";
    s.command = std::vector<std::string>{"sleep", "3600"};
    s.restart_policy = "on-failure:3";
    s.memory = 268435456;
    s.nano_cpus = 500'000'000;
    s.pids_limit = 100;
    s.extras_mut().ulimits = {{"nofile", 1024, 4096}, {"nproc", 512, 512}};
    s.extras_mut().extra_hosts = {"db.local:10.0.0.5"};
    s.extras_mut().dns = {"10.0.0.2"};
    s.labels = {{"com.example.team", "web"}, {"io.dockerops.project", "allkeys"}};
    s.extras_mut().user = "1000:1000";
    s.extras_mut().working_dir = "/srv";
    s.extras_mut().entrypoint = std::vector<std::string>{"/bin/sh", "-c"};
    s.extras_mut().stop_signal = "SIGQUIT";
    s.extras_mut().stop_grace_period = 90;
    s.extras_mut().cap_add = {"NET_ADMIN"};
    s.extras_mut().cap_drop = {"MKNOD"};
    s.extras_mut().tmpfs = {{"/run", ""}, {"/tmp", "size=64m"}};
    s.read_only = true;
    s.extras_mut().health = HealthSpec{{"CMD", "true"}, 5'000'000'000LL, 3'000'000'000LL, 10'000'000'000LL, 3};
    s.replicas = 2;
    s.extras_mut().node = "label:disk=ssd";
    return s;
}
// Every row written to plan JSON, then read back into a fresh spec.
ContainerSpec through_plan_json(const ContainerSpec& s) {
    JsonWriter w;
    w.begin_object();
    for (const auto& row : key_table()) {
        w.key(row.json);
        row.write(w, s);
    }
    w.end_object();
    simdjson::dom::parser parser;
    simdjson::padded_string text(w.str());
    simdjson::dom::element doc = parser.parse(text).value();
    ContainerSpec back;
    for (const auto& row : key_table()) row.read(doc[row.json].value(), back);
    return back;
}
}  // namespace

TEST_CASE("keys: the table's names are unique, and it fits the runtime options' bit set") {
    std::set<std::string_view> names, canonical, json;
    for (const auto& row : key_table()) {
        CHECK(names.insert(row.name).second);
        CHECK(canonical.insert(row.canonical).second);
        CHECK(json.insert(row.json).second);
        CHECK(find_key(row.name) == &row);
    }
    CHECK(key_table().size() <= 64);
    for (auto k : kLoaderOnlyRuntimeKeys) CHECK_FALSE(find_key(k));
    CHECK(find_key_by_canonical("ulimit.nofile") == find_key("ulimits"));
    CHECK(find_key_by_canonical("label.com.example.team") == find_key("labels"));
    CHECK(find_key_by_canonical("workdir") == find_key("working_dir"));
    CHECK_FALSE(find_key_by_canonical("env.X"));
}

TEST_CASE("keys: the canonical spec reads as the release before the table wrote it (the spec hash does not move)") {
    // The io.dockerops.spec label the release at 0b42a58 wrote for this spec
    // (an instance of tests' allkeys project, its address, env and mounts left out).
    const std::string before =
        R"({"cap_add":"[\"NET_ADMIN\"]","cap_drop":"[\"MKNOD\"]","command":"[\"sleep\",\"3600\"]","cpus":"0.5","dns":"[\"10.0.0.2\"]",)"
        R"("entrypoint":"[\"/bin/sh\",\"-c\"]","extra_hosts":"[\"db.local:10.0.0.5\"]",)"
        R"("health":"[\"CMD\",\"true\"] every 5000000000ns, 3 retries, timeout 3000000000ns, start period 10000000000ns",)"
        R"("hostname":"app-two","image":"dockerops/busybox:latest","init":"true","label.com.example.team":"web",)"
        R"("memory":"268435456","pids_limit":"100","placement":"node.labels.disk==ssd","read_only":"true","replicas":"2",)"
        R"("restart":"on-failure:3","stop_grace_period":"90s","stop_signal":"SIGQUIT","tmpfs./run":"","tmpfs./tmp":"size=64m",)"
        R"("ulimit.nofile":"1024:4096","ulimit.nproc":"512:512","user":"1000:1000","workdir":"/srv"})";
    CHECK(canonical_to_json(canonical_spec(every_key_set(), {}, "")) == before);
    // Nothing set: only what every spec has. restart "no" is the engine's default, as before.
    ContainerSpec plain;
    plain.image = "x";
    plain.restart_policy = "no";
    CHECK(canonical_to_json(canonical_spec(plain, {}, "")) == R"({"hostname":"","image":"x","init":"true"})");
}

TEST_CASE("keys: a new key is in the canonical spec only when set, and its change is worded in sizes") {
    ContainerSpec s = every_key_set();
    const auto before = canonical_spec(s, {}, "");
    s.shm_size = 256LL << 20;
    s.privileged = true;
    const auto after = canonical_spec(s, {}, "");
    CHECK(after.at("shm_size") == "268435456");
    CHECK(after.at("privileged") == "true");
    CHECK(describe_changes(before, after) == std::vector<std::string>{"privileged added: \"true\"", "shm_size added: 256 MiB"});
    CHECK(human_bytes(1536) == "1536 bytes");
    CHECK(human_bytes(1 << 20) == "1 MiB");
    // tty and stdin_open became rows (#21): their canonical entries read as before.
    ContainerSpec t;
    t.image = "x";
    t.tty = t.open_stdin = true;
    CHECK(canonical_to_json(canonical_spec(t, {}, "")) == R"({"hostname":"","image":"x","init":"true","stdin":"true","tty":"true"})");
    t.extras_mut().sysctls = {{"net.core.somaxconn", "1024"}};
    t.extras_mut().log_options = {{"max-size", "10m"}};
    CHECK(canonical_spec(t, {}, "").at("sysctl.net.core.somaxconn") == "1024");
    CHECK(canonical_spec(t, {}, "").at("log_opt.max-size") == "10m");
    CHECK(human_bytes(3LL << 30) == "3 GiB");
}

TEST_CASE("keys: every row goes through plan JSON and back unchanged") {
    ContainerSpec s = every_key_set();
    s.shm_size = 64LL << 20;
    s.privileged = true;
    s.tty = s.open_stdin = true;
    s.mem_reservation = 32LL << 20;
    s.extras_mut().sysctls = {{"net.core.somaxconn", "1024"}};
    s.extras_mut().security_opt = {"no-new-privileges:true"};
    s.extras_mut().devices = {"/dev/fuse"};
    s.extras_mut().expose = {"80/tcp"};
    s.extras_mut().pid_mode = "host";
    s.extras_mut().network_mode = "container:demo-web-one";
    s.extras_mut().ipc_mode = "shareable";
    s.extras_mut().log_driver = "local";
    s.extras_mut().log_options = {{"max-size", "10m"}};
    s.extras_mut().volumes_from = {"demo-data:ro"};
    s.extras_mut().platform = "linux/amd64";
    s.extras_mut().update = {{"parallelism", "2"}, {"order", "stop-first"}};
    s.extras_mut().rollback = {{"parallelism", "0"}, {"failure_action", "continue"}};
    s.extras_mut().mode = "global";
    for (const auto& row : key_table()) CHECK(row.is_set(s));
    const ContainerSpec back = through_plan_json(s);
    for (const auto& row : key_table()) {
        CanonicalSpec a, b;
        row.canon(row, s, a);
        row.canon(row, back, b);
        INFO(row.name);
        CHECK(a == b);
    }
}

TEST_CASE("keys: a spec holds its rarely set keys only when one is set, and copies them as a value") {
    // Written and read back through every row with nothing set: nothing allocated.
    ContainerSpec plain;
    plain.image = "dockerops/busybox:latest";
    CHECK_FALSE(plain.has_extras());
    const ContainerSpec back = through_plan_json(plain);
    CHECK_FALSE(back.has_extras());
    // The runtime options' inheritance copies only the keys set: none of them an extra here.
    RuntimeOptions memory_only;
    memory_only.put(*find_key("memory"), KeyValue{268435456LL});
    ContainerSpec applied;
    memory_only.apply_to(applied);
    CHECK(applied.memory == 268435456);
    CHECK_FALSE(applied.has_extras());
    // One extra set: held, read through extras(), copied as a value.
    RuntimeOptions with_user;
    with_user.put(*find_key("user"), KeyValue{std::string("1000:1000")});
    with_user.apply_to(applied);
    REQUIRE(applied.has_extras());
    CHECK(applied.extras().user == "1000:1000");
    ContainerSpec copy = applied;
    copy.extras_mut().user = "0";
    CHECK(applied.extras().user == "1000:1000");
    CHECK(copy.extras().user == "0");
    // A spec without them reads every one at its default.
    CHECK(plain.extras().user.empty());
    CHECK_FALSE(plain.extras().health);
    CHECK_FALSE(plain.has_extras());
}

TEST_CASE("keys: the JSON Schemas and docs/configuration.md list exactly the table's keys") {
    simdjson::dom::parser parser;
    auto file_schema = simdjson::padded_string(source_file("schemas/dockerops.schema.json"));
    auto runtime = object_keys(parser.parse(file_schema)["$defs"]["runtime"]["properties"].value());
    std::set<std::string> expected;
    for (const auto& row : key_table()) expected.emplace(row.name);
    for (auto k : kLoaderOnlyRuntimeKeys) expected.emplace(k);
    CHECK(runtime == expected);

    // Each key's description in the schema (what an editor shows) is the row's
    // summary, and says when target swarm leaves the key out.
    simdjson::dom::element props = parser.parse(file_schema)["$defs"]["runtime"]["properties"].value();
    for (const auto& row : key_table()) {
        INFO(row.name);
        std::string_view description;
        REQUIRE(props[row.name]["description"].get_string().get(description) == simdjson::SUCCESS);
        CHECK(description == std::string(row.summary) + (row.services ? "" : "; not on target swarm"));
    }

    simdjson::dom::parser plan_parser;
    auto plan_schema = simdjson::padded_string(source_file("schemas/plan.schema.json"));
    simdjson::dom::element container =
        plan_parser.parse(plan_schema)["$defs"]["action"]["properties"]["container"].value();
    auto properties = object_keys(container["properties"].value());
    std::set<std::string> required;
    simdjson::dom::array list = container["required"].get_array().value();
    for (auto r : list) required.emplace(std::string_view(r.get_string().value()));
    for (const auto& row : key_table()) {
        INFO(row.json);
        CHECK(properties.count(std::string(row.json)));
        CHECK(required.count(std::string(row.json)));
    }

    const std::string docs = source_file("docs/configuration.md");
    const auto section = docs.find("### Runtime keys");
    REQUIRE(section != std::string::npos);
    const std::string table = docs.substr(section, docs.find("\n### ", section + 1) - section);
    for (const auto& name : expected) {
        INFO(name);
        CHECK(table.find("`" + name + "`") != std::string::npos);
    }
}
