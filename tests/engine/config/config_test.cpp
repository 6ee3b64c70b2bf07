// The configuration language: every key read into the model, and every kind of
// invalid input rejected with its exact message and position.
#include "engine/config/config.hpp"
#include "tests/support.hpp"
#include "util/hash.hpp"

#include <catch2/catch.hpp>

using namespace dockerops;
using dockerops::test::messages;
using dockerops::test::TempProject;

namespace {

// The first error of a document that must not load.
std::string first_error(const std::string& toml, const std::optional<std::string>& host = std::nullopt) {
    TempProject p;
    p.write("containers/nodocker/.keep", "");
    LoadResult r = p.parse(toml, host);
    REQUIRE_FALSE(r.ok());
    auto errs = messages(r);
    REQUIRE_FALSE(errs.empty());
    return errs.front();
}

}  // namespace

// ---------------------------------------------------------------- valid input

TEST_CASE("config: instances come out sorted by id, each with its own values, and a dormant container's left out") {
    TempProject p;
    // Declared out of order, with a dormant container's instance between
    // others: the loader sorts its own array in place and drops that one.
    std::string toml = "[project]\nname = \"order\"\n[containers.web]\n[containers.db]\n[containers.extra]\nprofiles = [\"debug\"]\n";
    const std::vector<std::pair<std::string, std::string>> declared{
        {"web", "two"}, {"extra", "x"}, {"db", "main"}, {"web", "one"}, {"web", "ten"}, {"extra", "y"}, {"db", "a-b"}};
    for (const auto& [c, n] : declared)
        toml += "[[instances]]\ncontainer = \"" + c + "\"\nname = \"" + n + "\"\nenv = { WHO = \"" + c + "-" + n + "\" }\n";
    for (const char* c : {"web", "db", "extra"}) p.write(std::string("containers/") + c + "/Dockerfile", "FROM scratch\n");
    auto r = p.parse(toml);
    REQUIRE(messages(r).empty());
    REQUIRE(r.ok());
    std::vector<std::string> ids;
    for (const auto& i : r.project->instances) {
        ids.push_back(i.id());
        CHECK(i.env.at("WHO") == i.dashed());
    }
    CHECK(ids == std::vector<std::string>{"db.a-b", "db.main", "web.one", "web.ten", "web.two"});
}

TEST_CASE("config: every key is read into the model") {
    TempProject p;
    p.write("vendor/postgres/Dockerfile", "FROM scratch\n");
    auto r = p.parse(R"([project]
name = "myplatform"
containers_dir = "containers"
data_dir = "state"

[containers.base]
[containers.web]
build_args = { APP_VERSION = "1.4", WORKERS = 4 }
[containers.db]
path = "vendor/postgres"
[containers.cache]

[[instances]]
container = "db"
name = "master"
env = { POSTGRES_DB = "app" }
secret_env = ["POSTGRES_PASSWORD"]

[[instances]]
container = "cache"
name = "one"

[[instances]]
container = "web"
name = "one"
type = "published"
group = "frontend"
links = ["db-master:DB", { name = "CACHE", container = "cache" }, { name = "AUTH", external = true }]
required_env = ["API_KEY"]
env = { LISTEN_IP = "from_eth0", RETRIES = 3, DEBUG = false }
publish_ports = false
linked = true
persistent_data = true
persistent_opt = true
persistent_log = true
volumes = ["./static:/srv/static:ro", "webcache:/var/cache/web", "/tmp/x:/x:rw"]
hostname = "web-one"
command = "supervisord -n -c '/etc/my conf'"
sleep = 2.5
init = false
)", R"([env]
API_KEY = "k"
HOST_IP = "from_eth0"
)");
    INFO(messages(r, false).size());
    REQUIRE(r.ok());
    const Project& prj = *r.project;
    CHECK(prj.name == "myplatform");
    CHECK(prj.containers_dir == p.path() / "containers");
    CHECK(prj.data_dir == p.path() / "state");
    REQUIRE(prj.containers.size() == 4);
    CHECK(prj.containers.at("db").path == std::filesystem::weakly_canonical(p.path() / "vendor/postgres"));
    CHECK(prj.containers.at("web").build_args == std::map<std::string, std::string>{{"APP_VERSION", "1.4"}, {"WORKERS", "4"}});
    CHECK(prj.instance_ids() == std::vector<std::string>{"cache.one", "db.master", "web.one"});

    const Instance& db = *prj.find_instance("db.master");
    CHECK(db.type == InstanceType::Master);
    CHECK(db.switches.persistent_data);
    CHECK(db.switches.publish_ports);
    CHECK(db.secret_env == std::vector<std::string>{"POSTGRES_PASSWORD"});
    CHECK(db.hostname == "db-master");
    CHECK(db.init);
    CHECK_FALSE(db.command);

    const Instance& web = *prj.find_instance("web.one");
    CHECK(web.type == InstanceType::Published);
    CHECK(web.group == "frontend");
    CHECK_FALSE(web.switches.publish_ports);   // the file beats the type
    CHECK(web.switches.persistent_data);
    CHECK(web.switches.persistent_opt);
    CHECK(web.switches.persistent_log);
    REQUIRE(web.links.size() == 3);
    CHECK(web.links[0].alias == "DB");
    CHECK(web.links[0].target_id() == "db.master");
    CHECK(web.links[0].instance_given);
    CHECK(web.links[1].alias == "CACHE");
    CHECK(web.links[1].target_id() == "cache.one");
    CHECK_FALSE(web.links[1].instance_given);
    CHECK(web.links[2].external);
    CHECK(web.required_env == std::vector<std::string>{"API_KEY"});
    CHECK(web.env == std::map<std::string, std::string>{{"DEBUG", "false"}, {"LISTEN_IP", "from_eth0"}, {"RETRIES", "3"}});
    REQUIRE(web.volumes.size() == 3);
    CHECK(web.volumes[0].bind);
    CHECK(web.volumes[0].source == std::filesystem::weakly_canonical(p.path() / "static").string());
    CHECK(web.volumes[0].target == "/srv/static");
    CHECK(web.volumes[0].read_only);
    CHECK_FALSE(web.volumes[1].bind);
    CHECK(web.volumes[1].source == "webcache");
    CHECK_FALSE(web.volumes[2].read_only);
    CHECK(web.hostname == "web-one");
    REQUIRE(web.command);
    CHECK(*web.command == std::vector<std::string>{"supervisord", "-n", "-c", "/etc/my conf"});
    CHECK(web.sleep == 2.5);
    CHECK_FALSE(web.init);
    CHECK(prj.host_env == std::map<std::string, std::string>{{"API_KEY", "k"}, {"HOST_IP", "from_eth0"}});
}

