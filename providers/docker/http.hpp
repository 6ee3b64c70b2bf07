#pragma once
// HTTP/1.1 to the Docker engine over a Connection (connection.hpp): the local
// unix socket directly, or TCP (plain, or TLS with client certificates) carried
// by libcurl. One HttpClient is one connection, kept open across calls while
// the engine keeps it alive; it is not shared between threads.
#include "engine/model/result.hpp"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

namespace dockerops::docker {

class Connection;

// --trace-api / DOCKEROPS_TRACE=api: every call to stderr (method, path,
// status, milliseconds) and a count at the end. A quiet one only counts (the
// tests' call counts). Thread-safe; shared by every connection to an endpoint.
class CallTrace {
public:
    explicit CallTrace(bool print) : print_(print) {}
    void record(std::string_view method, std::string_view path, long status, double ms);
    std::size_t calls() const { return calls_; }
    void reset() { calls_ = 0; }
    void print_summary();

private:
    const bool print_;
    std::atomic<std::size_t> calls_{0};
    std::mutex mutex_;
};

struct Endpoint {
    enum class Kind { Unix, Tcp };
    Kind kind = Kind::Unix;
    std::string address;        // socket path, or host:port
    bool tls = false;
    std::string ca, cert, key;  // PEM files when tls
    std::string display() const;    // unix:///var/run/docker.sock, tcp://127.0.0.1:2376
    std::string url_base() const;   // http://localhost, https://127.0.0.1:2376
    std::shared_ptr<CallTrace> trace;   // every call is told to it; null: none
    // Where pulls and pushes find registry credentials (registry_auth.hpp):
    // the docker CLI's config folder and PATH, read by endpoint_from_env.
    std::string docker_config, helper_path;
    void record(std::string_view method, std::string_view path, long status, double ms) const {
        if (trace) trace->record(method, path, status, ms);
    }
};

// As the docker CLI finds it: DOCKER_HOST (unix://PATH, tcp://HOST:PORT),
// DOCKER_TLS_VERIFY and DOCKER_CERT_PATH (ca.pem, cert.pem, key.pem, default
// ~/.docker); else unix:///var/run/docker.sock.
Result<Endpoint> endpoint_from_env();
// Another engine's address ("unix://PATH", "tcp://HOST:PORT") with the same
// TLS and credential settings from the environment as endpoint_from_env.
Result<Endpoint> endpoint_for(std::string_view host);
Result<Endpoint> parse_endpoint(std::string_view host, bool tls_verify, const std::string& cert_path);

// The bounds of an answer (docs/trust.md, "Bounded input"): its head, and a kept body.
inline constexpr std::size_t kMaxHeaders = 100;
inline constexpr std::size_t kMaxHeadBytes = 64 * 1024;
inline constexpr std::size_t kMaxBodyBytes = 256u * 1024 * 1024;

struct HttpRequest {
    std::string method = "GET";
    std::string path;                    // "/v1.41/containers/json?all=1"
    std::string body;
    std::string content_type;            // sent as Content-Type when not empty
    std::string registry_auth;           // sent as X-Registry-Auth when not empty
    std::FILE* upload = nullptr;         // a streamed body instead of `body` (sent chunked)
    std::chrono::milliseconds timeout{60'000};   // for the whole exchange, connecting included
    // Streamed response: called with each chunk as it arrives; the body is not kept.
    std::function<void(std::string_view)> on_data;
    // A kept body (no on_data) larger than this fails the call: the engine's
    // answers are bounded (a container in a list is ~2 KB).
    std::size_t max_body = kMaxBodyBytes;
};

struct HttpResponse {
    long status = 0;
    std::string body;
    std::map<std::string, std::string> headers;   // lower-case names
};

class HttpClient {
public:
    explicit HttpClient(Endpoint endpoint);
    ~HttpClient();
    HttpClient(const HttpClient&) = delete;
    HttpClient& operator=(const HttpClient&) = delete;

    // A transport failure is an Error naming the engine's address; any HTTP
    // status is a response (the caller decides what a 404 means).
    Result<HttpResponse> send(const HttpRequest& req);
    const Endpoint& endpoint() const { return endpoint_; }

private:
    Endpoint endpoint_;
    std::unique_ptr<Connection> conn_;
};

// Percent-encoding for query parameters.
std::string url_encode(std::string_view s);

}  // namespace dockerops::docker
