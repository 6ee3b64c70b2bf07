// The commands' orchestration (cli/ops) on the in-memory engine: what a user
// sees and what ends up on the engine, with the terminal scripted.
#include "cli/ops/ops.hpp"
#include "tests/planner/scenario.hpp"
#include "util/files.hpp"

#include <deque>


namespace {

class ScriptedUi final : public ops::Ui {
public:
    void out(const std::string& text) override { std::lock_guard<std::mutex> l(m); stdout_text += text; }
    void err(const std::string& text) override { std::lock_guard<std::mutex> l(m); stderr_text += text; }
    std::string read_line(bool) override {
        if (answers.empty()) return "";
        std::string a = answers.front();
        answers.pop_front();
        return a;
    }
    std::mutex m;
    std::string stdout_text, stderr_text;
    std::deque<std::string> answers;
};

struct Ops {
    Ops() : session{ui, dockerops::test::fake_factory(shop.state)} {}
    ops::Where where() const { return {shop.dir.path().string()}; }
    ops::ApplyFlags yes() const {
        ops::ApplyFlags f;
        f.yes = true;
        return f;
    }
    int apply() { return ops::apply(session, ops::ApplyRequest{where(), {}, "", yes()}); }
    std::string take_out() { std::string o = ui.stdout_text; ui.stdout_text.clear(); return o; }
    bool called(const std::string& prefix) const {
        for (const auto& c : shop.state->calls) if (c.starts_with(prefix)) return true;
        return false;
    }
    Scenario shop;
    ScriptedUi ui;
    ops::Session session;
};

}  // namespace

TEST_CASE("ops: plan, apply, and a second plan says no changes") {
    Ops o;
    ops::PlanRequest plan{o.where(), {}, "", false, std::nullopt, true};
    CHECK(ops::plan(o.session, plan) == ops::kExitChanges);
    CHECK_THAT(o.take_out(), Catch::Contains("create   db.master: not found") &&
                                 Catch::EndsWith("Plan: 3 to build, 4 to create, 0 to replace, 0 to start, 0 to remove.\n"));
    CHECK(o.apply() == ops::kExitOk);
    CHECK_THAT(o.take_out(), Catch::Contains("Apply: 7 done, 0 failed, 0 not started."));
    CHECK(ops::plan(o.session, plan) == ops::kExitOk);
    CHECK(o.take_out() == "No changes.\n");
}

TEST_CASE("ops: without a terminal, apply needs --yes and changes nothing") {
    Ops o;
    ops::ApplyFlags flags;   // no --yes, no terminal
    CHECK(ops::apply(o.session, ops::ApplyRequest{o.where(), {}, "", flags}) == ops::kExitError);
    CHECK_THAT(o.ui.stderr_text, Catch::Contains("not a terminal, so nothing was changed: pass --yes"));
    CHECK_FALSE(o.called("create "));
    CHECK(o.shop.state->networks.empty());   // nor is the lock left behind
}

TEST_CASE("ops: on a terminal, declining the question changes nothing") {
    Ops o;
    o.ui.in_terminal = true;
    o.ui.answers = {"n"};
    ops::ApplyFlags flags;
    CHECK(ops::apply(o.session, ops::ApplyRequest{o.where(), {}, "", flags}) == ops::kExitError);
    CHECK_THAT(o.take_out(), Catch::EndsWith("Apply these changes? [y/N] Apply cancelled.\n"));
    CHECK_FALSE(o.called("create "));
}

TEST_CASE("ops: run of an undeclared instance makes it ad hoc, and a later apply keeps it") {
    Ops o;
    REQUIRE(o.apply() == ops::kExitOk);
    ops::RunRequest r{o.where(), "web.extra", std::nullopt, std::nullopt, {}, o.yes()};
    CHECK(ops::run(o.session, r) == ops::kExitOk);
    auto* extra = o.shop.state->by_name("shop-web-extra");
    REQUIRE(extra);
    CHECK(extra->labels.at(labels::kAdhoc) == "true");
    CHECK(extra->state == "running");
    o.take_out();
    REQUIRE(o.apply() == ops::kExitOk);
    CHECK(o.take_out() == "warning: web.extra was started by 'dockerops run' and is not in the configuration: kept "
                          "('dockerops clean web.extra' removes it)\nNo changes.\n");
}

