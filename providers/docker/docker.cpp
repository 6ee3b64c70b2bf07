#include "providers/docker/docker.hpp"
#include "providers/docker/engine_json.hpp"

#include "engine/desired/context.hpp"
#include "engine/model/ownership.hpp"
#include "util/hash.hpp"
#include "util/json_writer.hpp"
#include "providers/docker/attach.hpp"
#include "providers/docker/tar.hpp"

#include <simdjson.h>

#include <algorithm>
#include <cctype>
#include <ctime>
#include <sstream>
#include <set>
#include <thread>

namespace dockerops::docker {

using namespace detail;
using simdjson::dom::element;
using simdjson::dom::object;
using Node = simdjson::simdjson_result<element>;

bool valid_api_version(std::string_view v) {
    auto dot = v.find('.');
    auto digits = [](std::string_view d) {
        return !d.empty() && d.size() <= 3 && std::all_of(d.begin(), d.end(), [](char c) { return c >= '0' && c <= '9'; });
    };
    return dot != std::string_view::npos && digits(v.substr(0, dot)) && digits(v.substr(dot + 1));
}

int taken_port(std::string_view message) {
    // "Bind for 0.0.0.0:8080 failed: port is already allocated"
    // "listen tcp4 127.0.0.1:8080: bind: address already in use"
    if (message.find("already allocated") == std::string_view::npos && message.find("already in use") == std::string_view::npos)
        return 0;
    for (std::string_view marker : {"Bind for ", "listen tcp4 ", "listen tcp6 ", "listen udp4 ", "listen udp6 ",
                                    "listen tcp ", "listen udp "}) {
        auto at = message.find(marker);
        if (at == std::string_view::npos) continue;
        // The address token: up to the next space, without a trailing ':'.
        std::string_view token = message.substr(at + marker.size());
        token = token.substr(0, token.find(' '));
        if (token.ends_with(":")) token.remove_suffix(1);
        auto colon = token.rfind(':');
        if (colon == std::string_view::npos) return 0;
        return std::atoi(std::string(token.substr(colon + 1)).c_str());
    }
    return 0;
}

int exit_code_from_status(std::string_view status) {
    auto open = status.find('(');
    auto close = status.find(')', open);
    // "Exited (3) 2 seconds ago", "Restarting (3) 1 second ago"
    if (!(status.starts_with("Exited") || status.starts_with("Restarting")) || open == std::string_view::npos ||
        close == std::string_view::npos)
        return 0;
    return std::atoi(std::string(status.substr(open + 1, close - open - 1)).c_str());
}

int up_seconds_from_status(std::string_view status) {
    // "Up Less than a second", "Up 1 second", "Up 9 seconds (healthy)"; a
    // minute or more ("Up About a minute", "Up 3 hours") is -1, as is any
    // other state's text.
    if (!status.starts_with("Up ")) return -1;
    status.remove_prefix(3);
    if (status.starts_with("Less than a second")) return 0;
    std::size_t digits = 0;
    while (digits < status.size() && digits < 3 && std::isdigit(static_cast<unsigned char>(status[digits]))) ++digits;
    if (digits == 0) return -1;
    const std::string_view unit = status.substr(digits);
    if (!unit.starts_with(" second")) return -1;
    return std::atoi(std::string(status.substr(0, digits)).c_str());
}

std::string health_from_status(std::string_view status) {
    if (status.find("(healthy)") != std::string_view::npos) return "healthy";
    if (status.find("(unhealthy)") != std::string_view::npos) return "unhealthy";
    if (status.find("(health: starting)") != std::string_view::npos) return "starting";
    return {};
}

Streams demultiplex(std::string_view raw) {
    Streams s;
    std::size_t i = 0;
    while (i + 8 <= raw.size()) {
        unsigned char type = static_cast<unsigned char>(raw[i]);
        if (type > 2 || raw[i + 1] || raw[i + 2] || raw[i + 3]) return {std::string(raw), {}};   // a TTY: not multiplexed
        std::size_t len = (static_cast<unsigned char>(raw[i + 4]) << 24) | (static_cast<unsigned char>(raw[i + 5]) << 16) |
                          (static_cast<unsigned char>(raw[i + 6]) << 8) | static_cast<unsigned char>(raw[i + 7]);
        (type == 2 ? s.err : s.out).append(raw.substr(i + 8, len));
        i += 8 + len;
    }
    return s;
}

Result<std::unique_ptr<DockerEngine>> DockerEngine::connect(const Endpoint& endpoint) {
    std::unique_ptr<DockerEngine> e(new DockerEngine(endpoint));
    HttpRequest ping;
    ping.path = "/_ping";
    ping.timeout = std::chrono::milliseconds(10'000);
    auto r = e->http_.send(ping);
    if (!r) return r.error();
    if (r->status != 200)
        return Error{"the engine answered /_ping with HTTP " + std::to_string(r->status), "engine " + endpoint.display(),
                     static_cast<int>(r->status)};
    // Negotiate down: the lower of ours and the engine's.
    auto it = r->headers.find("api-version");
    // It goes into every request line: only a version of digits ("1.41") is taken.
    if (it != r->headers.end() && valid_api_version(it->second)) {
        auto as_pair = [](const std::string& v) {
            auto dot = v.find('.');
            return std::pair{std::atoi(v.substr(0, dot).c_str()),
                             dot == std::string::npos ? 0 : std::atoi(v.substr(dot + 1).c_str())};
        };
        if (as_pair(it->second) < as_pair(kMaxApiVersion)) e->version_ = it->second;
    }
    return e;
}

Result<std::unique_ptr<DockerEngine>> DockerEngine::connect_from_env(std::shared_ptr<CallTrace> trace) {
    auto ep = endpoint_from_env();
    if (!ep) return ep.error();
    ep->trace = std::move(trace);
    return connect(*ep);
}

std::string quoted_engine_message(const std::string& raw) {
    std::string message;
    simdjson::dom::parser parser;
    simdjson::padded_string body(raw);
    element doc;
    if (parser.parse(body).get(doc) == simdjson::SUCCESS) message = str(doc, "message");
    if (message.empty()) message = raw.empty() ? "no message" : raw;
    // An engine's message is quoted, never a flood: at most 4 KiB of it.
    constexpr std::size_t kMaxQuoted = 4096;
    if (message.size() > kMaxQuoted)
        message = message.substr(0, kMaxQuoted) + "... (" + std::to_string(message.size() - kMaxQuoted) + " more bytes)";
    while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
    return message;
}

ErrorKind error_kind(long status, std::string_view message) {
    if (message.find("Pool overlaps") != std::string_view::npos) return ErrorKind::AddressOverlap;
    if (taken_port(message) != 0) return ErrorKind::PortTaken;
    if (message.find("active endpoints") != std::string_view::npos || message.find("in use by task") != std::string_view::npos)
        return ErrorKind::InUse;
    if (status == 404) return ErrorKind::NotFound;
    if (status == 409) return ErrorKind::Conflict;
    return ErrorKind::Other;
}

Error DockerEngine::engine_error(const HttpResponse& r, const std::string& object, const std::string& doing) const {
    const std::string said = quoted_engine_message(r.body);
    return Error{error_kind(r.status, said), doing + ": " + said + " (HTTP " + std::to_string(r.status) + ")", object,
                 static_cast<int>(r.status)};
}

Result<HttpResponse> DockerEngine::call(const std::string& method, const std::string& path, const std::string& body,
                                        std::chrono::milliseconds timeout) {
    HttpRequest req;
    req.method = method;
    req.path = api(path);
    req.body = body;
    if (method == "POST" || method == "PUT") req.content_type = "application/json";
    req.timeout = timeout;
    return http_.send(req);
}


Result<ImageConfig> DockerEngine::inspect_image(const std::string& ref) {
    auto r = call("GET", "/images/" + url_encode(ref) + "/json");
    if (!r) return r.error();
    if (!is_2xx(r->status)) return engine_error(*r, "image " + ref, "inspect");
    simdjson::dom::parser parser;
    simdjson::padded_string body(r->body);
    element doc;
    if (parser.parse(body).get(doc) != simdjson::SUCCESS) return Error{"unreadable answer", "image " + ref};
    ImageConfig c;
    c.id = str(doc, "Id");
    c.created = str(doc, "Created");
    std::int64_t size = 0;
    if (doc["Size"].get_int64().get(size) == simdjson::SUCCESS) c.size = size;
    element cfg;
    if (doc["Config"].get(cfg) == simdjson::SUCCESS && cfg.is_object()) {
        c.labels = string_map(cfg, "Labels");
        object ports;
        if (cfg["ExposedPorts"].get_object().get(ports) == simdjson::SUCCESS)
            for (auto [k, _] : ports) c.exposed.push_back(parse_port_key(k));
        c.has_healthcheck = declares_healthcheck(cfg);
        for (const char* k : {"Cmd", "Entrypoint"}) {
            simdjson::dom::array a;
            if (cfg[k].get_array().get(a) == simdjson::SUCCESS)
                for (auto w : a) {
                    std::string_view s;
                    if (w.get_string().get(s) == simdjson::SUCCESS) (k[0] == 'C' ? c.cmd : c.entrypoint).emplace_back(s);
                }
        }
    }
    std::sort(c.exposed.begin(), c.exposed.end(),
              [](const PortSpec& a, const PortSpec& b) { return std::pair(a.port, a.protocol) < std::pair(b.port, b.protocol); });
    return c;
}

Status DockerEngine::remove_image(const std::string& ref, bool force) {
    auto r = call("DELETE", "/images/" + url_encode(ref) + (force ? "?force=1" : ""));
    if (!r) return r.error();
    if (!is_2xx(r->status)) return engine_error(*r, "image " + ref, "remove");
    return ok_status();
}

Result<std::string> DockerEngine::create_network(const NetworkSpec& spec) {
    JsonWriter w;
    w.begin_object().key("Name").value(spec.name).key("Driver").value("bridge").key("CheckDuplicate").value(true);
    if (spec.internal) w.key("Internal").value(true);
    w.key("Labels").object(spec.labels);
    if (!spec.subnet.empty()) {
        w.key("IPAM").begin_object().key("Driver").value("default").key("Config").begin_array().begin_object();
        w.key("Subnet").value(spec.subnet);
        if (!spec.gateway.empty()) w.key("Gateway").value(spec.gateway);
        w.end_object().end_array().end_object();
    }
    w.end_object();
    auto r = call("POST", "/networks/create", w.str());
    if (!r) return r.error();
    if (!is_2xx(r->status)) return engine_error(*r, "network " + spec.name, "create");
    simdjson::dom::parser parser;
    simdjson::padded_string body(r->body);
    element doc;
    if (parser.parse(body).get(doc) != simdjson::SUCCESS) return Error{"unreadable answer", "network " + spec.name};
    return str(doc, "Id");
}

Status DockerEngine::remove_network(const std::string& id) {
    auto r = call("DELETE", "/networks/" + url_encode(id));
    if (!r) return r.error();
    if (!is_2xx(r->status)) return engine_error(*r, "network " + id, "remove");
    return ok_status();
}

Result<std::optional<ObservedNetwork>> DockerEngine::find_network(const std::string& name) {
    simdjson::dom::parser parser;
    auto found = inspect_or_none(*this, parser, "/networks/" + url_encode(name), "network " + name);
    if (!found) return found.error();
    if (!*found) return std::optional<ObservedNetwork>();
    element doc = **found;
    ObservedNetwork n;
    n.id = str(doc, "Id");
    n.name = str(doc, "Name");
    n.labels = string_map(doc, "Labels");
    return std::optional<ObservedNetwork>(n);
}

Result<std::string> DockerEngine::create_container(const ContainerSpec& spec) {
    auto r = call("POST", "/containers/create?name=" + url_encode(spec.name) + (spec.extras().platform.empty() ? "" : "&platform=" + url_encode(spec.extras().platform)),
                  container_create_body(spec));
    if (!r) return r.error();
    if (!is_2xx(r->status)) return engine_error(*r, "container " + spec.name, "create");
    simdjson::dom::parser parser;
    simdjson::padded_string body(r->body);
    element doc;
    if (parser.parse(body).get(doc) != simdjson::SUCCESS) return Error{"unreadable answer", "container " + spec.name};
    const std::string id = str(doc, "Id");
    // The other networks, joined before it starts (a create takes one); a
    // failure leaves no half-joined container behind.
    for (const auto& net : spec.extras().extra_networks) {
        JsonWriter w;
        w.begin_object().key("Container").value(id).key("EndpointConfig").begin_object().key("Aliases").strings(aliases_on(spec, net))
            .end_object().end_object();
        auto c = call("POST", "/networks/" + url_encode(net) + "/connect", w.str());
        if (!c || !is_2xx(c->status)) {
            Error e = c ? engine_error(*c, "container " + spec.name, "connect to network " + net) : c.error();
            (void)call("DELETE", "/containers/" + url_encode(id) + "?force=1");
            return e;
        }
    }
    return id;
}

Status DockerEngine::start_container(const std::string& id) {
    auto r = call("POST", "/containers/" + url_encode(id) + "/start");
    if (!r) return r.error();
    if (r->status == 304) return ok_status();   // already running
    if (!is_2xx(r->status)) {
        Error e = engine_error(*r, "container " + id, "start");
        // A host port in use: say which one, and who holds it where the engine knows.
        if (auto port = taken_port(e.message); port > 0) {
            auto holders = publishers_of(port);
            std::string who;
            if (holders) {
                for (const auto& n : *holders)
                    if (n != id && !id.starts_with(n)) who += (who.empty() ? "" : ", ") + n;
            }
            e.message = "host port " + std::to_string(port) + " is already in use" +
                        (who.empty() ? " (by a process outside the engine's containers)" : " by container " + who) +
                        "; " + e.message;
        }
        return e;
    }
    return ok_status();
}

Status DockerEngine::stop_container(const std::string& id, std::chrono::seconds timeout) {
    // Without t, the engine waits the container's StopTimeout (its stop_grace_period) or 10 s.
    const std::string t = timeout.count() >= 0 ? "?t=" + std::to_string(timeout.count()) : std::string();
    auto r = call("POST", "/containers/" + url_encode(id) + "/stop" + t, {},
                  std::chrono::milliseconds(60'000) + std::chrono::hours(timeout.count() >= 0 ? 0 : 1) +
                      std::chrono::seconds(std::max<long long>(0, timeout.count())));
    if (!r) return r.error();
    if (r->status == 304) return ok_status();   // already stopped
    if (!is_2xx(r->status)) return engine_error(*r, "container " + id, "stop");
    return ok_status();
}

Status DockerEngine::unpause_container(const std::string& id) {
    auto r = call("POST", "/containers/" + url_encode(id) + "/unpause");
    if (!r) return r.error();
    if (!is_2xx(r->status)) return engine_error(*r, "container " + id, "unpause");
    return ok_status();
}

Status DockerEngine::pause_container(const std::string& id) {
    auto r = call("POST", "/containers/" + url_encode(id) + "/pause");
    if (!r) return r.error();
    if (!is_2xx(r->status)) return engine_error(*r, "container " + id, "pause");
    return ok_status();
}

Status DockerEngine::kill_container(const std::string& id, const std::string& signal) {
    auto r = call("POST", "/containers/" + url_encode(id) + "/kill?signal=" + url_encode(signal));
    if (!r) return r.error();
    if (!is_2xx(r->status)) return engine_error(*r, "container " + id, "kill");
    return ok_status();
}

Status DockerEngine::remove_container(const std::string& id, bool force) {
    // v=0: anonymous volumes are kept; dockerops never deletes data on its own.
    auto r = call("DELETE", "/containers/" + url_encode(id) + (force ? "?force=1" : ""));
    if (!r) return r.error();
    if (!is_2xx(r->status)) return engine_error(*r, "container " + id, "remove");
    return ok_status();
}

Status DockerEngine::rename_container(const std::string& id, const std::string& new_name) {
    auto r = call("POST", "/containers/" + url_encode(id) + "/rename?name=" + url_encode(new_name));
    if (!r) return r.error();
    if (!is_2xx(r->status)) return engine_error(*r, "container " + id, "rename");
    return ok_status();
}

Result<ObservedContainer> DockerEngine::inspect_container(const std::string& id) {
    auto r = call("GET", "/containers/" + url_encode(id) + "/json");
    if (!r) return r.error();
    if (!is_2xx(r->status)) return engine_error(*r, "container " + id, "inspect");
    simdjson::dom::parser parser;
    simdjson::padded_string body(r->body);
    element doc;
    if (parser.parse(body).get(doc) != simdjson::SUCCESS) return Error{"unreadable answer", "container " + id};
    ObservedContainer o;
    o.id = str(doc, "Id");
    o.name = str(doc, "Name");
    if (o.name.starts_with("/")) o.name.erase(0, 1);
    o.labels = string_map(doc["Config"], "Labels");
    o.image = str(doc["Config"], "Image");
    o.image_id = str(doc, "Image");
    Node state = doc["State"];
    o.state = str(state, "Status");
    o.exit_code = static_cast<int>(num(state, "ExitCode"));
    o.health = str(state["Health"], "Status");
    o.restart_count = static_cast<int>(num(doc, "RestartCount"));
    if (o.state == "running") {
        const auto up = std::time(nullptr) - unix_seconds(str(state, "StartedAt"));
        o.up_seconds = up >= 0 && up < 60 ? static_cast<int>(up) : -1;
    }
    o.health_output = last_health_output(doc);
    o.network_mode = str(doc["HostConfig"], "NetworkMode");
    object nets;
    if (doc["NetworkSettings"]["Networks"].get_object().get(nets) == simdjson::SUCCESS)
        for (auto [name, n] : nets) o.addresses[std::string(name)] = str(n, "IPAddress");
    object ports;
    if (doc["NetworkSettings"]["Ports"].get_object().get(ports) == simdjson::SUCCESS) {
        for (auto [k, bindings] : ports) {
            PortSpec key = parse_port_key(k);
            simdjson::dom::array arr;
            if (bindings.get_array().get(arr) == simdjson::SUCCESS && arr.size() > 0) {
                for (auto b : arr)
                    o.ports.push_back({key.port, key.protocol, str(b, "HostIp"), std::atoi(str(b, "HostPort").c_str())});
            } else {
                o.ports.push_back({key.port, key.protocol, "", 0});
            }
        }
    }
    o.mounts = mounts_of(doc);
    return o;
}

Result<std::string> DockerEngine::logs_tail(const std::string& id, int lines) {
    auto r = call("GET", "/containers/" + url_encode(id) + "/logs?stdout=1&stderr=1&tail=" + std::to_string(lines));
    if (!r) return r.error();
    if (!is_2xx(r->status)) return engine_error(*r, "container " + id, "logs");
    Streams st = demultiplex(r->body);
    return st.out + st.err;
}

Status DockerEngine::seed_from_image(const std::string& image, const std::string& path, const std::string& dest,
                                     const std::string& project) {
    const std::string object = "folder " + dest;
    // A container that is never started, only to read the image's files:
    // the project's by its name, label and owner token.
    auto resolved = inspect_image(image);
    if (!resolved) return Error{resolved.error().message, object};
    ContainerSpec probe;
    probe.name = (project.empty() ? std::string("dockerops") : project + "-dockerops") + "-seed-" + sha256_hex(dest).substr(0, 12);
    probe.image = resolved->id;
    probe.command = std::vector<std::string>{"true"};
    probe.init = false;
    probe.labels = {{labels::kProject, project}, {labels::kOwner, container_owner_token(project, resolved->id)}};
    // One left by an interrupted run is removed only if it is provably ours.
    if (auto left = inspect_container(probe.name); left) {
        if (container_ownership(*left, project) == Ownership::NotOurs)
            return Error{"the name " + probe.name + ", which seeding this folder needs, is taken by a container dockerops "
                         "did not create (id " + left->id.substr(0, 12) + "): nothing was removed",
                         object};
        if (auto st = remove_container(left->id, true); !st && st.error().kind != ErrorKind::NotFound) {
            // Its removal may be under way already (an apply's planned removal): wait until it is gone.
            bool gone = false;
            for (int i = 0; i < 100 && !gone; ++i) {
                std::this_thread::sleep_for(std::chrono::milliseconds(100));
                auto again = inspect_container(left->id);
                gone = !again && again.error().kind == ErrorKind::NotFound;
            }
            if (!gone) return Error{st.error().message, object};
        }
    } else if (left.error().kind != ErrorKind::NotFound) {
        return Error{left.error().message, object};
    }
    auto id = create_container(probe);
    if (!id) return Error{id.error().message, object};
    TempFile tar = temp_file();
    HttpRequest req;
    req.path = api("/containers/" + *id + "/archive?path=" + url_encode(path));
    req.timeout = std::chrono::minutes(30);
    req.on_data = [&](std::string_view chunk) { std::fwrite(chunk.data(), 1, chunk.size(), tar.get()); };
    auto r = http_.send(req);
    Status result = ok_status();
    if (!r) result = r.error();
    else if (r->status == 404) result = ok_status();   // the image has nothing there
    else if (!is_2xx(r->status)) result = Error{"reading " + path + " of " + image + ": HTTP " + std::to_string(r->status), object};
    else {
        std::fflush(tar.get());
        std::rewind(tar.get());
        result = extract_tar(tar.get(), dest);
    }
    (void)remove_container(*id, true);
    return result;
}

Result<int> DockerEngine::run_attached(const std::string& id, bool tty) {
    AttachIo io;
    io.tty = tty;
    return attach_and_start(endpoint(), version_, id, io);
}

Result<int> DockerEngine::exec_attached(const std::string& id, const std::vector<std::string>& cmd) {
    return exec_interactive(endpoint(), version_, id, cmd, {0, 1, std::nullopt});
}

Status DockerEngine::stream_logs(const std::string& id, const LogOptions& options, const std::function<void(std::string_view)>& out) {
    const bool follow = options.follow;
    // One inspect: whether the container exists, and whether its output is a
    // TTY's raw stream or the multiplexed one.
    auto raw = call("GET", "/containers/" + url_encode(id) + "/json");
    if (!raw) return raw.error();
    if (!is_2xx(raw->status)) return engine_error(*raw, "container " + id, "inspect");
    simdjson::dom::parser parser;
    simdjson::padded_string body(raw->body);
    bool tty = false;
    if (parser.parse(body)["Config"]["Tty"].get_bool().get(tty) != simdjson::SUCCESS) tty = false;
    std::string q = "/containers/" + url_encode(id) + "/logs?stdout=1&stderr=1" + std::string(follow ? "&follow=1" : "");
    if (options.tail >= 0) q += "&tail=" + std::to_string(options.tail);
    if (options.since > 0) q += "&since=" + std::to_string(options.since);
    FrameReader frames;
    auto r = get_streamed(q, [&](std::string_view chunk) {
        if (tty) out(chunk);
        else frames.feed(chunk, out);
    }, follow);
    if (!r) return r.error();
    if (!is_2xx(r->status)) return engine_error(*r, "container " + id, "logs");
    return ok_status();
}

Result<HttpResponse> DockerEngine::get_streamed(const std::string& path, const std::function<void(std::string_view)>& on_data,
                                                bool follow) {
    HttpRequest req;
    req.path = api(path);
    req.timeout = follow ? std::chrono::hours(24 * 365) : std::chrono::minutes(5);
    req.on_data = on_data;
    return http_.send(req);
}

void FrameReader::feed(std::string_view chunk, const std::function<void(std::string_view)>& payload) {
    pending_.append(chunk);
    // Whole frames only: 8-byte header, then the payload.
    std::size_t at = 0;
    while (pending_.size() - at >= 8) {
        const char* h = pending_.data() + at;
        std::size_t len = (static_cast<std::size_t>(static_cast<unsigned char>(h[4])) << 24) |
                          (static_cast<std::size_t>(static_cast<unsigned char>(h[5])) << 16) |
                          (static_cast<std::size_t>(static_cast<unsigned char>(h[6])) << 8) | static_cast<unsigned char>(h[7]);
        if (pending_.size() - at < 8 + len) break;
        payload(std::string_view(pending_).substr(at + 8, len));
        at += 8 + len;
    }
    pending_.erase(0, at);
}

Result<std::vector<std::string>> DockerEngine::publishers_of(int port) {
    auto r = call("GET", "/containers/json?filters=" + url_encode("{\"publish\":[\"" + std::to_string(port) + "\"]}"));
    if (!r) return r.error();
    if (!is_2xx(r->status)) return engine_error(*r, "engine", "list containers");
    simdjson::dom::parser parser;
    simdjson::padded_string body(r->body);
    simdjson::dom::array arr;
    std::vector<std::string> names;
    if (parser.parse(body).get_array().get(arr) == simdjson::SUCCESS)
        for (auto c : arr) names.push_back(container_from_list(c).name);
    return names;
}

Status DockerEngine::wait_ready(const std::string& id, std::chrono::milliseconds deadline,
                                const std::function<void(const std::string&)>& state, Unhealthy unhealthy) {
    const auto until = std::chrono::steady_clock::now() + deadline;
    // A process that dies right after it starts is seen "running" first: one
    // with no health check is ready when it is still running, not restarted,
    // a short window after it was first seen running (inspected every 50 ms
    // in that window). One with a health check is ready when healthy.
    constexpr auto kSettle = std::chrono::milliseconds(200);
    std::chrono::steady_clock::time_point running_since{};
    bool running = false;
    std::string last;
    std::optional<int> first_restarts;
    auto last_output = [&](const std::string& cid) {
        auto logs = logs_tail(cid, 10);
        std::string tail = logs ? *logs : std::string();
        while (!tail.empty() && tail.back() == '\n') tail.pop_back();
        return tail.empty() ? std::string() : "; its last output:\n" + tail;
    };
    while (true) {
        auto c = inspect_container(id);
        if (!c) return c.error();
        if (c->state == "exited" || c->state == "dead")
            return Error{"exited (" + std::to_string(c->exit_code) + ") on start" + last_output(id), "container " + c->name};
        // A crash loop under a restart policy: the engine restarting it, or its
        // restart count rising while we wait, is a failure now, not at the deadline.
        if (!first_restarts) first_restarts = c->restart_count;
        if (c->state == "restarting" || c->restart_count > *first_restarts)
            return Error{"crash loop: " + (c->state == "restarting" ? "exited (" + std::to_string(c->exit_code) + "), " : std::string()) +
                             "restarted " + std::to_string(c->restart_count) + " time" + (c->restart_count == 1 ? "" : "s") +
                             " by its restart policy" + last_output(id),
                         "container " + c->name};
        // One its restart policy restarted before and with no health check:
        // ready when it has run kSettledSeconds since (engine/model/observed.hpp),
        // not restarted again. With a health check, healthy is ready.
        const bool unsettled = c->health.empty() && c->restart_count > 0 && c->up_seconds >= 0 && c->up_seconds < kSettledSeconds;
        if (c->state == "running" && (c->health.empty() || c->health == "healthy")) {
            if (!running) running_since = std::chrono::steady_clock::now();
            running = true;
            if ((std::chrono::steady_clock::now() - running_since >= kSettle || !c->health.empty()) && !unsettled) return ok_status();
        } else {
            running = false;
        }
        auto health_said = [&] { return c->health_output.empty() ? std::string() : "; last health check:\n" + c->health_output; };
        if (c->state == "running" && c->health == "unhealthy" && unhealthy == Unhealthy::Fails)
            return Error{"unhealthy" + health_said(), "container " + c->name};
        const std::string now_state = c->state + (c->health.empty() ? "" : ", health " + c->health) +
                                      (unsettled ? ", restarted " + std::to_string(c->restart_count) + " times" : "");
        if (state && now_state != last) state(now_state);
        last = now_state;
        if (std::chrono::steady_clock::now() >= until)
            return Error{"not ready after " + std::to_string(deadline.count() / 1000) + " s (" + last + ")" + health_said(),
                         "container " + c->name};
        std::this_thread::sleep_for(std::chrono::milliseconds(running && !unsettled ? 50 : 100));
    }
}

Result<int> DockerEngine::wait_exit(const std::string& id, std::chrono::milliseconds deadline) {
    // The engine answers when the container is no longer running.
    auto r = call("POST", "/containers/" + url_encode(id) + "/wait?condition=not-running", {}, deadline);
    if (!r) return r.error();
    if (!is_2xx(r->status)) return engine_error(*r, "container " + id, "wait");
    simdjson::dom::parser parser;
    simdjson::padded_string body(r->body);
    int64_t code = -1;
    if (parser.parse(body)["StatusCode"].get_int64().get(code) != simdjson::SUCCESS)
        return Error{"unreadable answer to wait", "container " + id};
    return static_cast<int>(code);
}

Result<ExecResult> DockerEngine::exec(const std::string& id, const std::vector<std::string>& cmd) {
    JsonWriter w;
    w.begin_object().key("AttachStdout").value(true).key("AttachStderr").value(true).key("Cmd").strings(cmd).end_object();
    auto r = call("POST", "/containers/" + url_encode(id) + "/exec", w.str());
    if (!r) return r.error();
    if (!is_2xx(r->status)) return engine_error(*r, "container " + id, "exec");
    simdjson::dom::parser parser;
    simdjson::padded_string body(r->body);
    element doc;
    if (parser.parse(body).get(doc) != simdjson::SUCCESS) return Error{"unreadable answer", "container " + id};
    std::string exec_id = str(doc, "Id");
    auto s = call("POST", "/exec/" + exec_id + "/start", "{\"Detach\":false,\"Tty\":false}", std::chrono::minutes(10));
    if (!s) return s.error();
    if (!is_2xx(s->status)) return engine_error(*s, "container " + id, "exec start");
    ExecResult out;
    Streams st = demultiplex(s->body);
    out.out = std::move(st.out);
    out.err = std::move(st.err);
    auto i = call("GET", "/exec/" + exec_id + "/json");
    if (!i) return i.error();
    if (!is_2xx(i->status)) return engine_error(*i, "container " + id, "exec inspect");
    simdjson::padded_string ib(i->body);
    if (parser.parse(ib).get(doc) != simdjson::SUCCESS) return Error{"unreadable answer", "container " + id};
    out.exit_code = static_cast<int>(num(doc, "ExitCode"));
    return out;
}

Status DockerEngine::create_volume(const std::string& name, const std::map<std::string, std::string>& labels,
                                  const std::string& driver, const std::map<std::string, std::string>& driver_options) {
    JsonWriter w;
    w.begin_object().key("Name").value(name).key("Labels").object(labels);
    if (!driver.empty()) w.key("Driver").value(driver);
    if (!driver_options.empty()) w.key("DriverOpts").object(driver_options);
    w.end_object();
    auto r = call("POST", "/volumes/create", w.str());
    if (!r) return r.error();
    if (!is_2xx(r->status)) return engine_error(*r, "volume " + name, "create");
    return ok_status();
}


Result<bool> DockerEngine::volume_exists(const std::string& name) {
    auto r = call("GET", "/volumes/" + url_encode(name));
    if (!r) return r.error();
    if (r->status == 404) return false;
    if (!is_2xx(r->status)) return engine_error(*r, "volume " + name, "inspect");
    return true;
}

Status DockerEngine::remove_volume(const std::string& name) {
    auto r = call("DELETE", "/volumes/" + url_encode(name));
    if (!r) return r.error();
    if (!is_2xx(r->status)) return engine_error(*r, "volume " + name, "remove");
    return ok_status();
}

}  // namespace dockerops::docker
