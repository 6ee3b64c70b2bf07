// The executor cannot hang and cannot end the process: a plan whose
// dependencies form a cycle or name no action is refused whole, and an
// exception inside a worker fails its action only. A saved plan is checked
// before anything is done with it.
#include "tests/planner/scenario.hpp"

namespace {

Plan two_creates(Scenario& s) {
    auto p = s.plan();
    REQUIRE(p);
    return *p;
}

}  // namespace

TEST_CASE("executor: a plan with a dependency cycle is refused whole, nothing is called") {
    Scenario s;
    Plan p = two_creates(s);
    REQUIRE(p.actions.size() >= 2);
    p.actions[0].depends_on.push_back(p.actions.back().id);   // the last depends on the first, transitively
    s.state->calls.clear();
    ExecReport rep = execute(p, dockerops::test::fake_factory(s.state), {});
    CHECK_FALSE(rep.ok());
    CHECK(s.state->calls.empty());
    for (const auto& r : rep.results) {
        CHECK(r.outcome == Outcome::NotStarted);
        CHECK(r.message.find("cycle") != std::string::npos);
    }
}

TEST_CASE("executor: a dependency on an action the plan does not have is refused") {
    Scenario s;
    Plan p = two_creates(s);
    p.actions[0].depends_on.push_back(999);
    auto st = check_plan_structure(p);
    REQUIRE_FALSE(st);
    CHECK(st.error().message.find("depends on action 999, which the plan does not have") != std::string::npos);
    ExecReport rep = execute(p, dockerops::test::fake_factory(s.state), {});
    CHECK(rep.results[0].outcome == Outcome::NotStarted);
}

TEST_CASE("executor: an exception in a worker fails its action, not the process") {
    Scenario s;
    s.state->throw_on_create.insert("shop-web-two");
    Plan p = two_creates(s);
    ExecReport rep = execute(p, dockerops::test::fake_factory(s.state), {});
    CHECK_FALSE(rep.ok());
    bool seen = false;
    for (std::size_t i = 0; i < p.actions.size(); ++i)
        if (p.actions[i].object == "web.two") {
            CHECK(rep.results[i].outcome == Outcome::Failed);
            CHECK(rep.results[i].message.find("internal error: stoi") != std::string::npos);
            seen = true;
        } else {
            CHECK(rep.results[i].outcome == Outcome::Done);
        }
    CHECK(seen);
}

TEST_CASE("saved plan: duplicate ids, a deleted path outside the secrets folder and a purge are refused") {
    Scenario s;
    Plan p = two_creates(s);
    const std::string secrets = "/run/dockerops/secrets/shop";
    REQUIRE(check_saved_plan(p, secrets));
    Plan dup = p;
    dup.actions[1].id = dup.actions[0].id;
    CHECK(check_saved_plan(dup, secrets).error().message.find("two actions have the id") != std::string::npos);
    Plan path = p;
    Action rm;
    rm.id = static_cast<int>(path.actions.size()) + 1;
    rm.kind = ActionKind::Remove;
    rm.object = "web.one";
    rm.target_id = "c1";
    rm.path = "/home";
    path.actions.push_back(rm);
    CHECK(check_saved_plan(path, secrets).error().message.find("would delete /home, which is not under") != std::string::npos);
    path.actions.back().path = secrets + "/../../../home";
    CHECK_FALSE(check_saved_plan(path, secrets));
    path.actions.back().path = secrets + "/web_one";
    CHECK(check_saved_plan(path, secrets));
    path.actions.back().kind = ActionKind::PurgeData;
    CHECK(check_saved_plan(path, secrets).error().message.find("never deletes data folders") != std::string::npos);
    Plan bad_name = p;
    bad_name.project = "../etc";
    CHECK_FALSE(check_saved_plan(bad_name, secrets));
}
