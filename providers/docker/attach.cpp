#include "providers/docker/attach.hpp"

#include "util/json_writer.hpp"

#include <curl/curl.h>
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

// One raw connection: the request written by hand, then bytes both ways.
class Hijack {
public:
    explicit Hijack(const Endpoint& e) : endpoint_(e), curl_(curl_easy_init()) {}
    ~Hijack() { if (curl_) curl_easy_cleanup(curl_); }

    Status open(const std::string& method, const std::string& path, const std::string& body) {
        std::string url = endpoint_.url_base() + "/";
        curl_easy_setopt(curl_, CURLOPT_URL, url.c_str());
        if (endpoint_.kind == Endpoint::Kind::Unix) curl_easy_setopt(curl_, CURLOPT_UNIX_SOCKET_PATH, endpoint_.address.c_str());
        if (endpoint_.tls) {
            curl_easy_setopt(curl_, CURLOPT_CAINFO, endpoint_.ca.c_str());
            curl_easy_setopt(curl_, CURLOPT_SSLCERT, endpoint_.cert.c_str());
            curl_easy_setopt(curl_, CURLOPT_SSLKEY, endpoint_.key.c_str());
        }
        curl_easy_setopt(curl_, CURLOPT_CONNECT_ONLY, 1L);
        curl_easy_setopt(curl_, CURLOPT_CONNECTTIMEOUT_MS, 5000L);
        auto t0 = std::chrono::steady_clock::now();
        CURLcode rc = curl_easy_perform(curl_);
        if (rc != CURLE_OK)
            return Error{std::string("cannot reach the Docker engine: ") + curl_easy_strerror(rc), "engine " + endpoint_.display()};
        curl_easy_getinfo(curl_, CURLINFO_ACTIVESOCKET, &sock_);
        std::string req = method + " " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n"
                          "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
        if (!send_all(req.data(), req.size())) return Error{"the engine closed the connection", "engine " + endpoint_.display()};
        // The answer's head: 101 (upgraded) or 200; anything else is an error.
        std::string head;
        while (head.find("\r\n\r\n") == std::string::npos) {
            char buf[1024];
            std::size_t n = 0;
            if (!recv_some(buf, sizeof buf, n, std::chrono::seconds(30))) break;
            head.append(buf, n);
        }
        auto end = head.find("\r\n\r\n");
        double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
        long status = head.size() > 12 ? std::atol(head.substr(9, 3).c_str()) : 0;
        trace::record(method, path, status, ms);
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

    bool send_all(const char* p, std::size_t n) {
        while (n > 0) {
            std::size_t sent = 0;
            CURLcode rc = curl_easy_send(curl_, p, n, &sent);
            if (rc == CURLE_AGAIN) {
                pollfd pfd{static_cast<int>(sock_), POLLOUT, 0};
                poll(&pfd, 1, 1000);
                continue;
            }
            if (rc != CURLE_OK) return false;
            p += sent;
            n -= sent;
        }
        return true;
    }

    // False when the connection has ended.
    bool recv_some(char* buf, std::size_t cap, std::size_t& n, std::chrono::milliseconds wait) {
        n = 0;
        while (true) {
            CURLcode rc = curl_easy_recv(curl_, buf, cap, &n);
            if (rc == CURLE_OK) return n > 0;
            if (rc != CURLE_AGAIN) return false;
            pollfd pfd{static_cast<int>(sock_), POLLIN, 0};
            if (poll(&pfd, 1, static_cast<int>(wait.count())) <= 0) return false;
        }
    }

    // Pumps in_fd -> engine and engine -> out_fd until the engine ends the stream.
    void pump(const AttachIo& io, const std::function<void()>& on_resize) {
        if (!leftover_.empty()) (void)!write(io.out_fd, leftover_.data(), leftover_.size());
        bool in_open = true;
        char buf[16384];
        while (true) {
            if (g_winch.exchange(false)) on_resize();
            pollfd fds[2] = {{static_cast<int>(sock_), POLLIN, 0}, {io.in_fd, POLLIN, 0}};
            int r = poll(fds, in_open ? 2 : 1, 200);
            if (r < 0 && errno != EINTR) break;
            if (r <= 0) continue;
            if (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) {
                std::size_t n = 0;
                CURLcode rc = curl_easy_recv(curl_, buf, sizeof buf, &n);
                if (rc == CURLE_AGAIN) continue;
                if (rc != CURLE_OK || n == 0) break;
                (void)!write(io.out_fd, buf, n);
            }
            if (in_open && (fds[1].revents & (POLLIN | POLLHUP))) {
                ssize_t n = read(io.in_fd, buf, sizeof buf);
                if (n <= 0) in_open = false;
                else if (!send_all(buf, static_cast<std::size_t>(n))) break;
            }
        }
    }

private:
    Endpoint endpoint_;
    CURL* curl_;
    curl_socket_t sock_ = CURL_SOCKET_BAD;
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
    resize(http, resize_path, size_of(io));
    {
        WinchHandler winch;
        RawMode raw(io.in_fd);
        h.pump(io, [&] { resize(http, resize_path, size_of(io)); });
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
