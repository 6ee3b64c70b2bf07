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
