// Saved plans: the record of what a plan was made from, and the check that
// the engine still holds it before the plan is carried out.
#include "planner/plan.hpp"
#include "planner/planning.hpp"

#include "util/hash.hpp"

#include <algorithm>
#include <map>

namespace dockerops {

using planning::join;
using planning::state_cause;

ObservedSummary summarize(const ObservedState& o) {
    ObservedSummary s;
    s.scope = o.scope;
    for (const auto& c : o.containers) {
        std::string addr;
        for (const auto& [net, ip] : c.addresses) addr += (addr.empty() ? "" : ",") + net + "=" + ip;
        s.lines.push_back("container " + c.name + " " + c.id.substr(0, 12) + " " + state_cause(c) + " image " +
                          c.image_id.substr(0, 19) + " spec " + c.label(labels::kSpecHash).substr(0, 12) + " " + addr);
    }
    // A container that is not the project's but holds one of its names
    // changes what a saved plan may do (its create would conflict).
    for (const auto& c : o.foreign)
        if (c.name.starts_with(o.project + "-")) s.lines.push_back("foreign " + c.name + " " + c.id.substr(0, 12));
    for (const auto& i : o.images)
        s.lines.push_back("image " + (i.tags.empty() ? std::string("<none>") : i.tags.front()) + " " + i.id.substr(0, 19));
    for (const auto& n : o.networks) s.lines.push_back("network " + n.name + " " + n.id.substr(0, 12) + " " + n.subnet);
    std::sort(s.lines.begin(), s.lines.end());
    s.fingerprint = sha256_hex(join(s.lines, "\n"));
    return s;
}

std::vector<std::string> summary_changes(const ObservedSummary& before, const ObservedSummary& after) {
    // Objects are identified by their first two words ("container demo-web-one").
    auto ident = [](const std::string& line) {
        auto a = line.find(' ');
        auto b = line.find(' ', a + 1);
        return line.substr(0, b);
    };
    std::map<std::string, std::string> b, a;
    for (const auto& l : before.lines) b[ident(l)] = l;
    for (const auto& l : after.lines) a[ident(l)] = l;
    std::vector<std::string> out;
    for (const auto& [k, l] : b) {
        auto it = a.find(k);
        if (it == a.end()) out.push_back(k + " is gone");
        else if (it->second != l) out.push_back(k + " changed: was '" + l.substr(k.size() + 1) + "', now '" +
                                                it->second.substr(k.size() + 1) + "'");
    }
    for (const auto& [k, _] : a)
        if (!b.count(k)) out.push_back(k + " appeared");
    return out;
}

Status check_fresh(const Plan& plan, const ObservedState& now, std::vector<std::string>& changes) {
    ObservedSummary current = summarize(now);
    if (current.fingerprint == plan.observed.fingerprint) return ok_status();
    changes = summary_changes(plan.observed, current);
    return Error{"the engine changed since the plan was made", "project " + plan.project};
}

}  // namespace dockerops
