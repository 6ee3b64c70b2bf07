#pragma once
// Reading the Engine API's JSON answers (public to the providers built on the
// Engine API: docker, and swarm through its manager): lookups
// that turn a missing field into an empty value, never an exception, and the
// list answers' containers as ObservedContainer.
#include "engine/model/observed.hpp"
#include "engine/model/spec.hpp"
#include "providers/docker/docker.hpp"
#include "providers/docker/http.hpp"

#include <simdjson.h>

#include <cstdint>
#include <ctime>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dockerops::docker::detail {

using simdjson::dom::element;
using simdjson::dom::object;
// Lookups on a result, not an element: a missing field is an empty value, never
// an exception.
using Node = simdjson::simdjson_result<element>;

// "2026-11-26T10:40:01.123456789Z" -> UNIX seconds; 0 when unreadable.
inline std::int64_t unix_seconds(const std::string& t) {
    std::tm tm{};
    if (!strptime(t.c_str(), "%Y-%m-%dT%H:%M:%S", &tm)) return 0;
    return static_cast<std::int64_t>(timegm(&tm));
}

inline std::string str(Node e, const char* key) {
    std::string_view v;
    if (e[key].get_string().get(v) == simdjson::SUCCESS) return std::string(v);
    return {};
}

inline std::int64_t num(Node e, const char* key) {
    int64_t v = 0;
    if (e[key].get_int64().get(v) == simdjson::SUCCESS) return v;
    return 0;
}

inline std::map<std::string, std::string> string_map(Node e, const char* key) {
    std::map<std::string, std::string> out;
    object o;
    if (e[key].get_object().get(o) != simdjson::SUCCESS) return out;
    for (auto [k, v] : o) {
        std::string_view s;
        if (v.get_string().get(s) == simdjson::SUCCESS) out[std::string(k)] = std::string(s);
    }
    return out;
}

inline std::string str(element e, const char* key) { return str(Node(element(e)), key); }
inline std::int64_t num(element e, const char* key) { return num(Node(element(e)), key); }
inline std::map<std::string, std::string> string_map(element e, const char* key) { return string_map(Node(element(e)), key); }

inline std::string filter_label(const std::string& project) {
    return url_encode(std::string("{\"label\":[\"") + labels::kProject + "=" + project + "\"]}");
}

inline bool is_2xx(long s) { return s >= 200 && s < 300; }

// "80/tcp" -> {80, "tcp"}
inline PortSpec parse_port_key(std::string_view k) {
    PortSpec p;
    auto slash = k.find('/');
    p.port = std::atoi(std::string(k.substr(0, slash)).c_str());
    p.protocol = slash == std::string_view::npos ? "tcp" : std::string(k.substr(slash + 1));
    return p;
}

// "Mounts" as both the list and the inspect answers give it.
inline std::vector<ObservedMount> mounts_of(element c) {
    std::vector<ObservedMount> out;
    simdjson::dom::array mounts;
    if (c["Mounts"].get_array().get(mounts) != simdjson::SUCCESS) return out;
    for (auto m : mounts) {
        ObservedMount om;
        om.type = str(m, "Type");
        om.source = om.type == "volume" ? str(m, "Name") : str(m, "Source");
        om.target = str(m, "Destination");
        bool rw = true;
        if (m["RW"].get_bool().get(rw) != simdjson::SUCCESS) rw = true;
        om.read_only = !rw;
        out.push_back(om);
    }
    return out;
}

// Whether an image's Config declares a health check (a Healthcheck.Test that is not ["NONE"]).
inline bool declares_healthcheck(element config) {
    simdjson::dom::array test;
    if (config["Healthcheck"]["Test"].get_array().get(test) != simdjson::SUCCESS || test.size() == 0) return false;
    std::string_view first;
    return test.at(0).get_string().get(first) != simdjson::SUCCESS || first != "NONE";
}

// The output of a container's last health check (an inspect's State.Health.Log),
// trimmed: the last failure that ran to its end, when a later check only timed out
// (exit code -1, "Health check exceeded timeout"), which says nothing of why.
inline std::string last_health_output(element doc) {
    std::string why, last;
    simdjson::dom::array log;
    if (doc["State"]["Health"]["Log"].get_array().get(log) == simdjson::SUCCESS)
        for (auto entry : log) {
            last = str(entry, "Output");
            if (num(entry, "ExitCode") > 0) why = last;
        }
    if (why.empty()) why = last;
    while (!why.empty() && (why.back() == '\n' || why.back() == ' ')) why.pop_back();
    return why;
}

inline ObservedContainer container_from_list(element c) {
    ObservedContainer o;
    o.id = str(c, "Id");
    simdjson::dom::array names;
    if (c["Names"].get_array().get(names) == simdjson::SUCCESS) {
        for (auto n : names) {
            std::string_view s;
            if (n.get_string().get(s) == simdjson::SUCCESS) {
                o.name = std::string(s.starts_with("/") ? s.substr(1) : s);
                break;
            }
        }
    }
    o.labels = string_map(c, "Labels");
    o.image = str(c, "Image");
    o.image_id = str(c, "ImageID");
    o.state = str(c, "State");
    std::string status = str(c, "Status");
    if (o.state == "exited" || o.state == "restarting") o.exit_code = exit_code_from_status(status);
    o.health = health_from_status(status);
    if (o.state == "running") o.up_seconds = up_seconds_from_status(status);
    o.created = num(c, "Created");
    o.network_mode = str(c["HostConfig"], "NetworkMode");
    object nets;
    if (c["NetworkSettings"]["Networks"].get_object().get(nets) == simdjson::SUCCESS)
        for (auto [name, n] : nets) o.addresses[std::string(name)] = str(n, "IPAddress");
    simdjson::dom::array ports;
    if (c["Ports"].get_array().get(ports) == simdjson::SUCCESS) {
        for (auto p : ports) {
            ObservedPort op;
            op.port = static_cast<int>(num(p, "PrivatePort"));
            op.protocol = str(p, "Type");
            op.host_ip = str(p, "IP");
            op.host_port = static_cast<int>(num(p, "PublicPort"));
            o.ports.push_back(op);
        }
    }
    o.mounts = mounts_of(c);
    return o;
}

// GET `path` on the engine: nullopt when it answers 404, the answer parsed
// with `parser` (valid until its next parse) on 2xx, else an Error naming `object`.
inline Result<std::optional<element>> inspect_or_none(DockerEngine& engine, simdjson::dom::parser& parser,
                                                      const std::string& path, const std::string& object) {
    auto r = engine.call("GET", path);
    if (!r) return r.error();
    if (r->status == 404) return std::optional<element>();
    if (!is_2xx(r->status)) return engine.engine_error(*r, object, "inspect");
    simdjson::padded_string body(r->body);
    element doc;
    if (parser.parse(body).get(doc) != simdjson::SUCCESS) return Error{"unreadable answer", object};
    return std::optional<element>(doc);
}

}  // namespace dockerops::docker::detail
