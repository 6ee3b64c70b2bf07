// The executor against the in-memory engine: order, parallelism, failures
// that stop only their dependents, safe replacement; first on plans made by
// the planner, then on plans built by hand (each protocol on its own).
#include "engine/desired/desired.hpp"
#include "engine/apply/executor.hpp"
#include "engine/desired/graph.hpp"
#include "engine/model/ownership.hpp"
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
    CHECK(render_text(s.plan()) == "replace  web.one: env MODE \"broken\" → \"ok\"\n\n"
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

// --- plans built by hand: the executor carries out what it is given ---

namespace {

ContainerSpec hand_spec(const std::string& name, const std::string& image) {
    ContainerSpec c;
    c.name = name;
    c.image = image;
    c.network = "hand";
    c.labels = {{labels::kProject, "hand"}, {labels::kContainer, "app"}, {labels::kInstance, "one"}};
    return c;
}

Action hand_action(int id, ActionKind kind, const std::string& object, std::vector<int> deps = {}) {
    Action a;
    a.id = id;
    a.kind = kind;
    a.key = "hand:" + object;
    a.object = object;
    a.cause = "by hand";
    a.depends_on = std::move(deps);
    return a;
}

}  // namespace

TEST_CASE("executor, by hand: a build records the image id, a create stamps the owner token of the image it used") {
    auto state = std::make_shared<FakeState>();
    Plan p;
    p.project = "hand";
    Action b = hand_action(1, ActionKind::Build, "hand/app:latest");
    b.build = BuildSpec{"/nowhere", "hand/app:latest", {}, {}, false};
    Action n = hand_action(2, ActionKind::CreateNetwork, "hand");
    n.network = NetworkSpec{"hand", "10.9.9.0/24", "10.9.9.1", {}};
    Action c = hand_action(3, ActionKind::Create, "app.one", {1, 2});
    c.container = hand_spec("hand-app-one", "hand/app:latest");
    p.actions = {b, n, c};
    std::vector<std::string> started;
    ExecOptions o;
    o.started = [&](const Action& a) { started.push_back(a.object); };
    ExecReport r = execute(p, dockerops::test::fake_factory(state), o);
    REQUIRE(r.ok());
    CHECK_THAT(r.results[0].produced, Catch::StartsWith("sha256:img"));
    CHECK(started.size() == 3);
    CHECK(started.back() == "app.one");   // after what it depends on
    auto* made = state->by_name("hand-app-one");
    REQUIRE(made);
    CHECK(made->state == "running");
    CHECK(made->image_id == r.results[0].produced);
    CHECK(made->labels.at(labels::kOwner) == container_owner_token("hand", r.results[0].produced));
}

TEST_CASE("executor, by hand: an action's end is told before the start of what waits for it") {
    auto state = std::make_shared<FakeState>();
    state->add_image("hand/app:latest", {});
    Plan p;
    p.project = "hand";
    for (int k = 1; k <= 30; ++k) {   // a chain, with workers to spare
        Action c = hand_action(k, ActionKind::Create, "app.n" + std::to_string(k), k > 1 ? std::vector<int>{k - 1} : std::vector<int>{});
        c.container = hand_spec("hand-app-n" + std::to_string(k), "hand/app:latest");
        p.actions.push_back(c);
    }
    std::vector<std::string> told;   // the events' one thread
    ExecOptions o;
    o.parallelism = 8;
    o.started = [&](const Action& a) { told.push_back("start " + a.object); };
    o.finished = [&](const Action& a, const ActionResult&) { told.push_back("end " + a.object); };
    ExecReport r = execute(p, dockerops::test::fake_factory(state), o);
    REQUIRE(r.ok());
    std::vector<std::string> want;
    for (int k = 1; k <= 30; ++k) {
        want.push_back("start app.n" + std::to_string(k));
        want.push_back("end app.n" + std::to_string(k));
    }
    CHECK(told == want);
}

TEST_CASE("executor, by hand: a failed create stops what depends on it and names it") {
    auto state = std::make_shared<FakeState>();
    state->add_image("hand/app:latest", {});
    state->fail_create.insert("hand-app-one");
    Plan p;
    p.project = "hand";
    Action c1 = hand_action(1, ActionKind::Create, "app.one");
    c1.container = hand_spec("hand-app-one", "hand/app:latest");
    Action c2 = hand_action(2, ActionKind::Create, "app.two");
    c2.container = hand_spec("hand-app-two", "hand/app:latest");
    Action c3 = hand_action(3, ActionKind::Create, "app.three", {1});
    c3.container = hand_spec("hand-app-three", "hand/app:latest");
    p.actions = {c1, c2, c3};
    ExecReport r = execute(p, dockerops::test::fake_factory(state), {});
    CHECK(r.results[0].outcome == Outcome::Failed);
    CHECK_THAT(r.results[0].message, Catch::Contains("create refused"));
    CHECK(r.results[1].outcome == Outcome::Done);
    CHECK(r.results[2].outcome == Outcome::NotStarted);
    CHECK(r.results[2].message == "needs create app.one");
    CHECK(r.summary(p) == "Apply: 1 done, 1 failed, 1 not started.\n  failed: create app.one\n"
                          "  not started: create app.three (needs create app.one)\n");
}

TEST_CASE("executor, by hand: replace swaps the container in place, and puts the old one back when the new one dies") {
    auto state = std::make_shared<FakeState>();
    state->add_image("hand/app:latest", {});
    FakeEngine e(state);
    ContainerSpec old = hand_spec("hand-app-one", "hand/app:latest");
    auto old_id = e.create_container(old);
    REQUIRE(old_id);
    REQUIRE(e.start_container(*old_id));
    Plan p;
    p.project = "hand";
    Action r = hand_action(1, ActionKind::Replace, "app.one");
    r.container = hand_spec("hand-app-one", "hand/app:latest");
    r.container->env["V"] = "2";
    r.target_id = *old_id;
    r.target_name = "hand-app-one";
    p.actions = {r};

    SECTION("the new one comes up: the old one is gone") {
        REQUIRE(execute(p, dockerops::test::fake_factory(state), {}).ok());
        auto* now = state->by_name("hand-app-one");
        REQUIRE(now);
        CHECK(now->id != *old_id);
        CHECK(now->state == "running");
        CHECK(state->containers.size() == 1);
    }
    SECTION("the new one exits: the old one is back under its name, running, and the error says so") {
        state->exit_when_env.insert("V=2");
        ExecReport rep = execute(p, dockerops::test::fake_factory(state), {});
        REQUIRE_FALSE(rep.ok());
        CHECK_THAT(rep.results[0].message, Catch::Contains("the old container was put back and started"));
        auto* back = state->by_name("hand-app-one");
        REQUIRE(back);
        CHECK(back->id == *old_id);
        CHECK(back->state == "running");
        CHECK(state->containers.size() == 1);
    }
}

TEST_CASE("executor, by hand: an attached create hands over the terminal, reports its exit code, and removes the container") {
    auto state = std::make_shared<FakeState>();
    state->add_image("hand/app:latest", {});
    state->attached_exit = 7;
    dockerops::test::TempDir dir;
    Plan p;
    p.project = "hand";
    Action c = hand_action(1, ActionKind::Create, "app.x1");
    c.container = hand_spec("hand-app-x1", "hand/app:latest");
    c.container->tty = c.container->open_stdin = true;
    // A persistent folder made now is seeded from the image, as for any create.
    c.container->mounts.push_back({(dir.path() / "data").string(), "/data", false, true, true});
    c.attach = true;
    p.actions = {c};
    int handed = 0;
    ExecOptions o;
    o.before_attach = [&] { ++handed; };
    ExecReport r = execute(p, dockerops::test::fake_factory(state), o);
    REQUIRE(r.ok());
    CHECK(handed == 1);
    CHECK(r.results[0].exit_code == 7);
    CHECK(std::filesystem::is_directory(dir.path() / "data"));
    std::vector<std::string> calls = state->calls;
    CHECK(std::any_of(calls.begin(), calls.end(), [&](const std::string& call) {
        return call.starts_with("seed " + (dir.path() / "data").string()) && call.ends_with(":/data");
    }));
    CHECK(std::find(calls.begin(), calls.end(), "attach hand-app-x1") != calls.end());
    CHECK(std::find(calls.begin(), calls.end(), "start hand-app-x1") == calls.end());
    CHECK_FALSE(state->by_name("hand-app-x1"));
}

TEST_CASE("executor: a persistent folder appears only when fully seeded, and the folder it made is recorded beside it") {
    auto state = std::make_shared<FakeState>();
    state->add_image("hand/app:latest", {});
    dockerops::test::TempDir dir;
    const auto instance_dir = dir.path() / "app_x1";
    Plan p;
    p.project = "hand";
    Action c = hand_action(1, ActionKind::Create, "app.x1");
    c.container = hand_spec("hand-app-x1", "hand/app:latest");
    c.container->mounts.push_back({(instance_dir / "data").string(), "/data", false, true, true});
    p.actions = {c};
    // Interrupted: nothing in place, the unfinished seed beside it.
    state->seed_fails = true;
    REQUIRE_FALSE(execute(p, dockerops::test::fake_factory(state), {}).ok());
    CHECK_FALSE(std::filesystem::exists(instance_dir / "data"));
    CHECK(std::filesystem::exists(seeding_folder(instance_dir / "data") / "from-image"));
    CHECK(data_made_by_dockerops(instance_dir));
    // The next create seeds it again, completely, and moves it into place.
    state->seed_fails = false;
    REQUIRE(execute(p, dockerops::test::fake_factory(state), {}).ok());
    CHECK(std::filesystem::exists(instance_dir / "data" / "from-image"));
    CHECK_FALSE(std::filesystem::exists(seeding_folder(instance_dir / "data")));
    // Nothing of dockerops's inside the data folder itself.
    CHECK(std::distance(std::filesystem::directory_iterator(instance_dir / "data"), std::filesystem::directory_iterator()) == 1);
}

TEST_CASE("executor: purge-data deletes a folder only with its record, and the record with it") {
    auto state = std::make_shared<FakeState>();
    dockerops::test::TempDir dir;
    dir.write("mine/file", "the user's");
    dir.write("made/file", "dockerops's");
    REQUIRE(write_data_made_record(dir.path() / "made", "hand"));
    Plan p;
    p.project = "hand";
    Action a = hand_action(1, ActionKind::PurgeData, "app.x1");
    a.path = (dir.path() / "mine").string();
    Action b = hand_action(2, ActionKind::PurgeData, "app.x2");
    b.path = (dir.path() / "made").string();
    p.actions = {a, b};
    ExecReport r = execute(p, dockerops::test::fake_factory(state), {});
    CHECK(r.results[0].outcome == Outcome::Failed);
    CHECK(r.results[0].message.find("is not recorded as made by dockerops: kept") != std::string::npos);
    CHECK(std::filesystem::exists(dir.path() / "mine/file"));
    CHECK(r.results[1].outcome == Outcome::Done);
    CHECK_FALSE(std::filesystem::exists(dir.path() / "made"));
    CHECK_FALSE(std::filesystem::exists(data_made_record(dir.path() / "made")));
}

TEST_CASE("executor: the data folders made for a project are found by their records, another project's are not") {
    dockerops::test::TempDir dir;
    dir.write("web_one/log/x", "");
    dir.write("web_two/log/x", "");
    dir.write("other_one/log/x", "");
    dir.write("mine/file", "");
    REQUIRE(write_data_made_record(dir.path() / "web_one", "shop"));
    REQUIRE(write_data_made_record(dir.path() / "web_two", "shop"));
    REQUIRE(write_data_made_record(dir.path() / "other_one", "shopping"));
    CHECK(data_folders_made_for(dir.path(), "shop") == std::set<std::string>{"web_one", "web_two"});
    CHECK(data_folders_made_for(dir.path() / "missing", "shop").empty());
}