TEST_CASE("ops: run --set changes a switch for that run only, through the plan") {
    Ops o;
    ops::RunRequest r{o.where(), "db.master", std::nullopt, std::nullopt, {{"persistent_data", true}}, o.yes()};
    CHECK(ops::run(o.session, r) == ops::kExitOk);
    auto* db = o.shop.state->by_name("shop-db-master");
    REQUIRE(db);
    CHECK(o.called("seed " + (o.shop.dir.path() / "data/db_master/data").string()));
}

TEST_CASE("ops: an interactive run is an attached create: seeded, the lock let go first, removed after, its exit code returned") {
    Ops o;
    o.shop.state->attached_exit = 3;
    ops::RunRequest r{o.where(), "web", std::string("dev"), InstanceType::Interactive, {{"persistent_data", true}}, o.yes()};
    CHECK(ops::run(o.session, r) == 3);
    CHECK(o.called("attach shop-web-dev"));
    CHECK_FALSE(o.called("attached while"));   // the project lock is not held while someone works in the shell
    CHECK(o.called("seed " + (o.shop.dir.path() / "data/web_dev/data").string()));
    CHECK_FALSE(o.shop.state->by_name("shop-web-dev"));
    CHECK(o.called("build shop/web:latest"));   // what it needs was made first
    SECTION("a second one of that name while it exists is refused") {
        REQUIRE(o.apply() == ops::kExitOk);
        ContainerSpec spec;
        spec.name = "shop-web-dev";
        spec.image = "shop/web:latest";
        spec.labels = {{labels::kProject, "shop"}, {labels::kContainer, "web"}, {labels::kInstance, "dev"}};
        FakeEngine e(o.shop.state);
        REQUIRE(stamp_owner(e, spec));
        REQUIRE(e.create_container(spec));
        CHECK(ops::run(o.session, r) == ops::kExitError);
        CHECK_THAT(o.ui.stderr_text, Catch::Contains("instance web.dev already exists: 'dockerops clean web.dev' first"));
    }
}

TEST_CASE("ops: build builds independent images at once, each after the one it is built FROM") {
    Ops o;
    // web and db are both FROM base: they build together, after it.
    o.shop.state->build_together = {"shop/web:latest", "shop/db:latest"};
    CHECK(ops::build(o.session, ops::BuildRequest{o.where(), {"all"}, false, ops::BuildRequest::Progress::Plain, 4}) ==
          ops::kExitOk);
    const std::string out = o.take_out();
    CHECK_THAT(out, Catch::StartsWith("build shop/base:latest\n"));
    CHECK_THAT(out, Catch::Contains("  web | Step 1/1 : FROM x\n"));
    CHECK_THAT(out, Catch::Contains("  db | Step 1/1 : FROM x\n"));
    CHECK_THAT(out, Catch::EndsWith("3 images built\n"));
    CHECK(o.shop.state->builds_started.size() == 2);
}

TEST_CASE("ops: build builds every image in FROM order through the executor, naming what it built") {
    Ops o;
    CHECK(ops::build(o.session, ops::BuildRequest{o.where(), {"all"}, false, ops::BuildRequest::Progress::Plain}) == ops::kExitOk);
    const std::string out = o.take_out();
    CHECK_THAT(out, Catch::StartsWith("build shop/base:latest\n  base | Step 1/1 : FROM x\nbuilt shop/base:latest (sha256:img"));
    CHECK_THAT(out, Catch::EndsWith("3 images built\n"));
    o.shop.state->fail_build.insert("shop/base:latest");
    CHECK(ops::build(o.session, ops::BuildRequest{o.where(), {"web"}, false, ops::BuildRequest::Progress::Auto}) == ops::kExitError);
    CHECK_THAT(o.ui.stderr_text, Catch::Contains("build failed at Step 2/2") && Catch::Contains("not built: shop/web:latest"));
}

