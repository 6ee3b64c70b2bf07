// Readiness is state (docs/trust.md, "Readiness"): an instance that runs but
// is not ready is drift, waited for by apply and never replaced for it; a
// dependency that is not ready holds back what depends on it on every apply.
#include "tests/planner/scenario.hpp"

using dockerops::test::replace_all;

namespace {

const char* kHealthy = R"([project]
name = "shop"
[containers.base]
[containers.web]
[containers.db]
healthcheck = { test = ["CMD", "true"], interval = "1s" }

[[instances]]
container = "db"
name = "master"

[[instances]]
container = "web"
name = "one"
depends_on = { "db.master" = "healthy" }
env = { MODE = "a" }
)";

// The action planned for `object`, or nullptr.
const Action* action_for(const Plan& p, const std::string& object) {
    for (const auto& a : p.actions)
        if (a.object == object) return &a;
    return nullptr;
}

}  // namespace

TEST_CASE("readiness: an unhealthy instance is drift, with its last health check, and is waited for, not replaced") {
    Scenario s(kHealthy);
    s.apply();
    REQUIRE(s.text() == "No changes.\n");
    auto& db = s.container("shop-db-master");
    db.health = "unhealthy";
    db.health_output = "connection refused\nretrying";
    auto p = s.plan();
    REQUIRE(p);
    REQUIRE(p->actions.size() == 1);
    CHECK(p->actions[0].kind == ActionKind::Wait);
    CHECK(render_text(*p) ==
          "wait     db.master: unhealthy; last health check: connection refused retrying\n\n"
          "Plan: 0 to build, 0 to create, 0 to replace, 0 to start, 1 to wait for, 0 to remove.\n");
    // Waited out: still unhealthy at the deadline is a failure naming it; never a replacement.
    ExecReport rep = execute(*p, dockerops::test::fake_factory(s.state), {});
    CHECK_FALSE(rep.ok());
    CHECK(rep.results[0].message.find("health unhealthy") != std::string::npos);
    CHECK(std::count(s.state->calls.begin(), s.state->calls.end(), "create shop-db-master-dockerops-new") == 0);
    // Recovered while waited for: done, and the next plan is empty.
    s.state->recovers.insert("shop-db-master");
    CHECK(execute(*p, dockerops::test::fake_factory(s.state), {}).ok());
    CHECK(s.text() == "No changes.\n");
}

TEST_CASE("readiness: health starting, restarting, paused, exited and a running job are each drift with their reason") {
    Scenario s(kHealthy);
    s.apply();
    auto& db = s.container("shop-db-master");
    db.health = "starting";
    CHECK(s.text().find("wait     db.master: health starting\n") == 0);
    db.health = "healthy";
    db.state = "restarting";
    db.exit_code = 3;
    CHECK(s.text().find("wait     db.master: restarting: exited (3), restarted by its restart policy\n") == 0);
    db.state = "paused";
    CHECK(s.text().find("unpause  db.master: paused\n") == 0);
    db.state = "exited";
    db.exit_code = 137;
    CHECK(s.text().find("start    db.master: exited (137)\n") == 0);
    db.state = "running";
    CHECK(s.text() == "No changes.\n");
    // With a health check, healthy is ready, however recently its restart
    // policy restarted it.
    db.restart_count = 4;
    db.up_seconds = 3;
    CHECK(s.text() == "No changes.\n");
    // With none, caught running between two restarts of a crash loop: waited
    // for until it has run 10 s.
    db.health = "";
    CHECK(s.text().find("wait     db.master: restarted 4 times by its restart policy, up 3 s of 10\n") == 0);
    db.up_seconds = 10;
    CHECK(s.text() == "No changes.\n");
    db.up_seconds = -1;   // up a minute or more
    CHECK(s.text() == "No changes.\n");
    db.restart_count = 0;   // never restarted: up 3 s is a container just started
    db.up_seconds = 3;
    CHECK(s.text() == "No changes.\n");
}

TEST_CASE("readiness: a paused instance is unpaused by apply") {
    Scenario s(kHealthy);
    s.apply();
    s.container("shop-db-master").state = "paused";
    s.apply();
    CHECK(std::count(s.state->calls.begin(), s.state->calls.end(), "unpause shop-db-master") == 1);
    CHECK(s.text() == "No changes.\n");
}

TEST_CASE("readiness: a dependency that is not ready holds back its dependents on the next apply too") {
    Scenario s(kHealthy);
    s.apply();
    s.container("shop-db-master").health = "starting";
    s.config(replace_all(kHealthy, "MODE = \"a\"", "MODE = \"b\""));
    auto p = s.plan();
    REQUIRE(p);
    const Action* wait = action_for(*p, "db.master");
    const Action* web = action_for(*p, "web.one");
    REQUIRE((wait && web));
    CHECK(wait->kind == ActionKind::Wait);
    CHECK(web->kind == ActionKind::Replace);
    CHECK(std::find(web->depends_on.begin(), web->depends_on.end(), wait->id) != web->depends_on.end());
    ExecReport rep = execute(*p, dockerops::test::fake_factory(s.state), {});
    CHECK_FALSE(rep.ok());
    CHECK(rep.results[web->id - 1].outcome == Outcome::NotStarted);
    CHECK(std::count(s.state->calls.begin(), s.state->calls.end(), "create shop-web-one-dockerops-new") == 0);
}

TEST_CASE("readiness: a job still running is waited for before what depends on it") {
    const std::string toml = replace_all(kHealthy, "depends_on = { \"db.master\" = \"healthy\" }",
                                         "depends_on = { \"db.master\" = \"completed\" }");
    Scenario s(toml);
    s.apply();
    auto& db = s.container("shop-db-master");
    REQUIRE(db.state == "exited");
    db.state = "running";
    auto p = s.plan();
    REQUIRE(p);
    REQUIRE(p->actions.size() == 1);
    CHECK(p->actions[0].kind == ActionKind::Wait);
    CHECK(p->actions[0].cause == "a job still running: waited for its end");
    CHECK(execute(*p, dockerops::test::fake_factory(s.state), {}).ok());
    CHECK(s.text() == "No changes.\n");
}

TEST_CASE("readiness: ready_timeout reaches the plan's actions and its saved form") {
    Scenario s(replace_all(kHealthy, "name = \"master\"\n", "name = \"master\"\nready_timeout = \"90s\"\n"));
    auto p = s.plan();
    REQUIRE(p);
    const Action* db = action_for(*p, "db.master");
    REQUIRE(db);
    CHECK(db->ready_timeout == 90);
    CHECK(action_for(*p, "web.one")->ready_timeout == 0);
    auto back = parse_plan_json(render_json(*p));
    REQUIRE(back);
    CHECK(action_for(*back, "db.master")->ready_timeout == 90);
}
