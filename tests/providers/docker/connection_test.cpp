// providers/docker/connection: a unix-socket connection's own behaviour, under
// the HTTP layer: bytes both ways, the deadline on a silent peer, the peer's
// close, a half-close (a non-TTY attach's end of input), and an engine that is
// not there. TCP and TLS connections are libcurl's, tested against a real
// engine (tests/providers/docker/tls_test.sh).
#include "providers/docker/connection.hpp"
#include "tests/providers/docker/scripted_server.hpp"

#include <catch2/catch.hpp>

#include <condition_variable>

using namespace dockerops::docker;
using dockerops::test::ScriptedServer;
using namespace std::chrono_literals;

namespace {

Deadline in(std::chrono::milliseconds d) { return std::chrono::steady_clock::now() + d; }

// Everything the peer sends until it closes, or the deadline.
std::string read_to_end(Connection& c, Deadline until) {
    std::string got;
    char buf[256];
    while (true) {
        long n = c.recv_some(buf, sizeof buf, until);
        if (n <= 0) return got;
        got.append(buf, static_cast<std::size_t>(n));
    }
}

}  // namespace

TEST_CASE("connection: bytes both ways, then the peer's close reads as 0") {
    ScriptedServer server([](int fd, std::atomic<int>&) {
        char buf[64];
        ssize_t n = ::read(fd, buf, sizeof buf);
        if (n > 0) dockerops::test::write_all(fd, "echo:" + std::string(buf, static_cast<std::size_t>(n)));
    });
    auto c = connect_to(server.endpoint(), in(2s));
    REQUIRE(c);
    REQUIRE((*c)->send_all("ping", 4, in(2s)));
    CHECK(read_to_end(**c, in(5s)) == "echo:ping");
    char buf[8];
    CHECK((*c)->recv_some(buf, sizeof buf, in(1s)) == 0);
}

TEST_CASE("connection: a peer that says nothing is kTimedOut at the deadline, not an end") {
    std::mutex m;
    std::condition_variable cv;
    bool done = false;
    ScriptedServer server([&](int, std::atomic<int>&) {
        std::unique_lock<std::mutex> l(m);
        cv.wait(l, [&] { return done; });   // holds the connection open, silent, until the test is over
    });
    auto c = connect_to(server.endpoint(), in(2s));
    REQUIRE(c);
    char buf[8];
    const auto t0 = std::chrono::steady_clock::now();
    CHECK((*c)->recv_some(buf, sizeof buf, in(100ms)) == Connection::kTimedOut);
    CHECK(std::chrono::steady_clock::now() - t0 >= 100ms);
    {
        std::lock_guard<std::mutex> l(m);
        done = true;
    }
    cv.notify_all();
}

TEST_CASE("connection: close_write ends the peer's input, and its answer still arrives") {
    ScriptedServer server([](int fd, std::atomic<int>&) {
        std::string all;
        char buf[64];
        ssize_t n;
        while ((n = ::read(fd, buf, sizeof buf)) > 0) all.append(buf, static_cast<std::size_t>(n));
        // Only an end of input gets here.
        dockerops::test::write_all(fd, "got " + std::to_string(all.size()) + " bytes");
    });
    auto c = connect_to(server.endpoint(), in(2s));
    REQUIRE(c);
    REQUIRE((*c)->send_all("abcdef", 6, in(2s)));
    (*c)->close_write();
    CHECK(read_to_end(**c, in(5s)) == "got 6 bytes");
}

TEST_CASE("connection: no engine at the socket is an error that names it") {
    Endpoint e;
    e.kind = Endpoint::Kind::Unix;
    e.address = "/nonexistent/dockerops-test.sock";
    auto c = connect_to(e, in(1s));
    REQUIRE_FALSE(c);
    CHECK_THAT(c.error().text(), Catch::Contains("cannot reach the Docker engine"));
    CHECK_THAT(c.error().text(), Catch::Contains("/nonexistent/dockerops-test.sock"));
}
