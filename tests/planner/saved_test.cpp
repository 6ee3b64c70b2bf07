// Saved plans: what they record, their staleness, their secrets.
#include "tests/planner/scenario.hpp"

using dockerops::test::TempDir;
using dockerops::test::kShop;
using dockerops::test::replace_all;

TEST_CASE("plan: a saved plan's secrets come back only when they still match") {
    Scenario s(replace_all(kShop, "env = { DB_NAME = \"app\" }", "secret_env = [\"DB_PASSWORD\"]"));
    s.vars["DB_PASSWORD"] = "s3cret";
    auto p = s.plan();
    REQUIRE(p);
    auto back = parse_plan_json(render_json(*p));
    REQUIRE(back);
    CHECK(render_text(*back) == render_text(*p));
    Plan wrong = *back;
    auto key = ops::project_secret_key(s.dir.path(), s.dir.path() / "data");
    REQUIRE(key);
    auto refused = fill_secrets(wrong, [](const std::string&) { return std::optional<std::string>("other"); }, *key, s.secrets);
    REQUIRE_FALSE(refused);
    CHECK(refused.error().text() == "db.master: secret DB_PASSWORD differs from the one the plan was made with (or the "
                                    "project's secret key changed); make a new plan");
    Plan other_key = *back;
    CHECK_FALSE(fill_secrets(other_key, [](const std::string&) { return std::optional<std::string>("s3cret"); },
                             std::string(64, '0'), s.secrets));
    REQUIRE(fill_secrets(*back, [](const std::string&) { return std::optional<std::string>("s3cret"); }, *key, s.secrets));
    for (const auto& a : back->actions)
        if (a.object == "db.master") CHECK(a.container->env.at("DB_PASSWORD") == "s3cret");
}

TEST_CASE("plan: a saved plan records what it was made from and says what changed since") {
    Scenario s;
    s.apply();
    auto before = s.plan();
    REQUIRE(before);
    s.container("shop-web-two").state = "exited";
    auto after = s.plan();
    REQUIRE(after);
    CHECK(before->observed.fingerprint != after->observed.fingerprint);
    auto changes = summary_changes(before->observed, after->observed);
    REQUIRE(changes.size() == 1);
    CHECK(changes[0].starts_with("container shop-web-two changed: was '"));
    CHECK(changes[0].find("running") != std::string::npos);
    CHECK(changes[0].find("exited (0)") != std::string::npos);
}

TEST_CASE("plan: a saved plan keeps every runtime key of the specs it creates") {
    Scenario s(replace_all(kShop, "env = { DB_NAME = \"app\" }",
                           "env = { DB_NAME = \"app\" }\nrestart = \"on-failure:2\"\nmemory = \"64m\"\ncpus = 0.25\n"
                           "pids_limit = 50\nulimits = { nofile = 100 }\nextra_hosts = [\"x.local:10.0.0.9\"]\n"
                           "dns = [\"10.0.0.2\"]\nuser = \"nobody\"\nstop_signal = \"SIGINT\"\nstop_grace_period = \"3s\"\n"
                           "cap_add = [\"NET_ADMIN\"]\ncap_drop = [\"MKNOD\"]\ntmpfs = [\"/run\"]\nread_only = true\n"
                           "healthcheck = { test = [\"CMD\", \"true\"], interval = \"2s\", retries = 4 }\n"));
    auto p = s.plan();
    REQUIRE(p);
    auto back = parse_plan_json(render_json(*p));
    REQUIRE(back);
    const ContainerSpec* before = nullptr;
    const ContainerSpec* after = nullptr;
    for (const auto& a : p->actions)
        if (a.object == "db.master" && a.container) before = &*a.container;
    for (const auto& a : back->actions)
        if (a.object == "db.master" && a.container) after = &*a.container;
    REQUIRE(before);
    REQUIRE(after);
    CHECK(before->memory == 64LL * 1024 * 1024);
    CHECK(after->restart_policy == before->restart_policy);
    CHECK(after->memory == before->memory);
    CHECK(after->nano_cpus == before->nano_cpus);
    CHECK(after->pids_limit == before->pids_limit);
    CHECK(after->extras().ulimits == before->extras().ulimits);
    CHECK(after->extras().extra_hosts == before->extras().extra_hosts);
    CHECK(after->extras().dns == before->extras().dns);
    CHECK(after->extras().user == before->extras().user);
    CHECK(after->extras().stop_signal == before->extras().stop_signal);
    CHECK(after->extras().stop_grace_period == before->extras().stop_grace_period);
    CHECK(after->extras().cap_add == before->extras().cap_add);
    CHECK(after->extras().cap_drop == before->extras().cap_drop);
    CHECK(after->extras().tmpfs == before->extras().tmpfs);
    CHECK(after->read_only == before->read_only);
    CHECK(after->extras().health == before->extras().health);
}

