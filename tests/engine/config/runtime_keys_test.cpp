// The keys of how an instance runs (engine/model/runtime): each read on a
// container as the default and on an instance, and each refused with its
// position when wrong.
#include "engine/config/config.hpp"
#include "engine/desired/desired.hpp"
#include "engine/model/runtime.hpp"
#include "engine/model/spec_hash.hpp"
#include "tests/support.hpp"

#include <catch2/catch.hpp>

using namespace dockerops;
using dockerops::test::messages;
using dockerops::test::TempProject;

namespace {

std::string first_key_error(const std::string& toml) {
    TempProject p;
    LoadResult r = p.parse(toml);
    REQUIRE_FALSE(r.ok());
    auto errs = messages(r);
    REQUIRE_FALSE(errs.empty());
    return errs.front();
}

}  // namespace

TEST_CASE("runtime keys: every key is read, on a container as the default and on an instance") {
    TempProject p;
    p.write("app.env", "# comment\nexport LOG_LEVEL=info\nGREETING=\"hello world\"\nKEPT=from-file\n\n");
    p.write("more.env", "LOG_LEVEL=warn\n");
    auto r = p.parse(R"([containers.web]
restart = "on-failure:3"
memory = "256m"
cpus = 0.5
pids_limit = 100
ulimits = { nofile = { soft = 1024, hard = 4096 }, nproc = 512 }
extra_hosts = ["db.local:10.0.0.5"]
dns = ["10.0.0.2"]
labels = { "com.example.team" = "web" }
env_file = ["app.env", "more.env"]
user = "1000:1000"
working_dir = "/srv"
entrypoint = ["/bin/sh", "-c"]
stop_signal = "SIGQUIT"
stop_grace_period = "1m30s"
cap_add = ["NET_ADMIN"]
cap_drop = ["CAP_MKNOD"]
tmpfs = ["/run", "/tmp:size=64m"]
read_only = true
healthcheck = { test = ["CMD", "true"], interval = "5s", timeout = "3s", retries = 3, start_period = "10s" }

[[instances]]
container = "web"
name = "one"
env = { KEPT = "from-env" }

[[instances]]
container = "web"
name = "two"
restart = "always"
memory = 1073741824
healthcheck = { test = "curl -f http://localhost/", interval = 2 }
env_file = "more.env"
)");
    REQUIRE(r.ok());
    const Instance& one = *r.project->find_instance("web.one");
    const RuntimeOptions& o = one.runtime;
    CHECK(o.values().restart_policy == "on-failure:3");
    CHECK(o.values().memory == 256LL * 1024 * 1024);
    CHECK(o.values().nano_cpus == 500'000'000);
    CHECK(o.values().pids_limit == 100);
    REQUIRE(o.has("ulimits"));
    CHECK(o.values().extras().ulimits == std::vector<Ulimit>{{"nofile", 1024, 4096}, {"nproc", 512, 512}});
    CHECK(o.values().extras().extra_hosts == std::vector<std::string>{"db.local:10.0.0.5"});
    CHECK(o.values().extras().dns == std::vector<std::string>{"10.0.0.2"});
    CHECK(o.values().labels.at("com.example.team") == "web");
    CHECK(o.values().extras().user == "1000:1000");
    CHECK(o.values().extras().working_dir == "/srv");
    CHECK(*o.values().extras().entrypoint == std::vector<std::string>{"/bin/sh", "-c"});
    CHECK(o.values().extras().stop_signal == "SIGQUIT");
    CHECK(o.values().extras().stop_grace_period == 90);
    CHECK(o.values().extras().cap_add == std::vector<std::string>{"NET_ADMIN"});
    CHECK(o.values().extras().cap_drop == std::vector<std::string>{"MKNOD"});
    CHECK(o.values().extras().tmpfs == std::map<std::string, std::string>{{"/run", ""}, {"/tmp", "size=64m"}});
    CHECK(o.values().read_only == true);
    REQUIRE(o.values().extras().health);
    CHECK(o.values().extras().health->test == std::vector<std::string>{"CMD", "true"});
    CHECK(o.values().extras().health->interval_ns == 5'000'000'000LL);
    CHECK(o.values().extras().health->timeout_ns == 3'000'000'000LL);
    CHECK(o.values().extras().health->start_period_ns == 10'000'000'000LL);
    CHECK(o.values().extras().health->retries == 3);
    // env files: in order (a later file wins), below the instance's own env.
    CHECK(one.env.at("LOG_LEVEL") == "warn");
    CHECK(one.env.at("GREETING") == "hello world");
    CHECK(one.env.at("KEPT") == "from-env");

    // The instance's own keys win; the rest come from the container.
    const Instance& two = *r.project->find_instance("web.two");
    CHECK(two.runtime.values().restart_policy == "always");
    CHECK(two.runtime.values().memory == 1073741824);
    CHECK(two.runtime.values().extras().health->test == std::vector<std::string>{"CMD-SHELL", "curl -f http://localhost/"});
    CHECK(two.runtime.values().extras().health->interval_ns == 2'000'000'000LL);
    CHECK(two.runtime.values().pids_limit == 100);
    CHECK(two.env.at("LOG_LEVEL") == "warn");
    CHECK_FALSE(two.env.count("GREETING"));
}

TEST_CASE("runtime keys: compile puts them on the create spec, and an instance without them is as before") {
    TempProject p;
    auto r = p.parse(R"([containers.web]
[[instances]]
container = "web"
name = "plain"
[[instances]]
container = "web"
name = "tuned"
restart = "unless-stopped"
memory = "64m"
cpus = "1.5"
user = "nobody"
read_only = true
labels = { tier = "front" }
healthcheck = { test = ["CMD", "true"], interval = "1s", retries = 2 }
)");
    REQUIRE(r.ok());
    Environment env;
    env.getenv = [](const std::string&) { return std::optional<std::string>(); };
    env.interface_address = env.getenv;
    auto d = compile(*r.project, env);
    REQUIRE(d);
    const ContainerSpec& plain = *d->find("web.plain")->spec;
    CHECK(plain.restart_policy.empty());
    CHECK(plain.memory == 0);
    CHECK_FALSE(plain.extras().health);
    CHECK(plain.labels.size() == 3);   // project, container, instance
    const DesiredInstance& tuned = *d->find("web.tuned");
    CHECK(tuned.spec->restart_policy == "unless-stopped");
    CHECK(tuned.spec->memory == 64LL * 1024 * 1024);
    CHECK(tuned.spec->nano_cpus == 1'500'000'000);
    CHECK(tuned.spec->extras().user == "nobody");
    CHECK(tuned.spec->read_only);
    CHECK(tuned.spec->labels.at("tier") == "front");
    CHECK(tuned.spec->labels.at("io.dockerops.instance") == "tuned");
    CHECK(tuned.healthcheck);
    REQUIRE(tuned.spec->extras().health);
    CHECK(tuned.spec->extras().health->retries == 2);
}

TEST_CASE("runtime keys: the spec hash changes only when a key changes what runs, and names the key") {
    ContainerSpec a;
    a.image = "x";
    auto before = canonical_spec(a, {}, "");
    ContainerSpec b = a;
    CHECK(canonical_spec(b, {}, "") == before);   // nothing set: the same keys as before they existed
    b.memory = 64LL * 1024 * 1024;
    b.nano_cpus = 1'500'000'000;
    b.extras_mut().cap_add = {"NET_ADMIN"};
    auto after = canonical_spec(b, {}, "");
    CHECK(after.at("memory") == "67108864");
    CHECK(after.at("cpus") == "1.5");
    auto changes = describe_changes(before, after);
    CHECK(std::find(changes.begin(), changes.end(), "memory added: 64 MiB") != changes.end());
    CHECK(std::find(changes.begin(), changes.end(), "cap_add added: [\"NET_ADMIN\"]") != changes.end());
    auto back = describe_changes(after, before);
    CHECK(std::find(back.begin(), back.end(), "cpus removed (was \"1.5\")") != back.end());
    ContainerSpec c = b;
    c.memory = 128LL * 1024 * 1024;
    c.command = std::vector<std::string>{"sleep", "1"};
    auto moved = describe_changes(after, canonical_spec(c, {}, ""));
    CHECK(moved == std::vector<std::string>{"command added: [\"sleep\",\"1\"]", "memory 64 MiB → 128 MiB"});
}

// ---------------------------------------------------------------- invalid input

#define RUNTIME_INVALID(NAME, KEYS, EXPECTED) \
    TEST_CASE("runtime keys invalid: " NAME) { \
        CHECK(first_key_error("[containers.web]\n[[instances]]\ncontainer = \"web\"\nname = \"one\"\n" KEYS) == EXPECTED); }
// The keys start at line 5.

RUNTIME_INVALID("restart", "restart = \"sometimes\"\n",
                "dockerops.toml:5:11: restart policy 'sometimes' in instance web.one is not one (one of \"no\", \"on-failure\", "
                "\"on-failure:N\", \"always\", \"unless-stopped\")")
RUNTIME_INVALID("memory", "memory = \"lots\"\n",
                "dockerops.toml:5:10: memory in instance web.one must be a size such as \"512m\" or \"1g\" "
                "(units: b, k, m, g (a bare integer is bytes))")
RUNTIME_INVALID("memory below the engine's minimum", "memory = \"1m\"\n",
                "dockerops.toml:5:10: memory in instance web.one is below the engine's minimum of 6m")
RUNTIME_INVALID("cpus", "cpus = 0\n",
                "dockerops.toml:5:8: cpus in instance web.one must be a number above 0, such as 0.5 or 2")
RUNTIME_INVALID("pids_limit", "pids_limit = \"many\"\n",
                "dockerops.toml:5:14: pids_limit in instance web.one must be a positive integer")
RUNTIME_INVALID("ulimit name", "ulimits = { nofiles = 10 }\n",
                "dockerops.toml:5:13: unknown ulimit 'nofiles' in instance web.one (did you mean 'nofile'?)")
RUNTIME_INVALID("ulimit soft above hard", "ulimits = { nofile = { soft = 10, hard = 5 } }\n",
                "dockerops.toml:5:22: ulimit nofile in instance web.one must have 0 <= soft <= hard")
RUNTIME_INVALID("extra_hosts", "extra_hosts = [\"db.local\"]\n",
                "dockerops.toml:5:16: extra_hosts in instance web.one holds \"name:address\" strings (e.g. \"db.local:10.0.0.5\")")
RUNTIME_INVALID("extra_hosts address", "extra_hosts = [\"db:ten\"]\n",
                "dockerops.toml:5:16: 'ten' in extra_hosts of instance web.one is not an IP address")
RUNTIME_INVALID("dns", "dns = [\"ns.example\"]\n",
                "dockerops.toml:5:7: 'ns.example' in dns of instance web.one is not an IP address")
RUNTIME_INVALID("labels of dockerops", "labels = { \"io.dockerops.project\" = \"x\" }\n",
                "dockerops.toml:5:12: label 'io.dockerops.project' in instance web.one is dockerops's own "
                "(io.dockerops.* labels are written by dockerops)")
RUNTIME_INVALID("env_file missing", "env_file = \"nope.env\"\n",
                "dockerops.toml:5:12: env_file 'nope.env' of instance web.one cannot be read: No such file or directory (paths start from the project folder)")
RUNTIME_INVALID("user", "user = \"\"\n",
                "dockerops.toml:5:8: user in instance web.one must be a name or uid, optionally :group or :gid")
RUNTIME_INVALID("working_dir", "working_dir = \"srv\"\n",
                "dockerops.toml:5:15: working_dir in instance web.one must be an absolute path")
RUNTIME_INVALID("entrypoint", "entrypoint = []\n",
                "dockerops.toml:5:14: command in the entrypoint of instance web.one is empty (leave it out to run the image's own)")
RUNTIME_INVALID("stop_signal", "stop_signal = \"SIGNOPE\"\n",
                "dockerops.toml:5:15: stop_signal 'SIGNOPE' in instance web.one is not a signal "
                "(e.g. \"SIGTERM\", \"SIGQUIT\", \"SIGINT\" or a number)")
RUNTIME_INVALID("stop_grace_period", "stop_grace_period = \"soon\"\n",
                "dockerops.toml:5:21: stop_grace_period in instance web.one must be a duration such as \"5s\", \"1m30s\" or "
                "\"250ms\" (units: ns, us, ms, s, m, h (a bare integer is seconds))")
RUNTIME_INVALID("cap_add", "cap_add = [\"net admin\"]\n",
                "dockerops.toml:5:11: 'net admin' in cap_add of instance web.one is not a capability name "
                "(e.g. \"NET_ADMIN\", \"SYS_PTRACE\" or \"ALL\")")
RUNTIME_INVALID("tmpfs", "tmpfs = [\"run\"]\n",
                "dockerops.toml:5:9: tmpfs 'run' in instance web.one must start with an absolute path "
                "(\"/run\" or \"/run:size=64m,mode=1777\")")
RUNTIME_INVALID("read_only", "read_only = \"yes\"\n",
                "dockerops.toml:5:13: 'read_only' in instance web.one must be a boolean, not a string")
RUNTIME_INVALID("healthcheck without a test", "healthcheck = { interval = \"5s\" }\n",
                "dockerops.toml:5:15: the healthcheck of instance web.one has no 'test' "
                "(write test = [\"CMD\", ...] or disable = true)")
RUNTIME_INVALID("healthcheck test form", "healthcheck = { test = [\"RUN\", \"true\"] }\n",
                "dockerops.toml:5:24: test in the healthcheck of instance web.one must start with \"CMD\", \"CMD-SHELL\" or \"NONE\" "
                "(e.g. [\"CMD\", \"redis-cli\", \"ping\"], or a string run by the shell)")
RUNTIME_INVALID("healthcheck unknown key", "healthcheck = { test = \"true\", intervall = \"5s\" }\n",
                "dockerops.toml:5:32: unknown key 'intervall' in the healthcheck of instance web.one (did you mean 'interval'?)")
RUNTIME_INVALID("healthcheck interval", "healthcheck = { test = \"true\", interval = \"5 s\" }\n",
                "dockerops.toml:5:43: interval in the healthcheck of instance web.one must be a duration such as \"5s\", "
                "\"1m30s\" or \"250ms\" (units: ns, us, ms, s, m, h (a bare integer is seconds))")

RUNTIME_INVALID("replicas", "replicas = -1\n",
                "dockerops.toml:5:12: replicas in instance web.one must be an integer from 0 to 1000 "
                "(containers of the instance (target docker), or its service's tasks (target swarm))")
RUNTIME_INVALID("mode", "mode = \"global-job\"\n",
                "dockerops.toml:5:8: mode 'global-job' in instance web.one is not a mode (\"replicated\" (the default) or \"global\")")
RUNTIME_INVALID("node", "node = \"label:disk\"\n",
                "dockerops.toml:5:8: node 'label:disk' in instance web.one is not a node's host name or label:KEY=VALUE "
                "(node = \"swarm-node2\" or node = \"label:disk=ssd\")")

TEST_CASE("runtime keys: replicas and node (target swarm) on a container and an instance, and their placement") {
    TempProject p;
    auto r = p.parse(R"([containers.web]
replicas = 3
node = "label:disk=ssd"
[[instances]]
container = "web"
name = "one"
[[instances]]
container = "web"
name = "two"
replicas = 1
node = "swarm-node2"
)");
    REQUIRE(r.ok());
    const Instance* one = r.project->find_instance("web.one");
    const Instance* two = r.project->find_instance("web.two");
    CHECK(one->runtime.values().replicas == 3);
    CHECK(one->runtime.values().extras().node == "label:disk=ssd");
    CHECK(two->runtime.values().replicas == 1);
    CHECK(two->runtime.has("replicas"));
    CHECK(placement_constraint(one->runtime.values().extras().node) == "node.labels.disk==ssd");
    CHECK(placement_constraint(two->runtime.values().extras().node) == "node.hostname==swarm-node2");
}

TEST_CASE("project keys: target and registry, and their errors") {
    TempProject p;
    auto r = p.parse("[project]\nname = \"x\"\nallow_empty = true\ntarget = \"swarm\"\nregistry = \"10.77.0.11:5000\"\n");
    REQUIRE(r.ok());
    CHECK(r.project->target == Target::Swarm);
    CHECK(r.project->registry == "10.77.0.11:5000");
    CHECK(p.parse("[project]\nname = \"x\"\nallow_empty = true\n").project->target == Target::Docker);
    CHECK(first_key_error("[project]\nallow_empty = true\ntarget = \"k8s\"\n") ==
          "dockerops.toml:3:10: target 'k8s' is not \"docker\" or \"swarm\" "
          "(docker: one engine (the default); swarm: services on a Docker Swarm (docs/swarm.md))");
    CHECK(first_key_error("[project]\nallow_empty = true\nregistry = \"http://r:5000/x\"\n") ==
          "dockerops.toml:3:12: registry 'http://r:5000/x' is not a registry's host[:port] "
          "(for example \"10.77.0.11:5000\" (no scheme, no path))");
}

TEST_CASE("runtime keys invalid: a bad env_file line is named by its file, line and column") {
    TempProject p;
    p.write("bad.env", "GOOD=1\n  not a pair\n");
    auto r = p.parse("[containers.web]\nenv_file = \"bad.env\"\n[[instances]]\ncontainer = \"web\"\nname = \"one\"\n");
    REQUIRE_FALSE(r.ok());
    CHECK(messages(r).at(0) == (p.path() / "bad.env").string() + ":2:3: line is not KEY=VALUE (env_file of [containers.web])");
}

TEST_CASE("runtime keys invalid: a key on a container is checked there") {
    CHECK(first_key_error("[containers.web]\nrestart = \"never\"\n") ==
          "dockerops.toml:2:11: restart policy 'never' in [containers.web] is not one (one of \"no\", \"on-failure\", "
          "\"on-failure:N\", \"always\", \"unless-stopped\")");
}

TEST_CASE("volumes: a declared volume's driver and options reach the mount, and a plain one is as before") {
    TempProject p;
    auto r = p.parse(R"([volumes.scratch]
driver = "local"
options = { type = "tmpfs", device = "tmpfs", o = "size=64m" }
[containers.web]
[[instances]]
container = "web"
name = "one"
volumes = ["scratch:/scratch", "plain:/plain"]
)");
    REQUIRE(r.ok());
    CHECK(r.project->volumes.at("scratch").driver == "local");
    CHECK(r.project->volumes.at("scratch").options.at("o") == "size=64m");
    Environment env;
    env.getenv = [](const std::string&) { return std::optional<std::string>(); };
    env.interface_address = env.getenv;
    auto d = compile(*r.project, env);
    REQUIRE(d);
    const auto& mounts = d->find("web.one")->spec->mounts;
    auto scratch = std::find_if(mounts.begin(), mounts.end(), [](const MountSpec& m) { return m.target == "/scratch"; });
    auto plain = std::find_if(mounts.begin(), mounts.end(), [](const MountSpec& m) { return m.target == "/plain"; });
    REQUIRE(scratch != mounts.end());
    REQUIRE(plain != mounts.end());
    CHECK(scratch->source == std::string(r.project->name) + "_scratch");
    CHECK(scratch->driver == "local");
    CHECK(scratch->driver_options.at("type") == "tmpfs");
    CHECK(plain->driver.empty());
    auto canon = canonical_spec(*d->find("web.one")->spec, {}, "");
    CHECK(canon.at("mount./plain") == "volume " + r.project->name + "_plain rw");
    CHECK(canon.at("mount./scratch") == "volume " + r.project->name + "_scratch rw driver local device=tmpfs o=size=64m type=tmpfs");
}

TEST_CASE("volumes invalid: keys, names and option values are checked with their position") {
    CHECK(first_key_error("[volumes.data]\ndriverr = \"local\"\n") ==
          "dockerops.toml:2:1: unknown key 'driverr' in [volumes.data] (did you mean 'driver'?)");
    CHECK(first_key_error("[volumes.Data]\n") ==
          "dockerops.toml:1:10: volume name 'Data' is not valid (names match [a-z0-9][a-z0-9_-]*)");
    CHECK(first_key_error("[volumes.data]\noptions = { size = 64 }\n") ==
          "dockerops.toml:2:20: option 'size' in [volumes.data] must be a string, not an integer");
}

TEST_CASE("volumes: an external volume is mounted by its own name, never made by the project, and says so in the plan's JSON") {
    TempProject p;
    auto r = p.parse(R"([volumes.media]
external = true
name = "shared-media"
[volumes.cache]
external = true
[containers.web]
[[instances]]
container = "web"
name = "one"
volumes = ["media:/media:ro", "cache:/cache"]
)");
    REQUIRE(r.ok());
    CHECK(r.project->volumes.at("media").external);
    CHECK(r.project->volumes.at("media").name == "shared-media");
    CHECK(r.project->volumes.at("cache").name == "cache");   // by default, its name in the file
    Environment env;
    env.getenv = [](const std::string&) { return std::optional<std::string>(); };
    env.interface_address = env.getenv;
    auto d = compile(*r.project, env);
    REQUIRE(d);
    const auto& mounts = d->find("web.one")->spec->mounts;
    auto media = std::find_if(mounts.begin(), mounts.end(), [](const MountSpec& m) { return m.target == "/media"; });
    REQUIRE(media != mounts.end());
    CHECK(media->source == "shared-media");
    CHECK(media->external);
    CHECK(media->read_only);
    CHECK(canonical_spec(*d->find("web.one")->spec, {}, "").at("mount./media") == "volume shared-media ro");
}

TEST_CASE("volumes invalid: name only with external, and external makes no driver") {
    CHECK(first_key_error("[volumes.data]\nname = \"x\"\n") ==
          "dockerops.toml:2:8: name in [volumes.data] is only for an external volume (a project's own volume is named <project>_data on the engine)");
    CHECK(first_key_error("[volumes.data]\nexternal = true\ndriver = \"local\"\n") ==
          "dockerops.toml:3:10: driver in [volumes.data] does not go with external = true (an external volume is made outside the project, with its own settings)");
    CHECK(first_key_error("[volumes.data]\nexternal = true\nname = \"a/b\"\n") ==
          "dockerops.toml:3:8: 'a/b' in [volumes.data] is not a volume name");
}

TEST_CASE("networks: an external network is the instance's by its own name, and makes no network of the project") {
    TempProject p;
    auto r = p.parse(R"([networks.front]
external = true
name = "platform-front"
[networks.back]
[containers.web]
[[instances]]
container = "web"
name = "one"
networks = ["front", "back"]
network_aliases = { front = ["www"] }
)");
    REQUIRE(r.ok());
    Environment env;
    env.getenv = [](const std::string&) { return std::optional<std::string>(); };
    env.interface_address = env.getenv;
    auto d = compile(*r.project, env);
    REQUIRE(d);
    const ContainerSpec& s = *d->find("web.one")->spec;
    CHECK(s.network == "platform-front");
    CHECK(s.extras().extra_networks == std::vector<std::string>{r.project->name + "-back"});
    CHECK(s.extras().network_aliases.at("platform-front") == std::vector<std::string>{"www"});
    CHECK(d->external_networks == std::set<std::string>{"platform-front"});
    REQUIRE(d->extra_networks.size() == 1);
    CHECK(d->extra_networks[0].name == r.project->name + "-back");
    CHECK(first_key_error("[networks.x]\nexternal = true\nsubnet = \"10.1.0.0/24\"\n") ==
          "dockerops.toml:3:10: subnet in [networks.x] does not go with external = true (an external network is made outside the project, with its own settings)");
    CHECK(first_key_error("[networks.x]\nname = \"y\"\n") ==
          "dockerops.toml:2:8: name in [networks.x] is only for an external network (a project's own network is named <project>-x on the engine)");
}
