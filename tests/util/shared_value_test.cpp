#include "util/shared_value.hpp"

#include <catch2/catch.hpp>

#include <string>

using dockerops::SharedValue;

TEST_CASE("shared value: copies share one storage until one is written") {
    SharedValue<std::string> a(std::string("first"));
    SharedValue<std::string> b = a;
    CHECK(&*a == &*b);   // one storage
    b.mut() += " and more";
    CHECK(&*a != &*b);   // b wrote: b's own now
    CHECK(*a == "first");
    CHECK(*b == "first and more");
    const std::string* before = &*b;
    b.mut() += "!";      // b alone holds it: written in place
    CHECK(&*b == before);
}

TEST_CASE("shared value: what share() handed out keeps its value when the owner is written") {
    SharedValue<std::string> a(std::string("kept"));
    auto kept = a.share();
    a.mut() = "changed";
    CHECK(*kept == "kept");
    CHECK(*a == "changed");
}

TEST_CASE("shared value: one moved from still reads its value") {
    SharedValue<std::string> a(std::string("value"));
    SharedValue<std::string> b = std::move(a);
    CHECK(*b == "value");
    CHECK(*a == "value");   // NOLINT(bugprone-use-after-move): the point of the test
}
