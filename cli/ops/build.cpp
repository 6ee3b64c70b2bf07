// `dockerops build`: every image asked for and those it is built FROM, as a
// plan of builds carried out by the executor, up to --parallelism at once,
// each after the images it is built FROM; every line says whose it is.
#include "cli/ops/ops.hpp"
#include "cli/ops/steps.hpp"

#include "engine/model/secrets.hpp"
#include "util/json_writer.hpp"

#include <cmath>
#include <functional>
#include <mutex>

namespace dockerops::ops {

namespace {

using EventFn = std::function<void(const std::string& kind, const std::string& image, const std::function<void(JsonWriter&)>& more)>;

// The containers asked for; none ("all" among them): every one.
std::vector<std::string> wanted(const std::vector<std::string>& asked) {
    std::vector<std::string> containers;
    for (const auto& c : asked) {
        if (c == "all") return {};
        containers.push_back(c);
    }
    return containers;
}

// What failed and what was not built because of it, then (JSON) the summary.
void report_results(Session& s, const Plan& plan, const ExecReport& report, int built, bool json, const EventFn& event) {
    int failed = 0, not_built = 0;
    for (std::size_t i = 0; i < report.results.size(); ++i) {
        const auto& res = report.results[i];
        const std::string& image = plan.actions[i].object;
        if (res.outcome == Outcome::Failed) {
            ++failed;
            if (json) event("failed", image, [&](JsonWriter& w) { w.key("message").value(s.ui.secrets.redact(res.message)); });
            else fail(s.ui, Error{res.message});
        } else if (res.outcome == Outcome::NotStarted) {
            ++not_built;
            if (json) event("not_built", image, [&](JsonWriter& w) { w.key("message").value(s.ui.secrets.redact(res.message)); });
            else s.ui.err("not built: " + image + " (" + res.message + ")\n");
        }
    }
    if (json)
        event("summary", "", [&](JsonWriter& w) {
            w.key("built").value(built).key("failed").value(failed).key("not_built").value(not_built).key("ok").value(report.ok());
        });
}

}  // namespace

int build(Session& s, const BuildRequest& r) {
    auto p = load_or_report(s, r.where, Changes::Yes);
    if (!p) return kExitError;
    const std::vector<std::string> containers = wanted(r.containers);
    // Building needs no variables: an instance's missing ones are not asked for here.
    auto images = compile_images(*p);
    if (!images) return fail(s.ui, images.error());
    DesiredState& d = *images;
    auto graph = DesiredGraph::build(d);
    if (!graph) return fail(s.ui, graph.error());
    auto plan = make_build_plan(d, *graph, containers, r.no_cache);
    if (!plan) return fail(s.ui, plan.error());
    auto engine = connect(s);   // one answer before any build: is there an engine at all
    if (!engine) return fail(s.ui, engine.error());

    std::map<std::string, std::string> container_of;   // tag -> container
    for (const auto& a : plan->actions)
        if (auto node = parse_node_key(a.key)) container_of[a.object] = node->name;
    std::mutex out;
    ExecOptions eo;
    eo.parallelism = r.parallelism;
    // --progress json: one object a line and nothing else (schemas/build-events.schema.json).
    const bool json = r.progress == BuildRequest::Progress::Json;
    auto event = [&](const std::string& kind, const std::string& image, const std::function<void(JsonWriter&)>& more) {
        JsonWriter w;
        w.begin_object().key("kind").value(kind);
        if (!image.empty()) w.key("image").value(image);
        if (more) more(w);
        w.end_object();
        s.ui.out(w.str() + "\n");
    };
    eo.started = [&](const Action& a) {
        if (json) event("start", a.object, nullptr);
        else s.ui.out("build " + a.object + "\n");
    };
    eo.build_progress = [&](const std::string& tag, const BuildEvent& ev) {
        std::lock_guard<std::mutex> l(out);
        if (json) {
            event(ev.kind == BuildEvent::Kind::Step ? "step" : "output", tag, [&](JsonWriter& w) { w.key("text").value(ev.text); });
        } else if (r.progress == BuildRequest::Progress::Plain ||
                   (ev.kind == BuildEvent::Kind::Step && s.ui.out_terminal)) {
            s.ui.out("  " + container_of[tag] + " | " + ev.text + "\n");
        }
    };
    int built = 0;
    eo.finished = [&](const Action& a, const ActionResult& res) {
        if (res.outcome != Outcome::Done) return;
        ++built;
        if (json)
            event("built", a.object, [&](JsonWriter& w) {
                w.key("id").value(res.produced).key("seconds").value(std::round(res.seconds * 1000) / 1000);
            });
        else s.ui.out("built " + a.object + " (" + res.produced.substr(0, 19) + ")\n");
    };
    ExecReport report = execute(*plan, s.connect, eo);
    if (!json) s.ui.out(std::to_string(built) + " image" + (built == 1 ? "" : "s") + " built\n");
    report_results(s, *plan, report, built, json, event);
    return report.ok() ? kExitOk : kExitError;
}

}  // namespace dockerops::ops
