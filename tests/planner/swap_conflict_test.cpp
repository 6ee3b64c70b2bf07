// A replace takes two more names (<name>-dockerops-new and -old): one held by
// a container dockerops did not create is a conflict at plan time, and apply
// refuses before touching the live instance.
#include "tests/planner/scenario.hpp"

using dockerops::test::replace_all;

TEST_CASE("swap names: a foreign container holding -dockerops-old or -new is a conflict when a replace is planned") {
    for (std::string suffix : {"-dockerops-old", "-dockerops-new"}) {
        Scenario s;
        s.apply();
        {
            std::lock_guard<std::mutex> l(s.state->m);
            ObservedContainer squatter;
            squatter.id = "foreign1234567890";
            squatter.name = "shop-web-one" + suffix;
            squatter.state = "running";
            squatter.labels = {{"io.dockerops.project", "shop"}};   // a label alone proves nothing
            s.state->containers[squatter.id] = squatter;
        }
        // Nothing to replace: the name is no one's business.
        CHECK(s.text() == "No changes.\n");
        s.config(replace_all(dockerops::test::kShop, "http://api.example", "http://api2.example"));
        auto p = s.plan();
        REQUIRE(p);
        REQUIRE(p->conflicts.size() == 1);
        CHECK(p->conflicts[0].object == "web.one");
        CHECK(p->conflicts[0].message == "the name shop-web-one" + suffix +
                                             ", which replacing web.one needs, is taken by a container dockerops did not "
                                             "create (id foreign12345)");
    }
}

TEST_CASE("seed leftovers: a helper an interrupted seed left is removed first, and creates wait for it") {
    Scenario s;
    s.apply();
    {
        std::lock_guard<std::mutex> l(s.state->m);
        // As the provider makes it: the project's label and the owner token of its image.
        const std::string image = s.state->containers.begin()->second.image_id;
        ObservedContainer helper;
        helper.id = "seedhelper0001";
        helper.name = "shop-dockerops-seed-0123456789ab";
        helper.state = "created";
        helper.image_id = image;
        helper.labels = {{"io.dockerops.project", "shop"}, {"io.dockerops.owner", container_owner_token("shop", image)}};
        s.state->containers[helper.id] = helper;
    }
    s.config(replace_all(dockerops::test::kShop, "http://api.example", "http://api2.example"));
    auto p = s.plan();
    REQUIRE(p);
    REQUIRE(p->actions.size() == 2);
    CHECK(p->actions[0].kind == ActionKind::Remove);
    CHECK(p->actions[0].cause == "left over from an interrupted seed");
    CHECK(p->actions[1].object == "web.one");
    CHECK(p->actions[1].depends_on == std::vector<int>{1});
}
