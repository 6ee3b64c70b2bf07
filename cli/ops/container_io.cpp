// The engine's view of the project beyond ps and logs: top (processes), events
// (as they happen), cp (files both ways) and pull (the images taken as they
// are), as `docker compose top|events|cp|pull` do.
#include "cli/ops/ops.hpp"
#include "cli/ops/steps.hpp"
#include "util/json_writer.hpp"

#include <algorithm>
#include <cctype>
#include <ctime>

namespace fs = std::filesystem;

namespace dockerops::ops {

namespace {

std::string instance_name(const ObservedContainer& c) { return c.label(labels::kContainer) + "." + c.label(labels::kInstance); }

// Columns as wide as their widest cell, two spaces apart; the last as it is.
std::string columns(const std::vector<std::vector<std::string>>& rows) {
    std::vector<std::size_t> width;
    for (const auto& r : rows)
        for (std::size_t i = 0; i < r.size(); ++i) {
            if (width.size() <= i) width.push_back(0);
            width[i] = std::max(width[i], r[i].size());
        }
    std::string out;
    for (const auto& r : rows) {
        std::string line;
        for (std::size_t i = 0; i < r.size(); ++i) {
            line += r[i];
            if (i + 1 < r.size()) line.append(width[i] - r[i].size() + 2, ' ');
        }
        out += line + "\n";
    }
    return out;
}

// 2026-12-02T17:55:01.123456789Z
std::string iso_nanos(std::int64_t nanos) {
    const std::time_t secs = static_cast<std::time_t>(nanos / 1'000'000'000);
    std::tm tm{};
    gmtime_r(&secs, &tm);
    char buf[64];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
    char frac[16];
    std::snprintf(frac, sizeof frac, ".%09lld", static_cast<long long>(nanos % 1'000'000'000));
    return std::string(buf) + frac + "Z";
}

std::string attribute(const EngineEvent& e, const std::string& key) {
    auto it = e.attributes.find(key);
    return it == e.attributes.end() ? std::string() : it->second;
}

// "TARGET:PATH" -> {TARGET, PATH}; a host path (no colon before the first
// slash) -> nullopt.
std::optional<std::pair<std::string, std::string>> container_side(const std::string& arg) {
    const auto colon = arg.find(':');
    if (colon == std::string::npos || colon == 0) return std::nullopt;
    const auto slash = arg.find('/');
    if (slash != std::string::npos && slash < colon) return std::nullopt;   // ./a:b is a host path
    return std::make_pair(arg.substr(0, colon), arg.substr(colon + 1));
}

}  // namespace

Result<std::string> top_text(Session& s, const Where& where, const std::vector<std::string>& targets, bool json) {
    auto ob = load_and_observe(s, where);
    if (!ob) return ob.error();
    auto chosen = select_instances(*ob, targets);
    if (!chosen) return chosen.error();
    std::string text;
    JsonWriter w;
    w.begin_array();
    for (const ObservedContainer* c : *chosen) {
        if (c->state != "running") continue;
        auto t = ob->engine->top(c->id);
        if (!t) return t.error();
        if (json) {
            w.begin_object().key("instance").value(instance_name(*c)).key("titles").strings(t->titles).key("processes").begin_array();
            for (const auto& p : t->processes) w.strings(p);
            w.end_array().end_object();
            continue;
        }
        std::vector<std::vector<std::string>> rows{t->titles};
        rows.insert(rows.end(), t->processes.begin(), t->processes.end());
        text += (text.empty() ? "" : "\n") + instance_name(*c) + "\n" + columns(rows);
    }
    w.end_array();
    if (json) return w.str() + "\n";
    if (text.empty()) text = "no instance " + std::string(targets.empty() ? "of project '" + ob->project.name + "'" : "named") + " is running\n";
    return text;
}

int events(Session& s, const EventsRequest& r) {
    auto since = since_seconds(r.since), until = since_seconds(r.until);
    if (!since) return fail(s.ui, Error{"--since '" + r.since + "' is not a duration (10m), a UNIX time or a date (2026-11-26T08:00:00)"});
    if (!until) return fail(s.ui, Error{"--until '" + r.until + "' is not a duration (10m), a UNIX time or a date (2026-11-26T08:00:00)"});
    auto p = load_or_report(s, r.where);
    if (!p) return kExitError;
    auto engine = connect(s);
    if (!engine) return fail(s.ui, engine.error());
    auto st = (*engine)->stream_events(p->name, {*since, *until}, [&](const EngineEvent& e) {
        const std::string name = attribute(e, "name");
        const std::string ci = attribute(e, labels::kContainer), in = attribute(e, labels::kInstance);
        const std::string instance = ci.empty() || in.empty() ? std::string() : ci + "." + in;
        if (r.json) {
            JsonWriter w;
            w.begin_object().key("time").value(iso_nanos(e.time_nano)).key("type").value(e.type).key("action").value(e.action);
            w.key("id").value(e.id).key("name").value(name);
            if (!instance.empty()) w.key("instance").value(instance);
            w.key("attributes").object(e.attributes).end_object();
            s.ui.out(w.str() + "\n");
            return;
        }
        // 2026-12-02T17:55:01.123456789Z container start web.one (demo-web-one)
        std::string line = iso_nanos(e.time_nano) + " " + e.type + " " + e.action + " " +
                           (instance.empty() ? (name.empty() ? e.id.substr(0, 12) : name) : instance + " (" + name + ")");
        if (const std::string code = attribute(e, "exitCode"); !code.empty()) line += " exit " + code;
        s.ui.out(line + "\n");
    });
    if (!st) return fail(s.ui, st.error());
    return kExitOk;
}

int copy(Session& s, const Where& where, const std::string& from, const std::string& to) {
    const auto src = container_side(from), dst = container_side(to);
    if (src.has_value() == dst.has_value())
        return fail(s.ui, Error{src ? "cp copies between an instance and this host, not between two instances (" + from + ", " + to + ")"
                                    : "cp needs an instance on one side: TARGET:PATH (web.one:/etc/hosts)"});
    const auto& [target, path] = src ? *src : *dst;
    if (path.empty()) return fail(s.ui, Error{"cp: no path after '" + target + ":'"});
    auto ch = choose(s, where, target, false);
    if (!ch) return fail(s.ui, ch.error());
    const std::string name = ch->container.label(labels::kContainer) + "." + ch->container.label(labels::kInstance);
    if (src) {
        // Into a host folder that exists (under the path's own name), or as the path given.
        fs::path dest(to);
        std::error_code ec;
        if (fs::is_directory(dest, ec)) dest /= fs::path(path).filename().empty() ? fs::path(path).parent_path().filename() : fs::path(path).filename();
        else if (dest.has_parent_path() && !fs::is_directory(dest.parent_path(), ec))
            return fail(s.ui, Error{dest.parent_path().string() + ": no such folder on this host"});
        auto st = ch->engine->copy_from_container(ch->container.id, path, dest);
        if (!st) return fail(s.ui, Error{st.error().message, "instance " + name});
        s.ui.err("copied " + name + ":" + path + " to " + dest.string() + "\n");
        return kExitOk;
    }
    auto st = ch->engine->copy_to_container(ch->container.id, from, path);
    if (!st) return fail(s.ui, Error{st.error().message, "instance " + name});
    s.ui.err("copied " + from + " to " + name + ":" + path + "\n");
    return kExitOk;
}

int pull(Session& s, const Where& where, const std::vector<std::string>& containers) {
    auto p = load_or_report(s, where);
    if (!p) return kExitError;
    auto d = compile_images(*p, ContextDigests::Skip);
    if (!d) return fail(s.ui, d.error());
    for (const auto& c : containers)
        if (!d->images.count(c)) return fail(s.ui, Error{"no container '" + c + "' (" + suggest(c, p->container_names(), "containers") + ")",
                                                         "project " + p->name});
    auto engine = connect(s);
    if (!engine) return fail(s.ui, engine.error());
    int failed = 0;
    for (const auto& [name, img] : d->images) {
        if (!containers.empty() && std::find(containers.begin(), containers.end(), name) == containers.end()) continue;
        if (!img.pulled) {
            s.ui.out(name + ": " + img.tag + " is built here ('dockerops build'), not pulled\n");
            continue;
        }
        auto id = (*engine)->pull_image(img.tag, nullptr);
        if (!id) {
            ++failed;
            s.ui.err("dockerops: " + name + ": " + id.error().message + "\n");
            continue;
        }
        const std::string shown = id->starts_with("sha256:") ? id->substr(7, 12) : id->substr(0, 12);
        s.ui.out(name + ": pulled " + img.tag + " (" + shown + ")\n");
    }
    return failed ? kExitError : kExitOk;
}

}  // namespace dockerops::ops
