#include "engine/model/spec.hpp"

#include <catch2/catch.hpp>

using namespace dockerops;

TEST_CASE("ports: docker's syntax, ranges expanded, errors said") {
    std::string error;
    auto one = parse_port_mapping("127.0.0.1:5432:5432/tcp", error);
    REQUIRE(one);
    REQUIRE(one->size() == 1);
    CHECK((*one)[0] == PortSpec{5432, "tcp", true, "127.0.0.1", 5432});
    auto range = parse_port_mapping("9000-9002:9100-9102", error);
    REQUIRE(range);
    REQUIRE(range->size() == 3);
    CHECK((*range)[2] == PortSpec{9102, "tcp", true, "", 9002});
    auto engine_picked = parse_port_mapping("80", error);
    REQUIRE(engine_picked);
    CHECK((*engine_picked)[0] == PortSpec{80, "tcp", true, "", 0});
    auto udp = parse_port_mapping("53:53/udp", error);
    REQUIRE(udp);
    CHECK((*udp)[0].protocol == "udp");
    auto v6 = parse_port_mapping("[::1]:80:80", error);
    REQUIRE(v6);
    CHECK((*v6)[0].host_ip == "::1");
    for (const char* bad : {"", "http", "70000:80", "80:80/sctp", "9000-9001:9000-9003", "0:80", "a:b:c:d"}) {
        INFO(bad);
        error.clear();
        CHECK_FALSE(parse_port_mapping(bad, error));
        CHECK_FALSE(error.empty());
    }
    CHECK_FALSE(parse_port_mapping("1-2000:1-2000", error));   // more than kMaxPortsPerEntry
}
