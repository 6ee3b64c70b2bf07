#include "util/json_writer.hpp"

#include <catch2/catch.hpp>
#include <simdjson.h>

using namespace dockerops;

TEST_CASE("json writer: nested values, escapes that any reader takes back") {
    JsonWriter w;
    w.begin_object().key("text").value("a \"quoted\"\nline\t\x01 é").key("n").value(std::int64_t{-9007199254740993});
    w.key("ok").value(true).key("none").null().key("list").strings({"x", ""}).key("map").object({{"k", "v"}});
    w.key("nested").begin_array().begin_object().end_object().value(1.5).end_array().end_object();
    simdjson::dom::parser p;
    simdjson::padded_string text(w.str());
    simdjson::dom::element doc;
    REQUIRE(p.parse(text).get(doc) == simdjson::SUCCESS);
    CHECK(std::string_view(doc["text"]) == "a \"quoted\"\nline\t\x01 é");
    CHECK(int64_t(doc["n"]) == -9007199254740993);
    CHECK(bool(doc["ok"]));
    CHECK(doc["none"].is_null());
    CHECK(std::string_view(doc["map"]["k"]) == "v");
    CHECK(double(doc["nested"].at(1)) == 1.5);
    CHECK(json_quote("a\"b") == "\"a\\\"b\"");
    CHECK(json_quote("\x1f") == "\"\\u001f\"");
}

TEST_CASE("json writer: a document taken in pieces joins to the same text") {
    JsonWriter whole, pieces;
    std::string joined;
    for (JsonWriter* w : {&whole, &pieces}) {
        w->begin_object().key("a").begin_array().value(1);
        if (w == &pieces) joined += pieces.take();
        w->value("two\\").end_array().key("b").value(false);
        if (w == &pieces) joined += pieces.take();
        w->end_object();
    }
    joined += pieces.take();
    CHECK(joined == whole.str());
    CHECK(joined == "{\"a\":[1,\"two\\\\\"],\"b\":false}");
    CHECK(pieces.str().empty());
}