TEST_CASE("ops: a saved plan is applied only while the engine holds what it was made from") {
    Ops o;
    const std::string file = (o.shop.dir.path() / "plan.json").string();
    REQUIRE(ops::plan(o.session, ops::PlanRequest{o.where(), {}, "", false, file, false}) == ops::kExitOk);
    REQUIRE(o.apply() == ops::kExitOk);   // the engine moves on
    CHECK(ops::apply_saved(o.session, o.where(), file, o.yes()) == ops::kExitError);
    CHECK_THAT(o.ui.stderr_text, Catch::Contains("the saved plan is stale") && Catch::Contains("appeared"));
    REQUIRE(ops::plan(o.session, ops::PlanRequest{o.where(), {"web.two"}, "", false, file, false}) == ops::kExitOk);
    o.shop.container("shop-web-two").state = "exited";
    CHECK(ops::apply_saved(o.session, o.where(), file, o.yes()) == ops::kExitError);   // changed since
    REQUIRE(ops::plan(o.session, ops::PlanRequest{o.where(), {"web.two"}, "", false, file, false}) == ops::kExitOk);
    o.take_out();
    CHECK(ops::apply_saved(o.session, o.where(), file, o.yes()) == ops::kExitOk);
    CHECK_THAT(o.take_out(), Catch::StartsWith("start    web.two: exited (0)") && Catch::Contains("Apply: 1 done"));
}

TEST_CASE("ops: ps lists the instances, destroy removes them and the network") {
    Ops o;
    REQUIRE(o.apply() == ops::kExitOk);
    auto rows = ops::ps_rows(o.session, o.where(), false);
    REQUIRE(rows);
    REQUIRE(rows->size() == 4);
    CHECK((*rows)[1][0] == "db");
    CHECK((*rows)[1][1] == "master");
    CHECK((*rows)[1][3] == "running");
    ops::RemoveRequest destroy{o.where(), {}, false, false, "Destroy these?", o.yes()};
    destroy.flags.allow_destroy_all = true;
    CHECK(ops::remove_instances(o.session, destroy) == ops::kExitOk);
    CHECK(o.shop.state->containers.empty());
    CHECK(o.shop.state->networks.empty());
}

TEST_CASE("ops: init in an empty folder makes a starter project named after the folder") {
    Ops o;
    dockerops::test::TempDir top;
    const auto folder = top.path() / "My Shop";
    std::filesystem::create_directories(folder);
    // ssh-keygen may be missing where unit tests run: the starter project comes first either way.
    ops::init(o.session, ops::Where{folder.string()});
    CHECK_THAT(o.take_out(), Catch::StartsWith("made a starter project 'my-shop'"));
    auto r = load_project(folder, std::nullopt, dockerops::test::source_share());
    REQUIRE(r.ok());
    CHECK(r.project->name == "my-shop");
    CHECK(r.project->instance_ids() == std::vector<std::string>{"app.one"});
    auto d = compile_images(*r.project);
    REQUIRE(d);
    CHECK(d->images.at("app").parents == std::vector<std::string>{"dockerops-base"});
    // In a folder that has a project, init makes nothing else.
    ops::init(o.session, o.where());
    CHECK_THAT(o.take_out(), !Catch::Contains("starter project"));
}

