// `dockerops build`: every image asked for and those it is built FROM, as a
// plan of builds carried out by the executor, one at a time in FROM order.
#include "cli/ops/ops.hpp"
#include "cli/ops/steps.hpp"

#include "engine/model/secrets.hpp"
#include "util/json_writer.hpp"

#include <mutex>

namespace dockerops::ops {

int build(Session& s, const BuildRequest& r) {
    auto p = load_or_report(s.ui, r.where);
    if (!p) return kExitError;
    std::vector<std::string> containers;
    for (const auto& c : r.containers) {
        if (c == "all") {
            containers.clear();
            break;
        }
        containers.push_back(c);
    }
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
    for (const auto& a : plan->actions) container_of[a.object] = a.key.substr(6);
    std::mutex out;
    ExecOptions eo;
    eo.parallelism = 1;   // each build's output in one piece
    eo.started = [&](const Action& a) { s.ui.out("build " + a.object + "\n"); };
    eo.build_progress = [&](const std::string& tag, const BuildEvent& ev) {
        std::lock_guard<std::mutex> l(out);
        if (r.progress == BuildRequest::Progress::Json) {
            s.ui.out(JsonWriter().begin_object().key("image").value(tag).key("kind")
                         .value(ev.kind == BuildEvent::Kind::Step ? "step" : "output").key("text").value(ev.text)
                         .end_object().str() + "\n");
        } else if (r.progress == BuildRequest::Progress::Plain ||
                   (ev.kind == BuildEvent::Kind::Step && s.ui.out_terminal)) {
            s.ui.out("  " + container_of[tag] + " | " + ev.text + "\n");
        }
    };
    int built = 0;
    eo.finished = [&](const Action& a, const ActionResult& res) {
        if (res.outcome != Outcome::Done) return;
        s.ui.out("built " + a.object + " (" + res.produced.substr(0, 19) + ")\n");
        ++built;
    };
    ExecReport report = execute(*plan, s.connect, eo);
    s.ui.out(std::to_string(built) + " image" + (built == 1 ? "" : "s") + " built\n");
    for (std::size_t i = 0; i < report.results.size(); ++i) {
        const auto& res = report.results[i];
        if (res.outcome == Outcome::Failed) fail(s.ui, Error{res.message});
        else if (res.outcome == Outcome::NotStarted)
            s.ui.err("not built: " + plan->actions[i].object + " (" + res.message + ")\n");
    }
    return report.ok() ? kExitOk : kExitError;
}

}  // namespace dockerops::ops
