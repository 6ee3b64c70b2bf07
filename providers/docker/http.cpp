#include "providers/docker/http.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <iostream>
#include <mutex>

namespace dockerops::docker {

std::string Endpoint::display() const {
    return kind == Kind::Unix ? "unix://" + address : "tcp://" + address;
}

std::string Endpoint::url_base() const {
    // A unix-socket URL still needs a host; it is never resolved.
    if (kind == Kind::Unix) return "http://localhost";
    return (tls ? "https://" : "http://") + address;
}

Result<Endpoint> parse_endpoint(std::string_view host, bool tls_verify, const std::string& cert_path) {
    Endpoint e;
    if (host.starts_with("unix://")) {
        e.kind = Endpoint::Kind::Unix;
        e.address = std::string(host.substr(7));
        if (e.address.empty()) return Error{"DOCKER_HOST names no socket path", std::string(host)};
    } else if (host.starts_with("tcp://")) {
        e.kind = Endpoint::Kind::Tcp;
        e.address = std::string(host.substr(6));
        while (!e.address.empty() && e.address.back() == '/') e.address.pop_back();
        if (e.address.find(':') == std::string::npos) e.address += tls_verify ? ":2376" : ":2375";
        e.tls = tls_verify;
        if (e.tls) {
            e.ca = cert_path + "/ca.pem";
            e.cert = cert_path + "/cert.pem";
            e.key = cert_path + "/key.pem";
        }
    } else {
        return Error{"unsupported DOCKER_HOST (dockerops speaks unix:// and tcp://)", std::string(host)};
    }
    return e;
}

Result<Endpoint> endpoint_from_env() {
    const char* host = std::getenv("DOCKER_HOST");
    const char* verify = std::getenv("DOCKER_TLS_VERIFY");
    const char* certs = std::getenv("DOCKER_CERT_PATH");
    const char* home = std::getenv("HOME");
    std::string cert_path = certs && *certs ? certs : std::string(home ? home : "") + "/.docker";
    bool tls = verify && *verify && std::string(verify) != "0";
    return parse_endpoint(host && *host ? host : "unix:///var/run/docker.sock", tls, cert_path);
}

namespace {

struct CurlGlobal {
    CurlGlobal() { curl_global_init(CURL_GLOBAL_DEFAULT); }
    ~CurlGlobal() { curl_global_cleanup(); }
};

void curl_init_once() {
    static CurlGlobal g;
    (void)g;
}

struct Sink {
    const HttpRequest* req;
    HttpResponse* resp;
};

size_t on_write(char* ptr, size_t size, size_t n, void* userdata) {
    auto* s = static_cast<Sink*>(userdata);
    std::string_view chunk(ptr, size * n);
    if (s->req->on_data) s->req->on_data(chunk);
    else s->resp->body.append(chunk);
    return size * n;
}

size_t on_header(char* ptr, size_t size, size_t n, void* userdata) {
    auto* resp = static_cast<HttpResponse*>(userdata);
    std::string line(ptr, size * n);
    auto colon = line.find(':');
    if (colon != std::string::npos) {
        std::string name = line.substr(0, colon);
        std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
        std::string value = line.substr(colon + 1);
        auto b = value.find_first_not_of(" \t");
        auto e = value.find_last_not_of(" \t\r\n");
        resp->headers[name] = b == std::string::npos ? "" : value.substr(b, e - b + 1);
    }
    return size * n;
}

size_t on_read(char* buffer, size_t size, size_t n, void* userdata) {
    return std::fread(buffer, 1, size * n, static_cast<std::FILE*>(userdata));
}

std::atomic<bool> g_trace{[] {
    const char* t = std::getenv("DOCKEROPS_TRACE");
    return t && std::string_view(t).find("api") != std::string_view::npos;
}()};
std::atomic<std::size_t> g_calls{0};
std::mutex g_trace_mutex;

}  // namespace

HttpClient::HttpClient(Endpoint endpoint) : endpoint_(std::move(endpoint)) {
    curl_init_once();
    curl_ = curl_easy_init();
}

HttpClient::~HttpClient() {
    if (curl_) curl_easy_cleanup(static_cast<CURL*>(curl_));
}

Result<HttpResponse> HttpClient::send(const HttpRequest& req) {
    CURL* c = static_cast<CURL*>(curl_);
    if (!c) return Error{"cannot initialise libcurl", "engine " + endpoint_.display()};
    curl_easy_reset(c);
    HttpResponse resp;
    Sink sink{&req, &resp};
    std::string url = endpoint_.url_base() + req.path;
    curl_easy_setopt(c, CURLOPT_URL, url.c_str());
    if (endpoint_.kind == Endpoint::Kind::Unix) curl_easy_setopt(c, CURLOPT_UNIX_SOCKET_PATH, endpoint_.address.c_str());
    if (endpoint_.tls) {
        curl_easy_setopt(c, CURLOPT_CAINFO, endpoint_.ca.c_str());
        curl_easy_setopt(c, CURLOPT_SSLCERT, endpoint_.cert.c_str());
        curl_easy_setopt(c, CURLOPT_SSLKEY, endpoint_.key.c_str());
        curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
        curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
    }
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, 5000L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(req.timeout.count()));
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_write);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &sink);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &resp);

    struct curl_slist* headers = nullptr;
    if (!req.content_type.empty()) headers = curl_slist_append(headers, ("Content-Type: " + req.content_type).c_str());
    headers = curl_slist_append(headers, "Expect:");   // no 100-continue round trip
    if (req.upload) {
        curl_easy_setopt(c, CURLOPT_POST, 1L);
        curl_easy_setopt(c, CURLOPT_READFUNCTION, on_read);
        curl_easy_setopt(c, CURLOPT_READDATA, req.upload);
        headers = curl_slist_append(headers, "Transfer-Encoding: chunked");
    } else if (req.method == "POST" || req.method == "PUT") {
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, req.body.c_str());
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, static_cast<long>(req.body.size()));
        if (req.method == "PUT") curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, "PUT");
    } else if (req.method != "GET") {
        curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, req.method.c_str());
    }
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);

    auto t0 = std::chrono::steady_clock::now();
    CURLcode rc = curl_easy_perform(c);
    double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    curl_slist_free_all(headers);
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &resp.status);
    trace::record(req.method, req.path, rc == CURLE_OK ? resp.status : 0, ms);
    if (rc != CURLE_OK) {
        std::string what = curl_easy_strerror(rc);
        std::string hint;
        if (rc == CURLE_COULDNT_CONNECT || rc == CURLE_COULDNT_RESOLVE_HOST)
            hint = " (is dockerd running? check DOCKER_HOST, or run scripts/setup.sh)";
        else if (rc == CURLE_OPERATION_TIMEDOUT)
            hint = " (no answer within " + std::to_string(req.timeout.count() / 1000) + " s)";
        else if (rc == CURLE_SSL_CONNECT_ERROR || rc == CURLE_PEER_FAILED_VERIFICATION || rc == CURLE_SSL_CERTPROBLEM ||
                 rc == CURLE_SSL_CACERT_BADFILE ||
                 // With TLS 1.3 a refused client certificate shows after the handshake.
                 (endpoint_.tls && (rc == CURLE_RECV_ERROR || rc == CURLE_SEND_ERROR || rc == CURLE_GOT_NOTHING)))
            hint = " (check DOCKER_CERT_PATH: ca.pem, cert.pem, key.pem)";
        return Error{"cannot reach the Docker engine: " + what + hint, "engine " + endpoint_.display()};
    }
    return resp;
}

std::string url_encode(std::string_view s) {
    static const char* hex = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : s) {
        if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') out += static_cast<char>(c);
        else {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
    return out;
}

namespace trace {
void enable(bool on) { g_trace = on; }
bool enabled() { return g_trace; }
std::size_t calls() { return g_calls; }
void reset() { g_calls = 0; }
void record(std::string_view method, std::string_view path, long status, double ms) {
    ++g_calls;
    if (!g_trace) return;
    std::lock_guard<std::mutex> lock(g_trace_mutex);
    std::cerr << "api: " << method << ' ' << path << ' ' << (status ? std::to_string(status) : "failed") << ' '
              << static_cast<long>(ms + 0.5) << "ms\n";
}
void print_summary() {
    if (!g_trace) return;
    std::lock_guard<std::mutex> lock(g_trace_mutex);
    std::cerr << "api: " << g_calls << " call" << (g_calls == 1 ? "" : "s") << "\n";
}
}  // namespace trace

}  // namespace dockerops::docker
