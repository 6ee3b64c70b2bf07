// Compose files through the loader: the mapping of each key, positions in
// the YAML, variables, merge keys, extends, profiles, several -f and import.
#include "engine/config/compose.hpp"
#include "engine/config/config.hpp"
#include "engine/desired/desired.hpp"
#include "engine/model/spec_hash.hpp"
#include "tests/support.hpp"

#include "util/hash.hpp"

#include <catch2/catch.hpp>

#include <algorithm>

using namespace dockerops;
using dockerops::test::TempDir;
namespace fs = std::filesystem;

namespace {

LoadOptions options(const fs::path& file, std::map<std::string, std::string> env = {}) {
    LoadOptions o;
    o.files = {file};
    o.environment = [env](const std::string& k) -> std::optional<std::string> {
        auto it = env.find(k);
        return it == env.end() ? std::nullopt : std::optional<std::string>(it->second);
    };
    return o;
}

std::string errors(const LoadResult& r) {
    std::string out;
    for (const auto& d : r.diagnostics.sorted()) out += format(d) + "\n";
    return out;
}

const Instance& instance(const Project& p, const std::string& id) {
    const Instance* i = p.find_instance(id);
    REQUIRE(i);
    return *i;
}

const char* kEveryKey = R"(name: shop
x-defaults: &defaults
  restart: unless-stopped
  labels: {team: core}
services:
  db:
    <<: *defaults
    image: redis:${TAG:-7}
    command: ["redis-server", "--save", ""]
    entrypoint: /usr/local/bin/docker-entrypoint.sh
    environment:
      - A=1
      - FROM_HOST
    env_file: [common.env]
    expose: ["6379"]
    volumes:
      - data:/data
      - ./conf:/etc/redis:ro
      - type: tmpfs
        target: /scratch
        tmpfs: {size: 1m}
    healthcheck:
      test: ["CMD", "redis-cli", "ping"]
      interval: 5s
      timeout: 3s
      retries: 3
      start_period: 10s
    user: "999:999"
    working_dir: /data
    cap_add: [NET_ADMIN]
    cap_drop: [MKNOD]
    sysctls: {net.core.somaxconn: 1024}
    shm_size: 64m
    security_opt: ["no-new-privileges:true"]
    ulimits: {nofile: {soft: 1024, hard: 4096}, nproc: 512}
    read_only: true
    init: true
    stop_signal: SIGQUIT
    stop_grace_period: 30s
    extra_hosts: ["db.local:10.0.0.5"]
    dns: 10.0.0.2
    logging: {driver: json-file, options: {max-size: 10m}}
    ipc: shareable
    tty: true
    stdin_open: true
    mem_limit: 256m
    mem_reservation: 128m
    cpus: 0.5
    container_name: shop-redis
    hostname: cache
    secrets: [token]
    configs: [{source: redis_conf, target: /usr/local/etc/redis/redis.conf}]
    networks:
      back:
        aliases: [cache]
  web:
    build:
      context: ./web
      dockerfile: Dockerfile.prod
      target: runtime
      args: {VERSION: "1.2"}
    ports:
      - "${WEB_PORT:-8080}:80"
      - target: 443
        published: 8443
        host_ip: 127.0.0.1
        protocol: tcp
    depends_on:
      db: {condition: service_healthy}
      migrate: {condition: service_completed_successfully}
    links: ["db:REDIS"]
    deploy:
      resources: {limits: {memory: 512m, cpus: "1.5", pids: 100}}
      restart_policy: {condition: on-failure, max_attempts: 3}
    networks: [back]
  migrate:
    image: busybox
    command: "true"
    pull_policy: never
    networks: [back]
    deploy: {replicas: 2}
  debug:
    image: busybox
    profiles: [debug]
    networks: [back]
networks:
  back:
    ipam:
      config: [{subnet: 10.77.0.0/24}]
volumes:
  data:
    driver: local
    driver_opts: {type: tmpfs, device: tmpfs, o: size=64m}
secrets:
  token:
    file: ./token.txt
configs:
  redis_conf:
    file: conf/redis.conf
)";

