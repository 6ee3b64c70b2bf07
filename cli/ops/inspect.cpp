// The reading commands' lookups: ps, ip, ssh, shell, logs, status.
#include "cli/ops/ops.hpp"
#include "cli/ops/steps.hpp"

#include "engine/model/spec_hash.hpp"

#include <cstdio>
#include <ctime>
#include <filesystem>
#include <sstream>

namespace fs = std::filesystem;

namespace dockerops::ops {

namespace {

// The project's containers matching TARGET ("web.one", "web" or a container name), sorted.
std::vector<ObservedContainer> matching(const ObservedState& o, const std::string& target) {
    std::vector<ObservedContainer> out;
    for (const auto& c : o.containers) {   // the project's own only (engine/ownership)
        std::string ci = c.label(labels::kContainer), in = c.label(labels::kInstance);
        if (target == ci + "." + in || target == ci || target == c.name) out.push_back(c);
    }
    return out;
}

std::string age(std::int64_t created) {
    std::int64_t s = std::time(nullptr) - created;
    if (s < 60) return std::to_string(s) + "s";
    if (s < 3600) return std::to_string(s / 60) + "m";
    if (s < 86400) return std::to_string(s / 3600) + "h";
    return std::to_string(s / 86400) + "d";
}

// An image's size as docker images shows one: near enough, one decimal.
std::string approximate_size(std::int64_t bytes) {
    char buf[32];
    if (bytes >= (1LL << 30)) std::snprintf(buf, sizeof buf, "%.1f GiB", static_cast<double>(bytes) / (1LL << 30));
    else if (bytes >= (1LL << 20)) std::snprintf(buf, sizeof buf, "%.1f MiB", static_cast<double>(bytes) / (1LL << 20));
    else std::snprintf(buf, sizeof buf, "%.1f KiB", static_cast<double>(bytes) / 1024);
    return buf;
}

std::string instance_of(const ObservedContainer& c) { return c.label(labels::kContainer) + "." + c.label(labels::kInstance); }

}  // namespace

Result<Observed> load_and_observe(Session& s, const Where& where) {
    auto p = load_or_report(s, where);
    if (!p) return Error{ErrorKind::Reported, "the configuration has errors"};
    auto e = connect(s);
    if (!e) return e.error();
    auto o = (*e)->observe(p->name);
    if (!o) return o.error();
    return Observed{std::move(*p), std::move(*e), std::move(*o)};
}

Result<Chosen> choose(Session& s, const Where& where, const std::string& target, bool running_only) {
    auto ob = load_and_observe(s, where);
    if (!ob) return ob.error();
    const std::string& project = ob->project.name;
    auto all = matching(ob->state, target);
    std::vector<ObservedContainer> found;
    for (const auto& m : all)
        if (!running_only || m.state == "running") found.push_back(m);
    if (found.empty())
        return Error{all.empty() ? "no instance matches '" + target + "'" : "no instance matching '" + target + "' is running",
                     "project " + project};
    std::size_t pick = 0;
    if (found.size() > 1) {
        std::string names;
        for (const auto& f : found) names += (names.empty() ? "" : ", ") + instance_of(f);
        if (!s.ui.in_terminal) return Error{"'" + target + "' matches several instances: " + names + "; name one", "project " + project};
        for (std::size_t i = 0; i < found.size(); ++i) s.ui.err("  " + std::to_string(i + 1) + ") " + instance_of(found[i]) + "\n");
        s.ui.err("Which one? [1-" + std::to_string(found.size()) + "] ");
        pick = static_cast<std::size_t>(std::atoi(s.ui.read_line(false).c_str()));
        if (pick < 1 || pick > found.size()) return Error{"no instance chosen"};
        --pick;
    }
    const ObservedContainer& c = found[pick];
    auto it = c.addresses.find(project);
    std::string address = it != c.addresses.end() ? it->second : c.addresses.empty() ? std::string() : c.addresses.begin()->second;
    return Chosen{std::move(ob->project), std::move(ob->engine), c, address};
}

Result<std::vector<const ObservedContainer*>> select_instances(const Observed& ob, const std::vector<std::string>& targets,
                                                               const std::set<std::string>& also) {
    const Project& p = ob.project;
    std::vector<const ObservedContainer*> chosen;
    std::set<std::string> matched;
    for (const auto& c : ob.state.containers) {
        const std::string ci = c.label(labels::kContainer), in = c.label(labels::kInstance);
        if (ci.empty() || in.empty() || c.name.ends_with(kReplaceOldSuffix) || c.name.ends_with(kReplaceNewSuffix))
            continue;   // leftovers of a replace
        bool take = (targets.empty() && also.empty()) || also.count(ci + "." + in);
        for (const auto& t : targets)
            if (t == ci + "." + in || t == ci || t == c.name) {
                take = true;
                matched.insert(t);
            }
        if (take) chosen.push_back(&c);
    }
    for (const auto& t : targets) {
        if (matched.count(t)) continue;
        const auto ids = p.instance_ids();
        const auto names = p.container_names();
        if (std::find(ids.begin(), ids.end(), t) != ids.end() || std::find(names.begin(), names.end(), t) != names.end())
            return Error{"'" + t + "' is declared, and the engine has no container of it (dockerops apply makes it)", "project " + p.name};
        std::string hint;
        for (const auto& id : ids)   // an instance's name alone: "one" for web.one
            if (id.ends_with("." + t)) hint += std::string(hint.empty() ? "did you mean " : " or ") + "'" + id + "'";
        if (!hint.empty()) hint += "?";
        std::vector<std::string> known = ids;
        known.insert(known.end(), names.begin(), names.end());
        if (hint.empty()) hint = known.size() <= 12 ? suggest(t, known, "instances") : "'dockerops ps -a' lists them";
        return Error{"no instance of the project matches '" + t + "' (" + hint + ")", "project " + p.name};
    }
    return chosen;
}

Result<std::vector<std::vector<std::string>>> ps_rows(Session& s, const Where& where, bool all) {
    auto ob = load_and_observe(s, where);
    if (!ob) return ob.error();
    std::vector<std::vector<std::string>> rows{{"CONTAINER", "INSTANCE", "TYPE", "STATE", "ADDRESS", "PORTS", "AGE"}};
    for (const auto& ct : ob->state.containers) {
        if (!all && ct.state != "running") continue;
        auto spec = canonical_from_json(ct.label(labels::kSpec));
        std::string type = spec && spec->count("env.INSTANCE_TYPE") ? spec->at("env.INSTANCE_TYPE") : "";
        std::string ports;
        for (const auto& pt : ct.ports)
            if (pt.host_port) ports += (ports.empty() ? "" : ",") + (pt.host_ip.empty() || pt.host_ip == "0.0.0.0" ? "" : pt.host_ip + ":") +
                                       std::to_string(pt.host_port) + "->" + std::to_string(pt.port) + "/" + pt.protocol;
        auto addr = ct.addresses.find(ob->project.name);
        std::string state = ct.state == "exited" ? "exited (" + std::to_string(ct.exit_code) + ")" : ct.state;
        if (!ct.health.empty()) state += ", " + ct.health;
        rows.push_back({ct.label(labels::kContainer), ct.label(labels::kInstance), type, state,
                        addr == ct.addresses.end() ? "" : addr->second, ports, age(ct.created)});
    }
    return rows;
}

Result<std::string> status_text(Session& s, const Where& where) {
    auto ob = load_and_observe(s, where);
    if (!ob) return ob.error();
    std::string text;
    for (const auto& ct : ob->state.containers) {
        if (ct.state != "running") continue;
        text += instance_of(ct) + ":\n";
        auto r = ob->engine->exec(ct.id, {"sh", "-c", supervisord_guard("echo '(no supervisord here)'; exit 0") + "supervisorctl status"});
        std::istringstream in(r ? r->out + r->err : "(" + r.error().message + ")\n");
        for (std::string line; std::getline(in, line);) text += "  " + line + "\n";
    }
    if (text.empty()) text = "no instance of project '" + ob->project.name + "' is running\n";
    return text;
}

Result<SshTarget> ssh_target(Session& s, const Where& where, const std::string& target) {
    auto ch = choose(s, where, target);
    if (!ch) return ch.error();
    const std::string key = (ch->project.root / ".dockerops/ssh/id_ed25519").string();
    if (!fs::exists(key)) return Error{"the project has no key pair (its first apply makes one when an image is built FROM the base container, "
                     "or 'dockerops init'): run 'dockerops apply'"};
    return SshTarget{key, ch->address};
}

Result<ExecResult> shell_command(Session& s, const Where& where, const std::string& target, const std::vector<std::string>& cmd) {
    auto ch = choose(s, where, target);
    if (!ch) return ch.error();
    return ch->engine->exec(ch->container.id, cmd);
}

Result<int> shell_interactive(Session& s, const Where& where, const std::string& target) {
    auto ch = choose(s, where, target);
    if (!ch) return ch.error();
    if (!s.ui.in_terminal) return Error{"an interactive shell needs a terminal; give a command to run instead"};
    return ch->engine->exec_attached(ch->container.id, {"sh", "-c", kInteractiveShell});
}

Result<std::vector<std::vector<std::string>>> image_rows(Session& s, const Where& where) {
    auto p = load_or_report(s, where);
    if (!p) return Error{ErrorKind::Reported, "the configuration has errors"};
    auto d = compile_images(*p);
    if (!d) return d.error();
    auto engine = connect(s);
    if (!engine) return engine.error();
    std::vector<std::vector<std::string>> rows{{"CONTAINER", "IMAGE", "ID", "SIZE", "CREATED"}};
    for (const auto& [name, img] : d->images) {
        auto info = (*engine)->inspect_image(img.tag);
        if (!info && info.error().status != 404) return info.error();
        if (!info) {
            rows.push_back({name, img.tag, img.pulled ? "not pulled" : "not built", "", ""});
            continue;
        }
        std::string id = info->id.starts_with("sha256:") ? info->id.substr(7) : info->id;
        rows.push_back({name, img.tag, id.substr(0, 12), approximate_size(info->size), info->created.substr(0, 19)});
    }
    return rows;
}

Result<std::string> published_port(Session& s, const Where& where, const std::string& target, const std::string& port) {
    const auto slash = port.find('/');
    const std::string number = port.substr(0, slash), proto = slash == std::string::npos ? "tcp" : port.substr(slash + 1);
    if (number.empty() || number.find_first_not_of("0123456789") != std::string::npos || number.size() > 5)
        return Error{"'" + port + "' is not a port (80, 53/udp)"};
    auto ch = choose(s, where, target);
    if (!ch) return ch.error();
    std::string out;
    for (const auto& pt : ch->container.ports)
        if (pt.host_port && std::to_string(pt.port) == number && pt.protocol == proto)
            out += (pt.host_ip.empty() ? std::string("0.0.0.0") : pt.host_ip) + ":" + std::to_string(pt.host_port) + "\n";
    if (out.empty()) return Error{"port " + number + "/" + proto + " is not published", target};
    return out;
}

}  // namespace dockerops::ops