TEST_CASE("ops: destroy answered on a terminal carries its plan out under the lock it took again") {
    Ops o;
    REQUIRE(o.apply() == ops::kExitOk);
    o.shop.state->calls.clear();
    o.ui.in_terminal = true;
    o.ui.answers = {"y", "shop"};   // the question, then the project's name (it removes every instance)
    ops::ApplyFlags flags;
    ops::RemoveRequest r{o.where(), {}, false, false, "Destroy these?", flags};
    CHECK(ops::remove_instances(o.session, r) == ops::kExitOk);
    // The lock network is made again after the answer and removed only after the last removal.
    const auto& calls = o.shop.state->calls;
    auto relock = std::find(calls.rbegin(), calls.rend(), "network shop-dockerops-lock");
    auto unlock = std::find(calls.rbegin(), calls.rend(), "remove-network shop-dockerops-lock");
    auto last_remove = std::find_if(calls.rbegin(), calls.rend(), [](const std::string& c) { return c.starts_with("remove shop-"); });
    REQUIRE(relock != calls.rend());
    REQUIRE(unlock != calls.rend());
    REQUIRE(last_remove != calls.rend());
    CHECK(unlock < last_remove);   // reverse iterators: the unlock came after the last removal
    CHECK(last_remove < relock);   // and the removals after the lock was taken again
}

TEST_CASE("ops: config shows depends_on, and secret files apart from secret env") {
    Ops o;
    o.shop.config(std::string(dockerops::test::kShop) + R"(
[[instances]]
container = "web"
name = "three"
depends_on = { "db.master" = "started" }
secret_env = ["API_TOKEN"]
secret_files = ["DB_CERT"]
)");
    const int rc = ops::config(o.session, o.where());
    INFO(o.ui.stderr_text);
    REQUIRE(rc == ops::kExitOk);
    const std::string json = o.take_out();
    CHECK_THAT(json, Catch::Contains(R"j("secret_env":{"API_TOKEN":{"from":"missing (asked on a terminal)","value":null}})j"));
    CHECK_THAT(json, Catch::Contains(R"j("secret_files":{"DB_CERT":{"from":"missing (asked on a terminal)","value":null}})j"));
    CHECK_THAT(json, Catch::Contains(R"j("depends_on":{"db.master":"started"})j"));
}

TEST_CASE("ops: a reading command outside a project says what is wrong once, and no word of changes") {
    Ops o;
    dockerops::test::TempDir empty;
    CHECK(ops::config(o.session, ops::Where{empty.path().string()}) == ops::kExitError);
    CHECK(ops::ps_rows(o.session, ops::Where{empty.path().string()}, false).error().kind == ErrorKind::Reported);
    CHECK_THAT(o.ui.stderr_text, Catch::Contains("cannot read the configuration file") && !Catch::Contains("nothing was changed") &&
                                     Catch::Contains("1 error in the configuration\n"));
    o.ui.stderr_text.clear();
    CHECK(o.apply() == ops::kExitOk);   // the shop itself is fine
    CHECK(ops::apply(o.session, ops::ApplyRequest{ops::Where{empty.path().string()}, {}, "", o.yes()}) == ops::kExitError);
    CHECK_THAT(o.ui.stderr_text, Catch::EndsWith("1 error in the configuration; nothing was changed\n"));
}

TEST_CASE("ops: destroy and clean end with their own word, not Apply") {
    Ops o;
    REQUIRE(o.apply() == ops::kExitOk);
    o.take_out();
    ops::RemoveRequest r{o.where(), {"web.two"}, false, false, std::nullopt, o.yes()};
    r.flags.heading = "Clean";
    CHECK(ops::remove_instances(o.session, r) == ops::kExitOk);
    CHECK_THAT(o.take_out(), Catch::Contains("Clean: 1 done, 0 failed, 0 not started.") && !Catch::Contains("Apply:"));
}

