// make_build_plan, build_spec_of, and the kinds of objects a project needs.
#include "tests/planner/scenario.hpp"


namespace {

DesiredState shop_images(Scenario& s) {
    auto r = load_project(s.dir.path());
    REQUIRE(r.ok());
    auto d = compile_images(*r.project);
    REQUIRE(d);
    return *d;
}

}  // namespace

TEST_CASE("build plan: every image in FROM order, each after its parent, whatever it holds already") {
    Scenario s;
    DesiredState d = shop_images(s);
    CHECK(d.instances.empty());   // no variable was needed to get here
    auto g = DesiredGraph::build(d);
    REQUIRE(g);
    auto plan = make_build_plan(d, *g, {}, true);
    REQUIRE(plan);
    CHECK(render_text(*plan) == "build    image shop/base:latest: requested\n"
                                "build    image shop/db:latest: requested\n"
                                "build    image shop/web:latest: requested\n\n"
                                "Plan: 3 to build, 0 to create, 0 to replace, 0 to start, 0 to remove.\n");
    CHECK(plan->actions[1].depends_on == std::vector<int>{1});
    CHECK(plan->actions[2].depends_on == std::vector<int>{1});
    CHECK(plan->actions[2].build->no_cache);
    CHECK(plan->actions[2].build->labels.at(labels::kContextFiles).starts_with("Dockerfile="));
}

TEST_CASE("build plan: one container brings the images it is built FROM, and an unknown one is refused") {
    Scenario s;
    DesiredState d = shop_images(s);
    auto g = DesiredGraph::build(d);
    REQUIRE(g);
    auto web = make_build_plan(d, *g, {"web"}, false);
    REQUIRE(web);
    REQUIRE(web->actions.size() == 2);
    CHECK(web->actions[0].object == "shop/base:latest");
    CHECK(web->actions[1].object == "shop/web:latest");
    auto bad = make_build_plan(d, *g, {"wbe"}, false);
    REQUIRE_FALSE(bad);
    CHECK_THAT(bad.error().text(), Catch::StartsWith("project shop: no container 'wbe' (did you mean"));
}

TEST_CASE("provider kinds: a project needing a kind the provider lacks is refused, naming it") {
    Scenario s;
    CHECK(s.plan({{}, "", {ObjectKind::Image, ObjectKind::Network, ObjectKind::Container}}));
    auto refused = s.plan({{}, "", {ObjectKind::Network, ObjectKind::Container}});
    REQUIRE_FALSE(refused);
    CHECK(refused.error().text() == "project shop: the provider cannot make image objects, which this project needs");
    auto r = load_project(s.dir.path());
    REQUIRE(r.ok());
    CHECK(unsupported_kinds(*compile_images(*r.project), {}).empty());   // empty: every kind
}
