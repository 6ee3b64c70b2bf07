#include "providers/docker/http.hpp"

#include "providers/docker/connection.hpp"

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <mutex>
#include <vector>

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

Result<Endpoint> endpoint_for(std::string_view host) {
    const char* verify = std::getenv("DOCKER_TLS_VERIFY");
    const char* certs = std::getenv("DOCKER_CERT_PATH");
    const char* home = std::getenv("HOME");
    std::string cert_path = certs && *certs ? certs : std::string(home ? home : "") + "/.docker";
    bool tls = verify && *verify && std::string(verify) != "0";
    auto e = parse_endpoint(host, tls, cert_path);
    if (e) {
        const char* config = std::getenv("DOCKER_CONFIG");
        const char* path = std::getenv("PATH");
        e->docker_config = config && *config ? config : home && *home ? std::string(home) + "/.docker" : std::string();
        e->helper_path = path ? path : "/usr/local/bin:/usr/bin:/bin";
    }
    return e;
}

Result<Endpoint> endpoint_from_env() {
    const char* host = std::getenv("DOCKER_HOST");
    return endpoint_for(host && *host ? host : "unix:///var/run/docker.sock");
}

namespace {

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
    return s;
}

std::string trim(std::string_view v) {
    auto b = v.find_first_not_of(" \t");
    auto e = v.find_last_not_of(" \t\r\n");
    return b == std::string_view::npos ? std::string() : std::string(v.substr(b, e - b + 1));
}

// How one request and its answer went.
struct Exchange {
    enum class Outcome { Answered, Stale, Failed, TimedOut } outcome = Outcome::Failed;
    std::string why;             // when Failed
    bool keep_alive = false;     // when Answered: the connection can carry the next request
};

// The answer as it is read off the connection: a buffer the connection reads
// into directly, and what has been taken from it.
class Reader {
public:
    Reader(Connection& conn, Deadline deadline) : conn_(conn), deadline_(deadline) {}

    // Reads more into the buffer; false at the end of the connection or on a failure (last()).
    bool fill() {
        if (end_ == buf_.size()) {
            if (pos_ > 0) {   // what was taken makes room
                std::memmove(buf_.data(), buf_.data() + pos_, end_ - pos_);
                end_ -= pos_;
                pos_ = 0;
            }
            if (end_ == buf_.size()) buf_.resize(std::max<std::size_t>(16384, buf_.size() * 2));
        }
        last_ = conn_.recv_some(buf_.data() + end_, buf_.size() - end_, deadline_);
        if (last_ <= 0) return false;
        got_any_ = true;
        end_ += static_cast<std::size_t>(last_);
        return true;
    }
    // A line ending in CRLF (without it); false when the connection ended first.
    bool line(std::string& out) {
        while (true) {
            std::string_view have(buf_.data() + pos_, end_ - pos_);
            auto eol = have.find("\r\n");
            if (eol != std::string_view::npos) {
                out.assign(have.substr(0, eol));
                pos_ += eol + 2;
                return true;
            }
            if (have.size() > 65536 || !fill()) return false;
        }
    }
    // Up to `want` bytes of what is buffered (reading when nothing is); empty at the end.
    std::string_view some(std::size_t want) {
        if (pos_ == end_ && !fill()) return {};
        std::string_view v(buf_.data() + pos_, std::min(want, end_ - pos_));
        pos_ += v.size();
        return v;
    }
    bool got_any() const { return got_any_; }
    long last() const { return last_; }

private:
    Connection& conn_;
    Deadline deadline_;
    std::vector<char> buf_;
    std::size_t pos_ = 0, end_ = 0;
    long last_ = 0;
    bool got_any_ = false;
};

std::string request_head(const HttpRequest& req, const Endpoint& e) {
    std::string head = req.method + " " + req.path + " HTTP/1.1\r\nHost: " +
                       (e.kind == Endpoint::Kind::Unix ? std::string("localhost") : e.address) +
                       "\r\nUser-Agent: dockerops\r\n";
    if (!req.content_type.empty()) head += "Content-Type: " + req.content_type + "\r\n";
    if (!req.registry_auth.empty()) head += "X-Registry-Auth: " + req.registry_auth + "\r\n";
    if (req.upload) head += "Transfer-Encoding: chunked\r\n";
    else if (!req.body.empty() || req.method == "POST" || req.method == "PUT")
        head += "Content-Length: " + std::to_string(req.body.size()) + "\r\n";
    return head + "\r\n";
}

