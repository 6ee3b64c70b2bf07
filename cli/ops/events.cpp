// apply --json and destroy --json: JSON Lines, one object per event, nothing
// else on stdout (schemas/apply-events.schema.json):
//   {"event":"plan", ...}       the plan: its actions with ids, causes and dependencies
//   {"event":"start", ...}     an action began
//   {"event":"progress", ...}  a line of a build or a pull
//   {"event":"end", ...}       an action finished: done or failed, seconds, message
//   {"event":"summary", ...}   counts, the actions not started, and ok
#include "cli/ops/steps.hpp"

#include "engine/model/secrets.hpp"
#include "util/json_writer.hpp"

#include <chrono>
#include <cmath>
#include <map>
#include <memory>
#include <mutex>

namespace dockerops::ops {

namespace {

std::string_view outcome_word(Outcome o) {
    return o == Outcome::Done ? "done" : o == Outcome::Failed ? "failed" : "not started";
}

}  // namespace

std::string plan_event(const Plan& plan, const Redactor& secrets) {
    JsonWriter w;
    w.begin_object().key("event").value("plan").key("project").value(plan.project);
    w.key("summary").value(summary_line(plan)).key("warnings").strings(plan.warnings);
    w.key("actions").begin_array();
    for (const auto& a : plan.actions) {
        w.begin_object().key("id").value(a.id).key("kind").value(std::string(to_string(a.kind)));
        w.key("object").value(a.object).key("cause").value(secrets.redact(a.cause)).key("depends_on").begin_array();
        for (int d : a.depends_on) w.value(d);
        w.end_array().end_object();
    }
    w.end_array().key("conflicts").begin_array();
    for (const auto& c : plan.conflicts) w.begin_object().key("object").value(c.object).key("message").value(c.message).end_object();
    w.end_array().end_object();
    return w.str() + "\n";
}

void add_json_events(Ui& ui, const Plan& plan, ExecOptions& eo) {
    auto out = std::make_shared<std::mutex>();
    auto emit = [out, &ui](const std::string& line) {
        std::lock_guard<std::mutex> l(*out);
        ui.out(line + "\n");
    };
    // Build and pull progress names the image: the action that makes it.
    auto by_image = std::make_shared<std::map<std::string, int>>();
    for (const auto& a : plan.actions)
        if (a.kind == ActionKind::Build || a.kind == ActionKind::Pull) (*by_image)[a.build ? a.build->tag : a.object] = a.id;
    eo.log = nullptr;   // the text lines say what start and end events say
    eo.started = [emit](const Action& a) {
        emit(JsonWriter().begin_object().key("event").value("start").key("id").value(a.id)
                 .key("kind").value(std::string(to_string(a.kind))).key("object").value(a.object).end_object().str());
    };
    const Redactor& secrets = ui.secrets;
    eo.finished = [emit, &secrets](const Action& a, const ActionResult& r) {
        emit(JsonWriter().begin_object().key("event").value("end").key("id").value(a.id)
                 .key("kind").value(std::string(to_string(a.kind))).key("object").value(a.object)
                 .key("outcome").value(outcome_word(r.outcome)).key("seconds").value(std::round(r.seconds * 1000) / 1000)
                 .key("message").value(secrets.redact(r.message)).end_object().str());
    };
    eo.build_progress = [emit, by_image, &secrets](const std::string& image, const BuildEvent& e) {
        JsonWriter w;
        w.begin_object().key("event").value("progress");
        if (auto it = by_image->find(image); it != by_image->end()) w.key("id").value(it->second);
        w.key("object").value(image).key("step").value(e.kind == BuildEvent::Kind::Step).key("text").value(secrets.redact(e.text)).end_object();
        emit(w.str());
    };
}

std::string summary_event(const Plan& plan, const ExecReport& report, const Redactor& secrets) {
    int done = 0, failed = 0, not_started = 0;
    JsonWriter w;
    w.begin_object().key("event").value("summary").key("project").value(plan.project).key("results").begin_array();
    for (std::size_t i = 0; i < report.results.size(); ++i) {
        const auto& r = report.results[i];
        if (r.outcome == Outcome::Done) ++done;
        else if (r.outcome == Outcome::Failed) ++failed;
        else ++not_started;
        w.begin_object().key("id").value(r.id).key("outcome").value(outcome_word(r.outcome));
        w.key("seconds").value(std::round(r.seconds * 1000) / 1000).key("message").value(secrets.redact(r.message)).end_object();
    }
    w.end_array().key("done").value(done).key("failed").value(failed).key("not_started").value(not_started);
    w.key("ok").value(report.ok()).end_object();
    return w.str() + "\n";
}

}  // namespace dockerops::ops