TEST_CASE("config: an instance named after a type gets that type and its defaults") {
    TempProject p;
    auto r = p.parse(R"([containers.web]
[[instances]]
container = "web"
name = "master"
[[instances]]
container = "web"
name = "safemode"
[[instances]]
container = "web"
name = "interactive"
[[instances]]
container = "web"
name = "published"
[[instances]]
container = "web"
name = "one"
[[instances]]
container = "web"
name = "master2"
type = "master"
[[instances]]
container = "web"
name = "x"
type = "standard"
persistent_log = false
)");
    REQUIRE(r.ok());
    auto type_of = [&](const char* id) { return r.project->find_instance(id)->type; };
    CHECK(type_of("web.master") == InstanceType::Master);
    CHECK(type_of("web.safemode") == InstanceType::Safemode);
    CHECK(type_of("web.interactive") == InstanceType::Interactive);
    CHECK(type_of("web.published") == InstanceType::Published);
    CHECK(type_of("web.one") == InstanceType::Standard);
    CHECK(type_of("web.master2") == InstanceType::Master);
    const auto& std_one = r.project->find_instance("web.one")->switches;
    CHECK(std_one.linked);
    CHECK_FALSE(std_one.publish_ports);
    CHECK(std_one.persistent_log);
    CHECK_FALSE(r.project->find_instance("web.safemode")->switches.linked);
    CHECK_FALSE(r.project->find_instance("web.x")->switches.persistent_log);
    // Which switches the file set is kept, for a type given later on the command line.
    CHECK(r.project->find_instance("web.x")->switches_in_file == std::set<std::string>{"persistent_log"});
    CHECK(r.project->find_instance("web.one")->switches_in_file.empty());
}

TEST_CASE("config: a link to a container picks its first instance by name and warns naming the others") {
    TempProject p;
    auto r = p.parse(R"([containers.web]
[containers.db]
[[instances]]
container = "db"
name = "b"
[[instances]]
container = "db"
name = "a"
[[instances]]
container = "web"
name = "one"
links = ["db:DB"]
)");
    REQUIRE(r.ok());
    CHECK(r.project->find_instance("web.one")->links.at(0).target_id() == "db.a");
    CHECK(messages(r, false) == std::vector<std::string>{
        "dockerops.toml:12:10: warning: link 'DB' of web.one goes to db.a, the first of several instances of "
        "'db' (the others: db.b; name one to choose)"});
}

TEST_CASE("config: container names with dashes resolve in the seed's link form") {
    TempProject p({"my-db", "web"});
    auto r = p.parse(R"([containers.my-db]
[containers.web]
[[instances]]
container = "my-db"
name = "master"
[[instances]]
container = "web"
name = "one"
links = ["my-db-master:DB"]
)");
    REQUIRE(r.ok());
    CHECK(r.project->find_instance("web.one")->links.at(0).target_id() == "my-db.master");
}

TEST_CASE("config: secrets and configs are host files, read-only, placed as compose places them, with their content's digest") {
    TempProject p;
    p.write("db_password.txt", "s3cret\n");
    p.write("conf/nginx.conf", "worker_processes 1;\n");
    auto r = p.parse(R"([containers.web]
[[instances]]
container = "web"
name = "one"
secrets = ["./db_password.txt", "./db_password.txt:db", "./db_password.txt:/etc/app/password"]
configs = ["./conf/nginx.conf:/etc/nginx/nginx.conf", "./conf/nginx.conf:nginx.conf"]
)");
    INFO(messages(r).size());
    REQUIRE(r.ok());
    const auto& v = r.project->instances.front().volumes;
    REQUIRE(v.size() == 5);
    const std::vector<std::string> targets{"/run/secrets/db_password.txt", "/run/secrets/db", "/etc/app/password", "/etc/nginx/nginx.conf", "/nginx.conf"};
    for (std::size_t i = 0; i < 5; ++i) {
        CHECK(v[i].target == targets[i]);
        CHECK(v[i].read_only);
        CHECK(v[i].bind);
        CHECK(v[i].as == (i < 3 ? "secret" : "config"));
        CHECK(v[i].source == (i < 3 ? p.path() / "db_password.txt" : p.path() / "conf/nginx.conf").string());
        CHECK(v[i].digest == sha256_hex(i < 3 ? "s3cret\n" : "worker_processes 1;\n"));
    }
}

TEST_CASE("config: the project name defaults to the folder name, lower-cased") {
    TempProject p;
    std::filesystem::create_directories(p.path() / "MyPlatform/containers/web");
    p.write("MyPlatform/containers/web/Dockerfile", "FROM scratch\n");
    auto r = parse_project("[containers.web]\n", "dockerops.toml", p.path() / "MyPlatform");
    REQUIRE(r.ok());
    CHECK(r.project->name == "myplatform");
}

TEST_CASE("config: a 2016 apps_containers folder is found when containers_dir is not set") {
    TempProject p({});
    p.write("apps_containers/web/Dockerfile", "FROM scratch\n");
    auto r = p.parse("[containers.web]\n");
    REQUIRE(r.ok());
    CHECK(r.project->containers_dir == p.path() / "apps_containers");
}

