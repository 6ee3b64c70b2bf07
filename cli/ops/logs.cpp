// dockerops logs: one instance's output as docker logs gives it, or several
// at once, each line prefixed by its instance as `docker compose logs` does.
#include "cli/ops/ops.hpp"
#include "cli/ops/steps.hpp"

#include "engine/model/runtime.hpp"
#include "engine/model/secrets.hpp"

#include <atomic>
#include <ctime>
#include <future>
#include <mutex>
#include <set>

namespace dockerops::ops {

// "10m" (that long ago), a UNIX time, or "2026-11-26T08:00:00Z".
std::optional<std::int64_t> since_seconds(const std::string& text) {
    if (text.empty()) return 0;
    if (auto ns = parse_duration_ns(text)) return static_cast<std::int64_t>(std::time(nullptr)) - *ns / 1'000'000'000;
    if (text.find_first_not_of("0123456789") == std::string::npos && text.size() < 12) return std::stoll(text);
    std::tm tm{};
    if (strptime(text.c_str(), "%Y-%m-%dT%H:%M:%S", &tm)) return static_cast<std::int64_t>(timegm(&tm));
    return std::nullopt;
}

namespace {

constexpr const char* kColours[] = {"36", "33", "32", "35", "34", "31"};

// Each supervisord program's last $0 lines, under a header line; nothing where
// there is no supervisord.
std::string program_logs_script() {
    return supervisord_guard("exit 0") +
    "for p in $(supervisorctl status 2>/dev/null | awk '{print $1}'); do "
    "echo \"--- supervisord program $p (its last $0 lines):\"; supervisorctl tail -65536 \"$p\" | tail -n \"$0\"; done";
}

}  // namespace

// The socket is looked for first: an image built FROM the base container but
// running its own command has supervisorctl and no supervisord, and
// supervisorctl would wait seconds for one.
std::string supervisord_guard(const std::string& otherwise) {
    return "command -v supervisorctl >/dev/null 2>&1 || { " + otherwise + "; }; "
           "s=$(sed -n 's|^serverurl *= *unix://\\([^ ;]*\\).*|\\1|p' /etc/supervisor/supervisord.conf 2>/dev/null | head -n 1); "
           "[ -S \"${s:-/var/run/supervisor.sock}\" ] || { " + otherwise + "; }; ";
}

int logs(Session& s, const LogsRequest& r) {
    auto since = since_seconds(r.since);
    if (!since) return fail(s.ui, Error{"--since '" + r.since + "' is not a duration (10m), a UNIX time or a date (2026-11-26T08:00:00)"});
    if (!r.program.empty() && r.options.follow) return fail(s.ui, Error{"--program reads a program's log file: it cannot --follow"});
    auto ob = load_and_observe(s, r.where);
    if (!ob) return fail(s.ui, ob.error());
    const Project& p = ob->project;
    auto selected = select_instances(*ob, r.targets);
    if (!selected) return fail(s.ui, selected.error());
    const std::vector<const ObservedContainer*>& chosen = *selected;
    if (chosen.empty()) return fail(s.ui, Error{"the project has no instance to show", "project " + p.name});

    Provider::LogOptions options = r.options;
    options.since = *since;
    const bool prefix = chosen.size() > 1;
    std::size_t width = 0;
    for (const auto* c : chosen) width = std::max(width, c->label(labels::kContainer).size() + 1 + c->label(labels::kInstance).size());
    std::mutex out;
    std::atomic<int> failed{0};
    // Each instance read on its own connection; its lines passed on whole.
    auto read_one = [&](const ObservedContainer* c, std::size_t index) {
        std::string name = c->label(labels::kContainer) + "." + c->label(labels::kInstance);
        std::string head = name + std::string(width - name.size(), ' ') + " | ";
        if (s.ui.color) head = "\033[" + std::string(kColours[index % 6]) + "m" + head + "\033[0m";
        std::string pending;
        auto emit = [&](std::string_view chunk, bool flush) {
            if (!prefix) {
                std::lock_guard<std::mutex> l(out);
                s.ui.out(s.ui.secrets.redact(std::string(chunk)));
                return;
            }
            pending.append(chunk);
            std::size_t nl;
            std::lock_guard<std::mutex> l(out);
            while ((nl = pending.find('\n')) != std::string::npos) {
                s.ui.out(head + s.ui.secrets.redact(pending.substr(0, nl)) + "\n");
                pending.erase(0, nl + 1);
            }
            if (flush && !pending.empty()) s.ui.out(head + s.ui.secrets.redact(pending) + "\n"), pending.clear();
        };
        auto engine = s.connect();
        if (!engine) {
            ++failed;
            std::lock_guard<std::mutex> l(out);
            s.ui.err("dockerops: " + name + ": " + engine.error().text() + "\n");
            return;
        }
        Status st = ok_status();
        if (!r.program.empty()) {
            const int lines = options.tail >= 0 ? options.tail : 200;
            auto ex = (*engine)->exec(c->id, {"sh", "-c", supervisord_guard("echo 'no supervisord runs here'; exit 1") +
                                                              "supervisorctl tail -65536 \"$0\" | tail -n \"$1\"",
                                              r.program, std::to_string(lines)});
            if (!ex) st = ex.error();
            else if (ex->exit_code != 0) st = Error{"no supervisord program '" + r.program + "' here: " + ex->out + ex->err, name};
            else emit(ex->out, true);
        } else {
            st = (*engine)->stream_logs(c->id, options, [&](std::string_view chunk) { emit(chunk, false); });
            emit("", true);
            // On the base container, the programs' own logs follow (not with
            // --follow, nor --since: their files carry no times).
            if (st && !options.follow && options.since == 0 && c->state == "running") {
                const int lines = options.tail >= 0 ? options.tail : 50;
                auto ex = (*engine)->exec(c->id, {"sh", "-c", program_logs_script(), std::to_string(lines)});
                if (ex && ex->exit_code == 0) emit(ex->out, true);
            }
        }
        if (!st) {
            ++failed;
            std::lock_guard<std::mutex> l(out);
            s.ui.err("dockerops: " + name + ": " + s.ui.secrets.redact(st.error().text()) + "\n");
        }
    };
    std::vector<std::future<void>> readers;
    for (std::size_t i = 0; i < chosen.size(); ++i) readers.push_back(std::async(std::launch::async, read_one, chosen[i], i));
    for (auto& f : readers) f.get();
    return failed ? kExitError : kExitOk;
}

}  // namespace dockerops::ops
