// The canonical text form of a plan: the `plan` output and the golden files.
#include "planner/plan.hpp"

#include <algorithm>

namespace dockerops {

namespace {

constexpr std::string_view kKinds[] = {"build", "network", "create", "replace", "start", "remove", "remove-network", "purge-data",
                                       "remove-image", "remove-volume", "pull", "update", "wait", "unpause", "adopt"};

// ANSI colours by what a verb does: builds cyan, new objects green, changes
// yellow, removals red.
std::string_view verb_color(ActionKind k) {
    switch (k) {
        case ActionKind::Build: case ActionKind::Pull: return "36";
        case ActionKind::CreateNetwork: case ActionKind::Create: return "32";
        case ActionKind::Replace: case ActionKind::Start: case ActionKind::Update: case ActionKind::Wait:
        case ActionKind::Unpause: return "33";
        default: return "31";
    }
}

}  // namespace

std::string_view to_string(ActionKind k) { return kKinds[static_cast<int>(k)]; }

std::optional<ActionKind> parse_action_kind(std::string_view s) {
    for (int i = 0; i < static_cast<int>(std::size(kKinds)); ++i) if (kKinds[i] == s) return static_cast<ActionKind>(i);
    return std::nullopt;
}

std::string summary_line(const Plan& plan) {
    if (plan.empty() && plan.conflicts.empty()) return "No changes.";
    int pull = 0, build = 0, create = 0, replace = 0, update = 0, start = 0, remove = 0, wait = 0, adopt = 0;
    for (const auto& a : plan.actions) {
        switch (a.kind) {
            case ActionKind::Pull: ++pull; break;
            case ActionKind::Build: ++build; break;
            case ActionKind::CreateNetwork: case ActionKind::Create: ++create; break;
            case ActionKind::Replace: ++replace; break;
            case ActionKind::Update: ++update; break;
            case ActionKind::Start: case ActionKind::Unpause: ++start; break;
            case ActionKind::Wait: ++wait; break;
            case ActionKind::Adopt: ++adopt; break;
            case ActionKind::Remove: case ActionKind::RemoveNetwork: case ActionKind::PurgeData:
            case ActionKind::RemoveImage: case ActionKind::RemoveVolume: ++remove; break;
        }
    }
    // "N to pull" only when there are pulls: plans of built images read as before.
    return "Plan: " + (adopt ? std::to_string(adopt) + " to adopt, " : std::string()) + (pull ? std::to_string(pull) + " to pull, " : std::string()) + std::to_string(build) + " to build, " + std::to_string(create) + " to create, " +
           std::to_string(replace) + " to replace, " + (update ? std::to_string(update) + " to update, " : std::string()) +
           std::to_string(start) + " to start, " + (wait ? std::to_string(wait) + " to wait for, " : std::string()) +
           std::to_string(remove) + " to remove.";
}

std::string render_text(const Plan& plan, const TextStyle& style) {
    std::string out;
    for (const auto& w : plan.warnings) out += "warning: " + w + "\n";
    for (const auto& a : plan.actions) {
        const std::string_view word = to_string(a.kind);
        std::string verb = style.color ? "\033[" + std::string(verb_color(a.kind)) + "m" + std::string(word) + "\033[0m"
                                       : std::string(word);
        verb.append(word.size() < 8 ? 8 - word.size() : 0, ' ');
        std::string what = a.kind == ActionKind::Build || a.kind == ActionKind::Pull ? "image " + a.object
                         : a.kind == ActionKind::CreateNetwork || a.kind == ActionKind::RemoveNetwork ? "network " + a.object
                         : a.kind == ActionKind::PurgeData ? "data of " + a.object + " (" + a.path + ")"
                         : a.kind == ActionKind::RemoveImage ? "image " + a.object
                         : a.kind == ActionKind::RemoveVolume ? "volume " + a.object
                         : a.object;
        out += verb + " " + what + ": " + a.cause + "\n";
    }
    for (const auto& c : plan.conflicts) out += "conflict  " + c.object + ": " + c.message + "\n";
    if (!plan.actions.empty() || !plan.conflicts.empty()) out += "\n";
    out += summary_line(plan) + "\n";
    if (!plan.conflicts.empty())
        out += std::to_string(plan.conflicts.size()) + (plan.conflicts.size() == 1 ? " conflict" : " conflicts") +
               ": apply refuses this plan; dockerops never touches what it did not create.\n";
    return out;
}

}  // namespace dockerops