// Sends the request; false when the connection failed (conn.error()).
bool send_request(Connection& conn, const HttpRequest& req, const Endpoint& e, Deadline deadline, std::string& why) {
    std::string head = request_head(req, e);
    if (!req.upload) {
        head += req.body;
        return conn.send_all(head.data(), head.size(), deadline);
    }
    if (!conn.send_all(head.data(), head.size(), deadline)) return false;
    std::string chunk;
    char buf[65536];
    while (true) {
        std::size_t n = std::fread(buf, 1, sizeof buf, req.upload);
        if (n == 0) {
            if (std::ferror(req.upload)) {
                why = "cannot read what was to be sent";
                return false;
            }
            return conn.send_all("0\r\n\r\n", 5, deadline);
        }
        char size[32];
        int len = std::snprintf(size, sizeof size, "%zx\r\n", n);
        chunk.assign(size, static_cast<std::size_t>(len));
        chunk.append(buf, n);
        chunk += "\r\n";
        if (!conn.send_all(chunk.data(), chunk.size(), deadline)) return false;
    }
}

// Reads the body in whichever framing the head announced, handing it to the
// request's on_data or to resp.body; false when the connection ended first.
bool read_body(Reader& in, const HttpRequest& req, HttpResponse& resp, bool& framed) {
    // A kept body stops at the request's limit; a streamed one is the caller's
    // to bound. An error answer is kept, never streamed: its message is the error's.
    bool over = false;
    const bool stream = req.on_data && resp.status >= 200 && resp.status < 300;
    auto deliver = [&](std::string_view piece) {
        if (stream) req.on_data(piece);
        else if (resp.body.size() + piece.size() > req.max_body) over = true, resp.body.append(piece.substr(0, req.max_body + 1 - resp.body.size()));
        else resp.body.append(piece);
        return !over;
    };
    framed = true;
    if (req.method == "HEAD" || resp.status == 204 || resp.status == 304 || resp.status < 200) return true;
    auto te = resp.headers.find("transfer-encoding");
    if (te != resp.headers.end() && lower(te->second).find("chunked") != std::string::npos) {
        std::string size_line;
        while (true) {
            if (!in.line(size_line)) return false;
            char* end = nullptr;
            unsigned long long size = std::strtoull(size_line.c_str(), &end, 16);
            if (end == size_line.c_str()) return false;
            if (size == 0) {   // trailers, then the empty line
                std::string trailer;
                do {
                    if (!in.line(trailer)) return false;
                } while (!trailer.empty());
                return true;
            }
            while (size > 0) {
                auto piece = in.some(size);
                if (piece.empty() || !deliver(piece)) return false;
                size -= piece.size();
            }
            std::string crlf;
            if (!in.line(crlf) || !crlf.empty()) return false;
        }
    }
    auto cl = resp.headers.find("content-length");
    if (cl != resp.headers.end()) {
        unsigned long long left = std::strtoull(cl->second.c_str(), nullptr, 10);
        if (!stream && left <= req.max_body) resp.body.reserve(static_cast<std::size_t>(left));
        while (left > 0) {
            auto piece = in.some(left);
            if (piece.empty() || !deliver(piece)) return false;
            left -= piece.size();
        }
        return true;
    }
    framed = false;   // until the engine closes the connection
    while (true) {
        auto piece = in.some(65536);
        if (piece.empty()) return in.last() == 0;
        if (!deliver(piece)) return false;
    }
}

Exchange exchange(Connection& conn, const HttpRequest& req, const Endpoint& e, Deadline deadline, bool reused,
                  HttpResponse& resp) {
    Exchange x;
    std::string why;
    bool sent = send_request(conn, req, e, deadline, why);
    if (!sent && !why.empty()) {
        x.why = why;
        return x;
    }
    // Even when sending failed, the engine may have answered (a refusal before
    // reading the whole body): read what it said.
    Reader in(conn, deadline);
    auto ended = [&](const char* while_doing) {
        if (in.last() == Connection::kTimedOut) x.outcome = Exchange::Outcome::TimedOut;
        else if (reused && !in.got_any()) x.outcome = Exchange::Outcome::Stale;   // closed while idle: try anew
        else {
            x.outcome = Exchange::Outcome::Failed;
            x.why = in.last() == Connection::kFailed ? conn.error() + " " + while_doing
                    : !sent                          ? conn.error()
                                                     : std::string("the engine closed the connection ") + while_doing;
        }
        return x;
    };
    std::string status_line;
    bool http11 = true;
    // Interim answers (100 Continue, 102, 103) come before the final one: their heads are read and dropped.
    for (int interim = 0;; ++interim) {
        if (!in.line(status_line)) return ended(interim ? "in the middle of its answer" : "before answering");
        if (!status_line.starts_with("HTTP/1.") || status_line.size() < 12 || !std::isdigit(static_cast<unsigned char>(status_line[9]))) {
            x.why = "not an HTTP answer: " + status_line.substr(0, 60);
            return x;
        }
        resp.status = std::atol(status_line.c_str() + 9);
        http11 = status_line[7] == '1';
        resp.headers.clear();
        std::string header;
        std::size_t head_bytes = 0;
        while (true) {
            if (!in.line(header)) return ended("in the middle of its answer");
            if (header.empty()) break;
            head_bytes += header.size() + 2;
            if (resp.headers.size() >= kMaxHeaders || head_bytes > kMaxHeadBytes) {
                x.why = "the engine's answer has more than " + std::to_string(kMaxHeaders) + " headers or " +
                        std::to_string(kMaxHeadBytes / 1024) + " KiB of them";
                return x;
            }
            auto colon = header.find(':');
            if (colon != std::string::npos)
                resp.headers[lower(header.substr(0, colon))] = trim(std::string_view(header).substr(colon + 1));
        }
        if (resp.status >= 200 || resp.status == 101) break;
        if (interim >= 8) {
            x.why = "the engine sent more than 8 interim answers";
            return x;
        }
    }
    bool framed = true;
    if (!read_body(in, req, resp, framed)) {
        reused = false;   // the answer had begun: never a stale connection
        if (resp.body.size() > req.max_body) {
            x.why = "the engine's answer is larger than the " + std::to_string(req.max_body / (1024 * 1024)) +
                    " MiB a call may take";
            return x;
        }
        return ended("in the middle of its answer");
    }
    auto connection = resp.headers.find("connection");
    x.keep_alive = sent && framed && http11 && (connection == resp.headers.end() || lower(connection->second) != "close");
    x.outcome = Exchange::Outcome::Answered;
    return x;
}

}  // namespace