TEST_CASE("config: every problem is reported, not just the first") {
    TempProject p;
    auto r = p.parse(R"([project]
name = "Bad Name"
[containers.web]
bild_args = {}
[[instances]]
container = "wbe"
name = "one"
)");
    REQUIRE_FALSE(r.ok());
    CHECK(messages(r) == std::vector<std::string>{
        "dockerops.toml:2:8: project name 'Bad Name' is not valid (names match [a-z0-9][a-z0-9_-]*)",
        "dockerops.toml:4:1: unknown key 'bild_args' in [containers.web] (did you mean 'build_args'?)",
        "dockerops.toml:6:13: container 'wbe' is not declared (did you mean 'web'?)",
    });
}

TEST_CASE("config: load_project reads the file and the host file beside it") {
    TempProject p;
    p.write("dockerops.toml", "[containers.web]\n[[instances]]\ncontainer = \"web\"\nname = \"one\"\n");
    p.write("dockerops.host.toml", "[env]\nHOST_IP = \"10.0.0.1\"\n");
    auto r = load_project(p.path());
    REQUIRE(r.ok());
    CHECK(r.project->host_env.at("HOST_IP") == "10.0.0.1");
    auto missing = load_project(p.path() / "nope.toml");
    REQUIRE_FALSE(missing.ok());
    CHECK(messages(missing).at(0) == (p.path() / "nope.toml").string() + ": cannot read the configuration file: No such file or directory");
}

// ---------------------------------------------------------------- invalid input
// Each case: a document, and the exact first error with its position.

#define INVALID(NAME, TOML, EXPECTED) \
    TEST_CASE("config invalid: " NAME) { CHECK(first_error(std::string(TOML)) == EXPECTED); }

#define INSTANCE_HEAD "[containers.web]\n[containers.db]\n[containers.cache]\n" \
    "[[instances]]\ncontainer = \"db\"\nname = \"master\"\n" \
    "[[instances]]\ncontainer = \"web\"\nname = \"one\"\n"
// INSTANCE_HEAD is 9 lines: the keys of web.one continue at line 10.

INVALID("TOML syntax error", "[project]\nname = \n",
        "dockerops.toml:2:8: TOML syntax error: Error while parsing key-value pair: expected value, saw '\\n'")
INVALID("unknown top-level key", "[projet]\nname = \"x\"\n",
        "dockerops.toml:1:2: unknown key 'projet' in the top level (did you mean 'project'?)")
INVALID("unknown key in project", "[project]\nnmae = \"x\"\n",
        "dockerops.toml:2:1: unknown key 'nmae' in [project] (did you mean 'name'?)")
INVALID("project name of the wrong type", "[project]\nname = 3\n",
        "dockerops.toml:2:8: 'name' in [project] must be a string, not an integer")
INVALID("project name breaking the naming rule", "[project]\nname = \"My App\"\n",
        "dockerops.toml:2:8: project name 'My App' is not valid (names match [a-z0-9][a-z0-9_-]*)")
INVALID("containers_dir that does not exist", "[project]\ncontainers_dir = \"nope\"\n",
        "dockerops.toml:2:18: containers_dir 'nope' is not a folder")
INVALID("data_dir of the wrong type", "[project]\ndata_dir = [\"x\"]\n",
        "dockerops.toml:2:12: 'data_dir' in [project] must be a string, not an array")
INVALID("project that is not a table", "project = \"x\"\n",
        "dockerops.toml:1:11: 'project' must be a table, not a string")
INVALID("containers that is not a table", "containers = [\"web\"]\n",
        "dockerops.toml:1:14: 'containers' must be a table of containers, not an array (write [containers.NAME] sections)")
INVALID("container name breaking the naming rule", "[containers.Web]\n",
        "dockerops.toml:1:13: container name 'Web' is not valid (names match [a-z0-9][a-z0-9_-]*)")
INVALID("container that is not a table", "[containers]\nweb = \"x\"\n",
        "dockerops.toml:2:7: container 'web' must be a table, not a string")
INVALID("unknown key in a container", "[containers.web]\nbuild_arg = {}\n",
        "dockerops.toml:2:1: unknown key 'build_arg' in [containers.web] (did you mean 'build_args'?)")
INVALID("container folder that does not exist", "[containers.api]\n",
        "dockerops.toml:1:13: folder 'containers/api' of container 'api' does not exist")
INVALID("container path that does not exist", "[containers.web]\npath = \"vendor/web\"\n",
        "dockerops.toml:2:8: folder 'vendor/web' of container 'web' does not exist")
INVALID("container folder without a Dockerfile", "[containers.nodocker]\n",
        "dockerops.toml:1:13: container 'nodocker' has no Dockerfile in 'containers/nodocker'")
INVALID("build_args that is not a table", "[containers.web]\nbuild_args = \"A=1\"\n",
        "dockerops.toml:2:14: 'build_args' in [containers.web] must be a table, not a string")
INVALID("build arg of the wrong type", "[containers.web]\nbuild_args = { A = [1] }\n",
        "dockerops.toml:2:20: 'A' in build_args of container 'web' must be a string, number or boolean, not an array")
INVALID("instances that is not an array of tables", "instances = [\"web.one\"]\n",
        "dockerops.toml:1:13: 'instances' must be an array of tables (write [[instances]] sections)")
INVALID("instance without a container", "[containers.web]\n[[instances]]\nname = \"one\"\n",
        "dockerops.toml:2:1: [[instances]] entry 1 is missing 'container'")
INVALID("instance without a name", "[containers.web]\n[[instances]]\ncontainer = \"web\"\n",
        "dockerops.toml:2:1: [[instances]] entry 1 is missing 'name'")
