// Containers taken as an image (`image = "redis:7"`): pulled per `pull`, used
// as they are, never built, never removed.
#include "tests/planner/scenario.hpp"
#include "util/cidr.hpp"

using dockerops::test::replace_all;

namespace {

const char* kCache = R"([project]
name = "shop"
[containers.cache]
image = "redis:7"
PULL
[[instances]]
container = "cache"
name = "one"
)";

std::string with_pull(const std::string& pull) { return replace_all(kCache, "PULL", pull); }

}  // namespace

TEST_CASE("pulled image: a missing image is pulled before its instances, and the next plan has no changes") {
    Scenario s(with_pull(""));
    s.state->registry["redis:7"] = {};
    CHECK(s.text() == "pull     image redis:7: not on the engine\n"
                      "network  network shop: not found (subnet " + default_subnet("shop") + ")\n"
                      "create   cache.one: not found\n"
                      "\nPlan: 1 to pull, 0 to build, 2 to create, 0 to replace, 0 to start, 0 to remove.\n");
    auto p = s.plan();
    REQUIRE(p);
    CHECK(p->actions[2].depends_on == std::vector<int>{1, 2});   // the pull, the network
    s.apply();
    CHECK(std::count(s.state->calls.begin(), s.state->calls.end(), "pull redis:7") == 1);
    CHECK(s.container("shop-cache-one").image_id.starts_with("sha256:pulled"));
    CHECK(s.text() == "No changes.\n");
    // Saved and read back, a pull is a pull.
    auto back = parse_plan_json(render_json(*p));
    REQUIRE(back);
    CHECK(render_text(*back) == render_text(*p));
}

TEST_CASE("pulled image: an image on the engine is used as it is, whatever its labels") {
    Scenario s(with_pull("pull = \"missing\""));
    s.state->add_image("redis:7", {{"maintainer", "someone"}});
    CHECK(s.text() == "network  network shop: not found (subnet " + default_subnet("shop") + ")\n"
                      "create   cache.one: not found\n"
                      "\nPlan: 0 to build, 2 to create, 0 to replace, 0 to start, 0 to remove.\n");
}

TEST_CASE("pulled image: pull = never with the image missing is a plan error naming it") {
    Scenario s(with_pull("pull = \"never\""));
    auto p = s.plan();
    REQUIRE_FALSE(p);
    CHECK(p.error().text() == "container cache: image redis:7 is not on the engine, and pull = \"never\"");
    s.state->add_image("redis:7", {});
    CHECK(s.text().starts_with("network  network shop"));
}

TEST_CASE("pulled image: pull = always pulls at every apply, and a tag that moved replaces its instances") {
    Scenario s(with_pull("pull = \"always\""));
    s.state->registry["redis:7"] = {};
    s.apply();
    CHECK(s.text() == "pull     image redis:7: pull = \"always\"\n"
                      "\nPlan: 1 to pull, 0 to build, 0 to create, 0 to replace, 0 to start, 0 to remove.\n");
    s.apply();   // pulled again: the tag names a new image now
    const std::string now = s.state->image_ids_by_tag_of("redis:7");
    CHECK(s.text() == "pull     image redis:7: pull = \"always\"\n"
                      "replace  cache.one: image redis:7 now names " + now.substr(0, 19) + "\n"
                      "\nPlan: 1 to pull, 0 to build, 0 to create, 1 to replace, 0 to start, 0 to remove.\n");
}

TEST_CASE("pulled image: a failed pull fails its instances, which are not created") {
    Scenario s(with_pull(""));
    auto p = s.plan();
    REQUIRE(p);
    ExecReport rep = execute(*p, dockerops::test::fake_factory(s.state), {});
    CHECK_FALSE(rep.ok());
    CHECK(rep.results.at(0).message == "image redis:7: pull failed: pull access denied for redis:7, repository does not exist");
    CHECK(rep.results.at(2).outcome == Outcome::NotStarted);
    CHECK(s.state->by_name("shop-cache-one") == nullptr);
}

TEST_CASE("pulled image: destroy --rmi leaves the image, which is not the project's") {
    Scenario s(with_pull(""));
    s.state->registry["redis:7"] = {};
    s.apply();
    FakeEngine e(s.state);
    auto obs = e.observe("shop");
    REQUIRE(obs);
    DestroyOptions o;
    o.remove_images = true;
    auto p = make_destroy_plan("shop", *obs, o);
    REQUIRE(p);
    for (const auto& a : p->actions) CHECK(a.kind != ActionKind::RemoveImage);
}

TEST_CASE("pulled image: dockerops build skips it, and naming it is an error") {
    Scenario s(with_pull(""));
    auto c = s.compiled();
    auto all = make_build_plan(c->d, *c->g, {}, false);
    REQUIRE(all);
    CHECK(all->actions.empty());
    auto named = make_build_plan(c->d, *c->g, {"cache"}, false);
    REQUIRE_FALSE(named);
    CHECK(named.error().text() == "project shop: container 'cache' is taken as the image redis:7: nothing to build");
}

TEST_CASE("pulled image: depends_on healthy on it needs its image to declare a health check, judged from the image") {
    Scenario s(with_pull("") + "\n[containers.app]\n[[instances]]\ncontainer = \"app\"\nname = \"one\"\n"
                               "depends_on = { \"cache.one\" = \"healthy\" }\n");
    s.dir.write("containers/app/Dockerfile", "FROM dockerops/busybox:latest\n");
    s.state->add_image("redis:7", {});
    // Not known (the engine said nothing of it): judged by the next plan.
    CHECK(s.plan());
    s.state->image_healthcheck["redis:7"] = false;
    auto p = s.plan();
    REQUIRE_FALSE(p);
    CHECK(p.error().text() == "project shop: app.one: depends_on cache.one \"healthy\", but cache.one has no health check: its "
                              "image redis:7 declares none, and it has no healthcheck key (add one, or depend on it being "
                              "\"started\")");
    s.state->image_healthcheck["redis:7"] = true;
    CHECK(s.plan());
}
