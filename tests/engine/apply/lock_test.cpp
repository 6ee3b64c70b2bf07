// The project lock against the in-memory engine.
#include "engine/apply/lock.hpp"
#include "tests/fake_engine.hpp"

#include <catch2/catch.hpp>

using namespace dockerops;
using dockerops::test::FakeEngine;
using dockerops::test::FakeState;

TEST_CASE("lock: one holder at a time, the second is told who holds it, unlock breaks it") {
    auto state = std::make_shared<FakeState>();
    FakeEngine a(state), b(state);
    auto first = ProjectLock::acquire(a, "shop", std::chrono::seconds(0));
    REQUIRE(first);
    LockHolder told;
    auto second = ProjectLock::acquire(b, "shop", std::chrono::seconds(1), [&](const LockHolder& h) { told = h; });
    REQUIRE_FALSE(second);
    CHECK_THAT(second.error().text(), Catch::StartsWith("project shop: locked by ") &&
                                          Catch::Contains(" since ") &&
                                          Catch::EndsWith("; wait for it (--lock-timeout SECONDS), or run 'dockerops unlock' if that run is gone"));
    CHECK_THAT(told.who, Catch::Contains(" pid "));
    auto other = ProjectLock::acquire(b, "another", std::chrono::seconds(0));
    CHECK(other);   // projects do not share a lock
    first->release();
    auto third = ProjectLock::acquire(b, "shop", std::chrono::seconds(0));
    REQUIRE(third);
    auto broken = break_lock(a, "shop");
    REQUIRE(broken);
    REQUIRE(*broken);
    CHECK_THAT((*broken)->who, Catch::Contains(" pid "));
    auto none = break_lock(a, "shop");
    REQUIRE(none);
    CHECK_FALSE(*none);
    // The lock network carries no project label: plans never see it.
    CHECK(FakeEngine(state).observe("shop")->networks.empty());
}

TEST_CASE("lock: a lock whose holder is gone is taken over, said so, and a foreign network is never removed") {
    auto state = std::make_shared<FakeState>();
    FakeEngine e(state);
    auto held = ProjectLock::acquire(e, "shop", std::chrono::seconds(0));
    REQUIRE(held);
    // As a killed run leaves it: this host and boot, a pid that is not running.
    for (auto& [id, n] : state->networks) {
        n.labels["io.dockerops.lock.pid"] = "999999999";
        n.labels["io.dockerops.lock.start"] = "1";
    }
    LockHolder gone;
    int waited = 0;
    auto taken = ProjectLock::acquire(
        e, "shop", std::chrono::seconds(0), [&](const LockHolder&) { ++waited; }, [&](const LockHolder& h) { gone = h; });
    REQUIRE(taken);
    CHECK(waited == 0);
    CHECK(gone.pid == "999999999");
    CHECK(holder_is_gone(gone));
    taken->release();
    // A live holder on another host is never assumed gone.
    CHECK_FALSE(holder_is_gone(LockHolder{"x@elsewhere pid 1", "", "elsewhere", "b", "1", "1"}));
    // A network of that name that dockerops did not make as the lock is left alone.
    REQUIRE(e.create_network(NetworkSpec{lock_name("shop"), "", "", {{"com.example.owner", "someone"}}}));
    auto refused = break_lock(e, "shop");
    REQUIRE_FALSE(refused);
    CHECK_THAT(refused.error().text(), Catch::Contains("was not made by dockerops as this project's lock"));
    CHECK(e.find_network(lock_name("shop")).value().has_value());
}