INVALID("instance of an undeclared container", "[containers.web]\n[[instances]]\ncontainer = \"wbe\"\nname = \"one\"\n",
        "dockerops.toml:3:13: container 'wbe' is not declared (did you mean 'web'?)")
INVALID("instance name breaking the naming rule", "[containers.web]\n[[instances]]\ncontainer = \"web\"\nname = \"One\"\n",
        "dockerops.toml:4:8: instance name 'One' is not valid (names match [a-z0-9][a-z0-9_-]*)")
INVALID("duplicate instance",
        "[containers.web]\n[[instances]]\ncontainer = \"web\"\nname = \"one\"\n[[instances]]\ncontainer = \"web\"\nname = \"one\"\n",
        "dockerops.toml:5:1: duplicate instance 'web.one' (first declared at line 2)")
INVALID("unknown instance type", INSTANCE_HEAD "type = \"mastr\"\n",
        "dockerops.toml:10:8: unknown instance type 'mastr' (did you mean 'master'?)")
INVALID("unknown key in an instance", INSTANCE_HEAD "publish_port = true\n",
        "dockerops.toml:10:1: unknown key 'publish_port' in [[instances]] entry 2 (did you mean 'publish_ports'?)")
INVALID("switch of the wrong type", INSTANCE_HEAD "persistent_data = \"yes\"\n",
        "dockerops.toml:10:19: 'persistent_data' in instance web.one must be a boolean, not a string")
INVALID("group breaking the naming rule", INSTANCE_HEAD "group = \"Front End\"\n",
        "dockerops.toml:10:9: group name 'Front End' is not valid (names match [a-z0-9][a-z0-9_-]*)")
INVALID("links that is not an array", INSTANCE_HEAD "links = \"db-master:DB\"\n",
        "dockerops.toml:10:9: 'links' in instance web.one must be an array, not a string")
INVALID("link string without an alias", INSTANCE_HEAD "links = [\"dbmaster\"]\n",
        "dockerops.toml:10:10: link 'dbmaster' must be written 'container-instance:ALIAS' "
        "(or as a table { name = \"ALIAS\", container = \"...\" })")
INVALID("link to an instance that does not exist", INSTANCE_HEAD "links = [\"db-mastr:DB\"]\n",
        "dockerops.toml:10:10: link target 'db-mastr' is not an instance (did you mean 'db-master'?)")
INVALID("link table without a name", INSTANCE_HEAD "links = [{ container = \"db\" }]\n",
        "dockerops.toml:10:10: a link of instance web.one is missing 'name'")
INVALID("unknown key in a link table", INSTANCE_HEAD "links = [{ name = \"DB\", container = \"db\", instnace = \"master\" }]\n",
        "dockerops.toml:10:43: unknown key 'instnace' in a link of instance web.one (did you mean 'instance'?)")
INVALID("link table naming an undeclared container", INSTANCE_HEAD "links = [{ name = \"DB\", container = \"dbb\" }]\n",
        "dockerops.toml:10:37: link 'DB' names container 'dbb', which is not declared (did you mean 'db'?)")
INVALID("link table naming an undeclared instance",
        INSTANCE_HEAD "links = [{ name = \"DB\", container = \"db\", instance = \"slave\" }]\n",
        "dockerops.toml:10:37: link 'DB' names instance 'db.slave', which is not declared (instances of db: master)")
INVALID("link alias breaking the naming rule", INSTANCE_HEAD "links = [\"db-master:my-db\"]\n",
        "dockerops.toml:10:10: link alias 'my-db' is not valid (aliases match [A-Za-z_][A-Za-z0-9_]*)")
INVALID("link alias used twice", INSTANCE_HEAD "links = [\"db-master:DB\", { name = \"DB\", container = \"db\" }]\n",
        "dockerops.toml:10:26: link alias 'DB' is used twice in instance web.one")
INVALID("instance linking to itself", INSTANCE_HEAD "links = [\"web-one:SELF\"]\n",
        "dockerops.toml:10:10: instance web.one links to itself")
INVALID("link to a container without instances", INSTANCE_HEAD "links = [\"cache:CACHE\"]\n",
        "dockerops.toml:10:10: link 'CACHE' targets container 'cache', which has no instances")
INVALID("external link naming a container", INSTANCE_HEAD "links = [{ name = \"X\", external = true, container = \"db\" }]\n",
        "dockerops.toml:10:10: external link 'X' cannot name a container or instance "
        "(an external target is reached through X_CONTAINER_IP)")
INVALID("link that is a number", INSTANCE_HEAD "links = [3]\n",
        "dockerops.toml:10:10: a link in instance web.one must be a string or a table, not an integer")
INVALID("env that is not a table", INSTANCE_HEAD "env = [\"A=1\"]\n",
        "dockerops.toml:10:7: 'env' in instance web.one must be a table, not an array")
INVALID("env value of the wrong type", INSTANCE_HEAD "env = { A = [1] }\n",
        "dockerops.toml:10:13: 'A' in env of instance web.one must be a string, number or boolean, not an array")
INVALID("env name breaking the naming rule", INSTANCE_HEAD "env = { \"MY VAR=\" = \"1\" }\n",
        "dockerops.toml:10:9: variable name 'MY VAR=' in env of instance web.one is not valid "
        "(printable, no '=' and no space)")
INVALID("env setting a variable dockerops sets", INSTANCE_HEAD "env = { CONTAINER = \"x\" }\n",
        "dockerops.toml:10:9: 'CONTAINER' is set by dockerops and cannot be set in env of instance web.one")
INVALID("from_ naming no interface", INSTANCE_HEAD "env = { LISTEN_IP = \"from_\" }\n",
        "dockerops.toml:10:21: 'LISTEN_IP' in env of instance web.one says from_ but names no interface "
        "(write from_<interface>, e.g. from_eth0)")