TEST_CASE("ops: the key pair is made on first need, for a project built FROM the base container") {
    if (!std::filesystem::exists("/usr/bin/ssh-keygen")) return;   // what init's test notes: where unit tests run it may be missing
    Ops o;
    dockerops::test::TempDir top;
    const auto folder = top.path() / "keys";
    std::filesystem::create_directories(folder);
    ops::init(o.session, ops::Where{folder.string()});
    std::filesystem::remove_all(folder / ".dockerops");
    // The shop is built FROM busybox: no key pair for it.
    REQUIRE(ops::plan(o.session, ops::PlanRequest{o.where(), {}, "", false, std::nullopt, false}) == ops::kExitOk);
    CHECK_FALSE(std::filesystem::exists(o.shop.dir.path() / ".dockerops/ssh/id_ed25519"));
    // The starter project is FROM dockerops/dockerops-base: its first plan makes one, and mounts it.
    auto d = ops::compile_with_prompts(o.session, *ops::load_or_report(o.session, ops::Where{folder.string()}));
    REQUIRE(d);
    CHECK(std::filesystem::exists(folder / ".dockerops/ssh/id_ed25519"));
    CHECK(std::filesystem::exists(folder / ".dockerops/ssh/id_ed25519.pub"));
    CHECK_THAT(o.ui.stderr_text, Catch::Contains("made a key pair for project 'keys'"));
    bool mounted = false;
    for (const auto& i : d->instances)
        for (const auto& m : i.spec->mounts) mounted = mounted || m.target == "/run/dockerops/ssh";
    CHECK(mounted);
    const std::string ignored = dockerops::read_text_file(folder / ".gitignore").value_or("");
    CHECK_THAT(ignored, Catch::Contains(".dockerops/\n") && Catch::Contains("dockerops.host.toml\n") && Catch::Contains("data/\n"));
}

TEST_CASE("ops: pause, unpause and kill act on running instances only, and say what they passed over") {
    Ops o;
    REQUIRE(o.apply() == ops::kExitOk);
    o.take_out();
    auto verb = [&](ops::Lifecycle v, std::vector<std::string> targets, std::string signal = "SIGKILL") {
        ops::LifecycleRequest r{o.where(), std::move(targets), "", v, std::move(signal)};
        return ops::lifecycle(o.session, r);
    };
    CHECK(verb(ops::Lifecycle::Pause, {"web.one"}) == ops::kExitOk);
    CHECK(o.take_out() == "paused web.one\n");
    CHECK(verb(ops::Lifecycle::Pause, {"web.one"}) == ops::kExitOk);
    CHECK(o.take_out() == "web.one is paused already\n");
    CHECK(verb(ops::Lifecycle::Kill, {"web.one"}) == ops::kExitOk);
    CHECK(o.take_out() == "web.one is not running (paused)\n");
    CHECK(verb(ops::Lifecycle::Unpause, {"web"}) == ops::kExitOk);
    CHECK(o.take_out() == "unpaused web.one\nweb.two is not paused (running)\n");
    CHECK(verb(ops::Lifecycle::Kill, {"web.two"}, "SIGHUP") == ops::kExitOk);
    CHECK(o.take_out() == "sent SIGHUP to web.two\n");
    CHECK(verb(ops::Lifecycle::Kill, {"web.two"}, "SIGNOPE") == ops::kExitError);
    CHECK(o.called("pause shop-web-one"));
    CHECK(o.called("unpause shop-web-one"));
    CHECK(o.called("kill shop-web-two SIGHUP"));
}

namespace {
// The one spec created under `prefix` (run --rm names its copy run-XXXX).
const ContainerSpec* created_like(const FakeState& s, const std::string& prefix) {
    const ContainerSpec* found = nullptr;
    for (const auto& [name, spec] : s.created)
        if (name.starts_with(prefix)) {
            if (found) FAIL("more than one container created as " + prefix + "*");
            found = &spec;
        }
    return found;
}
}  // namespace

