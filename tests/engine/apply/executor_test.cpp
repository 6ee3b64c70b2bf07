// The executor against the in-memory engine: order, parallelism, failures
// that stop only their dependents, safe replacement, and the project lock.
#include "engine/desired/desired.hpp"
#include "engine/apply/executor.hpp"
#include "engine/desired/graph.hpp"
#include "engine/apply/lock.hpp"
#include "planner/plan.hpp"
#include "tests/fake_engine.hpp"
#include "tests/support.hpp"

#include <catch2/catch.hpp>

using namespace dockerops;
using dockerops::test::FakeEngine;
using dockerops::test::FakeState;
using dockerops::test::TempDir;

namespace {

struct Setup {
    explicit Setup(const std::string& toml, std::initializer_list<const char*> containers) {
        for (const char* c : containers)
            dir.write(std::string("containers/") + c + "/Dockerfile", "FROM dockerops/busybox:latest\n");
        dir.write("dockerops.toml", toml);
    }
    Plan plan() {
        auto r = load_project(dir.path());
        REQUIRE(r.ok());
        Environment e;
        e.getenv = [](const std::string&) { return std::optional<std::string>(); };
        e.interface_address = e.getenv;
        auto d = compile(*r.project, e);
        REQUIRE(d);
        auto g = DesiredGraph::build(*d);
        REQUIRE(g);
        FakeEngine fe(state);
        auto p = make_plan(*d, *g, *fe.observe(d->project), {});
        REQUIRE(p);
        return *p;
    }
    ExecReport run(int parallelism = 8) {
        Plan p = plan();
        ExecOptions o;
        o.parallelism = parallelism;
        last = p;
        return execute(p, dockerops::test::fake_factory(state), o);
    }
    TempDir dir;
    std::shared_ptr<FakeState> state = std::make_shared<FakeState>();
    Plan last;
};

const char* kWide = R"([project]
name = "wide"
[containers.a]
[containers.b]
[containers.c]
[containers.d]
[containers.e]
[containers.f]
)";

const char* kChain = R"([project]
name = "chain"
[containers.web]
[containers.db]
[[instances]]
container = "db"
name = "master"
[[instances]]
container = "web"
name = "one"
links = ["db-master:DB"]
env = { MODE = "ok" }
[[instances]]
container = "web"
name = "two"
)";

}  // namespace

TEST_CASE("executor: independent actions run in parallel, up to the limit") {
    Setup many(kWide, {"a", "b", "c", "d", "e", "f"});
    many.state->op_delay = std::chrono::milliseconds(60);
    REQUIRE(many.run(3).ok());
    CHECK(many.state->max_running == 3);

    Setup one(kWide, {"a", "b", "c", "d", "e", "f"});
    one.state->op_delay = std::chrono::milliseconds(20);
    REQUIRE(one.run(1).ok());
    CHECK(one.state->max_running == 1);
}

TEST_CASE("executor: a failure stops only what depends on it, the rest is applied") {
    Setup s(kChain, {"web", "db"});
    s.state->fail_build.insert("chain/db:latest");
    ExecReport r = s.run();
    CHECK_FALSE(r.ok());
    CHECK(r.summary(s.last) ==
          "Apply: 3 done, 1 failed, 2 not started.\n"
          "  failed: build chain/db:latest\n"
          "  not started: create db.master (needs build chain/db:latest)\n"
          "  not started: create web.one (needs create db.master)\n");
    CHECK(s.state->by_name("chain-web-two")->state == "running");
    CHECK_FALSE(s.state->by_name("chain-db-master"));
}

TEST_CASE("executor: a container that exits on start fails its branch, and after the fix the project converges") {
    Setup s(kChain, {"web", "db"});
    s.state->exit_when_env.insert("MODE=broken");
    s.dir.write("dockerops.toml", std::string(kChain).replace(std::string(kChain).find("MODE = \"ok\""), 11, "MODE = \"broken\""));
    ExecReport r = s.run();
    CHECK_FALSE(r.ok());
    bool seen = false;
    for (const auto& res : r.results)
        if (res.outcome == Outcome::Failed) {
            CHECK(res.message == "container chain-web-one: exited (1) on start");
            seen = true;
        }
    CHECK(seen);
    CHECK(s.state->by_name("chain-web-two")->state == "running");
    s.dir.write("dockerops.toml", kChain);
    CHECK(render_text(s.plan()) == "replace  web.one: env MODE changed\n\n"
                                   "Plan: 0 to build, 0 to create, 1 to replace, 0 to start, 0 to remove.\n");
    REQUIRE(s.run().ok());
    CHECK(render_text(s.plan()) == "No changes.\n");
}