TEST_CASE("plan: a saved plan keeps what it observed, so that its check observes the same") {
    Scenario s;
    s.apply();
    auto p = s.plan();
    REQUIRE(p);
    p->observed.scope = ObserveScope{{"8080/tcp"}, std::vector<std::string>{"shop/web:latest"},
                                     std::vector<std::string>{"shop-web-one", "shop-web-two"}, "", false,
                                     std::vector<std::string>{"shop-web-two"}};
    auto back = parse_plan_json(render_json(*p));
    REQUIRE(back);
    CHECK(back->observed.scope.host_ports == std::vector<std::string>{"8080/tcp"});
    CHECK(back->observed.scope.image_refs == p->observed.scope.image_refs);
    CHECK(back->observed.scope.names == p->observed.scope.names);
    CHECK(back->observed.scope.policy_restarted == p->observed.scope.policy_restarted);
    // A plan saved before scopes were kept observes everything, as it did.
    p->observed.scope = {};
    auto old = parse_plan_json(render_json(*p));
    REQUIRE(old);
    CHECK_FALSE(old->observed.scope.image_refs);
    CHECK_FALSE(old->observed.scope.names);
    CHECK_FALSE(old->observed.scope.policy_restarted);
}

namespace {
// The scenario's plan with `n` more copies of its last create, each its own key.
Plan with_more_creates(int n) {
    Scenario s;
    auto p = s.plan();
    REQUIRE(p);
    const Action* create = nullptr;
    for (const auto& a : p->actions)
        if (a.container) create = &a;
    REQUIRE(create);
    Plan big = *p;
    for (int k = 0; k < n; ++k) {
        Action a = *create;
        a.id = static_cast<int>(big.actions.size()) + 1;
        a.key = "instance:web.n" + std::to_string(k);
        big.actions.push_back(std::move(a));
    }
    return big;
}
}  // namespace

TEST_CASE("plan: a long plan's JSON is written in pieces, the same text as in one string") {
    const Plan big = with_more_creates(400);   // a few hundred KiB of JSON
    std::vector<std::string> pieces;
    render_json(big, [&](const std::string& piece) { pieces.push_back(piece); });
    REQUIRE(pieces.size() > 2);
    std::string joined;
    for (std::size_t k = 0; k < pieces.size(); ++k) {
        if (k + 1 < pieces.size()) CHECK(pieces[k].size() < 64 * 1024 + 8 * 1024);   // a piece, plus one action at most
        joined += pieces[k];
    }
    CHECK(joined == render_json(big));
    auto back = parse_plan_json(joined);
    REQUIRE(back);
    CHECK(back->actions.size() == big.actions.size());
    CHECK(joined.back() == '\n');
}

TEST_CASE("plan: a plan of thousands of actions is written in batches, halves on two threads, every action once and in order") {
    const Plan big = with_more_creates(5000);   // more than two batches of 2,048, the last one short
    std::string joined;
    render_json(big, [&](const std::string& piece) { joined += piece; });
    auto back = parse_plan_json(joined);
    REQUIRE(back);
    REQUIRE(back->actions.size() == big.actions.size());
    std::size_t same = 0;
    for (std::size_t k = 0; k < big.actions.size(); ++k)
        same += back->actions[k].id == big.actions[k].id && back->actions[k].key == big.actions[k].key;
    CHECK(same == big.actions.size());
    CHECK(joined == render_json(big));
}