INVALID("required_env that is not an array", INSTANCE_HEAD "required_env = \"API_KEY\"\n",
        "dockerops.toml:10:16: 'required_env' in instance web.one must be an array of variable names, not a string")
INVALID("required_env holding a number", INSTANCE_HEAD "required_env = [1]\n",
        "dockerops.toml:10:17: 'required_env' in instance web.one must hold strings, not an integer")
INVALID("secret_env name breaking the naming rule", INSTANCE_HEAD "secret_env = [\"db password\"]\n",
        "dockerops.toml:10:15: variable name 'db password' in secret_env is not valid (names match [A-Za-z_][A-Za-z0-9_]*)")
INVALID("required_env listing a variable twice", INSTANCE_HEAD "required_env = [\"A\", \"A\"]\n",
        "dockerops.toml:10:22: 'A' is listed twice in required_env")
INVALID("required_env naming a variable dockerops sets", INSTANCE_HEAD "required_env = [\"INSTANCE\"]\n",
        "dockerops.toml:10:17: 'INSTANCE' is set by dockerops and cannot be in required_env")
INVALID("variable both given and required", INSTANCE_HEAD "env = { A = \"1\" }\nrequired_env = [\"A\"]\n",
        "dockerops.toml:11:16: 'A' is both in env and required_env of instance web.one "
        "(a variable is either given in the file or required from outside)")
INVALID("variable both required and secret", INSTANCE_HEAD "required_env = [\"A\"]\nsecret_env = [\"A\"]\n",
        "dockerops.toml:11:14: 'A' is both in required_env and secret_env of instance web.one "
        "(secret_env variables are required too: list them once)")
INVALID("volume without a target", INSTANCE_HEAD "volumes = [\"/srv\"]\n",
        "dockerops.toml:10:12: volume '/srv' must be written 'SOURCE:TARGET' or 'SOURCE:TARGET:ro'")
INVALID("volume with an unknown mode", INSTANCE_HEAD "volumes = [\"./a:/a:rx\"]\n",
        "dockerops.toml:10:12: volume './a:/a:rx' has mode 'rx' (the mode is ro or rw)")
INVALID("volume with a relative target", INSTANCE_HEAD "volumes = [\"./a:a\"]\n",
        "dockerops.toml:10:12: volume target 'a' must be an absolute path")
INVALID("secrets naming a file that is not there", INSTANCE_HEAD "secrets = [\"./nope.txt:db\"]\n",
        "dockerops.toml:10:12: the file './nope.txt' of 'secrets' in instance web.one cannot be read (it must be a file)")
INVALID("configs naming a folder", INSTANCE_HEAD "configs = [\"./containers:/etc/app\"]\n",
        "dockerops.toml:10:12: the file './containers' of 'configs' in instance web.one cannot be read (it must be a file)")
INVALID("secrets entry that is not a path", INSTANCE_HEAD "secrets = [\"token\"]\n",
        "dockerops.toml:10:12: 'secrets' in instance web.one holds \"FILE:TARGET\" strings (FILE a host file, ./ or /), not 'token'")
INVALID("configs that is not an array", INSTANCE_HEAD "configs = \"./a:/a\"\n",
        "dockerops.toml:10:11: 'configs' in instance web.one must be an array of strings, not a string")
INVALID("volume source that is neither path nor name", INSTANCE_HEAD "volumes = [\"My Vol:/a\"]\n",
        "dockerops.toml:10:12: volume source 'My Vol' is neither a path nor a valid volume name "
        "(paths start with / or ./; names match [a-z0-9][a-z0-9_-]*)")
INVALID("hostname that is not a host name", INSTANCE_HEAD "hostname = \"web_one\"\n",
        "dockerops.toml:10:12: hostname 'web_one' is not valid (letters, digits and '-', at most 63 to a label)")
INVALID("command of the wrong type", INSTANCE_HEAD "command = 3\n",
        "dockerops.toml:10:11: command in instance web.one must be a string or an array of strings, not an integer")
INVALID("command with an unterminated quote", INSTANCE_HEAD "command = \"sh -c 'echo\"\n",
        "dockerops.toml:10:11: command in instance web.one has an unterminated quote")
INVALID("empty command", INSTANCE_HEAD "command = []\n",
        "dockerops.toml:10:11: command in instance web.one is empty (leave it out to run the image's own)")
INVALID("negative sleep", INSTANCE_HEAD "sleep = -1\n",
        "dockerops.toml:10:9: 'sleep' in instance web.one must be a number of seconds from 0 to 86400")
INVALID("sleep = nan", INSTANCE_HEAD "sleep = nan\n",
        "dockerops.toml:10:9: 'sleep' in instance web.one must be a number of seconds from 0 to 86400")
INVALID("sleep = inf", INSTANCE_HEAD "sleep = inf\n",
        "dockerops.toml:10:9: 'sleep' in instance web.one must be a number of seconds from 0 to 86400")
INVALID("sleep past a day", INSTANCE_HEAD "sleep = 9223372036854775807\n",
        "dockerops.toml:10:9: 'sleep' in instance web.one must be a number of seconds from 0 to 86400")
INVALID("a duration that would overflow", INSTANCE_HEAD "stop_grace_period = 9223372036854775807\n",
        "dockerops.toml:10:21: stop_grace_period in instance web.one must be a duration such as \"5s\", \"1m30s\" or "
        "\"250ms\" (units: ns, us, ms, s, m, h (a bare integer is seconds))")
INVALID("ready_timeout under a second", INSTANCE_HEAD "ready_timeout = \"10ms\"\n",
        "dockerops.toml:10:17: ready_timeout in instance web.one must be at least 1s")
INVALID("a port range of 65,535 ports", INSTANCE_HEAD "ports = [\"1-65535:1-65535\"]\n",
        "dockerops.toml:10:10: port '1-65535:1-65535' in instance web.one: the range has 65535 ports; an entry may publish "
        "at most 1000 (split it, or publish the service's own ports) (docker's syntax: [ADDRESS:][HOST:]CONTAINER[/tcp|udp], "
        "ports or equal ranges)")
