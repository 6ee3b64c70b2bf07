// The executor's scheduling is linear in the plan: counted, not timed.
#include "engine/apply/executor.hpp"
#include "engine/apply/scheduler.hpp"
#include "tests/fake_engine.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <thread>

using namespace dockerops;
using dockerops::test::FakeState;

namespace {

// n network creates: each after its parent in a binary tree (n - 1 edges), so
// up to half of them can run at once.
Plan tree_of_networks(int n) {
    Plan p;
    p.project = "sched";
    for (int i = 1; i <= n; ++i) {
        Action a;
        a.id = i;
        a.kind = ActionKind::CreateNetwork;
        a.object = "net" + std::to_string(i);
        a.network = NetworkSpec{"sched-" + std::to_string(i), "", "", {}};
        if (i > 1) a.depends_on.push_back(i / 2);
        p.actions.push_back(std::move(a));
    }
    return p;
}

}  // namespace

TEST_CASE("scheduler: every action once, in dependency order, and a failure settles what is behind it") {
    Plan p = tree_of_networks(7);   // 1 -> 2, 3; 2 -> 4, 5; 3 -> 6, 7
    Scheduler s(p);
    std::vector<Scheduler::Blocked> blocked;
    auto first = s.next();
    REQUIRE(first);
    CHECK(*first == 0);
    CHECK_FALSE(s.next());
    s.finish(0, true, blocked);
    auto a = s.next(), b = s.next();
    REQUIRE(a);
    REQUIRE(b);
    CHECK(*a == 1);
    CHECK(*b == 2);
    s.finish(1, false, blocked);   // action 2 fails: 4 and 5 never run
    REQUIRE(blocked.size() == 2);
    CHECK(blocked[0].action == 3);
    CHECK(blocked[0].needed == 1);
    CHECK(blocked[1].action == 4);
    CHECK_FALSE(s.done());
    s.finish(2, true, blocked);
    auto c = s.next(), d = s.next();
    REQUIRE(c);
    REQUIRE(d);
    CHECK_FALSE(s.next());
    s.finish(*c, true, blocked);
    s.finish(*d, true, blocked);
    CHECK(s.done());
}

TEST_CASE("executor: 10,000 actions on the fake engine, scheduling work linear in the plan (counted)") {
    std::map<int, std::size_t> ops;
    for (int n : {1000, 10000}) {
        auto state = std::make_shared<FakeState>();
        Plan p = tree_of_networks(n);
        ExecOptions o;
        o.parallelism = 8;
        std::size_t finished = 0;
        o.finished = [&](const Action&, const ActionResult&) { ++finished; };
        ExecReport rep = execute(p, test::fake_factory(state), o);
        REQUIRE(rep.ok());
        CHECK(finished == static_cast<std::size_t>(n));
        CHECK(state->networks.size() == static_cast<std::size_t>(n));
        // Each action taken once, each edge looked at twice at most.
        const std::size_t edges = static_cast<std::size_t>(n - 1);
        CHECK(rep.scheduling_operations <= static_cast<std::size_t>(n) + 2 * edges);
        ops[n] = rep.scheduling_operations;
    }
    CHECK(ops[10000] <= 11 * ops[1000]);

    // A failure at the root: nothing else runs, each settled once.
    auto state = std::make_shared<FakeState>();
    Plan p = tree_of_networks(10000);
    state->networks["taken"] = ObservedNetwork{"taken", "sched-1", "", {}};   // the root's name is taken: it fails
    ExecReport rep = execute(p, test::fake_factory(state), {});
    CHECK(rep.results[0].outcome == Outcome::Failed);
    for (std::size_t i = 1; i < rep.results.size(); ++i) REQUIRE(rep.results[i].outcome == Outcome::NotStarted);
    CHECK(rep.results[1].message == "needs network net1");
    CHECK(rep.scheduling_operations <= 10000 + 2 * 9999);
}

TEST_CASE("executor: a slow progress callback holds no worker up, and every event is delivered before execute returns") {
    auto state = std::make_shared<FakeState>();
    Plan p = tree_of_networks(64);
    ExecOptions o;
    o.parallelism = 4;
    std::atomic<int> started{0}, finished{0};
    o.started = [&](const Action&) { ++started; };
    o.finished = [&](const Action&, const ActionResult&) {
        std::this_thread::sleep_for(std::chrono::milliseconds(2));   // a terminal that keeps the writer waiting
        ++finished;
    };
    ExecReport rep = execute(p, test::fake_factory(state), o);
    REQUIRE(rep.ok());
    CHECK(started == 64);
    CHECK(finished == 64);
}
