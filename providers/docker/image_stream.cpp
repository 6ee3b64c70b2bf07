// Images that come from a stream of JSON lines: a build (the context sent as
// a tar) and a pull. Both answer HTTP 200 and report a failure in the stream.
#include "providers/docker/docker.hpp"
#include "providers/docker/json_read.hpp"

#include "util/json_writer.hpp"
#include "providers/docker/tar.hpp"

#include <simdjson.h>

namespace dockerops::docker {

using namespace detail;
using simdjson::dom::element;

Result<std::string> DockerEngine::build(const BuildSpec& spec, const std::function<void(const BuildEvent&)>& progress) {
    const std::string object = "image " + spec.tag;
    auto tar = write_context_tar(spec.context_dir);
    if (!tar) return Error{tar.error().message, object};
    std::FILE* f = tar->get();

    std::string q = "/build?t=" + url_encode(spec.tag) + "&rm=1&forcerm=1";
    if (spec.no_cache) q += "&nocache=1";
    if (!spec.build_args.empty()) q += "&buildargs=" + url_encode(JsonWriter().object(spec.build_args).str());
    if (!spec.labels.empty()) q += "&labels=" + url_encode(JsonWriter().object(spec.labels).str());

    // The answer is a stream of JSON lines; a failed build still answers 200,
    // with an "error" line.
    std::string pending, image_id, error, last_step;
    simdjson::dom::parser parser;
    auto handle_line = [&](std::string_view line) {
        if (line.find_first_not_of(" \r\n\t") == std::string_view::npos) return;
        simdjson::padded_string padded(line);
        element doc;
        if (parser.parse(padded).get(doc) != simdjson::SUCCESS) return;
        std::string err = str(doc, "error");
        if (!err.empty()) {
            std::string detail = str(doc["errorDetail"], "message");
            error = detail.empty() ? err : detail;
            return;
        }
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
    };
    HttpRequest req;
    req.method = "POST";
    req.path = api(q);
    req.content_type = "application/x-tar";
    req.upload = f;
    req.timeout = std::chrono::minutes(60);
    std::string non_stream_body;
    long status_seen = 0;
    req.on_data = [&](std::string_view chunk) {
        pending.append(chunk);
        std::size_t nl;
        while ((nl = pending.find('\n')) != std::string::npos) {
            handle_line(std::string_view(pending).substr(0, nl));
            pending.erase(0, nl + 1);
        }
    };
    auto r = http_.send(req);
    if (!r) return Error{r.error().message, object};
    status_seen = r->status;
    if (!pending.empty()) {
        non_stream_body = pending;
        handle_line(pending);
    }
    if (!is_2xx(status_seen)) {
        HttpResponse copy = *r;
        copy.body = non_stream_body;
        return engine_error(copy, object, "build");
    }
    if (!error.empty()) {
        std::string where = last_step.empty() ? "" : " at " + last_step;
        return Error{"build failed" + where + ": " + error, object};
    }
    if (image_id.empty()) return Error{"build answered without an image id", object};
    return image_id;
}

Result<std::string> DockerEngine::pull_image(const std::string& ref, const std::function<void(const BuildEvent&)>& progress) {
    const std::string object = "image " + ref;
    // fromImage takes the whole reference (a tag or a digest in it).
    std::string pending, error, last, head;   // head: the answer's start, for a refusal (HTTP 4xx/5xx)
    simdjson::dom::parser parser;
    auto handle_line = [&](std::string_view line) {
        if (line.find_first_not_of(" \r\n\t") == std::string_view::npos) return;
        simdjson::padded_string padded(line);
        element doc;
        if (parser.parse(padded).get(doc) != simdjson::SUCCESS) return;
        std::string err = str(doc, "error");
        if (!err.empty()) {
            std::string detail = str(doc["errorDetail"], "message");
            error = detail.empty() ? err : detail;
            return;
        }
        // "Pulling fs layer", "Downloading", "Pull complete", "Status: Downloaded newer image ..."
        std::string status = str(doc, "status"), id = str(doc, "id"), bar = str(doc, "progress");
        if (status.empty()) return;
        std::string text = (id.empty() ? "" : id + ": ") + status + (bar.empty() ? "" : " " + bar);
        if (text == last) return;
        last = text;
        if (progress) progress({BuildEvent::Kind::Output, text});
    };
    HttpRequest req;
    req.method = "POST";
    req.path = api("/images/create?fromImage=" + url_encode(ref));
    req.content_type = "application/json";
    req.timeout = std::chrono::minutes(60);
    req.on_data = [&](std::string_view chunk) {
        if (head.size() < 16384) head.append(chunk.substr(0, 16384 - head.size()));
        pending.append(chunk);
        std::size_t nl;
        while ((nl = pending.find('\n')) != std::string::npos) {
            handle_line(std::string_view(pending).substr(0, nl));
            pending.erase(0, nl + 1);
        }
    };
    auto r = http_.send(req);
    if (!r) return Error{r.error().message, object};
    if (!is_2xx(r->status)) {
        HttpResponse copy = *r;
        copy.body = head;
        return engine_error(copy, object, "pull");
    }
    if (!pending.empty()) handle_line(pending);
    if (!error.empty()) return Error{"pull failed: " + error, object};
    auto img = inspect_image(ref);
    if (!img) return Error{"pulled, but the engine does not show it: " + img.error().message, object};
    return img->id;
}

}  // namespace dockerops::docker
