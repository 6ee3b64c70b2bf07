// Fuzz target: arbitrary bytes as the engine's answer to one request, read by
// our HTTP/1.1 client (providers/docker/http.cpp) off an in-memory connection
// that hands them out in pieces of the sizes the first byte picks. The reader
// must answer with a response or an error, never crash, hang or read out of
// bounds, and never keep more than its limits (headers, kept body).
#include "providers/docker/connection.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace {

class MemoryConnection final : public dockerops::docker::Connection {
public:
    MemoryConnection(std::string_view bytes, std::size_t piece) : bytes_(bytes), piece_(piece) {}
    bool send_all(const char*, std::size_t, dockerops::docker::Deadline) override { return true; }
    long recv_some(char* buf, std::size_t cap, dockerops::docker::Deadline) override {
        if (bytes_.empty()) return 0;   // the engine closed the connection
        std::size_t n = std::min({cap, piece_, bytes_.size()});
        std::memcpy(buf, bytes_.data(), n);
        bytes_.remove_prefix(n);
        return static_cast<long>(n);
    }
    int fd() const override { return -1; }

private:
    std::string_view bytes_;
    std::size_t piece_;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    // The first byte: how the answer arrives (1 to 256 bytes a read) and whether it is streamed.
    const std::size_t piece = static_cast<std::size_t>(data[0]) + 1;
    const bool streamed = data[0] & 1;
    MemoryConnection conn(std::string_view(reinterpret_cast<const char*>(data + 1), size - 1), piece);
    dockerops::docker::HttpRequest req;
    req.path = "/v1.41/containers/json";
    req.max_body = 4096;   // small, so that the limit is reached often
    std::size_t streamed_bytes = 0;
    if (streamed) req.on_data = [&](std::string_view chunk) { streamed_bytes += chunk.size(); };
    dockerops::docker::Endpoint e;
    e.address = "/fuzz.sock";
    auto r = dockerops::docker::exchange_on(conn, req, e);
    if (r && !streamed && r->body.size() > req.max_body) __builtin_trap();   // a kept body over its limit
    if (r && r->headers.size() > dockerops::docker::kMaxHeaders) __builtin_trap();
    return 0;
}