INVALID("a subnet in 0.0.0.0/8", "[project]\nsubnet = \"0.0.0.0/8\"\n[containers.web]\n",
        "dockerops.toml:2:10: subnet '0.0.0.0/8' overlaps 0.0.0.0/8, which no network of containers may use (take a private "
        "range, for example \"10.20.0.0/16\" or \"172.20.0.0/16\")")
INVALID("a subnet in loopback", "[project]\nsubnet = \"127.1.0.0/16\"\n[containers.web]\n",
        "dockerops.toml:2:10: subnet '127.1.0.0/16' overlaps 127.0.0.0/8, which no network of containers may use (take a "
        "private range, for example \"10.20.0.0/16\" or \"172.20.0.0/16\")")
INVALID("a NUL in an env value", INSTANCE_HEAD "env = { A = \"x\\u0000y\" }\n",
        "dockerops.toml:10:13: the value of 'A' in env of instance web.one holds a control character (0x00) at offset 1 (the "
        "engine cannot pass it to a process; remove it)")
INVALID("sleep of the wrong type", INSTANCE_HEAD "sleep = \"2\"\n",
        "dockerops.toml:10:9: 'sleep' in instance web.one must be a number of seconds, not a string")
INVALID("init of the wrong type", INSTANCE_HEAD "init = \"no\"\n",
        "dockerops.toml:10:8: 'init' in instance web.one must be a boolean, not a string")

INVALID("port that is not docker's syntax", INSTANCE_HEAD "ports = [\"80:80:80:80\"]\n",
        "dockerops.toml:10:10: port '80:80:80:80' in instance web.one: write [ADDRESS:][HOST:]CONTAINER[/PROTOCOL] "
        "(docker's syntax: [ADDRESS:][HOST:]CONTAINER[/tcp|udp], ports or equal ranges)")
INVALID("port with an unknown protocol", INSTANCE_HEAD "ports = [\"53:53/sctp\"]\n",
        "dockerops.toml:10:10: port '53:53/sctp' in instance web.one: protocol 'sctp' is not tcp or udp "
        "(docker's syntax: [ADDRESS:][HOST:]CONTAINER[/tcp|udp], ports or equal ranges)")
INVALID("port ranges of different lengths", INSTANCE_HEAD "ports = [\"9000-9002:80-81\"]\n",
        "dockerops.toml:10:10: port '9000-9002:80-81' in instance web.one: the host range and the container range differ "
        "in length (docker's syntax: [ADDRESS:][HOST:]CONTAINER[/tcp|udp], ports or equal ranges)")
INVALID("port out of range", "[containers.web]\nports = [\"70000:80\"]\n",
        "dockerops.toml:2:10: port '70000:80' in [containers.web]: host port '70000' is not a port (1-65535) or a range "
        "of them (docker's syntax: [ADDRESS:][HOST:]CONTAINER[/tcp|udp], ports or equal ranges)")
INVALID("a bind address that is not an address", INSTANCE_HEAD "ports = [\"localhost:80:80\"]\n",
        "dockerops.toml:10:10: port 'localhost:80:80' in instance web.one: bind address 'localhost' is not an IP address "
        "(docker's syntax: [ADDRESS:][HOST:]CONTAINER[/tcp|udp], ports or equal ranges)")
INVALID("ports of the wrong type", INSTANCE_HEAD "ports = \"80\"\n",
        "dockerops.toml:10:9: 'ports' in instance web.one must be an array of strings, not a string "
        "(e.g. ports = [\"8080:80\", \"127.0.0.1:5432:5432\", \"53:53/udp\"])")
INVALID("two instances binding one host port", INSTANCE_HEAD "ports = [\"8080:80\"]\n"
        "[[instances]]\ncontainer = \"web\"\nname = \"two\"\nports = [\"8080:81\"]\n",
        "dockerops.toml:13:8: web.two binds host port *:8080/tcp, which web.one binds too "
        "(give each instance its own host port (an instance's ports replace its container's))")
INVALID("a secret file that is also a variable", INSTANCE_HEAD "secret_env = [\"TOKEN\"]\nsecret_files = [\"TOKEN\"]\n",
        "dockerops.toml:11:16: 'TOKEN' is in secret_files and in env, required_env or secret_env of instance web.one "
        "(a secret is given to the instance one way: as a file or as a variable)")
INVALID("allow_empty of the wrong type", "[project]\nallow_empty = 1\n",
        "dockerops.toml:2:15: 'allow_empty' in [project] must be a boolean, not an integer")
INVALID("a file that declares nothing", "[project]\nname = \"shop\"\n",
        "dockerops.toml:1:1: the file declares no containers and no instances: applied, it would remove every container of "
        "project 'shop' (declare [containers.NAME] and [[instances]], or set allow_empty = true in [project] to mean it)")
TEST_CASE("config invalid: an empty file") {
    CHECK_THAT(first_error(""), Catch::StartsWith("dockerops.toml:1:1: the file declares no containers and no instances: "
                                                  "applied, it would remove every container of project '"));
}
INVALID("a host name over 63 characters", INSTANCE_HEAD
        "[[instances]]\ncontainer = \"web\"\nname = \"abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghij\"\n",
        "dockerops.toml:12:8: the host name of web.abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghij, "
        "'web-abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghij', is 64 characters; a host name label is at "
        "most 63 (shorten the container or instance name, or set 'hostname')")
INVALID("a project name the engine cannot take in an image name", "[project]\nname = \"shop-\"\n[containers.web]\n",
        "dockerops.toml:2:8: project name 'shop-' cannot start an image name (the engine wants letters and digits joined "
        "by '.', '_', '__' or '-', ending in a letter or digit)")
