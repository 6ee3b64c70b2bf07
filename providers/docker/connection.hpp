#pragma once
// One connection to the engine, carrying bytes both ways: HTTP (http.cpp) and
// hijacked attach streams (attach.cpp) are written on top of it.
//  - unix://: a local socket, opened and read here directly;
//  - tcp://, with or without TLS: opened and carried by libcurl (CONNECT_ONLY,
//    loaded on first use: curl_lib.hpp), which does the name lookup, the TLS
//    handshake and the client certificates.
#include "providers/docker/http.hpp"

#include <chrono>
#include <memory>
#include <string>

namespace dockerops::docker {

using Deadline = std::chrono::steady_clock::time_point;

class Connection {
public:
    virtual ~Connection() = default;
    // Writes all n bytes before the deadline; false when it could not (error() says why).
    virtual bool send_all(const char* p, std::size_t n, Deadline deadline) = 0;
    // Reads what is there, waiting until the deadline for something: the count
    // read (> 0); 0 when the engine closed the connection; kTimedOut; kFailed
    // (error() says why).
    virtual long recv_some(char* buf, std::size_t cap, Deadline deadline) = 0;
    // The socket, to wait on with poll() beside other descriptors.
    virtual int fd() const = 0;
    // No more bytes will be sent (the read side stays open): a non-TTY
    // attach's end of input. A no-op where the transport cannot half-close.
    virtual void close_write() {}
    const std::string& error() const { return error_; }

    static constexpr long kTimedOut = -1;
    static constexpr long kFailed = -2;

protected:
    std::string error_;
};

// One request and its answer on `conn`, as HttpClient::send makes them but
// without connecting or retrying: for the HTTP tests and the fuzz target of
// the answer's reader (fuzz/fuzz_http.cpp), over a Connection of their own.
Result<HttpResponse> exchange_on(Connection& conn, const HttpRequest& req, const Endpoint& endpoint);

// Milliseconds left until the deadline, for poll(): 0 when it has passed.
int millis_until(Deadline deadline);

// Opens a connection; the Error reads "cannot reach the Docker engine: WHY (HINT)"
// and names the engine.
Result<std::unique_ptr<Connection>> connect_to(const Endpoint& endpoint, Deadline deadline);

// What to check when a TLS engine drops the connection: with TLS 1.3 a client
// certificate the engine refuses shows only after the handshake.
inline constexpr const char* kCertHint = " (check DOCKER_CERT_PATH: ca.pem, cert.pem, key.pem)";

}  // namespace dockerops::docker
