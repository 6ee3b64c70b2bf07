// A create's spec is made from its instance's desired spec when it is asked
// for (planner/action_spec.hpp); a replace holds its own.
#include "tests/planner/scenario.hpp"

namespace {

const Action& action_of(const Plan& p, const std::string& object) {
    for (const auto& a : p.actions)
        if (a.object == object && a.container) return a;
    FAIL("no action with a spec for " + object);
    throw;   // not reached
}

}  // namespace

TEST_CASE("action spec: a create shares its instance's desired spec and makes the full one when asked") {
    Scenario s;
    auto c = s.compiled();
    const DesiredInstance& web = *c->d.find("web.one");
    const long shared_before = web.spec.share().use_count();
    FakeEngine e(s.state);
    auto obs = e.observe(c->d.project);
    REQUIRE(obs);
    auto p = make_plan(c->d, *c->g, *obs, {});
    REQUIRE(p);
    const Action& create = action_of(*p, "web.one");
    CHECK(create.kind == ActionKind::Create);
    CHECK(create.container.deferred());
    CHECK(web.spec.share().use_count() == shared_before + 1);   // the action holds the desired spec, not a copy
    CHECK(create.container.name() == "shop-web-one");

    // Writing the plan makes each spec for the moment it is written: none is kept.
    const std::string json = render_json(*p);
    CHECK(create.container.deferred());

    const ContainerSpec made = create.container.made();
    const ContainerSpec& db = *action_of(*p, "db.master").container;
    CHECK_FALSE(made.ipv4.empty());
    REQUIRE_FALSE(web.spec->has_extras());
    CHECK_FALSE(made.has_extras());                               // placing it allocates no rarely set keys
    CHECK(web.spec->ipv4.empty());                                // the address is the plan's, not the desired state's
    CHECK(made.env.at("DB_CONTAINER_IP") == db.ipv4);            // a link's address, placed
    CHECK_FALSE(web.spec->env.count("DB_CONTAINER_IP"));
    CHECK(made.labels.at(labels::kSpecHash).size() == 64);
    CHECK(json.find("\"" + made.labels.at(labels::kSpecHash) + "\"") != std::string::npos);
    CHECK(json.find("\"" + made.ipv4 + "\"") != std::string::npos);
    CHECK(create.container->labels == made.labels);              // asked for: made once and kept
    CHECK_FALSE(create.container.deferred());
}

TEST_CASE("action spec: the desired state changed after the plan does not change the plan's specs") {
    Scenario s;
    auto c = s.compiled();
    FakeEngine e(s.state);
    auto obs = e.observe(c->d.project);
    REQUIRE(obs);
    auto p = make_plan(c->d, *c->g, *obs, {});
    REQUIRE(p);
    const std::string hash = action_of(*p, "web.one").container.made().labels.at(labels::kSpecHash);
    for (auto& i : c->d.instances)
        if (i.id == "web.one") i.spec.mut().env["ADDED_AFTER"] = "1";
    const ContainerSpec made = action_of(*p, "web.one").container.made();
    CHECK_FALSE(made.env.count("ADDED_AFTER"));
    CHECK(made.labels.at(labels::kSpecHash) == hash);
}

TEST_CASE("action spec: a replace holds the spec it was compared with") {
    Scenario s;
    s.apply();
    s.config(dockerops::test::replace_all(dockerops::test::kShop, "http://api.example", "http://api2.example"));
    auto p = s.plan();
    REQUIRE(p);
    const Action& replace = action_of(*p, "web.one");
    CHECK(replace.kind == ActionKind::Replace);
    CHECK_FALSE(replace.container.deferred());
    CHECK(replace.container->env.at("API_URL") == "http://api2.example");
}
