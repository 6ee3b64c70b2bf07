// Planning for Swarm services (PlanOptions::services, target swarm): no fixed
// addresses, links by service name, a changed spec or a service short of tasks
// is an update in place; what services cannot do is a plan error naming it.
#include "tests/planner/scenario.hpp"

using dockerops::test::replace_all;

namespace {

PlanOptions as_services() {
    PlanOptions o;
    o.services = true;
    return o;
}

const char* kSwarmShop = R"([project]
name = "shop"
target = "swarm"
registry = "10.77.0.11:5000"
[containers.base]
[containers.web]
[containers.db]

[[instances]]
container = "db"
name = "master"
persistent_log = false
persistent_data = false
env = { DB_NAME = "app" }

[[instances]]
container = "web"
name = "one"
persistent_log = false
replicas = 3
links = ["db-master:DB"]
env = { API_URL = "API" }
)";

std::string shop(const std::string& api = "http://api.example") { return replace_all(kSwarmShop, "\"API\"", "\"" + api + "\""); }

}  // namespace

TEST_CASE("services: no fixed address, a link's variable is the target's service name, replicas in the spec") {
    Scenario s(shop());
    auto p = s.plan(as_services());
    if (!p) FAIL(p.error().text());
    const Action* web = nullptr;
    for (const auto& a : p->actions) if (a.object == "web.one") web = &a;
    REQUIRE(web);
    REQUIRE(web->container);
    CHECK(web->container->ipv4.empty());
    CHECK(web->container->env.at("DB_CONTAINER_IP") == "shop-db-master");
    CHECK(web->container->replicas == 3);
    CHECK(p->warnings.empty());
}

TEST_CASE("services: a changed env is one update in place, the others untouched, then no changes") {
    Scenario s(shop());
    s.state->services = true;
    auto first = s.plan(as_services());
    REQUIRE(first);
    REQUIRE(execute(*first, dockerops::test::fake_factory(s.state), {}).ok());
    CHECK(s.text(as_services()) == "No changes.\n");
    const std::string id = s.container("shop-web-one").id;
    s.config(shop("http://other.example"));
    CHECK(s.text(as_services()) == "update   web.one: env API_URL \"http://api.example\" → \"http://other.example\"\n"
                                   "\nPlan: 0 to build, 0 to create, 0 to replace, 1 to update, 0 to start, 0 to remove.\n");
    auto p = s.plan(as_services());
    REQUIRE(p);
    s.state->calls.clear();
    REQUIRE(execute(*p, dockerops::test::fake_factory(s.state), {}).ok());
    CHECK(s.state->calls == std::vector<std::string>{"update shop-web-one"});
    CHECK(s.container("shop-web-one").id == id);   // the same service, updated
    CHECK(s.text(as_services()) == "No changes.\n");
    // Saved and read back: still an update, for target swarm.
    p->target = Target::Swarm;
    auto back = parse_plan_json(render_json(*p));
    REQUIRE(back);
    CHECK(back->target == Target::Swarm);
    CHECK(back->actions.at(0).kind == ActionKind::Update);
    CHECK(render_text(*back) == render_text(*p));
}

TEST_CASE("services: a service short of tasks is drift, updated with its cause") {
    Scenario s(shop());
    s.state->services = true;
    auto first = s.plan(as_services());
    REQUIRE(first);
    REQUIRE(execute(*first, dockerops::test::fake_factory(s.state), {}).ok());
    auto& web = s.container("shop-web-one");
    web.state = "degraded";
    web.detail = "1 of 3 tasks running (on swarm-node3, which is down)";
    CHECK(s.text(as_services()) == "update   web.one: 1 of 3 tasks running (on swarm-node3, which is down)\n"
                                   "\nPlan: 0 to build, 0 to create, 0 to replace, 1 to update, 0 to start, 0 to remove.\n");
}

TEST_CASE("services: on one engine the same file plans a container for each replica") {
    Scenario s(replace_all(shop(), "target = \"swarm\"\n", "target = \"docker\"\n"));   // as --target docker sets it
    auto p = s.plan();
    REQUIRE(p);
    CHECK(p->warnings.empty());
    std::vector<std::string> web;
    for (const auto& a : p->actions) {
        if (a.container) CHECK_FALSE(a.container->ipv4.empty());
        if (a.container && a.object.starts_with("web.")) web.push_back(a.object + " " + a.container->name);
    }
    CHECK(web == std::vector<std::string>{"web.one shop-web-one", "web.one-2 shop-web-one-2", "web.one-3 shop-web-one-3"});
}