TEST_CASE("executor: a replacement is created before the old container goes") {
    Setup s(kChain, {"web", "db"});
    REQUIRE(s.run().ok());
    const std::string old_id = s.state->by_name("chain-web-one")->id;
    s.dir.write("dockerops.toml", std::string(kChain).replace(std::string(kChain).find("MODE = \"ok\""), 11, "MODE = \"v2\""));
    s.state->calls.clear();
    REQUIRE(s.run().ok());
    std::vector<std::string> calls;
    for (const auto& c : s.state->calls) if (!c.starts_with("observe")) calls.push_back(c);
    CHECK(calls == std::vector<std::string>{
                       "create chain-web-one-dockerops-new", "stop chain-web-one",
                       "rename chain-web-one chain-web-one-dockerops-old",
                       "rename chain-web-one-dockerops-new chain-web-one", "start chain-web-one",
                       "remove chain-web-one-dockerops-old"});
    CHECK(s.state->by_name("chain-web-one")->id != old_id);
    CHECK(s.state->by_name("chain-web-one")->state == "running");
}

TEST_CASE("executor: a replacement that does not come up puts the old container back, running") {
    Setup s(kChain, {"web", "db"});
    REQUIRE(s.run().ok());
    const std::string old_id = s.state->by_name("chain-web-one")->id;
    s.state->exit_when_env.insert("MODE=v3");
    s.dir.write("dockerops.toml", std::string(kChain).replace(std::string(kChain).find("MODE = \"ok\""), 11, "MODE = \"v3\""));
    ExecReport r = s.run();
    REQUIRE_FALSE(r.ok());
    CHECK(r.results.at(0).message ==
          "container chain-web-one: exited (1) on start; the old container was put back and started");
    const ObservedContainer* back = s.state->by_name("chain-web-one");
    REQUIRE(back);
    CHECK(back->id == old_id);
    CHECK(back->state == "running");
    CHECK_FALSE(s.state->by_name("chain-web-one-dockerops-new"));
    CHECK(s.state->containers.size() == 3);
}

TEST_CASE("lock: one holder at a time, the second is told who holds it, unlock breaks it") {
    auto state = std::make_shared<FakeState>();
    FakeEngine a(state), b(state);
    auto first = ProjectLock::acquire(a, "shop", std::chrono::seconds(0));
    REQUIRE(first);
    LockHolder told;
    auto second = ProjectLock::acquire(b, "shop", std::chrono::seconds(1), [&](const LockHolder& h) { told = h; });
    REQUIRE_FALSE(second);
    CHECK_THAT(second.error().text(), Catch::StartsWith("project shop: locked by ") &&
                                          Catch::Contains(" since ") &&
                                          Catch::EndsWith("; wait for it (--lock-timeout SECONDS), or run 'dockerops unlock' if that run is gone"));
    CHECK_THAT(told.who, Catch::Contains(" pid "));
    auto other = ProjectLock::acquire(b, "another", std::chrono::seconds(0));
    CHECK(other);   // projects do not share a lock
    first->release();
    auto third = ProjectLock::acquire(b, "shop", std::chrono::seconds(0));
    REQUIRE(third);
    auto broken = break_lock(a, "shop");
    REQUIRE(broken);
    REQUIRE(*broken);
    CHECK_THAT((*broken)->who, Catch::Contains(" pid "));
    auto none = break_lock(a, "shop");
    REQUIRE(none);
    CHECK_FALSE(*none);
    // The lock network carries no project label: plans never see it.
    CHECK(FakeEngine(state).observe("shop")->networks.empty());
}

TEST_CASE("lock: a lock whose holder is gone is taken over, said so, and a foreign network is never removed") {
    auto state = std::make_shared<FakeState>();
    FakeEngine e(state);
    auto held = ProjectLock::acquire(e, "shop", std::chrono::seconds(0));
    REQUIRE(held);
    // As a killed run leaves it: this host and boot, a pid that is not running.
    for (auto& [id, n] : state->networks) {
        n.labels["io.dockerops.lock.pid"] = "999999999";
        n.labels["io.dockerops.lock.start"] = "1";
    }
    LockHolder gone;
    int waited = 0;
    auto taken = ProjectLock::acquire(
        e, "shop", std::chrono::seconds(0), [&](const LockHolder&) { ++waited; }, [&](const LockHolder& h) { gone = h; });
    REQUIRE(taken);
    CHECK(waited == 0);
    CHECK(gone.pid == "999999999");
    CHECK(holder_is_gone(gone));
    taken->release();
    // A live holder on another host is never assumed gone.
    CHECK_FALSE(holder_is_gone(LockHolder{"x@elsewhere pid 1", "", "elsewhere", "b", "1", "1"}));
    // A network of that name that dockerops did not make as the lock is left alone.
    REQUIRE(e.create_network(NetworkSpec{lock_name("shop"), "", "", {{"com.example.owner", "someone"}}}));
    auto refused = break_lock(e, "shop");
    REQUIRE_FALSE(refused);
    CHECK_THAT(refused.error().text(), Catch::Contains("was not made by dockerops as this project's lock"));
    CHECK(e.find_network(lock_name("shop")).value().has_value());
}
