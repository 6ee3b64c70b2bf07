// depends_on: ordering without a link, a "healthy" target that must have a
// health check, and "completed" targets that are jobs (exit 0 is ready, and
// an exited-0 job is as desired).
#include "tests/planner/scenario.hpp"
#include "util/cidr.hpp"

using dockerops::test::replace_all;

namespace {

const char* kJobs = R"([project]
name = "shop"
[containers.base]
[containers.web]
[containers.db]
healthcheck = { test = ["CMD", "true"], interval = "1s" }

[[instances]]
container = "db"
name = "master"

[[instances]]
container = "base"
name = "migrate"
command = ["sh", "-c", "echo migrated"]
depends_on = { "db.master" = "healthy" }

[[instances]]
container = "web"
name = "one"
depends_on = { "base-migrate" = "completed", db = "started" }
)";

}  // namespace

TEST_CASE("depends_on: the order follows it without a link, and a job's exit 0 is its ready") {
    Scenario s(kJobs);
    auto p = s.plan();
    REQUIRE(p);
    int db = 0, migrate = 0, web = 0;
    for (const auto& a : p->actions) {
        if (a.object == "db.master") db = a.id;
        if (a.object == "base.migrate") {
            migrate = a.id;
            CHECK(a.job);
        }
        if (a.object == "web.one") {
            web = a.id;
            CHECK_FALSE(a.job);
        }
    }
    REQUIRE((db && migrate && web));
    const auto& wa = p->actions[web - 1];
    CHECK(std::find(wa.depends_on.begin(), wa.depends_on.end(), migrate) != wa.depends_on.end());
    CHECK(std::find(wa.depends_on.begin(), wa.depends_on.end(), db) != wa.depends_on.end());
    const auto& ma = p->actions[migrate - 1];
    CHECK(std::find(ma.depends_on.begin(), ma.depends_on.end(), db) != ma.depends_on.end());
    // The job flag survives a saved plan.
    auto back = parse_plan_json(render_json(*p));
    REQUIRE(back);
    CHECK(back->actions[migrate - 1].job);

    s.apply();
    // The job was waited for to its end (not for readiness), and the next plan leaves it exited.
    CHECK(std::count(s.state->calls.begin(), s.state->calls.end(), "wait shop-base-migrate") == 1);
    CHECK(s.container("shop-base-migrate").state == "exited");
    CHECK(s.text() == "No changes.\n");
}

TEST_CASE("depends_on: a job that fails stops what depends on it, and is started again by the next apply") {
    Scenario s(kJobs);
    s.state->job_exit["shop-base-migrate"] = 3;
    auto p = s.plan();
    REQUIRE(p);
    ExecReport rep = execute(*p, dockerops::test::fake_factory(s.state), {});
    CHECK_FALSE(rep.ok());
    std::string failed, not_started;
    for (std::size_t i = 0; i < rep.results.size(); ++i) {
        if (rep.results[i].outcome == Outcome::Failed) failed += p->actions[i].object + " ";
        if (rep.results[i].outcome == Outcome::NotStarted) not_started += p->actions[i].object + " ";
    }
    CHECK(failed == "base.migrate ");
    CHECK(not_started == "web.one ");
    CHECK(s.text().find("start    base.migrate: exited (3)") != std::string::npos);
}

TEST_CASE("depends_on: healthy needs a health check on the target") {
    Scenario s(replace_all(kJobs, "healthcheck = { test = [\"CMD\", \"true\"], interval = \"1s\" }\n", ""));
    auto p = s.plan();
    REQUIRE_FALSE(p);
    CHECK(p.error().text().find("base.migrate: depends_on db.master \"healthy\", but db.master has no health check") !=
          std::string::npos);
}

TEST_CASE("depends_on invalid: an unknown target, a condition, and itself, each with its position") {
    dockerops::test::TempProject p;
    auto bad = [&](const std::string& deps) {
        auto r = p.parse("[containers.web]\n[containers.db]\n[[instances]]\ncontainer = \"db\"\nname = \"master\"\n"
                         "[[instances]]\ncontainer = \"web\"\nname = \"one\"\n" + deps);
        REQUIRE_FALSE(r.ok());
        return dockerops::test::messages(r).at(0);
    };
    CHECK(bad("depends_on = { \"db.mastr\" = \"healthy\" }\n") ==
          "dockerops.toml:9:16: depends_on names 'db.mastr', which is no instance or container of the project "
          "(did you mean 'db.master'?)");
    CHECK(bad("depends_on = { db = \"ready\" }\n") ==
          "dockerops.toml:9:21: depends_on db in instance web.one must be \"started\", \"healthy\" or \"completed\"");
    CHECK(bad("depends_on = { \"web.one\" = \"started\" }\n") == "dockerops.toml:9:16: instance web.one depends on itself");
}