TEST_CASE("services: what does not map is a plan error naming each instance and key") {
    // No registry, a port on one address, and db.master keeps its log folder
    // (a host folder) with no node to pin it to.
    const std::string base = replace_all(replace_all(shop(), "replicas = 3\n", "replicas = 3\nports = [\"PORTS\"]\n"),
                                         "name = \"master\"\npersistent_log = false\npersistent_data = false\n", "name = \"master\"\nNODE");
    auto variant = [&](const std::string& registry, const std::string& ports, const std::string& node) {
        return replace_all(replace_all(replace_all(base, "registry = \"10.77.0.11:5000\"\n", registry), "PORTS", ports), "NODE", node);
    };
    Scenario s(variant("", "127.0.0.1:8080:8080", ""));
    auto p = s.plan(as_services());
    REQUIRE_FALSE(p);
    const std::string text = p.error().text();
    CHECK(text.starts_with("project shop: what does not map onto Swarm services (docs/swarm.md):\n"));
    CHECK(text.find("\n  [project] registry: the project builds images") != std::string::npos);
    CHECK(text.find("\n  db.master: the host folder ") != std::string::npos);
    CHECK(text.find("pin the instance with node = \"NAME\"") != std::string::npos);
    CHECK(text.find("\n  web.one: ports publishes on 127.0.0.1:8080") != std::string::npos);
    // With a registry, the port on every address and the folder pinned to a node, it maps.
    s.config(variant("registry = \"r:5000\"\n", "8080:8080", "node = \"swarm-node1\"\n"));
    auto ok = s.plan(as_services());
    REQUIRE(ok);
    bool seen = false;
    for (const auto& a : ok->actions)
        if (a.object == "db.master") seen = a.container->extras().node == "swarm-node1";
    CHECK(seen);
}

TEST_CASE("services: a key a service cannot carry (the table's services = false) is refused by its name") {
    Scenario s(replace_all(shop(), "replicas = 3\n", "replicas = 3\nprivileged = true\nshm_size = \"128m\"\n"));
    auto p = s.plan(as_services());
    REQUIRE_FALSE(p);
    const std::string text = p.error().text();
    CHECK(text.find("\n  web.one: privileged is not carried by a Swarm service") != std::string::npos);
    CHECK(text.find("\n  web.one: shm_size is not carried by a Swarm service") != std::string::npos);
    // On one engine the same keys plan as they are.
    auto one = s.plan();
    REQUIRE(one);
    bool seen = false;
    for (const auto& a : one->actions)
        if (a.object == "web.one" && a.container) seen = a.container->privileged && a.container->shm_size == 128LL << 20;
    CHECK(seen);
}

TEST_CASE("services: the standard type's default log folder is left out with one note, one written in the file is refused unpinned") {
    // The smallest project a user writes: one container, two instances, no host folder written anywhere.
    const std::string smallest = "[project]\nname = \"shop\"\ntarget = \"swarm\"\nregistry = \"r:5000\"\n[containers.base]\n[containers.web]\n"
                                 "[[instances]]\ncontainer = \"web\"\nname = \"one\"\nLOG\n"
                                 "[[instances]]\ncontainer = \"web\"\nname = \"two\"\n";
    Scenario s(replace_all(smallest, "LOG\n", ""));
    auto p = s.plan(as_services());
    if (!p) FAIL(p.error().text());
    int notes = 0;
    for (const auto& w : p->warnings)
        if (w.find("(persistent_log) is left out for web.one, web.two") != std::string::npos) ++notes;
    CHECK(notes == 1);
    for (const auto& a : p->actions) {
        if (!a.container) continue;
        CHECK(a.container->env.at("PERSISTENT_LOG") == "False");
        for (const auto& m : a.container->mounts) CHECK(m.target != "/var/log");
    }
    // Written in the file, it is a host folder like any other: refused unless pinned.
    s.config(replace_all(smallest, "LOG\n", "persistent_log = true\n"));
    auto written = s.plan(as_services());
    REQUIRE_FALSE(written);
    CHECK(written.error().text().find("\n  web.one: the host folder ") != std::string::npos);
    CHECK(written.error().text().find("web.two: the host folder") == std::string::npos);
    // Pinned to a node, the default is kept there.
    s.config(replace_all(smallest, "LOG\n", "node = \"swarm-node1\"\n"));
    auto pinned = s.plan(as_services());
    REQUIRE(pinned);
    for (const auto& a : pinned->actions)
        if (a.object == "web.one" && a.container) CHECK(a.container->env.at("PERSISTENT_LOG") == "True");
    // On one engine, nothing is left out.
    s.config(replace_all(replace_all(smallest, "LOG\n", ""), "target = \"swarm\"\n", ""));
    auto one = s.plan();
    REQUIRE(one);
    for (const auto& a : one->actions)
        if (a.container) CHECK(a.container->env.at("PERSISTENT_LOG") == "True");
}

