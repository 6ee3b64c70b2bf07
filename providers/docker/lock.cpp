// The project lock on one dockerd: a container named <project>-dockerops-lock,
// created and never started. The engine reserves a container name atomically
// (a second create of that name is refused with 409), and a create plus a
// remove costs it some 25 ms, against some 350 ms for a bridge network (its
// bridge and iptables rules). The container needs an image: dockerops/lock:1,
// imported once per engine from an empty archive (no layer content, no
// registry), shared by every project and never removed by dockerops. And what
// follows a lock taken over from a dead run: settle().
#include "providers/docker/docker.hpp"
#include "providers/docker/engine_json.hpp"

#include "util/json_writer.hpp"

#include <simdjson.h>

#include <ctime>
#include <map>
#include <sstream>
#include <thread>

namespace dockerops::docker {

using namespace detail;
using simdjson::dom::element;

namespace {
constexpr const char* kLockImageRepo = "dockerops/lock";
constexpr const char* kLockImageTag = "1";
}  // namespace

Status DockerEngine::import_lock_image() {
    HttpRequest req;
    req.method = "POST";
    const std::string changes = std::string("LABEL ") + labels::kLock + "-image=1";
    req.path = api(std::string("/images/create?fromSrc=-&repo=") + kLockImageRepo + "&tag=" + kLockImageTag +
                   "&changes=" + url_encode(changes));
    req.body = std::string(1024, '\0');   // an empty tar archive: two zero blocks
    req.content_type = "application/x-tar";
    auto r = http_.send(req);
    if (!r) return r.error();
    if (!is_2xx(r->status)) return engine_error(*r, std::string("image ") + kLockImageRepo + ":" + kLockImageTag, "import");
    // The answer is a progress stream; a failure is an "error" line in it.
    if (r->body.find("\"error\"") != std::string::npos)
        return Error{"import: " + r->body, std::string("image ") + kLockImageRepo + ":" + kLockImageTag};
    return ok_status();
}

Result<std::string> DockerEngine::create_lock(const std::string& name, const std::map<std::string, std::string>& labels) {
    JsonWriter w;
    w.begin_object()
        .key("Image").value(std::string(kLockImageRepo) + ":" + kLockImageTag)
        .key("Cmd").strings({"lock"})
        .key("Labels").object(labels)
        .key("NetworkDisabled").value(true)
        .key("HostConfig").begin_object().key("NetworkMode").value("none").end_object()
        .end_object();
    for (int attempt = 0;; ++attempt) {
        auto r = call("POST", "/containers/create?name=" + url_encode(name), w.str());
        if (!r) return r.error();
        if (r->status == 404 && attempt == 0) {   // no such image yet on this engine
            if (auto s = import_lock_image(); !s) return s.error();
            continue;
        }
        if (!is_2xx(r->status)) return engine_error(*r, "lock " + name, "create");
        simdjson::dom::parser parser;
        simdjson::padded_string body(r->body);
        element doc;
        if (parser.parse(body).get(doc) != simdjson::SUCCESS) return Error{"unreadable answer", "lock " + name};
        return str(doc, "Id");
    }
}

Result<std::optional<LockObject>> DockerEngine::find_lock(const std::string& name) {
    simdjson::dom::parser parser;
    auto found = inspect_or_none(*this, parser, "/containers/" + url_encode(name) + "/json", "lock " + name);
    if (!found) return found.error();
    if (!*found) return std::optional<LockObject>();
    element doc = **found;
    LockObject l;
    l.id = str(doc, "Id");
    l.name = str(doc, "Name");
    if (l.name.starts_with("/")) l.name.erase(0, 1);
    l.kind = "container";
    l.labels = string_map(doc["Config"], "Labels");
    return std::optional<LockObject>(std::move(l));
}

Status DockerEngine::remove_lock(const std::string& id) {
    auto r = call("DELETE", "/containers/" + url_encode(id) + "?force=1");
    if (!r) return r.error();
    if (!is_2xx(r->status)) return engine_error(*r, "lock " + id, "remove");
    return ok_status();
}

Status DockerEngine::settle(const std::string& project, const std::string& since) {
    // The engine's events since then, of the project's containers: one told
    // to stop ("kill" sent) and not dead since is still stopping; wait for
    // it. A request the dead run sent last may reach the engine only now, so
    // the events are read again until two reads half a second apart agree
    // (five seconds at most).
    std::tm tm{};
    if (!strptime(since.c_str(), "%Y-%m-%dT%H:%M:%SZ", &tm)) return ok_status();
    const std::time_t from = timegm(&tm) - 1;   // the lock's time is rounded to the second
    const std::string filters = url_encode("{\"type\":[\"container\"],\"label\":[\"" + std::string(labels::kProject) + "=" +
                                           project + "\"]}");
    std::size_t seen = static_cast<std::size_t>(-1);
    for (int round = 0; round < 10; ++round) {
        const std::string path = "/events?since=" + std::to_string(from) + "&until=" + std::to_string(std::time(nullptr) + 1) +
                                 "&filters=" + filters;
        auto r = call("GET", path, {}, std::chrono::milliseconds(30'000));
        if (!r) return r.error();
        if (!is_2xx(r->status)) return engine_error(*r, "project " + project, "read the engine's events");
        std::map<std::string, std::string> last;   // container id -> its last event
        std::size_t count = 0;
        simdjson::dom::parser parser;
        std::istringstream lines(r->body);
        for (std::string line; std::getline(lines, line);) {
            simdjson::padded_string body(line);
            element ev;
            if (line.empty() || parser.parse(body).get(ev) != simdjson::SUCCESS) continue;
            const std::string action = str(ev, "Action"), id = str(ev["Actor"], "ID");
            if (!id.empty()) last[id] = action.substr(0, action.find(':')), ++count;
        }
        for (const auto& [id, action] : last) {
            if (action != "kill") continue;
            auto c = inspect_container(id);
            if (!c || c->state != "running") continue;
            // The engine's own grace (StopTimeout, else 10 s) bounds it; a minute at most.
            auto stopped = call("POST", "/containers/" + url_encode(id) + "/wait?condition=not-running", {},
                                std::chrono::milliseconds(60'000));
            if (!stopped) return stopped.error();
        }
        if (count == seen) break;
        seen = count;
        std::this_thread::sleep_for(std::chrono::milliseconds(500));
    }
    return ok_status();
}

}  // namespace dockerops::docker
