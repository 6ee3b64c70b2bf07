#include "util/cidr.hpp"

#include <catch2/catch.hpp>

using namespace dockerops;

TEST_CASE("cidr: parsing, overlap and the special-purpose ranges") {
    auto c = parse_cidr("10.20.0.0/16");
    REQUIRE(c);
    CHECK(c->prefix == 16);
    CHECK(c->size() == 65536);
    CHECK(c->str() == "10.20.0.0/16");
    CHECK(c->contains(*parse_ipv4("10.20.255.1")));
    CHECK_FALSE(c->contains(*parse_ipv4("10.21.0.1")));
    for (const char* bad : {"10.20.0.1/16", "10.20.0.0", "10.20.0.0/33", "300.1.1.0/24", "10.20.0.0/-1", ""}) CHECK_FALSE(parse_cidr(bad));
    CHECK(c->overlaps(*parse_cidr("10.20.128.0/20")));
    CHECK(parse_cidr("10.0.0.0/8")->overlaps(*c));
    CHECK_FALSE(c->overlaps(*parse_cidr("10.21.0.0/16")));
    CHECK(special_purpose_overlap(*parse_cidr("127.0.0.0/24")) != "");
    CHECK(special_purpose_overlap(*parse_cidr("169.254.0.0/16")) != "");
    CHECK(special_purpose_overlap(*parse_cidr("224.0.0.0/4")) != "");
    CHECK(special_purpose_overlap(*c) == "");
    CHECK(ipv4_string(*parse_ipv4("192.0.2.10")) == "192.0.2.10");
    CHECK_FALSE(parse_ipv4("192.0.2"));
}
