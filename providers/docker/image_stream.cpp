// Images that come from a stream of JSON lines: a build (the context sent as
// a tar) and a pull. Both answer HTTP 200 and report a failure in the stream.
#include "providers/docker/docker.hpp"
#include "providers/docker/registry_auth.hpp"
#include "providers/docker/engine_json.hpp"

#include "util/json_writer.hpp"
#include "providers/docker/tar.hpp"

#include <simdjson.h>

#include <functional>

namespace dockerops::docker {

using namespace detail;
using simdjson::dom::element;

namespace {

// An answer streamed as JSON lines (a build, a pull): each object goes to
// `on_object`, except an "error" line, whose message is kept. Both answer
// HTTP 200 and report a failure in the stream; a refusal before the stream
// (HTTP 4xx/5xx) is never streamed: the answer keeps it.
class JsonLineStream {
public:
    explicit JsonLineStream(std::function<void(element)> on_object) : on_object_(std::move(on_object)) {}
    void feed(std::string_view chunk) {
        pending_.append(chunk);
        std::size_t nl;
        while ((nl = pending_.find('\n')) != std::string::npos) {
            line(std::string_view(pending_).substr(0, nl));
            pending_.erase(0, nl + 1);
        }
    }
    void finish() {
        if (!pending_.empty()) line(pending_);
        pending_.clear();
    }
    std::string error;   // the engine's message (errorDetail's, else error's)

private:
    void line(std::string_view text) {
        if (text.find_first_not_of(" \r\n\t") == std::string_view::npos) return;
        simdjson::padded_string padded(text);
        element doc;
        if (parser_.parse(padded).get(doc) != simdjson::SUCCESS) return;
        if (std::string err = str(doc, "error"); !err.empty()) {
            std::string detail = str(doc["errorDetail"], "message");
            error = detail.empty() ? err : detail;
            return;
        }
        on_object_(doc);
    }
    std::function<void(element)> on_object_;
    simdjson::dom::parser parser_;
    std::string pending_;
};

// Sends `req` (a POST whose answer is JSON lines) and feeds the answer to
// `stream`: a failed call, or a refusal before the stream, is an Error; an
// error line in the stream is left in stream.error for the caller to word.
Status send_json_lines(HttpClient& http, const DockerEngine& engine, HttpRequest req, JsonLineStream& stream,
                       const std::string& object, const std::string& doing) {
    req.method = "POST";
    req.timeout = std::chrono::minutes(60);
    req.on_data = [&](std::string_view chunk) { stream.feed(chunk); };
    auto r = http.send(req);
    if (!r) return Error{r.error().message, object};
    stream.finish();
    if (!is_2xx(r->status)) return engine.engine_error(*r, object, doing);   // an error answer is kept whole, never streamed
    return ok_status();
}

// POSTs `path` (JSON `body`, or none) and reads the answer as JSON lines: a
// refusal before the stream, or an error line in it, is an Error.
Status post_json_lines(HttpClient& http, const DockerEngine& engine, const std::string& path, const std::string& body,
                       JsonLineStream& stream, const std::string& object, const std::string& doing,
                       const std::string& registry_auth = {}) {
    HttpRequest req;
    req.path = path;
    req.body = body;
    req.content_type = "application/json";
    req.registry_auth = registry_auth;
    if (auto s = send_json_lines(http, engine, std::move(req), stream, object, doing); !s) return s;
    if (!stream.error.empty()) return Error{doing + " failed: " + stream.error, object};
    return ok_status();
}

// The credentials for `ref`'s registry (registry_auth.hpp), and what a
// refusal by the registry is told: where they came from, or that there were none.
struct Credentials {
    std::string header, registry, said;
};
Result<Credentials> credentials_for(const Endpoint& e, const std::string& ref) {
    Credentials out;
    out.registry = registry_of(ref);
    auto c = find_credentials(out.registry, {e.docker_config, e.helper_path});
    if (!c) return c.error();
    if (*c) {
        out.header = registry_auth_header(**c);
        out.said = "the credentials for " + out.registry + " from " + (*c)->from + " were refused";
    } else {
        out.said = "no credentials for " + out.registry + " in " +
                   (e.docker_config.empty() ? std::string("config.json (no DOCKER_CONFIG, no HOME)") : e.docker_config + "/config.json") +
                   ": docker login " + (out.registry == "docker.io" ? std::string() : out.registry + " ") + "writes them there";
    }
    return out;
}

// A pull or push the registry refused for want of credentials: said with
// where the credentials came from.
Status with_credentials_said(Status s, const Credentials& c) {
    if (s) return s;
    const std::string& m = s.error().message;
    for (const char* word : {"unauthorized", "no basic auth credentials", "denied", "authentication required"})
        if (m.find(word) != std::string::npos) return Error{m + " (" + c.said + ")", s.error().object};
    return s;
}

}  // namespace

Result<std::string> DockerEngine::build(const BuildSpec& spec, const std::function<void(const BuildEvent&)>& progress) {
    const std::string object = "image " + spec.tag;
    auto tar = ContextStream::open(spec.context_dir);
    if (!tar) return Error{tar.error().message, object};

    std::string q = "/build?t=" + url_encode(spec.tag) + "&rm=1&forcerm=1";
    if (spec.no_cache) q += "&nocache=1";
    if (!spec.dockerfile.empty()) q += "&dockerfile=" + url_encode(spec.dockerfile);
    if (!spec.target.empty()) q += "&target=" + url_encode(spec.target);
    if (!spec.build_args.empty()) q += "&buildargs=" + url_encode(JsonWriter().object(spec.build_args).str());
    if (!spec.labels.empty()) q += "&labels=" + url_encode(JsonWriter().object(spec.labels).str());

    std::string image_id, last_step;
    JsonLineStream stream([&](element doc) {
        std::string id = str(doc["aux"], "ID");
        if (!id.empty()) image_id = id;
        std::string text = str(doc, "stream");
        std::size_t start = 0;
        while (start < text.size()) {
            std::size_t nl = text.find('\n', start);
            std::string one = text.substr(start, nl == std::string::npos ? std::string::npos : nl - start);
            start = nl == std::string::npos ? text.size() : nl + 1;
            if (one.empty()) continue;
            bool step = one.starts_with("Step ");
            if (step) last_step = one;
            if (progress) progress({step ? BuildEvent::Kind::Step : BuildEvent::Kind::Output, one});
        }
    });
    HttpRequest req;
    req.path = api(q);
    req.content_type = "application/x-tar";
    req.upload = (*tar)->file();
    auto sent = send_json_lines(http_, *this, std::move(req), stream, object, "build");
    // When the engine ended the upload, the writer's failure (EPIPE) is only
    // its echo; when the writer failed, the engine saw a cut tar: its own failure is the cause.
    auto written = (*tar)->finish();
    if (!sent) return sent.error();
    if (!written) return Error{written.error().message, object};
    if (!stream.error.empty()) {
        std::string where = last_step.empty() ? "" : " at " + last_step;
        return Error{"build failed" + where + ": " + stream.error, object};
    }
    if (image_id.empty()) return Error{"build answered without an image id", object};
    return image_id;
}

Result<std::string> DockerEngine::pull_image(const std::string& ref, const std::function<void(const BuildEvent&)>& progress) {
    const std::string object = "image " + ref;
    std::string last;
    JsonLineStream stream([&](element doc) {
        // "Pulling fs layer", "Downloading", "Pull complete", "Status: Downloaded newer image ..."
        std::string status = str(doc, "status"), id = str(doc, "id"), bar = str(doc, "progress");
        if (status.empty()) return;
        std::string text = (id.empty() ? "" : id + ": ") + status + (bar.empty() ? "" : " " + bar);
        if (text == last) return;
        last = text;
        if (progress) progress({BuildEvent::Kind::Output, text});
    });
    // The whole reference: a tag or digest in it.
    auto creds = credentials_for(endpoint(), ref);
    if (!creds) return Error{creds.error().message, object + " (" + creds.error().object + ")"};
    if (auto s = with_credentials_said(
            post_json_lines(http_, *this, api("/images/create?fromImage=" + url_encode(ref)), {}, stream, object, "pull", creds->header), *creds);
        !s)
        return s.error();
    auto img = inspect_image(ref);
    if (!img) return Error{"pulled, but the engine does not show it: " + img.error().message, object};
    return img->id;
}

Status DockerEngine::tag_image(const std::string& id, const std::string& repo, const std::string& tag) {
    auto r = call("POST", "/images/" + url_encode(id) + "/tag?repo=" + url_encode(repo) + "&tag=" + url_encode(tag));
    if (!r) return r.error();
    if (!is_2xx(r->status)) return engine_error(*r, "image " + id, "tag");
    return ok_status();
}

Result<std::string> DockerEngine::push_image(const std::string& repo, const std::string& tag) {
    const std::string object = "image " + repo + ":" + tag;
    std::string digest;
    JsonLineStream stream([&](element doc) {
        // The last line before the end: {"aux": {"Tag": ..., "Digest": "sha256:...", "Size": ...}}
        if (std::string d = str(doc["aux"], "Digest"); !d.empty()) digest = d;
    });
    auto creds = credentials_for(endpoint(), repo);
    if (!creds) return Error{creds.error().message, object + " (" + creds.error().object + ")"};
    if (auto s = with_credentials_said(post_json_lines(http_, *this, api("/images/" + url_encode(repo) + "/push?tag=" + url_encode(tag)),
                                                       "{}", stream, object, "push", creds->header),
                                       *creds);
        !s)
        return s.error();
    if (digest.empty()) return Error{"the push answered without a digest", object};
    return digest;
}

}  // namespace dockerops::docker
