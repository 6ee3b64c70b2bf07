#include "providers/docker/connection.hpp"

#include "providers/docker/curl_lib.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstring>

namespace dockerops::docker {

namespace {

constexpr const char* kDaemonHint = " (is dockerd running? check DOCKER_HOST, or run scripts/setup.sh)";

Error unreachable(const Endpoint& e, const std::string& why, const std::string& hint) {
    return Error{"cannot reach the Docker engine: " + why + hint, "engine " + e.display()};
}

// Waits for `events` on fd until the deadline: true when they came.
bool wait_for(int fd, short events, Deadline deadline) {
    while (true) {
        pollfd p{fd, events, 0};
        int r = poll(&p, 1, millis_until(deadline));
        if (r > 0) return true;
        if (r == 0) return false;
        if (errno != EINTR) return false;
    }
}

class UnixConnection final : public Connection {
public:
    explicit UnixConnection(int fd) : fd_(fd) {}
    ~UnixConnection() override { ::close(fd_); }

    bool send_all(const char* p, std::size_t n, Deadline deadline) override {
        while (n > 0) {
            ssize_t w = ::send(fd_, p, n, MSG_NOSIGNAL);
            if (w > 0) {
                p += w;
                n -= static_cast<std::size_t>(w);
                continue;
            }
            if (w < 0 && errno == EINTR) continue;
            if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
                if (!wait_for(fd_, POLLOUT, deadline)) return fail("no room to send within the time allowed");
                continue;
            }
            return fail(std::strerror(errno));
        }
        return true;
    }

    long recv_some(char* buf, std::size_t cap, Deadline deadline) override {
        while (true) {
            ssize_t r = ::recv(fd_, buf, cap, 0);
            if (r >= 0) return static_cast<long>(r);
            if (errno == EINTR) continue;
            if (errno != EAGAIN && errno != EWOULDBLOCK) {
                fail(std::strerror(errno));
                return kFailed;
            }
            if (!wait_for(fd_, POLLIN, deadline)) return kTimedOut;
        }
    }

    int fd() const override { return fd_; }
    void close_write() override { ::shutdown(fd_, SHUT_WR); }

private:
    bool fail(const std::string& why) {
        error_ = why;
        return false;
    }
    int fd_;
};

Result<std::unique_ptr<Connection>> connect_unix(const Endpoint& e, Deadline deadline) {
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (e.address.size() >= sizeof addr.sun_path) return unreachable(e, "the socket path is too long", "");
    std::memcpy(addr.sun_path, e.address.c_str(), e.address.size() + 1);
    int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0) return unreachable(e, std::string("socket: ") + std::strerror(errno), "");
    auto conn = std::make_unique<UnixConnection>(fd);
    if (::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) == 0) return std::unique_ptr<Connection>(std::move(conn));
    int err = errno;
    // A busy engine's backlog: wait for the socket to take us.
    if ((err == EAGAIN || err == EINPROGRESS) && wait_for(fd, POLLOUT, deadline)) {
        socklen_t len = sizeof err;
        if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) == 0 && err == 0) return std::unique_ptr<Connection>(std::move(conn));
    } else if (err == EAGAIN || err == EINPROGRESS) {
        return unreachable(e, "the engine's socket did not accept within the time allowed", kDaemonHint);
    }
    std::string hint = err == EACCES ? " (run as root, or as a member of the socket's group, usually docker)" : kDaemonHint;
    return unreachable(e, e.address + ": " + std::strerror(err), hint);
}

// tcp://: libcurl connects (name lookup, TLS and its certificates) and carries the bytes.
class CurlConnection final : public Connection {
public:
    CurlConnection(const CurlLib& lib, CURL* c) : lib_(lib), curl_(c) {}
    ~CurlConnection() override { lib_.curl_easy_cleanup(curl_); }