TEST_CASE("services: update = { ... } is read, checked, said in the plan's update line, and not a container's on target docker") {
    const std::string rolls = "update = { parallelism = 2, delay = \"1.5s\", order = \"stop-first\" }\n";
    Scenario s(replace_all(shop(), "replicas = 3\n", "replicas = 3\n" + rolls));
    s.state->services = true;
    auto first = s.plan(as_services());
    if (!first) FAIL(first.error().text());
    REQUIRE(execute(*first, dockerops::test::fake_factory(s.state), {}).ok());
    CHECK(s.text(as_services()) == "No changes.\n");
    s.config(replace_all(shop("http://other.example"), "replicas = 3\n", "replicas = 3\n" + rolls));
    CHECK(s.text(as_services()).find("update   web.one: env API_URL \"http://api.example\" → \"http://other.example\"; "
                                     "rolls 2 at a time, 1.5s apart, stop-first\n") == 0);
    // A changed policy alone is an update too, worded as any key.
    s.config(replace_all(shop(), "replicas = 3\n", "replicas = 3\nupdate = { parallelism = 3 }\n"));
    const std::string changed = s.text(as_services());
    INFO(changed);
    CHECK(changed.find("update   web.one: update parallelism \"2\" → \"3\", update delay removed (was \"1.5s\"), update order removed "
                       "(was \"stop-first\"); rolls 3 at a time\n") == 0);
    // Checked at its line.
    s.config(replace_all(shop(), "replicas = 3\n", "replicas = 3\nupdate = { order = \"sideways\", paralelism = 2 }\n"));
    auto bad = load_project(s.dir.path());
    std::string text;
    for (const auto& d : bad.diagnostics.sorted()) text += format(d) + "\n";
    CHECK(text.find("order in update of instance web.one must be one of \"start-first\", \"stop-first\"") != std::string::npos);
    CHECK(text.find("unknown key 'paralelism'") != std::string::npos);
    // On one engine: said, and no part of the container's spec (no replace for it).
    const std::string docker = replace_all(replace_all(shop(), "target = \"swarm\"\n", ""), "replicas = 3\n", "");
    Scenario one(docker);
    one.apply();
    one.config(replace_all(docker, "persistent_log = false\nlinks", "persistent_log = false\n" + rolls + "links"));
    auto p = one.plan();
    REQUIRE(p);
    CHECK(std::find(p->warnings.begin(), p->warnings.end(),
                    "web.one: update is for target \"swarm\"; target docker replaces a container in one step") != p->warnings.end());
    CHECK(p->actions.empty());
}

TEST_CASE("services: mode global is the service's mode, and a change of mode removes the service and makes it again") {
    const std::string global = replace_all(shop(), "replicas = 3", "mode = \"global\"");
    Scenario s(global);
    s.state->services = true;
    auto first = s.plan(as_services());
    REQUIRE(first);
    const Action* web = nullptr;
    for (const auto& a : first->actions) if (a.object == "web.one") web = &a;
    REQUIRE(web);
    CHECK(web->container->extras().mode == "global");
    REQUIRE(execute(*first, dockerops::test::fake_factory(s.state), {}).ok());
    CHECK(s.text(as_services()) == "No changes.\n");
    // Swarm cannot change a service's mode in an update: a replace, carried out as remove, then create.
    s.config(shop());
    CHECK(s.text(as_services()) == "replace  web.one: replicas added: \"3\", mode removed (was \"global\"); a service's mode cannot "
                                   "change in place: it is removed, then made again\n"
                                   "\nPlan: 0 to build, 0 to create, 1 to replace, 0 to start, 0 to remove.\n");
    auto p = s.plan(as_services());
    REQUIRE(p);
    s.state->calls.clear();
    REQUIRE(execute(*p, dockerops::test::fake_factory(s.state), {}).ok());
    CHECK(s.state->calls == std::vector<std::string>{"remove shop-web-one", "create shop-web-one", "start shop-web-one"});
    CHECK(s.text(as_services()) == "No changes.\n");
    // "replicated" is the default: written or not, the same spec.
    s.config(replace_all(shop(), "replicas = 3", "replicas = 3\nmode = \"replicated\""));
    CHECK(s.text(as_services()) == "No changes.\n");
    // On one engine: one container, and the plan says the mode is for target swarm.
    Scenario one(global);
    auto on_docker = one.plan();
    REQUIRE(on_docker);
    CHECK(std::find(on_docker->warnings.begin(), on_docker->warnings.end(),
                    "web.one: mode \"global\" is for target \"swarm\"; target docker runs one container") != on_docker->warnings.end());
    std::size_t webs = 0;
    for (const auto& a : on_docker->actions) webs += a.object.starts_with("web.one");
    CHECK(webs == 1);
}

TEST_CASE("services: mode global with replicas is refused, naming the instance") {
    Scenario s(replace_all(shop(), "replicas = 3", "replicas = 3\nmode = \"global\""));
    auto p = s.plan(as_services());
    REQUIRE_FALSE(p);
    CHECK(p.error().message == "web.one: mode = \"global\" runs one task on every node; replicas = 3 does not go with it "
                               "(as docker stack deploy says: replicas are for mode \"replicated\")");
}