TEST_CASE("ops: run --rm is a one-off copy of an instance: its command, attached, removed, its exit code returned") {
    Ops o;
    o.shop.state->attached_exit = 7;
    ops::RunRequest r{o.where(), "web", std::nullopt, std::nullopt, {}, o.yes()};
    r.rm = ops::RunRequest::OneOffRun{{"sh", "-c", "echo hi"}, false, false};
    SECTION("a copy of the first declared instance, its dependencies brought up first") {
        CHECK(ops::run(o.session, r) == 7);
        const ContainerSpec* one = created_like(*o.shop.state, "shop-web-run-");
        REQUIRE(one);
        CHECK(one->command == std::vector<std::string>{"sh", "-c", "echo hi"});
        CHECK_FALSE(one->tty);
        CHECK((one->open_stdin && one->stdin_once));
        CHECK(one->restart_policy.empty());
        CHECK(one->env.at("API_URL") == "http://api.example");   // web.one's own
        CHECK(one->links == std::vector<std::string>{"shop-db-master:DB"});
        CHECK(one->labels.at(labels::kAdhoc) == "true");
        CHECK(std::none_of(one->ports.begin(), one->ports.end(), [](const PortSpec& p) { return p.publish; }));
        CHECK(std::find(one->aliases.begin(), one->aliases.end(), "web-one") == one->aliases.end());
        CHECK(o.called("attach " + one->name + " (no tty)"));
        CHECK_FALSE(o.called("attached while"));       // the lock was let go first
        CHECK_FALSE(o.shop.state->by_name(one->name));  // removed at its end
        // web.one links to db.master: it was made and started first; the
        // other instances of the project were left alone.
        auto* db = o.shop.state->by_name("shop-db-master");
        REQUIRE(db);
        CHECK(db->state == "running");
        CHECK_FALSE(o.shop.state->by_name("shop-web-one"));
        CHECK_FALSE(o.shop.state->by_name("shop-web-two"));
        // Its standard output is the one-off's: the plan went to standard error.
        CHECK(o.ui.stdout_text.empty());
        CHECK_THAT(o.ui.stderr_text, Catch::Contains("create   db.master: not found"));
    }
    SECTION("--no-deps: its dependencies are neither made nor waited for") {
        r.where.no_deps = true;
        CHECK(ops::run(o.session, r) == 7);
        CHECK(o.called("build shop/web:latest"));   // its image is made
        CHECK_FALSE(o.called("create shop-db-master"));
        // Again, with nothing to make first: the one-off alone, without a word.
        o.ui.stderr_text.clear();
        CHECK(ops::run(o.session, r) == 7);
        CHECK(o.ui.stderr_text.empty());
        CHECK(o.ui.stdout_text.empty());
    }
    SECTION("a named instance is copied with its data folders, and --service-ports publishes its ports") {
        o.shop.config(std::string(test::kShop) + "ports = [\"8081:8080\"]\n");
        r.target = "db.master";
        r.rm->service_ports = true;
        CHECK(ops::run(o.session, r) == 7);
        const ContainerSpec* one = created_like(*o.shop.state, "shop-db-run-");
        REQUIRE(one);
        const std::string data = (o.shop.dir.path() / "data/db_master/data").string();
        CHECK(std::any_of(one->mounts.begin(), one->mounts.end(), [&](const MountSpec& m) { return m.source == data; }));
        r.target = "web.two";
        CHECK(ops::run(o.session, r) == 7);
        const ContainerSpec* web = created_like(*o.shop.state, "shop-web-run-");
        REQUIRE(web);
        CHECK(std::any_of(web->ports.begin(), web->ports.end(), [](const PortSpec& p) { return p.publish && p.host_port == 8081; }));
    }
    SECTION("an instance that is not declared is refused, naming those that are") {
        r.target = "web.three";
        CHECK(ops::run(o.session, r) == ops::kExitError);
        CHECK_THAT(o.ui.stderr_text, Catch::Contains("no instance 'three' of container 'web' to copy"));
        CHECK(o.shop.state->created.empty());
    }
}