    CURLcode open(const Endpoint& e, Deadline deadline) {
        std::string url = e.url_base() + "/";
        lib_.curl_easy_setopt(curl_, CURLOPT_URL, url.c_str());
        if (e.tls) {
            lib_.curl_easy_setopt(curl_, CURLOPT_CAINFO, e.ca.c_str());
            lib_.curl_easy_setopt(curl_, CURLOPT_SSLCERT, e.cert.c_str());
            lib_.curl_easy_setopt(curl_, CURLOPT_SSLKEY, e.key.c_str());
            lib_.curl_easy_setopt(curl_, CURLOPT_SSL_VERIFYPEER, 1L);
            lib_.curl_easy_setopt(curl_, CURLOPT_SSL_VERIFYHOST, 2L);
        }
        lib_.curl_easy_setopt(curl_, CURLOPT_CONNECT_ONLY, 1L);
        lib_.curl_easy_setopt(curl_, CURLOPT_NOSIGNAL, 1L);
        lib_.curl_easy_setopt(curl_, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(std::max(1, millis_until(deadline))));
        CURLcode rc = lib_.curl_easy_perform(curl_);
        if (rc == CURLE_OK) lib_.curl_easy_getinfo(curl_, CURLINFO_ACTIVESOCKET, &sock_);
        return rc;
    }

    bool send_all(const char* p, std::size_t n, Deadline deadline) override {
        while (n > 0) {
            std::size_t sent = 0;
            CURLcode rc = lib_.curl_easy_send(curl_, p, n, &sent);
            if (rc == CURLE_AGAIN) {
                if (!wait_for(fd(), POLLOUT, deadline)) return fail("no room to send within the time allowed");
                continue;
            }
            if (rc != CURLE_OK) return fail(lib_.curl_easy_strerror(rc));
            p += sent;
            n -= sent;
        }
        return true;
    }

    long recv_some(char* buf, std::size_t cap, Deadline deadline) override {
        while (true) {
            std::size_t n = 0;
            CURLcode rc = lib_.curl_easy_recv(curl_, buf, cap, &n);
            if (rc == CURLE_OK) return static_cast<long>(n);   // 0: closed
            if (rc != CURLE_AGAIN) {
                fail(lib_.curl_easy_strerror(rc));
                return kFailed;
            }
            if (!wait_for(fd(), POLLIN, deadline)) return kTimedOut;
        }
    }

    int fd() const override { return static_cast<int>(sock_); }

private:
    bool fail(const std::string& why) {
        error_ = why;
        return false;
    }
    const CurlLib& lib_;
    CURL* curl_;
    curl_socket_t sock_ = CURL_SOCKET_BAD;
};

Result<std::unique_ptr<Connection>> connect_tcp(const Endpoint& e, Deadline deadline) {
    auto lib = curl_lib();
    if (!lib) return unreachable(e, lib.error().message, "");
    CURL* c = (*lib)->curl_easy_init();
    if (!c) return unreachable(e, "cannot initialise libcurl", "");
    auto conn = std::make_unique<CurlConnection>(**lib, c);
    CURLcode rc = conn->open(e, deadline);
    if (rc == CURLE_OK) return std::unique_ptr<Connection>(std::move(conn));
    std::string hint;
    if (rc == CURLE_COULDNT_CONNECT || rc == CURLE_COULDNT_RESOLVE_HOST) hint = kDaemonHint;
    else if (rc == CURLE_OPERATION_TIMEDOUT) hint = " (no connection within the time allowed)";
    else if (e.tls) hint = kCertHint;
    return unreachable(e, (*lib)->curl_easy_strerror(rc), hint);
}

}  // namespace

int millis_until(Deadline deadline) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count();
    if (left <= 0) return 0;
    return left > INT_MAX ? INT_MAX : static_cast<int>(left) + 1;
}

Result<std::unique_ptr<Connection>> connect_to(const Endpoint& endpoint, Deadline deadline) {
    if (endpoint.kind == Endpoint::Kind::Unix) return connect_unix(endpoint, deadline);
    return connect_tcp(endpoint, deadline);
}

}  // namespace dockerops::docker
