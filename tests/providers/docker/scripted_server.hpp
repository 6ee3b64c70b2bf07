#pragma once
// A scripted HTTP server on a unix socket, for the provider's unit tests: the
// HTTP client's framings (http_test), observe's calls (observe_test) and the
// connection itself (connection_test), with no engine.
#include "providers/docker/http.hpp"

#include <catch2/catch.hpp>

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace dockerops::test {

// One request as the server read it.
struct Seen {
    std::string head;
    std::string body;   // de-chunked
};

// Reads one request from fd (head, then a Content-Length or chunked body);
// false when the client closed the connection first.
inline bool read_request(int fd, std::string& pending, Seen& out) {
    auto more = [&] {
        char buf[4096];
        ssize_t n = ::read(fd, buf, sizeof buf);
        if (n <= 0) return false;
        pending.append(buf, static_cast<std::size_t>(n));
        return true;
    };
    std::size_t end;
    while ((end = pending.find("\r\n\r\n")) == std::string::npos)
        if (!more()) return false;
    out.head = pending.substr(0, end + 4);
    pending.erase(0, end + 4);
    out.body.clear();
    if (auto cl = out.head.find("Content-Length: "); cl != std::string::npos) {
        std::size_t want = std::strtoul(out.head.c_str() + cl + 16, nullptr, 10);
        while (pending.size() < want)
            if (!more()) return false;
        out.body = pending.substr(0, want);
        pending.erase(0, want);
    } else if (out.head.find("Transfer-Encoding: chunked") != std::string::npos) {
        while (true) {
            std::size_t eol;
            while ((eol = pending.find("\r\n")) == std::string::npos)
                if (!more()) return false;
            std::size_t size = std::strtoul(pending.c_str(), nullptr, 16);
            while (pending.size() < eol + 2 + size + 2)
                if (!more()) return false;
            out.body += pending.substr(eol + 2, size);
            pending.erase(0, eol + 2 + size + 2);
            if (size == 0) break;
        }
    }
    return true;
}

inline void write_all(int fd, const std::string& s) {
    std::size_t off = 0;
    while (off < s.size()) {
        ssize_t n = ::write(fd, s.data() + off, s.size() - off);
        if (n <= 0) return;
        off += static_cast<std::size_t>(n);
    }
}

// A server on a unix socket: each connection is handed to `serve`, one at a time.
class ScriptedServer {
public:
    using Serve = std::function<void(int fd, std::atomic<int>& accepted)>;
    // concurrent: each connection served on a thread of its own (a client
    // with several connections open at once); else one at a time.
    explicit ScriptedServer(Serve serve, bool concurrent = false) : serve_(std::move(serve)) {
        char dir[] = "/tmp/dockerops-http-XXXXXX";
        dir_ = ::mkdtemp(dir);
        path_ = dir_ + "/s.sock";
        fd_ = ::socket(AF_UNIX, SOCK_STREAM, 0);
        sockaddr_un a{};
        a.sun_family = AF_UNIX;
        std::strcpy(a.sun_path, path_.c_str());
        REQUIRE(::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
        REQUIRE(::listen(fd_, 4) == 0);
        thread_ = std::thread([this, concurrent] {
            while (true) {
                int c = ::accept(fd_, nullptr, nullptr);
                if (c < 0 || stop_) {
                    if (c >= 0) ::close(c);
                    return;
                }
                ++accepted_;
                if (!concurrent) {
                    serve_(c, accepted_);
                    ::close(c);
                    continue;
                }
                std::lock_guard<std::mutex> l(mutex_);
                served_.emplace_back([this, c] {
                    serve_(c, accepted_);
                    ::close(c);
                });
            }
        });
    }
    ~ScriptedServer() {
        stop_ = true;
        ::shutdown(fd_, SHUT_RDWR);
        ::close(fd_);
        // accept() may not wake on close: one last connection does it.
        int c = ::socket(AF_UNIX, SOCK_STREAM, 0);
        sockaddr_un a{};
        a.sun_family = AF_UNIX;
        std::strcpy(a.sun_path, path_.c_str());
        (void)::connect(c, reinterpret_cast<sockaddr*>(&a), sizeof a);
        ::close(c);
        thread_.join();
        for (auto& t : served_) t.join();
        std::filesystem::remove_all(dir_);
    }
    docker::Endpoint endpoint() const { docker::Endpoint e;
        e.kind = docker::Endpoint::Kind::Unix;
        e.address = path_;
        return e; }
    int accepted() const { return accepted_; }

private:
    Serve serve_;
    std::string dir_, path_;
    int fd_ = -1;
    std::atomic<int> accepted_{0};
    std::atomic<bool> stop_{false};
    std::thread thread_;
    std::mutex mutex_;
    std::vector<std::thread> served_;
};

}  // namespace dockerops::test