TEST_CASE("ops: a declared instance the engine has no container of is said so, not suggested as itself") {
    Ops o;
    auto none = ops::top_text(o.session, o.where(), {"web.one"}, false);
    REQUIRE_FALSE(none);
    CHECK(none.error().message == "'web.one' is declared, and the engine has no container of it (dockerops apply makes it)");
    auto container = ops::top_text(o.session, o.where(), {"web"}, false);
    REQUIRE_FALSE(container);
    CHECK(container.error().message == "'web' is declared, and the engine has no container of it (dockerops apply makes it)");
}

TEST_CASE("ops: top lists the processes of running instances, events the project's own, pull the images taken as they are") {
    Ops o;
    REQUIRE(o.apply() == ops::kExitOk);
    o.take_out();
    SECTION("top") {
        auto text = ops::top_text(o.session, o.where(), {"web"}, false);
        REQUIRE(text);
        CHECK(*text == "web.one\nUID   PID   CMD\nroot  4242  sleep 3600\n\nweb.two\nUID   PID   CMD\nroot  4242  sleep 3600\n");
        auto json = ops::top_text(o.session, o.where(), {"db.master"}, true);
        REQUIRE(json);
        CHECK(*json == R"([{"instance":"db.master","titles":["UID","PID","CMD"],"processes":[["root","4242","sleep 3600"]]}])" "\n");
        auto none = ops::top_text(o.session, o.where(), {"nope"}, false);
        REQUIRE_FALSE(none);
        CHECK_THAT(none.error().message, Catch::Contains("no instance of the project matches 'nope'"));
    }
    SECTION("events") {
        EngineEvent start{"container", "start", "c123456789abcdef", 1'764'697'701'123'456'789LL,
                          {{"name", "shop-web-one"}, {labels::kProject, "shop"}, {labels::kContainer, "web"}, {labels::kInstance, "one"}}};
        EngineEvent die = start;
        die.action = "die";
        die.attributes["exitCode"] = "137";
        EngineEvent other = start;
        other.attributes[labels::kProject] = "someone-else";
        o.shop.state->events = {start, other, die};
        ops::EventsRequest r{o.where(), "1764697700", "", false};
        CHECK(ops::events(o.session, r) == ops::kExitOk);
        CHECK(o.take_out() == "2025-12-02T17:48:21.123456789Z container start web.one (shop-web-one)\n"
                              "2025-12-02T17:48:21.123456789Z container die web.one (shop-web-one) exit 137\n");
        CHECK(o.called("events shop 1764697700..0"));
        r.json = true;
        CHECK(ops::events(o.session, r) == ops::kExitOk);
        const std::string out = o.take_out();
        CHECK_THAT(out, Catch::StartsWith(R"({"time":"2025-12-02T17:48:21.123456789Z","type":"container","action":"start","id":"c123456789abcdef",)"
                                          R"("name":"shop-web-one","instance":"web.one","attributes":{)"));
        CHECK(std::count(out.begin(), out.end(), '\n') == 2);
        r.until = "yesterday";
        CHECK(ops::events(o.session, r) == ops::kExitError);
        CHECK_THAT(o.ui.stderr_text, Catch::Contains("--until 'yesterday' is not a duration (10m), a UNIX time or a date"));
    }
    SECTION("pull") {
        o.shop.config(std::string(test::kShop) + "\n[containers.cache]\nimage = \"redis:7\"\n[[instances]]\ncontainer = \"cache\"\nname = \"one\"\n");
        o.shop.state->registry["redis:7"] = {};
        CHECK(ops::pull(o.session, o.where(), {}) == ops::kExitOk);
        const std::string out = o.take_out();
        CHECK_THAT(out, Catch::Contains("base: shop/base:latest is built here ('dockerops build'), not pulled\n") &&
                            Catch::Contains("cache: pulled redis:7 (pulled"));
        CHECK(o.called("pull redis:7"));
        CHECK(ops::pull(o.session, o.where(), {"cache"}) == ops::kExitOk);
        CHECK(o.take_out().starts_with("cache: pulled redis:7"));
        o.shop.state->registry.clear();
        CHECK(ops::pull(o.session, o.where(), {"cache"}) == ops::kExitError);
        CHECK_THAT(o.ui.stderr_text, Catch::Contains("dockerops: cache: pull failed: pull access denied for redis:7"));
    }
}

