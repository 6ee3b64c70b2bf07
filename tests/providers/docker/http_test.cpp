// providers/docker/http: our HTTP/1.1 client, against a scripted server on a
// unix socket. What the real engine answers is covered by the engine tests;
// these pin the framings and the connection handling, which the engine shows
// only by chance: chunked and close-delimited bodies, a kept-alive connection
// reused, one the server dropped while idle, a server that never answers, a
// streamed upload.
#include "providers/docker/http.hpp"
#include "tests/providers/docker/scripted_server.hpp"

#include <catch2/catch.hpp>

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <functional>
#include <string>
#include <thread>
#include <vector>

using namespace dockerops::docker;
using namespace std::chrono_literals;

namespace {

using dockerops::test::ScriptedServer;
using dockerops::test::Seen;
using dockerops::test::read_request;
using dockerops::test::write_all;

HttpRequest get(const std::string& path) {
    HttpRequest r;
    r.path = path;
    return r;
}

}  // namespace

TEST_CASE("http: a Content-Length answer, and the next request on the same connection") {
    std::vector<std::string> heads;
    ScriptedServer server([&](int fd, std::atomic<int>&) {
        std::string pending;
        Seen req;
        while (read_request(fd, pending, req)) {
            heads.push_back(req.head);
            std::string body = "{\"n\":" + std::to_string(heads.size()) + "}";
            write_all(fd, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " +
                              std::to_string(body.size()) + "\r\n\r\n" + body);
        }
    });
    HttpClient http(server.endpoint());
    auto a = http.send(get("/one"));
    REQUIRE(a);
    CHECK(a->status == 200);
    CHECK(a->body == "{\"n\":1}");
    CHECK(a->headers.at("content-type") == "application/json");
    auto b = http.send(get("/two"));
    REQUIRE(b);
    CHECK(b->body == "{\"n\":2}");
    CHECK(server.accepted() == 1);
    REQUIRE(heads.size() == 2);
    CHECK(heads[0].starts_with("GET /one HTTP/1.1\r\nHost: localhost\r\n"));
    CHECK(heads[1].starts_with("GET /two HTTP/1.1\r\n"));
}

TEST_CASE("http: a chunked answer arrives whole, and piece by piece to on_data") {
    ScriptedServer server([](int fd, std::atomic<int>&) {
        std::string pending;
        Seen req;
        while (read_request(fd, pending, req)) {
            write_all(fd, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n");
            std::this_thread::sleep_for(20ms);   // the rest comes later, split mid-chunk
            write_all(fd, "7;ext=1\r\n, wo");
            std::this_thread::sleep_for(20ms);
            write_all(fd, "rld\r\n0\r\nX-Trailer: t\r\n\r\n");
        }
    });
    HttpClient http(server.endpoint());
    auto whole = http.send(get("/whole"));
    REQUIRE(whole);
    CHECK(whole->body == "hello, world");
    std::vector<std::string> pieces;
    HttpRequest streamed = get("/streamed");
    streamed.on_data = [&](std::string_view p) { pieces.emplace_back(p); };
    auto s = http.send(streamed);
    REQUIRE(s);
    CHECK(s->body.empty());
    std::string joined;
    for (const auto& p : pieces) joined += p;
    CHECK(joined == "hello, world");
    CHECK(pieces.size() >= 2);   // delivered as it came, not at the end
    CHECK(server.accepted() == 1);
}

TEST_CASE("http: a body that ends with the connection, then a new connection for the next request") {
    ScriptedServer server([](int fd, std::atomic<int>&) {
        std::string pending;
        Seen req;
        if (read_request(fd, pending, req)) write_all(fd, "HTTP/1.1 200 OK\r\n\r\nuntil the end");
    });
    HttpClient http(server.endpoint());
    auto a = http.send(get("/a"));
    REQUIRE(a);
    CHECK(a->body == "until the end");
    auto b = http.send(get("/b"));
    REQUIRE(b);
    CHECK(b->body == "until the end");
    CHECK(server.accepted() == 2);
}

TEST_CASE("http: a kept-alive connection the server dropped while idle is opened anew, once") {
    ScriptedServer server([](int fd, std::atomic<int>&) {
        std::string pending;
        Seen req;
        // One answer per connection, announced as kept alive, then the server closes it.
        if (read_request(fd, pending, req)) write_all(fd, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
    });
    HttpClient http(server.endpoint());
    REQUIRE(http.send(get("/a")));
    std::this_thread::sleep_for(20ms);
    auto b = http.send(get("/b"));
    REQUIRE(b);
    CHECK(b->body == "ok");
    CHECK(server.accepted() == 2);
}

TEST_CASE("http: a server that never answers is an error at the deadline, naming it") {
    ScriptedServer server([](int fd, std::atomic<int>&) {
        std::string pending;
        Seen req;
        read_request(fd, pending, req);
        std::this_thread::sleep_for(1500ms);
    });
    HttpClient http(server.endpoint());
    HttpRequest r = get("/slow");
    r.timeout = 300ms;
    auto t0 = std::chrono::steady_clock::now();
    auto a = http.send(r);
    REQUIRE_FALSE(a);
    CHECK(std::chrono::steady_clock::now() - t0 < 1200ms);
    CHECK_THAT(a.error().text(), Catch::Contains("cannot reach the Docker engine: timed out (no answer within 300 ms)"));
}

TEST_CASE("http: a server that closes without answering is an error, not an empty answer") {
    ScriptedServer server([](int fd, std::atomic<int>&) {
        std::string pending;
        Seen req;
        read_request(fd, pending, req);
    });
    HttpClient http(server.endpoint());
    auto a = http.send(get("/x"));
    REQUIRE_FALSE(a);
    CHECK_THAT(a.error().text(), Catch::Contains("the engine closed the connection before answering"));
}

TEST_CASE("http: an upload is streamed chunked from its file, and a body has its Content-Length") {
    std::vector<Seen> seen;
    ScriptedServer server([&](int fd, std::atomic<int>&) {
        std::string pending;
        Seen req;
        while (read_request(fd, pending, req)) {
            seen.push_back(req);
            write_all(fd, "HTTP/1.1 204 No Content\r\n\r\n");
        }
    });
    std::string payload;
    for (int i = 0; i < 20000; ++i) payload += "line " + std::to_string(i) + "\n";   // several 64 KiB chunks
    std::FILE* f = std::tmpfile();
    REQUIRE(f);
    std::fwrite(payload.data(), 1, payload.size(), f);
    std::rewind(f);
    HttpClient http(server.endpoint());
    HttpRequest up = get("/build");
    up.method = "POST";
    up.content_type = "application/x-tar";
    up.upload = f;
    auto a = http.send(up);
    std::fclose(f);
    REQUIRE(a);
    CHECK(a->status == 204);
    HttpRequest post = get("/create");
    post.method = "POST";
    post.content_type = "application/json";
    post.body = "{\"a\":1}";
    REQUIRE(http.send(post));
    REQUIRE(seen.size() == 2);
    CHECK(seen[0].head.find("Transfer-Encoding: chunked\r\n") != std::string::npos);
    CHECK(seen[0].head.find("Content-Type: application/x-tar\r\n") != std::string::npos);
    CHECK(seen[0].body == payload);
    CHECK(seen[1].head.find("Content-Length: 7\r\n") != std::string::npos);
    CHECK(seen[1].body == "{\"a\":1}");
}
