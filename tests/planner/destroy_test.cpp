// make_destroy_plan.
#include "tests/planner/scenario.hpp"

using dockerops::test::TempDir;
using dockerops::test::kShop;
using dockerops::test::replace_all;

TEST_CASE("plan: destroy removes the containers, then the network, and data only with --purge-data") {
    Scenario s;
    s.apply();
    FakeEngine e(s.state);
    auto obs = e.observe("shop");
    REQUIRE(obs);
    auto all = make_destroy_plan("shop", *obs, {{}, false, "/srv/data", false, {}, ""});
    REQUIRE(all);
    CHECK(render_text(*all) ==
          "remove   db.master: destroy\nremove   web.one: destroy\nremove   web.two: destroy\n"
          "remove-network network shop: nothing left on it\n"
          "\nPlan: 0 to build, 0 to create, 0 to replace, 0 to start, 4 to remove.\n");
    // Only a folder recorded as made by dockerops is purged; one that is not is kept, and said.
    DestroyOptions purge{{"web.two"}, true, "/srv/data", false, {}, ""};
    purge.data_made = {"web_two"};
    auto one = make_destroy_plan("shop", *obs, purge);
    REQUIRE(one);
    CHECK(render_text(*one) == "remove   web.two: destroy\npurge-data data of web.two (/srv/data/web_two): --purge-data\n"
                               "\nPlan: 0 to build, 0 to create, 0 to replace, 0 to start, 2 to remove.\n");
    purge.data_made.clear();
    purge.data_not_made = {"web_two"};
    auto kept = make_destroy_plan("shop", *obs, purge);
    REQUIRE(kept);
    CHECK(render_text(*kept) == "warning: data of web.two (/srv/data/web_two) was not made by dockerops: kept (delete it by hand "
                                "if it is not wanted)\nremove   web.two: destroy\n"
                                "\nPlan: 0 to build, 0 to create, 0 to replace, 0 to start, 1 to remove.\n");
    // A folder made for an instance that is gone is purged with the whole project, not with a TARGET.
    DestroyOptions whole{{}, true, "/srv/data", false, {}, ""};
    whole.data_left = {"web_three"};
    auto left = make_destroy_plan("shop", *obs, whole);
    REQUIRE(left);
    CHECK_THAT(render_text(*left), Catch::Contains("purge-data data of web_three (/srv/data/web_three): --purge-data (its instance "
                                                   "was removed earlier)\n"));
    purge.data_left = {"web_three"};
    CHECK_THAT(render_text(*make_destroy_plan("shop", *obs, purge)), !Catch::Contains("web_three"));
    auto bad = make_destroy_plan("shop", *obs, {{"nope"}, false, "", false, {}, ""});
    REQUIRE_FALSE(bad);
    CHECK(bad.error().text() == "project shop: no container of the project matches 'nope'");
}
