// The 2016 layout: read as it is, and imported into an equivalent dockerops.toml.
#include "engine/config/legacy.hpp"
#include "tests/support.hpp"

#include <catch2/catch.hpp>

using namespace dockerops;
using dockerops::test::messages;
using dockerops::test::TempDir;

namespace fs = std::filesystem;

namespace {
const fs::path kLegacyExample = fs::path(DOCKEROPS_SOURCE_DIR) / "examples/legacy";
}

TEST_CASE("legacy: '#' comments are stripped outside strings only") {
    CHECK(strip_hash_comments("{\"a\": \"x#y\"} # tail\n[1] #\n") == "{\"a\": \"x#y\"}       \n[1]  \n");
}

TEST_CASE("legacy: the example is read with its instances, types, links and required variables") {
    auto r = load_project(kLegacyExample);
    INFO(messages(r, false).size());
    REQUIRE(r.ok());
    const Project& p = *r.project;
    CHECK(p.legacy);
    CHECK(p.name == "legacy");
    CHECK(p.container_names() == std::vector<std::string>{"base", "db", "web"});
    CHECK(p.containers.at("web").build_args == std::map<std::string, std::string>{{"GREETING", "hello"}});
    CHECK(p.instance_ids() == std::vector<std::string>{"db.master", "web.one", "web.two"});
    const Instance& db = *p.find_instance("db.master");
    CHECK(db.type == InstanceType::Master);
    CHECK(db.sleep == 1);
    CHECK(db.env == std::map<std::string, std::string>{{"DB_NAME", "app"}});
    CHECK(db.required_env == std::vector<std::string>{"DB_PASSWORD"});
    const Instance& one = *p.find_instance("web.one");
    CHECK(one.type == InstanceType::Published);
    CHECK(one.switches.persistent_log);
    CHECK(one.env.at("WORKERS") == "2");
    REQUIRE(one.links.size() == 1);
    CHECK(one.links[0].target_id() == "db.master");
    const Instance& two = *p.find_instance("web.two");
    CHECK(two.type == InstanceType::Standard);
    CHECK(two.links.at(0).alias == "DB");
    CHECK(*two.command == std::vector<std::string>{"httpd", "-f", "-p", "8081"});
    CHECK(p.host_env == std::map<std::string, std::string>{{"HOST_IP", "from_eth0"}});
}

TEST_CASE("legacy: the imported dockerops.toml, written and read back, describes the same instances") {
    TempDir dir;
    fs::copy(kLegacyExample, dir.path(), fs::copy_options::recursive);
    ImportResult imp = import_legacy(dir.path());
    REQUIRE(imp.ok());
    dir.write("dockerops.toml", imp.toml);
    REQUIRE(imp.host_toml);
    dir.write("dockerops.host.toml", *imp.host_toml);

    auto from_toml = load_project(dir.path() / "dockerops.toml");
    REQUIRE(from_toml.ok());
    CHECK_FALSE(from_toml.project->legacy);
    fs::remove(dir.path() / "dockerops.toml");
    auto from_legacy = load_project(dir.path());
    REQUIRE(from_legacy.ok());
    CHECK(from_legacy.project->legacy);

    const Project& a = *from_legacy.project;
    const Project& b = *from_toml.project;
    CHECK(a.name == b.name);
    CHECK(a.container_names() == b.container_names());
    REQUIRE(a.instance_ids() == b.instance_ids());
    for (std::size_t i = 0; i < a.instances.size(); ++i) {
        const Instance& x = a.instances[i];
        const Instance& y = b.instances[i];
        INFO(x.id());
        CHECK(x.type == y.type);
        CHECK(x.env == y.env);
        CHECK(x.required_env == y.required_env);
        CHECK(x.command == y.command);
        CHECK(x.sleep == y.sleep);
        CHECK(x.switches.linked == y.switches.linked);
        CHECK(x.switches.publish_ports == y.switches.publish_ports);
        CHECK(x.switches.persistent_data == y.switches.persistent_data);
        CHECK(x.switches.persistent_log == y.switches.persistent_log);
        REQUIRE(x.links.size() == y.links.size());
        for (std::size_t j = 0; j < x.links.size(); ++j) {
            CHECK(x.links[j].alias == y.links[j].alias);
            CHECK(x.links[j].target_id() == y.links[j].target_id());
        }
    }
    CHECK(a.host_env == b.host_env);
}

TEST_CASE("legacy: a mistake in run.conf is reported against its entry in run.conf") {
    TempDir dir;
    dir.write("apps_containers/web/Dockerfile", "FROM scratch\n");
    dir.write("apps_containers/run.conf",
              "# two instances\n[\n  {\"container\": \"web\", \"instance\": \"one\"},\n"
              "  {\"container\": \"web\", \"instance\": \"two\", \"links\": [\"web-on:X\"]}\n]\n");
    auto r = load_project(dir.path());
    REQUIRE_FALSE(r.ok());
    CHECK(messages(r) == std::vector<std::string>{
        (dir.path() / "apps_containers/run.conf").string() +
        ":4:3: run.conf entry 2: link target 'web-on' is not an instance (did you mean 'web-one'?)"});
}

TEST_CASE("legacy: unknown keys and broken JSON are errors naming the file") {
    TempDir dir;
    dir.write("apps_containers/web/Dockerfile", "FROM scratch\n");
    dir.write("apps_containers/run.conf", "[{\"container\": \"web\", \"instance\": \"one\", \"slep\": 1}]\n");
    auto r = load_project(dir.path());
    REQUIRE_FALSE(r.ok());
    CHECK(messages(r).at(0) == (dir.path() / "apps_containers/run.conf").string() +
                                   ":1:2: unknown key 'slep' in run.conf entry 1 (did you mean 'sleep'?)");
    dir.write("apps_containers/run.conf", "[{\"container\": \"web\",]\n");
    auto broken = load_project(dir.path());
    REQUIRE_FALSE(broken.ok());
    CHECK(messages(broken).at(0).rfind((dir.path() / "apps_containers/run.conf").string() + ": invalid JSON: ", 0) == 0);
}