INVALID("a file over 16 MiB", "# " + std::string(16 * 1024 * 1024, 'x') + "\n",
        "dockerops.toml: the file is 16384 KiB: larger than the 16 MiB a configuration may be (a platform's declaration is "
        "far smaller; is this the right file?)")

TEST_CASE("config: ports on a container are its instances' default, an instance's own replace them") {
    TempProject p;
    auto r = p.parse("[containers.web]\nports = [\"127.0.0.1:8080:80\"]\n[containers.db]\n"
                     "[[instances]]\ncontainer = \"web\"\nname = \"one\"\n"
                     "[[instances]]\ncontainer = \"web\"\nname = \"two\"\nports = [\"9000-9001:9000-9001/udp\", \"80\"]\n"
                     "[[instances]]\ncontainer = \"db\"\nname = \"master\"\nallow_empty = false\n");
    REQUIRE_FALSE(r.ok());   // allow_empty belongs to [project]
    r = p.parse("[project]\nallow_empty = true\n[containers.web]\nports = [\"127.0.0.1:8080:80\"]\n"
                "[[instances]]\ncontainer = \"web\"\nname = \"one\"\n"
                "[[instances]]\ncontainer = \"web\"\nname = \"two\"\nports = [\"9000-9001:9000-9001/udp\", \"80\"]\n"
                "secret_files = [\"TOKEN\"]\n");
    REQUIRE(r.ok());
    CHECK(r.project->allow_empty);
    const Instance* one = r.project->find_instance("web.one");
    const Instance* two = r.project->find_instance("web.two");
    REQUIRE(one);
    REQUIRE(two);
    CHECK(one->ports == std::vector<PortSpec>{{80, "tcp", true, "127.0.0.1", 8080}});
    CHECK(two->ports == std::vector<PortSpec>{{9000, "udp", true, "", 9000}, {9001, "udp", true, "", 9001}, {80, "tcp", true, "", 0}});
    CHECK(two->secret_files == std::vector<std::string>{"TOKEN"});
}

TEST_CASE("config invalid: unknown key in the host file") {
    CHECK(first_error("[containers.web]\n", "[enviroment]\nA = \"1\"\n") ==
          "dockerops.host.toml:1:2: unknown key 'enviroment' in the host file (known keys: env, nodes)");
}

TEST_CASE("config invalid: host file value of the wrong type") {
    CHECK(first_error("[containers.web]\n", "[env]\nA = [1]\n") ==
          "dockerops.host.toml:2:5: 'A' in [env] of the host file must be a string, number or boolean, not an array");
}

TEST_CASE("config: the host file's [nodes] maps swarm nodes to their engines") {
    TempProject p;
    p.write("dockerops.toml", "[containers.web]\n[[instances]]\ncontainer = \"web\"\nname = \"one\"\n");
    p.write("dockerops.host.toml", "[nodes]\nswarm-node1 = \"unix:///run/n1.sock\"\nnode-2 = \"tcp://10.0.0.2:2375\"\n");
    auto r = load_project(p.path());
    REQUIRE(r.ok());
    CHECK(r.project->swarm_nodes ==
          std::map<std::string, std::string>{{"node-2", "tcp://10.0.0.2:2375"}, {"swarm-node1", "unix:///run/n1.sock"}});
}

TEST_CASE("config invalid: a node in the host file that is not a name or not an engine address") {
    CHECK(first_error("[containers.web]\n", "[nodes]\n\"a b\" = \"unix:///s\"\n") ==
          "dockerops.host.toml:2:1: 'a b' in [nodes] of the host file is not a host name (a swarm node's name, as docker node ls shows it)");
    CHECK(first_error("[containers.web]\n", "[nodes]\nn1 = \"http://10.0.0.1\"\n") ==
          "dockerops.host.toml:2:6: node 'n1' in [nodes] of the host file must be an engine address "
          "(\"unix:///PATH\" or \"tcp://HOST:PORT\", as DOCKER_HOST says it)");
    CHECK(first_error("[containers.web]\n", "[nodes]\nn1 = \"tcp://10.0.0.1:2375/x\"\n") ==
          "dockerops.host.toml:2:6: node 'n1' in [nodes] of the host file must be an engine address "
          "(\"unix:///PATH\" or \"tcp://HOST:PORT\", as DOCKER_HOST says it)");
    CHECK(first_error("[containers.web]\n", "nodes = 3\n") ==
          "dockerops.host.toml:1:9: 'nodes' in the host file must be a table, not an integer");
}

TEST_CASE("config invalid: TOML syntax error in the host file") {
    CHECK(first_error("[containers.web]\n", "[env\n") ==
          "dockerops.host.toml:1:5: TOML syntax error: Error while parsing table header: expected ']', saw '\\n'");
}

TEST_CASE("config invalid: folder name that is not a valid project name") {
    TempProject p({});
    p.write("My Platform/containers/web/Dockerfile", "FROM scratch\n");
    auto r = parse_project("[containers.web]\n", "dockerops.toml", p.path() / "My Platform");
    REQUIRE_FALSE(r.ok());
    CHECK(messages(r).at(0) == "dockerops.toml: the folder name 'my platform' is not a valid project name "
                               "(set name in [project]; names match [a-z0-9][a-z0-9_-]*)");
}

TEST_CASE("config: [project] subnet is an IPv4 network from /8 to /28, checked with its position") {
    TempProject dir({"app"});
    auto ok = dir.parse("[project]\nname = \"p\"\nsubnet = \"10.20.0.0/16\"\n[containers.app]\n");
    REQUIRE(messages(ok).empty());
    CHECK(ok.project->subnet == "10.20.0.0/16");
    for (const char* bad : {"10.20.0.1/16", "10.20.0.0/30", "10.20.0.0", "fd00::/64", "300.1.0.0/16"}) {
        auto r = dir.parse(std::string("[project]\nname = \"p\"\nsubnet = \"") + bad + "\"\n[containers.app]\n");
        REQUIRE(messages(r).size() == 1);
        CHECK(messages(r)[0] == std::string("dockerops.toml:3:10: subnet '") + bad +
                                    "' is not an IPv4 network from /8 to /28 (for example \"10.20.0.0/16\" (the address's host bits zero))");
    }
}