TEST_CASE("ops: the share folder is found beside the test's executable (the build folder's link), and named by DOCKEROPS_SHARE_DIR") {
    const char* before = std::getenv("DOCKEROPS_SHARE_DIR");
    REQUIRE(before == nullptr);
    // <build>/tests/share/dockerops or <build>/share/dockerops: CMake's link to the sources' share/.
    CHECK(ops::share_dir() == std::filesystem::canonical(dockerops::test::source_share()));
    dockerops::test::TempDir other;
    other.write("containers/dockerops-base/Dockerfile", "FROM scratch\n");
    setenv("DOCKEROPS_SHARE_DIR", other.path().c_str(), 1);
    CHECK(ops::share_dir() == other.path());
    CHECK(ops::load_options({}).share_dir == other.path());
    unsetenv("DOCKEROPS_SHARE_DIR");
}

TEST_CASE("ops: an external volume must exist: apply says which and makes nothing of it, and destroy --purge-data leaves it") {
    Ops o;
    o.shop.config(R"([project]
name = "shop"
[volumes.media]
external = true
name = "shared-media"
[containers.web]
[[instances]]
container = "web"
name = "one"
volumes = ["media:/media", "own:/own"]
)");
    CHECK(o.apply() == ops::kExitError);
    CHECK_THAT(o.ui.stdout_text + o.ui.stderr_text, Catch::Contains("the external volume 'shared-media' does not exist: make it first"));
    INFO(o.ui.stdout_text);
    CHECK_FALSE(o.called("volume shared-media"));
    // Made outside the project (no label of it), then used as it is.
    o.shop.state->volumes.emplace("shared-media", ObservedVolume{"shared-media", {}});
    o.ui.stderr_text.clear();
    CHECK(o.apply() == ops::kExitOk);
    CHECK_FALSE(o.called("volume shared-media"));
    CHECK(o.called("volume shop_own"));
    ops::RemoveRequest destroy{o.where(), {}, true, false, std::nullopt, o.yes()};
    CHECK(ops::remove_instances(o.session, destroy) == ops::kExitOk);
    CHECK(o.shop.state->volumes.count("shared-media") == 1);
    CHECK(o.shop.state->volumes.count("shop_own") == 0);
}

TEST_CASE("ops: an external network must be on the engine: the plan stops naming it, and once there it is joined, never made or removed") {
    Ops o;
    o.shop.config(R"([project]
name = "shop"
[networks.front]
external = true
name = "platform-front"
[containers.web]
[[instances]]
container = "web"
name = "one"
networks = ["default", "front"]
network_aliases = { front = ["www"] }
)");
    ops::PlanRequest plan{o.where(), {}, "", false, std::nullopt, true};
    CHECK(ops::plan(o.session, plan) == ops::kExitError);
    CHECK_THAT(o.ui.stderr_text, Catch::Contains("network platform-front: the external network 'platform-front' does not exist: make it first"));
    o.shop.state->networks.emplace("n-ext", ObservedNetwork{"n-ext", "platform-front", "10.99.0.0/24", {}});
    o.ui.stderr_text.clear();
    CHECK(o.apply() == ops::kExitOk);
    CHECK_FALSE(o.called("network platform-front"));
    const ObservedContainer* web = o.shop.state->by_name("shop-web-one");
    REQUIRE(web);
    CHECK(web->addresses.count("platform-front"));
    CHECK(ops::plan(o.session, plan) == ops::kExitOk);
    ops::RemoveRequest destroy{o.where(), {}, true, false, std::nullopt, o.yes()};
    CHECK(ops::remove_instances(o.session, destroy) == ops::kExitOk);
    CHECK(o.shop.state->networks.count("n-ext") == 1);
}