void every_key_project(const TempDir& d) {
    d.write("compose.yaml", kEveryKey);
    d.write("common.env", "FROM_FILE=yes\n");
    d.write("token.txt", "t0k3n\n");
    d.write("conf/redis.conf", "");
    d.write("web/Dockerfile.prod", "FROM busybox AS runtime\n");
}

}  // namespace

TEST_CASE("compose: every mapped key lands where dockerops.toml would put it") {
    TempDir d;
    every_key_project(d);
    auto r = load_project(options(d.path(), {{"FROM_HOST", "h"}}));
    INFO(errors(r));
    REQUIRE(r.ok());
    const Project& p = *r.project;
    CHECK(p.name == "shop");
    CHECK(p.subnet == "10.77.0.0/24");
    CHECK(p.instance_ids() == std::vector<std::string>{"db.1", "migrate.1", "migrate.2", "web.1"});
    CHECK(p.dormant == std::set<std::string>{"debug"});
    const Container& db = *p.find_container("db");
    CHECK(db.image == "redis:7");
    const Instance& cache = instance(p, "db.1");
    CHECK(cache.container_name == "shop-redis");
    CHECK(cache.hostname == "cache");
    CHECK(cache.aliases == std::vector<std::string>{"db", "cache"});
    CHECK(cache.env.at("A") == "1");
    CHECK(cache.env.at("FROM_HOST") == "h");
    CHECK(cache.env.at("FROM_FILE") == "yes");
    CHECK(cache.init);
    CHECK_FALSE(cache.switches.persistent_log);
    REQUIRE(cache.volumes.size() == 4);
    CHECK(cache.volumes[0].source == "data");
    CHECK_FALSE(cache.volumes[0].bind);
    CHECK(cache.volumes[1].read_only);
    CHECK(cache.volumes[2].target == "/run/secrets/token");
    CHECK(cache.volumes[2].as == "secret");   // `secrets`: a Swarm secret on target swarm, a read-only bind on one engine
    CHECK(cache.volumes[2].read_only);
    CHECK(cache.volumes[2].digest == sha256_hex("t0k3n\n"));
    CHECK(cache.volumes[3].as == "config");
    CHECK(cache.volumes[3].target == "/usr/local/etc/redis/redis.conf");
    CHECK(cache.volumes[3].source == (d.path() / "conf/redis.conf").string());
    CHECK(p.volumes.at("data").options.at("o") == "size=64m");
    ContainerSpec s;
    cache.runtime.apply_to(s);
    CHECK(s.restart_policy == "unless-stopped");
    CHECK(s.labels.at("team") == "core");
    CHECK(*s.extras().entrypoint == std::vector<std::string>{"/usr/local/bin/docker-entrypoint.sh"});
    CHECK(s.extras().expose == std::vector<std::string>{"6379/tcp"});
    CHECK(s.extras().tmpfs.at("/scratch") == "size=1m");
    CHECK(s.extras().health->retries == 3);
    CHECK(s.extras().user == "999:999");
    CHECK(s.extras().sysctls.at("net.core.somaxconn") == "1024");
    CHECK(s.shm_size == 64LL << 20);
    CHECK(s.extras().ulimits.size() == 2);
    CHECK(s.read_only);
    CHECK(s.extras().stop_grace_period == 30);
    CHECK(s.extras().dns == std::vector<std::string>{"10.0.0.2"});
    CHECK(s.extras().log_options.at("max-size") == "10m");
    CHECK(s.extras().ipc_mode == "shareable");
    CHECK(s.tty);
    CHECK(s.open_stdin);
    CHECK(s.memory == 256LL << 20);
    CHECK(s.mem_reservation == 128LL << 20);
    CHECK(s.nano_cpus == 500'000'000);
    const Container& web = *p.find_container("web");
    CHECK(web.dockerfile == "Dockerfile.prod");
    CHECK(web.build_target == "runtime");
    CHECK(web.build_args.at("VERSION") == "1.2");
    const Instance& w = instance(p, "web.1");
    REQUIRE(w.ports.size() == 2);
    CHECK(w.ports[0].host_port == 8080);
    CHECK(w.ports[1].host_ip == "127.0.0.1");
    CHECK(w.ports[1].host_port == 8443);
    REQUIRE(w.links.size() == 1);
    CHECK(w.links[0].alias == "REDIS");
    std::set<std::string> deps;
    for (const auto& dep : w.depends_on) deps.insert(dep.target + " " + std::string(to_string(dep.condition)));
    CHECK(deps == std::set<std::string>{"db.1 healthy", "migrate.1 completed", "migrate.2 completed"});
    ContainerSpec ws;
    w.runtime.apply_to(ws);
    CHECK(ws.memory == 512LL << 20);
    CHECK(ws.nano_cpus == 1'500'000'000);
    CHECK(ws.pids_limit == 100);
    CHECK(ws.restart_policy == "on-failure:3");
    CHECK(p.find_container("migrate")->pull == PullPolicy::Never);
}

TEST_CASE("compose: a profile that is active brings its service, and -p names the project") {
    TempDir d;
    every_key_project(d);
    LoadOptions o = options(d.path());
    o.profiles = {"debug"};
    o.project_name = "other";
    auto r = load_project(o);
    INFO(errors(r));
    REQUIRE(r.ok());
    CHECK(r.project->name == "other");
    CHECK(r.project->find_instance("debug.1"));
    CHECK(r.project->dormant.empty());
    auto env = load_project(options(d.path(), {{"COMPOSE_PROFILES", "x,debug"}, {"COMPOSE_PROJECT_NAME", "from-env"}}));
    REQUIRE(env.ok());
    CHECK(env.project->name == "from-env");
    CHECK(env.project->find_instance("debug.1"));
}

TEST_CASE("compose: the project name from the file, else the folder's, made valid as compose makes it") {
    TempDir d;
    d.write("My_App.x/docker-compose.yml", "services:\n  a:\n    image: busybox\n");
    auto r = load_project(options(d.path() / "My_App.x"));
    INFO(errors(r));
    REQUIRE(r.ok());
    CHECK(r.project->name == "my_appx");
    CHECK(compose_project_name("-Web Shop") == "webshop");
    // Named from inside the folder, as dockerops with no -f does: the folder's name still.
    const fs::path before = fs::current_path();
    fs::current_path(d.path() / "My_App.x");
    auto here = load_project(options("."));
    auto dotted = load_project(options("./docker-compose.yml"));
    fs::current_path(before);
    INFO(errors(here) + errors(dotted));
    REQUIRE(here.ok());
    REQUIRE(dotted.ok());
    CHECK(here.project->name == "my_appx");
    CHECK(dotted.project->name == "my_appx");
}

TEST_CASE("compose: problems are named at the compose file's line and column") {
    TempDir d;
    d.write("compose.yaml",
            "services:\n"
            "  web:\n"
            "    image: busybox\n"
            "    imagee: x\n"
            "    runtime: nvidia\n"
            "    ports: [\"99999:80\"]\n"
            "    depends_on: [dbb]\n"
            "  db:\n"
            "    image: busybox\n"
            "    environment:\n"
            "      P: ${PASSWORD:?give the password}\n");
    auto r = load_project(options(d.path()));
    const std::string text = errors(r);
    INFO(text);
    CHECK_FALSE(r.ok());
    const std::string f = (d.path() / "compose.yaml").string();
    CHECK(text.find(f + ":4:5: unknown key 'imagee' in services.web (did you mean 'image'?)") != std::string::npos);
    CHECK(text.find(f + ":5:5: services.web.runtime: ") != std::string::npos);
    CHECK(text.find(f + ":7:18: services.web.depends_on: no service 'dbb'") != std::string::npos);
    CHECK(text.find(f + ":11:10: variable PASSWORD is required and not empty: give the password") != std::string::npos);
    // Once the compose keys are right, the loader's own checks name the YAML line too.
    d.write("compose.yaml", "services:\n  web:\n    image: busybox\n    ports: [\"99999:80\"]\n");
    auto bad_port = load_project(options(d.path()));
    const std::string port_text = errors(bad_port);
    INFO(port_text);
    CHECK(port_text.find(f + ":4:12: services.web.ports: ") != std::string::npos);
    d.write("compose.yaml", "services:\n  web:\n    image: busybox\n   bad: [\n");
    CHECK(errors(load_project(options(d.path()))).find(f + ":4:") != std::string::npos);
}

TEST_CASE("compose: several networks: each one besides default is a [networks.NAME] that its services join") {
    TempDir d;
    d.write("compose.yaml",
            "services:\n"
            "  web:\n    image: busybox\n    networks: [front, back]\n"
            "  db:\n    image: busybox\n    networks:\n      back:\n        aliases: [database]\n"
            "  tool:\n    image: busybox\n"
            "networks:\n  front: {}\n  back:\n    internal: true\n    ipam:\n      config: [{subnet: 10.91.0.0/24}]\n");
    auto r = load_project(options(d.path()));
    INFO(errors(r));
    REQUIRE(r.ok());
    const Project& p = *r.project;
    CHECK(p.networks.size() == 2);
    CHECK(p.networks.at("back").internal);
    CHECK(p.networks.at("back").subnet == "10.91.0.0/24");
    CHECK(instance(p, "web.1").networks == std::vector<std::string>{"front", "back"});
    CHECK(instance(p, "tool.1").networks == std::vector<std::string>{"default"});
    Environment env;
    env.getenv = [](const std::string&) { return std::nullopt; };
    auto desired = compile(p, env);
    REQUIRE(desired);
    const std::string name = p.name;
    CHECK(desired->find("web.1")->spec->network == name + "-front");
    CHECK(desired->find("web.1")->spec->extras().extra_networks == std::vector<std::string>{name + "-back"});
    // The service's name on each of its networks; an alias given on one network on that one only.
    CHECK(desired->find("db.1")->spec->aliases == std::vector<std::string>{"db-1", "db"});
    CHECK(desired->find("db.1")->spec->extras().network_aliases.at(name + "-back") == std::vector<std::string>{"database"});
    CHECK(desired->find("tool.1")->spec->network == name);
    CHECK(desired->extra_networks.size() == 2);
    // A network nobody declared is named at the service.
    d.write("compose.yaml", "services:\n  a:\n    image: busybox\n    networks: [front, back]\nnetworks:\n  front: {}\n");
    auto missing = load_project(options(d.path()));
    CHECK(errors(missing).find(":4:") != std::string::npos);
    CHECK(errors(missing).find("network 'back' is not declared under the top-level networks") != std::string::npos);
}

TEST_CASE("compose: a link needs both ends on the project network, in dockerops.toml as in compose") {
    TempDir d;
    d.write("dockerops.toml", "[networks.back]\n[containers.a]\nimage = \"busybox\"\n"
                              "[[instances]]\ncontainer = \"a\"\nname = \"one\"\nnetworks = [\"back\"]\n"
                              "[[instances]]\ncontainer = \"a\"\nname = \"two\"\nlinks = [\"a-one:ONE\"]\n"
                              "[[instances]]\ncontainer = \"a\"\nname = \"three\"\nnetworks = [\"nowhere\"]\n");
    auto r = load_project(options(d.path()));
    const std::string text = errors(r);
    INFO(text);
    CHECK(text.find("dockerops.toml:11:10: a.two links to a.one, and a link needs both on the project network") != std::string::npos);
    CHECK(text.find("dockerops.toml:15:12: network 'nowhere' is not declared") != std::string::npos);
}

TEST_CASE("compose: extends, in the same file and from another, and merge keys") {
    TempDir d;
    d.write("base.yaml", "services:\n  common:\n    image: busybox\n    environment: {LEVEL: info, KEEP: base}\n");
    d.write("compose.yaml",
            "x-env: &env {TZ: UTC}\n"
            "services:\n"
            "  worker:\n"
            "    extends: {file: base.yaml, service: common}\n"
            "    environment: {LEVEL: debug}\n"
            "  worker2:\n"
            "    extends: worker\n"
            "    environment:\n"
            "      <<: *env\n"
            "      EXTRA: '1'\n");
    auto r = load_project(options(d.path()));
    INFO(errors(r));
    REQUIRE(r.ok());
    const Instance& w = instance(*r.project, "worker.1");
    CHECK(w.env == std::map<std::string, std::string>{{"KEEP", "base"}, {"LEVEL", "debug"}});
    const Instance& w2 = instance(*r.project, "worker2.1");
    CHECK(w2.env == std::map<std::string, std::string>{{"EXTRA", "1"}, {"KEEP", "base"}, {"LEVEL", "debug"}, {"TZ", "UTC"}});
    d.write("compose.yaml", "services:\n  a:\n    extends: b\n    image: busybox\n  b:\n    extends: a\n");
    CHECK(errors(load_project(options(d.path()))).find("a cycle of extends") != std::string::npos);
}

TEST_CASE("compose: several -f merged in order, and .env and --env-file give the variables") {
    TempDir d;
    d.write("compose.yaml", "services:\n  a:\n    image: busybox:${TAG}\n    ports: [\"8080:80\"]\n    environment: {X: '1'}\n");
    d.write("compose.override.yaml", "services:\n  a:\n    ports: [\"8443:443\"]\n    environment: [Y=2]\n");
    d.write(".env", "TAG=1.36\n");
    d.write("prod.env", "TAG=1.37\n");
    LoadOptions o = options(d.path() / "compose.yaml");
    o.files.push_back(d.path() / "compose.override.yaml");
    auto r = load_project(o);
    INFO(errors(r));
    REQUIRE(r.ok());
    CHECK(r.project->find_container("a")->image == "busybox:1.36");
    const Instance& a = instance(*r.project, "a.1");
    CHECK(a.ports.size() == 2);
    CHECK(a.env == std::map<std::string, std::string>{{"X", "1"}, {"Y", "2"}});
    o.env_file = d.path() / "prod.env";
    CHECK(load_project(o).project->find_container("a")->image == "busybox:1.37");
    // The environment wins over .env.
    LoadOptions e = options(d.path() / "compose.yaml", {{"TAG", "1.35"}});
    CHECK(load_project(e).project->find_container("a")->image == "busybox:1.35");
}

TEST_CASE("compose: dockerops.toml reads braced variables from .env, and $${ stays") {
    TempDir d;
    d.write("dockerops.toml", "[containers.a]\nimage = \"busybox:${TAG:-1}\"\ncommand = \"sh -c 'echo $HOME $${X}'\"\n"
                              "[[instances]]\ncontainer = \"a\"\nname = \"one\"\n");
    d.write(".env", "TAG=1.36\n");
    auto r = load_project(options(d.path()));
    INFO(errors(r));
    REQUIRE(r.ok());
    CHECK(r.project->find_container("a")->image == "busybox:1.36");
    CHECK(*instance(*r.project, "a.one").command == std::vector<std::string>{"sh", "-c", "echo $HOME ${X}"});
}

TEST_CASE("compose: a .env beside dockerops.toml that does not read is a warning, beside a compose file an error") {
    TempDir d;
    d.write("dockerops.toml", "[containers.a]\nimage = \"busybox:${TAG:-1}\"\n[[instances]]\ncontainer = \"a\"\nname = \"one\"\n");
    d.write(".env", "TAG=1.36\nsome other tool's line\n");
    auto r = load_project(options(d.path()));
    INFO(errors(r));
    REQUIRE(r.ok());
    CHECK(r.project->find_container("a")->image == "busybox:1.36");
    REQUIRE(r.project->warnings.size() == 1);
    CHECK(r.project->warnings[0].find(".env:2:1: warning: line is not KEY=VALUE (the line is left out)") != std::string::npos);
    fs::remove(d.path() / "dockerops.toml");
    d.write("compose.yaml", "services:\n  a:\n    image: busybox\n");
    auto c = load_project(options(d.path()));
    CHECK_FALSE(c.ok());
    CHECK(errors(c).find(".env:2:1: line is not KEY=VALUE") != std::string::npos);
}

TEST_CASE("compose: import writes dockerops.toml that plans the same instances as the compose file") {
    TempDir d;
    every_key_project(d);
    ComposeRequest req;
    req.files = {d.path() / "compose.yaml"};
    req.keep_variables = true;
    ImportResult imp = import_compose(req);
    INFO(imp.toml);
    REQUIRE(imp.ok());
    CHECK(imp.toml.find("image = \"redis:${TAG:-7}\"") != std::string::npos);   // kept as written
    d.write("dockerops.toml", imp.toml);
    auto from_toml = load_project(options(d.path() / "dockerops.toml", {{"FROM_HOST", "h"}}));
    auto from_compose = load_project(options(d.path() / "compose.yaml", {{"FROM_HOST", "h"}}));
    INFO(errors(from_toml));
    REQUIRE(from_toml.ok());
    REQUIRE(from_compose.ok());
    Environment env;
    env.getenv = [](const std::string&) { return std::nullopt; };
    env.secret_key = []() -> Result<std::string> { return std::string("k"); };
    auto a = compile(*from_toml.project, env);
    auto b = compile(*from_compose.project, env);
    REQUIRE(a);
    REQUIRE(b);
    REQUIRE(a->instances.size() == b->instances.size());
    for (std::size_t i = 0; i < a->instances.size(); ++i) {
        INFO(a->instances[i].id);
        CHECK(canonical_spec(*a->instances[i].spec, {}, "") == canonical_spec(*b->instances[i].spec, {}, ""));
    }
}

TEST_CASE("compose: an external volume is used by its name, and the old external: {name} form is refused at its line") {
    TempDir d;
    d.write("compose.yaml",
            "services:\n"
            "  web:\n"
            "    image: busybox\n"
            "    volumes: [\"media:/media\", \"logs:/logs\"]\n"
            "volumes:\n"
            "  media:\n"
            "    external: true\n"
            "    name: shared-media\n"
            "  logs:\n"
            "    external: true\n");
    auto r = load_project(options(d.path()));
    INFO(errors(r));
    REQUIRE(r.ok());
    CHECK(r.project->volumes.at("media").external);
    CHECK(r.project->volumes.at("media").name == "shared-media");
    CHECK(r.project->volumes.at("logs").name == "logs");
    d.write("compose.yaml",
            "services:\n  web:\n    image: busybox\n    volumes: [\"media:/media\"]\n"
            "volumes:\n  media:\n    external:\n      name: shared-media\n  own:\n    name: mine\n");
    const std::string text = errors(load_project(options(d.path())));
    const std::string f = (d.path() / "compose.yaml").string();
    CHECK(text.find(f + ":7:5: volumes.media.external: the old form external: { name: ... }: write external: true and name: ...") !=
          std::string::npos);
    CHECK(text.find(f + ":10:5: volumes.own.name: not mapped: a project's own volume is named <project>_own") != std::string::npos);
}

TEST_CASE("compose: an external network is joined by its name, never the project network, even alone") {
    TempDir d;
    d.write("compose.yaml",
            "services:\n"
            "  web:\n"
            "    image: busybox\n"
            "    networks: [outside]\n"
            "networks:\n"
            "  outside:\n"
            "    external: true\n"
            "    name: platform-front\n");
    auto r = load_project(options(d.path()));
    INFO(errors(r));
    REQUIRE(r.ok());
    CHECK(r.project->networks.at("outside").external);
    CHECK(r.project->networks.at("outside").name == "platform-front");
    CHECK(instance(*r.project, "web.1").networks == std::vector<std::string>{"outside"});
    d.write("compose.yaml",
            "services:\n  web:\n    image: busybox\n"
            "networks:\n  default:\n    external: true\n");
    const std::string f = (d.path() / "compose.yaml").string();
    CHECK(errors(load_project(options(d.path()))).find(f + ":6:5: networks.default.external: not mapped yet: the project network") !=
          std::string::npos);
}

TEST_CASE("compose: volumes_from SERVICE[:ro] is that service's first container, container:NAME an engine's, platform as it is") {
    TempDir d;
    d.write("compose.yaml",
            "name: shop\nservices:\n  data:\n    image: busybox\n    volumes: [\"cache:/cache\"]\n"
            "  app:\n    image: busybox\n    platform: linux/amd64\n    volumes_from:\n      - data:ro\n      - container:backup:rw\n"
            "volumes:\n  cache: {}\n");
    auto r = load_project(options(d.path()));
    INFO(errors(r));
    REQUIRE(r.ok());
    Environment env;
    env.getenv = [](const std::string&) { return std::nullopt; };
    auto desired = compile(*r.project, env);
    REQUIRE(desired);
    const DesiredInstance* app = desired->find("app.1");
    REQUIRE(app);
    CHECK(app->spec->extras().volumes_from == std::vector<std::string>{"shop-data-1:ro", "backup"});
    CHECK(app->volumes_of == std::vector<std::string>{"data.1"});
    CHECK(app->spec->extras().platform == "linux/amd64");
    d.write("compose.yaml", "services:\n  a:\n    image: busybox\n    volumes_from: [nothing]\n");
    auto r2 = load_project(options(d.path()));
    REQUIRE(r2.ok());
    auto missing = compile(*r2.project, env);
    REQUIRE_FALSE(missing);
    CHECK(missing.error().text().find("volumes_from instance:nothing.1: no such instance") != std::string::npos);
}

TEST_CASE("compose: deploy.mode global is mode, refused with replicas, another mode refused at its line") {
    TempDir d;
    d.write("compose.yaml", "name: shop\nx-dockerops:\n  target: swarm\nservices:\n  web:\n    image: busybox\n    deploy:\n      mode: global\n");
    auto r = load_project(options(d.path()));
    INFO(errors(r));
    REQUIRE(r.ok());
    REQUIRE(r.project->instances.size() == 1);
    CHECK(r.project->instances[0].runtime.values().extras().mode == "global");
    d.write("compose.yaml", "services:\n  web:\n    image: busybox\n    deploy:\n      mode: global\n      replicas: 2\n");
    CHECK(errors(load_project(options(d.path()))).find(":6:17: services.web.deploy.replicas goes with mode replicated, not global") !=
          std::string::npos);
    d.write("compose.yaml", "services:\n  web:\n    image: busybox\n    deploy:\n      mode: replicated-job\n");
    CHECK(errors(load_project(options(d.path()))).find(":5:13: services.web.deploy.mode: 'replicated-job' is not mapped (replicated and global are)") !=
          std::string::npos);
}

TEST_CASE("compose: deploy.update_config is update, rollback_config rollback, another key of them refused at its line") {
    TempDir d;
    d.write("compose.yaml",
            "name: shop\nservices:\n  web:\n    image: busybox\n    deploy:\n      update_config:\n        parallelism: 2\n"
            "        delay: 10s\n        order: start-first\n        failure_action: pause\n        monitor: 30s\n");
    auto r = load_project(options(d.path()));
    INFO(errors(r));
    REQUIRE(r.ok());
    Environment env;
    env.getenv = [](const std::string&) { return std::nullopt; };
    auto desired = compile(*r.project, env);
    REQUIRE(desired);
    CHECK(desired->find("web.1")->spec->extras().update == std::map<std::string, std::string>{
                                                     {"parallelism", "2"}, {"delay", "10s"}, {"order", "start-first"},
                                                     {"failure_action", "pause"}, {"monitor", "30s"}});
    d.write("compose.yaml", "name: shop\nservices:\n  web:\n    image: busybox\n    deploy:\n      rollback_config:\n"
                            "        parallelism: 0\n        failure_action: continue\n");
    r = load_project(options(d.path()));
    INFO(errors(r));
    REQUIRE(r.ok());
    desired = compile(*r.project, env);
    REQUIRE(desired);
    CHECK(desired->find("web.1")->spec->extras().rollback ==
          std::map<std::string, std::string>{{"parallelism", "0"}, {"failure_action", "continue"}});
    // A rollback cannot roll back in turn: refused at its line.
    d.write("compose.yaml", "services:\n  web:\n    image: busybox\n    deploy:\n      rollback_config:\n        failure_action: rollback\n");
    CHECK(errors(load_project(options(d.path()))).find(":6:9: services.web.rollback: failure_action in rollback of [containers.web] must be one of \"pause\", \"continue\"") != std::string::npos);
    d.write("compose.yaml", "services:\n  web:\n    image: busybox\n    deploy:\n      update_config:\n        max_failure_ratio: 0.5\n");
    CHECK(errors(load_project(options(d.path()))).find(":6:9: services.web.deploy.update_config.max_failure_ratio: not mapped") !=
          std::string::npos);
}

TEST_CASE("compose: x-dockerops names the target and registry, --registry and DOCKEROPS_REGISTRY win over it") {
    TempDir d;
    d.write("compose.yaml", "name: shop\nx-dockerops:\n  target: swarm\n  registry: 10.77.0.11:5000\nservices:\n  web:\n    build: .\n");
    d.write("Dockerfile", "FROM busybox\n");
    auto r = load_project(options(d.path()));
    INFO(errors(r));
    REQUIRE(r.ok());
    CHECK(r.project->target == Target::Swarm);
    CHECK(r.project->registry == "10.77.0.11:5000");
    auto from_env = load_project(options(d.path(), {{"DOCKEROPS_REGISTRY", "reg.local:5001"}}));
    REQUIRE(from_env.ok());
    CHECK(from_env.project->registry == "reg.local:5001");
    LoadOptions flag = options(d.path(), {{"DOCKEROPS_REGISTRY", "reg.local:5001"}});
    flag.registry = "flag.local:5002";
    auto flagged = load_project(flag);
    REQUIRE(flagged.ok());
    CHECK(flagged.project->registry == "flag.local:5002");
    // On a swarm a service's replicas are one instance's tasks; --target docker makes them containers.
    d.write("compose.yaml", "name: shop\nx-dockerops:\n  target: swarm\nservices:\n  web:\n    image: busybox\n    deploy:\n      replicas: 3\n");
    auto swarm = load_project(options(d.path()));
    REQUIRE(swarm.ok());
    REQUIRE(swarm.project->instances.size() == 1);
    CHECK(swarm.project->instances[0].id() == "web.1");
    CHECK(swarm.project->instances[0].runtime.has("replicas"));
    LoadOptions docker = options(d.path());
    docker.target = Target::Docker;
    auto one_engine = load_project(docker);
    REQUIRE(one_engine.ok());
    CHECK(one_engine.project->instances.size() == 3);
    // One placement constraint is node; another kind is refused at its line.
    d.write("compose.yaml", "services:\n  web:\n    image: busybox\n    deploy:\n      placement:\n        constraints: [node.labels.disk == ssd]\n"
                            "  db:\n    image: busybox\n    deploy:\n      placement:\n        constraints: [\"node.hostname==swarm-node2\"]\n");
    auto placed = load_project(options(d.path()));
    INFO(errors(placed));
    REQUIRE(placed.ok());
    for (const auto& inst : placed.project->instances)
        CHECK(inst.runtime.has("node"));
    d.write("compose.yaml", "services:\n  web:\n    image: busybox\n    deploy:\n      placement:\n        constraints: [node.role == manager]\n");
    CHECK(errors(load_project(options(d.path()))).find(":6:23: services.web.deploy.placement.constraints: 'node.role == manager' is not mapped") !=
          std::string::npos);
    d.write("compose.yaml", "services:\n  web:\n    image: busybox\n");
    flag.registry = "http://x/y";
    CHECK(errors(load_project(flag)).find("registry 'http://x/y' (--registry or DOCKEROPS_REGISTRY) is not a registry's host[:port]") !=
          std::string::npos);
}

TEST_CASE("compose: network_mode service:NAME shares that service's first container's network, and not with networks") {
    TempDir d;
    d.write("compose.yaml",
            "name: shop\nservices:\n  web:\n    image: busybox\n"
            "  side:\n    image: busybox\n    network_mode: service:web\n"
            "  tool:\n    image: busybox\n    network_mode: host\n");
    auto r = load_project(options(d.path()));
    INFO(errors(r));
    REQUIRE(r.ok());
    Environment env;
    env.getenv = [](const std::string&) { return std::nullopt; };
    auto desired = compile(*r.project, env);
    REQUIRE(desired);
    CHECK(desired->find("side.1")->spec->extras().network_mode == "container:shop-web-1");
    CHECK(desired->find("side.1")->network_of == "web.1");
    CHECK(desired->find("tool.1")->spec->extras().network_mode == "host");
    CHECK(desired->find("tool.1")->spec->network.empty());
    d.write("compose.yaml", "services:\n  a:\n    image: busybox\n    network_mode: host\n    networks: [default]\n");
    auto both = load_project(options(d.path()));
    CHECK(errors(both).find(":4:19: services.a: network_mode and networks cannot both be given") != std::string::npos);
}