Result<HttpResponse> exchange_on(Connection& conn, const HttpRequest& req, const Endpoint& endpoint) {
    HttpResponse resp;
    Exchange x = exchange(conn, req, endpoint, std::chrono::steady_clock::now() + req.timeout, false, resp);
    if (x.outcome == Exchange::Outcome::Answered) return resp;
    return Error{x.outcome == Exchange::Outcome::TimedOut ? "timed out" : x.why.empty() ? "no answer" : x.why,
                 "engine " + endpoint.display()};
}

HttpClient::HttpClient(Endpoint endpoint) : endpoint_(std::move(endpoint)) {}

HttpClient::~HttpClient() = default;

Result<HttpResponse> HttpClient::send(const HttpRequest& req) {
    auto t0 = std::chrono::steady_clock::now();
    Deadline deadline = t0 + req.timeout;
    auto elapsed = [&] { return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count(); };
    auto failed = [&](const std::string& why, const std::string& hint) -> Error {
        conn_.reset();
        endpoint_.record(req.method, req.path, 0, elapsed());
        return Error{"cannot reach the Docker engine: " + why + hint, "engine " + endpoint_.display()};
    };
    // An upload cannot be sent twice: it gets a connection of its own.
    if (req.upload) conn_.reset();
    for (int attempt = 0;; ++attempt) {
        bool reused = conn_ != nullptr;
        if (!conn_) {
            auto c = connect_to(endpoint_, std::min(deadline, std::chrono::steady_clock::now() + std::chrono::seconds(5)));
            if (!c) {
                endpoint_.record(req.method, req.path, 0, elapsed());
                return c.error();
            }
            conn_ = std::move(*c);
        }
        HttpResponse resp;
        Exchange x = exchange(*conn_, req, endpoint_, deadline, reused, resp);
        switch (x.outcome) {
        case Exchange::Outcome::Answered:
            if (!x.keep_alive) conn_.reset();
            endpoint_.record(req.method, req.path, resp.status, elapsed());
            return resp;
        case Exchange::Outcome::Stale:
            conn_.reset();
            if (attempt == 0) continue;
            return failed("the engine closed the connection before answering", endpoint_.tls ? kCertHint : "");
        case Exchange::Outcome::TimedOut:
            return failed("timed out", " (no answer within " +
                                           (req.timeout < std::chrono::seconds(1) ? std::to_string(req.timeout.count()) + " ms)"
                                                                                   : std::to_string(req.timeout.count() / 1000) + " s)"));
        case Exchange::Outcome::Failed:
            return failed(x.why, endpoint_.tls ? kCertHint : "");
        }
    }
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

void CallTrace::record(std::string_view method, std::string_view path, long status, double ms) {
    ++calls_;
    if (!print_) return;
    std::lock_guard<std::mutex> lock(mutex_);
    std::cerr << "api: " << method << ' ' << path << ' ' << (status ? std::to_string(status) : "failed") << ' '
              << static_cast<long>(ms + 0.5) << "ms\n";
}

void CallTrace::print_summary() {
    if (!print_) return;
    std::lock_guard<std::mutex> lock(mutex_);
    const std::size_t n = calls_;
    std::cerr << "api: " << n << " call" << (n == 1 ? "" : "s") << "\n";
}

}  // namespace dockerops::docker