TEST_CASE("config: the built-in containers are known by name, without a path") {
    TempProject dir({"app"});
    SECTION("declared with no path: the installed copy") {
        auto r = dir.parse("[project]\nname = \"p\"\n[containers.dockerops-base]\n[containers.app]\n"
                           "[[instances]]\ncontainer = \"dockerops-base\"\nname = \"one\"\n");
        REQUIRE(messages(r).empty());
        const Container& c = r.project->containers.at("dockerops-base");
        CHECK(c.builtin);
        CHECK(c.path == std::filesystem::path(DOCKEROPS_SOURCE_DIR) / "share/containers/dockerops-base");
    }
    SECTION("named by an instance or a link and not declared, as a 2016 run.conf does") {
        auto r = dir.parse("[project]\nname = \"p\"\n[containers.app]\n"
                           "[[instances]]\ncontainer = \"dockerops-dns\"\nname = \"master\"\n"
                           "[[instances]]\ncontainer = \"app\"\nname = \"one\"\n"
                           "links = [\"dockerops-dns-master:DNS\", { name = \"BASE\", container = \"dockerops-base\" }]\n"
                           "[[instances]]\ncontainer = \"dockerops-base\"\nname = \"two\"\n");
        REQUIRE(messages(r).empty());
        CHECK(r.project->containers.at("dockerops-dns").builtin);
        CHECK(r.project->containers.at("dockerops-base").builtin);
        CHECK(r.project->find_instance("app.one")->links.at(1).target_id() == "dockerops-base.two");
    }
    SECTION("a path makes it the project's own build") {
        dir.write("mine/Dockerfile", "FROM scratch\n");
        auto r = dir.parse("[project]\nname = \"p\"\n[containers.dockerops-base]\npath = \"mine\"\n");
        REQUIRE(messages(r).empty());
        CHECK_FALSE(r.project->containers.at("dockerops-base").builtin);
        CHECK(r.project->containers.at("dockerops-base").path == std::filesystem::canonical(dir.path() / "mine"));
    }
    SECTION("any other undeclared container is still an error") {
        auto r = dir.parse("[project]\nname = \"p\"\n[[instances]]\ncontainer = \"dockerops-web\"\nname = \"one\"\n");
        CHECK_THAT(messages(r).at(0), Catch::Contains("container 'dockerops-web' is not declared"));
    }
}

// ---------------------------------------------------------------- image = "..."

TEST_CASE("config: a container taken as an image needs no folder, and its instances get its keys") {
    TempProject p;
    auto r = p.parse("[containers.cache]\nimage = \"redis:7\"\npull = \"never\"\nports = [\"6379\"]\nrestart = \"always\"\n"
                     "[containers.proxy]\nimage = \"localhost:5000/team/proxy\"\n"
                     "[[instances]]\ncontainer = \"cache\"\nname = \"one\"\n");
    REQUIRE(r.ok());
    const Container& c = r.project->containers.at("cache");
    CHECK(c.image == "redis:7");
    CHECK(c.pull == PullPolicy::Never);
    CHECK(r.project->containers.at("proxy").image == "localhost:5000/team/proxy:latest");
    CHECK(r.project->containers.at("proxy").pull == PullPolicy::Missing);
    const Instance& one = *r.project->find_instance("cache.one");
    CHECK(one.ports.size() == 1);
    CHECK(one.runtime.values().restart_policy == "always");
}

INVALID("image that is not a reference", "[containers.cache]\nimage = \"Redis:7\"\n",
        "dockerops.toml:2:9: image 'Redis:7' in [containers.cache] is not an image reference "
        "([registry/]name[:tag][@digest], lower-case names, e.g. \"redis:7\")")
INVALID("image with a path", "[containers.cache]\nimage = \"redis:7\"\npath = \"x\"\n",
        "dockerops.toml:3:8: path in [containers.cache] has no use with image "
        "(a container is either built from a folder or taken as an image)")
INVALID("pull of an unknown kind", "[containers.cache]\nimage = \"redis:7\"\npull = \"sometimes\"\n",
        "dockerops.toml:3:8: pull in [containers.cache] must be \"missing\", \"always\" or \"never\", not 'sometimes'")
INVALID("pull without an image", "[containers.web]\npull = \"never\"\n",
        "dockerops.toml:2:8: pull in [containers.web] needs an image "
        "(pull says when to fetch `image`; a built container has none)")

TEST_CASE("config: image references as the engine takes them") {
    CHECK(normalize_image_reference("redis") == "redis:latest");
    CHECK(normalize_image_reference("redis:7") == "redis:7");
    CHECK(normalize_image_reference("library/redis:7.2-alpine") == "library/redis:7.2-alpine");
    CHECK(normalize_image_reference("localhost/redis-like:1") == "localhost/redis-like:1");
    CHECK(normalize_image_reference("registry.example:5000/team/app") == "registry.example:5000/team/app:latest");
    CHECK(normalize_image_reference("redis@sha256:" + std::string(64, 'a')) == "redis@sha256:" + std::string(64, 'a'));
    CHECK_FALSE(normalize_image_reference(""));
    CHECK_FALSE(normalize_image_reference("Redis"));
    CHECK_FALSE(normalize_image_reference("redis:"));
    CHECK_FALSE(normalize_image_reference("redis:-x"));
    CHECK_FALSE(normalize_image_reference("re dis"));
    CHECK_FALSE(normalize_image_reference("redis@sha256:xyz"));
    CHECK_FALSE(normalize_image_reference("host:99999999/x"));
}
