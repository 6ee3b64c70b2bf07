// providers/docker/http: the bounds of an answer (docs/trust.md, "Bounded
// input"), read off an in-memory connection: the count and size of headers,
// interim 1xx answers, a kept body's limit (a streamed one has none), and
// what of the engine's answers reaches a request line or a message.
#include "providers/docker/connection.hpp"
#include "providers/docker/docker.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstring>
#include <string>

using namespace dockerops::docker;

namespace {

class Scripted final : public Connection {
public:
    explicit Scripted(std::string bytes) : bytes_(std::move(bytes)) {}
    bool send_all(const char*, std::size_t, Deadline) override { return true; }
    long recv_some(char* buf, std::size_t cap, Deadline) override {
        std::size_t n = std::min({cap, bytes_.size() - at_, std::size_t(1000)});
        std::memcpy(buf, bytes_.data() + at_, n);
        at_ += n;
        return static_cast<long>(n);   // 0 at the end: the engine closed the connection
    }
    int fd() const override { return -1; }

private:
    std::string bytes_;
    std::size_t at_ = 0;
};

dockerops::Result<HttpResponse> answer(const std::string& bytes, HttpRequest req = {}) {
    Scripted conn(bytes);
    req.path = "/v1.41/_ping";
    Endpoint e;
    e.address = "/test.sock";
    return exchange_on(conn, req, e);
}

}  // namespace

TEST_CASE("http bounds: more than 100 headers, or more than 64 KiB of them, fail the call") {
    std::string many = "HTTP/1.1 200 OK\r\n";
    for (int i = 0; i < 101; ++i) many += "X-H" + std::to_string(i) + ": v\r\n";
    auto r = answer(many + "Content-Length: 0\r\n\r\n");
    REQUIRE_FALSE(r);
    CHECK_THAT(r.error().message, Catch::Contains("more than 100 headers or 64 KiB of them"));
    std::string big = "HTTP/1.1 200 OK\r\n";
    for (int i = 0; i < 20; ++i) big += "X-H" + std::to_string(i) + ": " + std::string(4000, 'v') + "\r\n";
    CHECK_FALSE(answer(big + "Content-Length: 0\r\n\r\n"));
    // 100 headers are fine.
    std::string hundred = "HTTP/1.1 200 OK\r\n";
    for (int i = 0; i < 99; ++i) hundred += "X-H" + std::to_string(i) + ": v\r\n";
    CHECK(answer(hundred + "Content-Length: 0\r\n\r\n"));
}

TEST_CASE("http bounds: interim 1xx answers are read and dropped, the final one counts") {
    auto r = answer("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: x\r\n\r\n"
                    "HTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\n{}");
    REQUIRE(r);
    CHECK(r->status == 201);
    CHECK(r->body == "{}");
    CHECK(r->headers.count("link") == 0);
    std::string endless;
    for (int i = 0; i < 20; ++i) endless += "HTTP/1.1 100 Continue\r\n\r\n";
    CHECK_FALSE(answer(endless));
}

TEST_CASE("http bounds: a kept body past its limit fails the call, a streamed one is delivered") {
    HttpRequest small;
    small.max_body = 1000;
    auto cl = answer("HTTP/1.1 200 OK\r\nContent-Length: 5000\r\n\r\n" + std::string(5000, 'x'), small);
    REQUIRE_FALSE(cl);
    CHECK_THAT(cl.error().message, Catch::Contains("larger than the"));
    auto chunked = answer("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n800\r\n" + std::string(2048, 'y') + "\r\n0\r\n\r\n",
                          small);
    CHECK_FALSE(chunked);
    auto closed = answer("HTTP/1.0 200 OK\r\n\r\n" + std::string(3000, 'z'), small);
    CHECK_FALSE(closed);
    HttpRequest streamed = small;
    std::size_t got = 0;
    streamed.on_data = [&](std::string_view piece) { got += piece.size(); };
    CHECK(answer("HTTP/1.1 200 OK\r\nContent-Length: 5000\r\n\r\n" + std::string(5000, 'x'), streamed));
    CHECK(got == 5000);
}

TEST_CASE("http bounds: the engine's Api-Version is taken only as digits, and its messages are quoted up to 4 KiB") {
    CHECK(valid_api_version("1.41"));
    CHECK(valid_api_version("1.24"));
    CHECK_FALSE(valid_api_version(""));
    CHECK_FALSE(valid_api_version("1.41/../../x"));
    CHECK_FALSE(valid_api_version("1.41 HTTP/1.1\r\nHost: evil"));
    CHECK_FALSE(valid_api_version("1."));
    CHECK_FALSE(valid_api_version("v1.41"));
    const std::string huge = "{\"message\":\"" + std::string(50 * 1024 * 1024, 'e') + "\"}";
    const std::string quoted = quoted_engine_message(huge);
    CHECK(quoted.size() < 4200);
    CHECK_THAT(quoted, Catch::EndsWith("... (" + std::to_string(50 * 1024 * 1024 - 4096) + " more bytes)"));
    CHECK(quoted_engine_message("{\"message\":\"No such container: x\\n\"}") == "No such container: x");
}
