// What the everyday commands read from and write to containers beyond their
// lifecycle: the engine's events (dockerops events), a container's processes
// (dockerops top), and files copied both ways (dockerops cp).
#include "providers/docker/docker.hpp"
#include "providers/docker/engine_json.hpp"
#include "providers/docker/archive_lib.hpp"
#include "providers/docker/tar.hpp"
#include "providers/docker/registry_auth.hpp"

#include <simdjson.h>
#include <sys/stat.h>

#include <fstream>

namespace fs = std::filesystem;

namespace dockerops::docker {

using detail::filter_label;
using detail::is_2xx;

Status DockerEngine::stream_events(const std::string& project, const EventWindow& window,
                                   const std::function<void(const EngineEvent&)>& on) {
    std::string q = "/events?filters=" + filter_label(project);
    if (window.since > 0) q += "&since=" + std::to_string(window.since);
    if (window.until > 0) q += "&until=" + std::to_string(window.until);
    HttpRequest req;
    req.path = api(q);
    req.timeout = std::chrono::hours(24 * 365);
    std::string pending;
    simdjson::dom::parser parser;
    req.on_data = [&](std::string_view chunk) {
        pending.append(chunk);
        std::size_t at = 0;
        for (std::size_t nl; (nl = pending.find('\n', at)) != std::string::npos; at = nl + 1) {
            simdjson::padded_string line(std::string_view(pending).substr(at, nl - at));
            simdjson::dom::element doc;
            if (parser.parse(line).get(doc) != simdjson::SUCCESS) continue;
            EngineEvent e;
            std::string_view s;
            if (doc["Type"].get_string().get(s) == simdjson::SUCCESS) e.type = std::string(s);
            if (doc["Action"].get_string().get(s) == simdjson::SUCCESS) e.action = std::string(s);
            int64_t t = 0;
            if (doc["timeNano"].get_int64().get(t) == simdjson::SUCCESS) e.time_nano = t;
            simdjson::dom::element actor;
            if (doc["Actor"].get(actor) == simdjson::SUCCESS) {
                if (actor["ID"].get_string().get(s) == simdjson::SUCCESS) e.id = std::string(s);
                simdjson::dom::object attrs;
                if (actor["Attributes"].get_object().get(attrs) == simdjson::SUCCESS)
                    for (auto [k, v] : attrs)
                        if (v.get_string().get(s) == simdjson::SUCCESS) e.attributes[std::string(k)] = std::string(s);
            }
            on(e);
        }
        pending.erase(0, at);
    };
    auto r = http_.send(req);
    if (!r) return r.error();
    if (!is_2xx(r->status)) return engine_error(*r, "project " + project, "events");
    return ok_status();
}

Result<ProcessTable> DockerEngine::top(const std::string& id) {
    auto r = call("GET", "/containers/" + url_encode(id) + "/top");
    if (!r) return r.error();
    if (!is_2xx(r->status)) return engine_error(*r, "container " + id, "top");
    simdjson::dom::parser parser;
    simdjson::padded_string body(r->body);
    simdjson::dom::element doc;
    if (parser.parse(body).get(doc) != simdjson::SUCCESS) return Error{"the engine's answer to top is not JSON", "container " + id};
    ProcessTable t;
    simdjson::dom::array titles, processes;
    std::string_view s;
    if (doc["Titles"].get_array().get(titles) == simdjson::SUCCESS)
        for (auto v : titles)
            if (v.get_string().get(s) == simdjson::SUCCESS) t.titles.emplace_back(s);
    if (doc["Processes"].get_array().get(processes) == simdjson::SUCCESS)
        for (auto row : processes) {
            std::vector<std::string> cells;
            simdjson::dom::array a;
            if (row.get_array().get(a) != simdjson::SUCCESS) continue;
            for (auto v : a) cells.emplace_back(v.get_string().get(s) == simdjson::SUCCESS ? std::string(s) : std::string());
            t.processes.push_back(std::move(cells));
        }
    return t;
}

Status DockerEngine::copy_from_container(const std::string& id, const std::string& path, const fs::path& dest) {
    const std::string object = "container " + id;
    TempFile tar = temp_file();
    if (!tar) return Error{"cannot make a temporary file", object};
    HttpRequest req;
    req.path = api("/containers/" + url_encode(id) + "/archive?path=" + url_encode(path));
    req.timeout = std::chrono::hours(2);
    req.on_data = [&](std::string_view chunk) { std::fwrite(chunk.data(), 1, chunk.size(), tar.get()); };
    auto r = http_.send(req);
    if (!r) return r.error();
    if (r->status == 404) return Error{path + ": no such file or folder in the container", object, 404};
    if (!is_2xx(r->status)) return engine_error(*r, object, "copy " + path + " from");
    std::fflush(tar.get());
    std::rewind(tar.get());
    return extract_tar(tar.get(), dest);   // the archive's top entry (the path itself) becomes dest
}

Status DockerEngine::copy_to_container(const std::string& id, const fs::path& src, const std::string& dest) {
    const std::string object = "container " + id;
    std::error_code ec;
    if (!fs::exists(fs::symlink_status(src, ec))) return Error{src.string() + ": no such file or folder", object};
    // Into dest when it is a folder there; else as dest, in its parent.
    std::string folder = dest, name = src.filename().string();
    if (name.empty() || name == "." || name == "..") name = fs::weakly_canonical(src, ec).filename().string();
    auto stat = call("HEAD", "/containers/" + url_encode(id) + "/archive?path=" + url_encode(dest));
    if (!stat) return stat.error();
    bool is_folder = false;
    if (is_2xx(stat->status)) {
        const std::string json = base64_decode(stat->headers["x-docker-container-path-stat"]).value_or("{}");
        simdjson::dom::parser parser;
        simdjson::padded_string body(json);
        uint64_t mode = 0;
        if (parser.parse(body)["mode"].get_uint64().get(mode) == simdjson::SUCCESS) is_folder = (mode & (1ull << 31)) != 0;   // Go's ModeDir
    } else if (stat->status != 404) {
        return engine_error(*stat, object, "look at " + dest + " in");
    }
    if (!is_folder) {
        const fs::path d(dest);
        folder = d.has_parent_path() ? d.parent_path().string() : std::string(".");
        name = d.filename().string();
        if (name.empty()) return Error{dest + ": no such folder in the container", object, 404};
    }
    auto archive = write_path_tar(src, name);
    if (!archive) return Error{archive.error().message, object};
    HttpRequest req;
    req.method = "PUT";
    req.path = api("/containers/" + url_encode(id) + "/archive?path=" + url_encode(folder));
    req.content_type = "application/x-tar";
    req.upload = archive->get();
    req.timeout = std::chrono::hours(2);
    auto r = http_.send(req);
    if (!r) return r.error();
    if (r->status == 404) return Error{folder + ": no such folder in the container", object, 404};
    if (!is_2xx(r->status)) return engine_error(*r, object, "copy " + src.string() + " into");
    return ok_status();
}

}  // namespace dockerops::docker
