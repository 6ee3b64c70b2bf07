#include "providers/docker/attach.hpp"

#include "providers/docker/connection.hpp"
#include "util/json_writer.hpp"

#include <poll.h>
#include <signal.h>
#include <simdjson.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <thread>

namespace dockerops::docker {

namespace {

std::atomic<bool> g_winch{false};
void on_winch(int) { g_winch = true; }

// Raw mode on a terminal for the lifetime of the object; nothing on a pipe.
class RawMode {
public:
    explicit RawMode(int fd) : fd_(fd) {
        if (!isatty(fd_) || tcgetattr(fd_, &saved_) != 0) return;
        termios raw = saved_;
        cfmakeraw(&raw);
        active_ = tcsetattr(fd_, TCSANOW, &raw) == 0;
    }
    ~RawMode() { if (active_) tcsetattr(fd_, TCSANOW, &saved_); }

private:
    int fd_;
    termios saved_{};
    bool active_ = false;
};

std::optional<TerminalSize> size_of(const AttachIo& io) {
    winsize ws{};
    if (isatty(io.out_fd) && ioctl(io.out_fd, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0)
        return TerminalSize{ws.ws_row, ws.ws_col};
    return io.size;
}

void write_all(int fd, const char* p, std::size_t n) {
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return;   // the reader went away: the rest is dropped
        p += w;
        n -= static_cast<std::size_t>(w);
    }
}

// What the engine sends on an attach: with a TTY, the raw bytes; without,
// frames of an 8-byte header (stream 1 or 2, then the payload's size, big
// endian) and the payload, split here to standard output and error.
class Frames {
public:
    explicit Frames(const AttachIo& io) : io_(io) {}
    void take(const char* p, std::size_t n) {
        if (io_.tty) { write_all(io_.out_fd, p, n); return; }
        pending_.append(p, n);
        std::size_t at = 0;
        while (pending_.size() - at >= 8) {
            const auto* h = reinterpret_cast<const unsigned char*>(pending_.data() + at);
            const std::size_t len = (std::size_t{h[4]} << 24) | (std::size_t{h[5]} << 16) | (std::size_t{h[6]} << 8) | h[7];
            if (pending_.size() - at - 8 < len) break;
            write_all(h[0] == 2 ? io_.err_fd : io_.out_fd, pending_.data() + at + 8, len);
            at += 8 + len;
        }
        pending_.erase(0, at);
    }

private:
    const AttachIo& io_;
    std::string pending_;
};

// One raw connection: the request written by hand, then bytes both ways.
class Hijack {
public:
    explicit Hijack(const Endpoint& e) : endpoint_(e) {}

    Status open(const std::string& method, const std::string& path, const std::string& body) {
        auto t0 = std::chrono::steady_clock::now();
        auto c = connect_to(endpoint_, t0 + std::chrono::seconds(5));
        if (!c) return c.error();
        conn_ = std::move(*c);
        std::string req = method + " " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n"
                          "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
        if (!conn_->send_all(req.data(), req.size(), t0 + std::chrono::seconds(30)))
            return Error{"the engine closed the connection: " + conn_->error(), "engine " + endpoint_.display()};
        // The answer's head: 101 (upgraded) or 200; anything else is an error.
        std::string head;
        while (head.find("\r\n\r\n") == std::string::npos) {
            char buf[1024];
            long n = conn_->recv_some(buf, sizeof buf, t0 + std::chrono::seconds(30));
            if (n <= 0) break;
            head.append(buf, static_cast<std::size_t>(n));
        }
        auto end = head.find("\r\n\r\n");
        double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
        long status = head.size() > 12 ? std::atol(head.substr(9, 3).c_str()) : 0;
        endpoint_.record(method, path, status, ms);
        if (end == std::string::npos) return Error{"no answer to " + path, "engine " + endpoint_.display()};
        if (status != 101 && status != 200) {
            std::string msg = head.substr(end + 4);
            auto m = msg.find("\"message\":\"");
            if (m != std::string::npos) msg = msg.substr(m + 11, msg.find('"', m + 11) - m - 11);
            return Error{msg + " (HTTP " + std::to_string(status) + ")", path, static_cast<int>(status)};
        }
        leftover_ = head.substr(end + 4);
        return ok_status();
    }

