// Durations, sizes, restart policies and signals as the runtime keys take them.
#include "engine/model/runtime.hpp"

#include <catch2/catch.hpp>

using namespace dockerops;

TEST_CASE("runtime: durations as docker and compose write them") {
    CHECK(parse_duration_ns("5s") == 5'000'000'000LL);
    CHECK(parse_duration_ns("1m30s") == 90'000'000'000LL);
    CHECK(parse_duration_ns("250ms") == 250'000'000LL);
    CHECK(parse_duration_ns("1.5s") == 1'500'000'000LL);
    CHECK(parse_duration_ns("2h") == 7'200'000'000'000LL);
    CHECK_FALSE(parse_duration_ns(""));
    CHECK_FALSE(parse_duration_ns("5"));
    CHECK_FALSE(parse_duration_ns("5 s"));
    CHECK_FALSE(parse_duration_ns("5d"));
    CHECK_FALSE(parse_duration_ns("s"));
}

TEST_CASE("runtime: sizes in binary multiples") {
    CHECK(parse_bytes("512m") == 512LL * 1024 * 1024);
    CHECK(parse_bytes("1g") == 1024LL * 1024 * 1024);
    CHECK(parse_bytes("1GB") == 1024LL * 1024 * 1024);
    CHECK(parse_bytes("64k") == 64 * 1024);
    CHECK(parse_bytes("100") == 100);
    CHECK(parse_bytes("1.5g") == 1536LL * 1024 * 1024);
    CHECK_FALSE(parse_bytes("lots"));
    CHECK_FALSE(parse_bytes("5q"));
    CHECK_FALSE(parse_bytes(""));
}

TEST_CASE("runtime: restart policies and signals") {
    for (const char* ok : {"no", "always", "unless-stopped", "on-failure", "on-failure:3"}) CHECK(valid_restart_policy(ok));
    for (const char* bad : {"", "never", "on-failure:", "on-failure:x", "Always"}) CHECK_FALSE(valid_restart_policy(bad));
    for (const char* ok : {"SIGTERM", "TERM", "SIGQUIT", "9", "SIGRTMIN+3"}) CHECK(valid_signal(ok));
    for (const char* bad : {"", "SIGNOPE", "0", "65", "term"}) CHECK_FALSE(valid_signal(bad));
}

TEST_CASE("runtime: an instance's keys win, the container's fill the rest") {
    RuntimeOptions inst, container;
    inst.put(*find_key("restart"), std::string("always"));
    container.put(*find_key("restart"), std::string("no"));
    container.put(*find_key("memory"), 100LL);
    inst.fill_from(container);
    CHECK(inst.values().restart_policy == "always");
    CHECK(inst.values().memory == 100);
    CHECK(inst.has("memory"));
    CHECK_FALSE(inst.has("user"));
    // A key set to its default value is still set: it wins over the container's.
    RuntimeOptions zero;
    zero.put(*find_key("read_only"), false);
    RuntimeOptions ro;
    ro.put(*find_key("read_only"), true);
    zero.fill_from(ro);
    CHECK_FALSE(zero.values().read_only);
}

TEST_CASE("runtime: copies share one spec until one of them changes") {
    RuntimeOptions container;
    container.put(*find_key("memory"), 100LL);
    RuntimeOptions plain, own;
    plain.fill_from(container);   // sets nothing itself: shares the container's
    CHECK(&plain.values() == &container.values());
    CHECK(plain.has("memory"));
    own.put(*find_key("user"), std::string("app"));
    own.fill_from(container);
    CHECK(&own.values() != &container.values());
    CHECK(own.values().memory == 100);
    CHECK(own.values().extras().user == "app");
    // A change to a copy leaves the others as they were.
    RuntimeOptions copy = plain;
    copy.put(*find_key("memory"), 200LL);
    CHECK(copy.values().memory == 200);
    CHECK(plain.values().memory == 100);
    CHECK(container.values().memory == 100);
    CHECK_FALSE(container.has("user"));
    // Nothing set: the spec's defaults, and apply_to changes nothing.
    RuntimeOptions none;
    ContainerSpec spec;
    spec.extras_mut().user = "root";
    none.apply_to(spec);
    CHECK(spec.extras().user == "root");
    CHECK(none.values().memory == 0);
}

TEST_CASE("volumes_from: instance:C.I or container:NAME, either with :ro or :rw") {
    auto r = parse_volumes_from("instance:db.one:ro");
    REQUIRE(r);
    CHECK(r->instance);
    CHECK(r->name == "db.one");
    CHECK(r->read_only);
    r = parse_volumes_from("container:shop-data_1");
    REQUIRE(r);
    CHECK_FALSE(r->instance);
    CHECK(r->name == "shop-data_1");
    CHECK_FALSE(r->read_only);
    CHECK_FALSE(parse_volumes_from("container:x:rw")->read_only);
    for (const char* bad : {"db.one", "instance:db", "instance:", "container:", "container:a b", "container:x:rx", "volume:x"})
        CHECK_FALSE(parse_volumes_from(bad));
}
