// One push per image in a run (providers/swarm Pushes): the executor's workers
// each have their own SwarmEngine, and two instances of one type are made at
// once; their image goes to the registry once.
#include "providers/swarm/swarm.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <future>
#include <thread>

using namespace dockerops;

TEST_CASE("swarm pushes: two callers of one image at once push it once and both get its digest", "[swarm]") {
    swarm::Pushes pushes;
    std::atomic<int> pushed{0};
    std::promise<void> second_started;
    auto started = second_started.get_future();
    auto slow_push = [&]() -> Result<std::string> {
        ++pushed;
        started.wait();   // the second caller is under way before this push ends
        return std::string("sha256:aa");
    };
    auto first = std::async(std::launch::async, [&] { return pushes.once("reg/p/app:1", slow_push); });
    auto second = std::async(std::launch::async, [&] {
        second_started.set_value();
        return pushes.once("reg/p/app:1", [&]() -> Result<std::string> { ++pushed; return std::string("sha256:bb"); });
    });
    auto a = first.get(), b = second.get();
    REQUIRE(a);
    REQUIRE(b);
    CHECK(pushed == 1);
    CHECK(*a == *b);
    // Another tag is another push.
    auto c = pushes.once("reg/p/app:2", [&]() -> Result<std::string> { ++pushed; return std::string("sha256:cc"); });
    REQUIRE(c);
    CHECK(*c == "sha256:cc");
    CHECK(pushed == 2);
}

TEST_CASE("swarm pushes: a failed push is not kept, the next caller pushes again", "[swarm]") {
    swarm::Pushes pushes;
    int pushed = 0;
    auto r = pushes.once("reg/p/app:1", [&]() -> Result<std::string> { ++pushed; return Error{"500 Internal Server Error", "image"}; });
    CHECK_FALSE(r);
    auto again = pushes.once("reg/p/app:1", [&]() -> Result<std::string> { ++pushed; return std::string("sha256:aa"); });
    REQUIRE(again);
    CHECK(*again == "sha256:aa");
    auto kept = pushes.once("reg/p/app:1", [&]() -> Result<std::string> { ++pushed; return std::string("sha256:bb"); });
    REQUIRE(kept);
    CHECK(*kept == "sha256:aa");
    CHECK(pushed == 2);
}