    // Pumps in_fd -> engine and engine -> out_fd (and err_fd, without a TTY)
    // until the engine ends the stream.
    void pump(const AttachIo& io, const std::function<void()>& on_resize) {
        Frames frames(io);
        frames.take(leftover_.data(), leftover_.size());
        bool in_open = true;
        char buf[16384];
        while (true) {
            if (g_winch.exchange(false)) on_resize();
            pollfd fds[2] = {{conn_->fd(), POLLIN, 0}, {io.in_fd, POLLIN, 0}};
            int r = poll(fds, in_open ? 2 : 1, 200);
            if (r < 0 && errno != EINTR) break;
            if (r <= 0) continue;
            if (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) {
                long n = conn_->recv_some(buf, sizeof buf, std::chrono::steady_clock::now());
                if (n == Connection::kTimedOut) continue;   // nothing yet (TLS bytes that made no record)
                if (n <= 0) break;
                frames.take(buf, static_cast<std::size_t>(n));
            }
            if (in_open && (fds[1].revents & (POLLIN | POLLHUP))) {
                ssize_t n = read(io.in_fd, buf, sizeof buf);
                if (n <= 0) {
                    in_open = false;
                    // Without a TTY the end of our input is the end of the
                    // container's (it was made with StdinOnce).
                    if (!io.tty) conn_->close_write();
                } else if (!conn_->send_all(buf, static_cast<std::size_t>(n), std::chrono::steady_clock::now() + std::chrono::seconds(30))) {
                    break;
                }
            }
        }
    }

private:
    Endpoint endpoint_;
    std::unique_ptr<Connection> conn_;
    std::string leftover_;
};

std::string api(const std::string& version, const std::string& path) { return "/v" + version + path; }

Result<long> int_field(HttpClient& http, const std::string& method, const std::string& path, const char* field,
                       const std::string& object, std::chrono::milliseconds timeout = std::chrono::milliseconds(60'000)) {
    HttpRequest req;
    req.method = method;
    req.path = path;
    req.timeout = timeout;
    if (method == "POST") req.content_type = "application/json";
    auto r = http.send(req);
    if (!r) return r.error();
    simdjson::dom::parser p;
    simdjson::padded_string body(r->body);
    int64_t v = 0;
    auto doc = p.parse(body);
    if (r->status < 200 || r->status >= 300 || doc[field].get_int64().get(v) != simdjson::SUCCESS)
        return Error{"unexpected answer to " + path + " (HTTP " + std::to_string(r->status) + ")", object};
    return static_cast<long>(v);
}

// The TTY of a just-started exec may not exist yet: the engine refuses a resize
// until it does, so a few quick retries.
void resize(HttpClient& http, const std::string& path, const std::optional<TerminalSize>& size) {
    if (!size) return;
    HttpRequest req;
    req.method = "POST";
    req.content_type = "application/json";
    req.path = path + "?h=" + std::to_string(size->rows) + "&w=" + std::to_string(size->cols);
    for (int attempt = 0; attempt < 10; ++attempt) {
        auto r = http.send(req);
        if (!r || (r->status >= 200 && r->status < 300)) return;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
}

struct WinchHandler {
    struct sigaction old{};
    WinchHandler() {
        struct sigaction sa{};
        sa.sa_handler = on_winch;
        sigemptyset(&sa.sa_mask);
        sigaction(SIGWINCH, &sa, &old);
    }
    ~WinchHandler() { sigaction(SIGWINCH, &old, nullptr); }
};

}  // namespace

Result<int> attach_and_start(const Endpoint& endpoint, const std::string& version, const std::string& id,
                             const AttachIo& io) {
    const std::string object = "container " + id;
    Hijack h(endpoint);
    // Attach before starting, so nothing the container prints first is lost.
    if (auto s = h.open("POST", api(version, "/containers/" + id + "/attach?stream=1&stdin=1&stdout=1&stderr=1"), ""); !s)
        return Error{s.error().message, object, s.error().status};
    HttpClient http(endpoint);
    HttpRequest start;
    start.method = "POST";
    start.content_type = "application/json";
    start.path = api(version, "/containers/" + id + "/start");
    auto st = http.send(start);
    if (!st) return st.error();
    if (st->status != 204 && st->status != 304) return Error{"start: " + st->body, object, static_cast<int>(st->status)};
    const std::string resize_path = api(version, "/containers/" + id + "/resize");
    if (io.tty) resize(http, resize_path, size_of(io));
    {
        WinchHandler winch;
        RawMode raw(io.tty ? io.in_fd : -1);
        h.pump(io, [&] { if (io.tty) resize(http, resize_path, size_of(io)); });
    }
    auto code = int_field(http, "POST", api(version, "/containers/" + id + "/wait"), "StatusCode", object,
                          std::chrono::minutes(2));
    if (!code) return code.error();
    return static_cast<int>(*code);
}

Result<int> exec_interactive(const Endpoint& endpoint, const std::string& version, const std::string& id,
                             const std::vector<std::string>& cmd, const AttachIo& io) {
    const std::string object = "container " + id;
    HttpClient http(endpoint);
    JsonWriter w;
    w.begin_object().key("AttachStdin").value(true).key("AttachStdout").value(true).key("AttachStderr").value(true);
    w.key("Tty").value(true).key("Cmd").strings(cmd);
    if (const char* term = std::getenv("TERM")) w.key("Env").strings({std::string("TERM=") + term});
    w.end_object();
    HttpRequest create;
    create.method = "POST";
    create.content_type = "application/json";
    create.path = api(version, "/containers/" + id + "/exec");
    create.body = w.str();
    auto c = http.send(create);
    if (!c) return c.error();
    simdjson::dom::parser p;
    simdjson::padded_string body(c->body);
    std::string_view exec_id;
    if (c->status != 201 || p.parse(body)["Id"].get_string().get(exec_id) != simdjson::SUCCESS) {
        std::string msg = c->body;
        std::string_view m;
        if (p.parse(body)["message"].get_string().get(m) == simdjson::SUCCESS) msg = std::string(m);
        return Error{"exec: " + msg + " (HTTP " + std::to_string(c->status) + ")", object, static_cast<int>(c->status)};
    }
    const std::string eid(exec_id);
    Hijack h(endpoint);
    if (auto s = h.open("POST", api(version, "/exec/" + eid + "/start"), R"({"Detach":false,"Tty":true})"); !s)
        return Error{s.error().message, object, s.error().status};
    const std::string resize_path = api(version, "/exec/" + eid + "/resize");
    resize(http, resize_path, size_of(io));
    {
        WinchHandler winch;
        RawMode raw(io.in_fd);
        h.pump(io, [&] { resize(http, resize_path, size_of(io)); });
    }
    auto code = int_field(http, "GET", api(version, "/exec/" + eid + "/json"), "ExitCode", object);
    if (!code) return code.error();
    return static_cast<int>(*code);
}

}  // namespace dockerops::docker
