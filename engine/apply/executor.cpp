#include "engine/apply/executor.hpp"
#include "engine/apply/scheduler.hpp"

#include "engine/model/ownership.hpp"

#include <condition_variable>
#include <deque>
#include <functional>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>
#include <thread>

namespace fs = std::filesystem;

namespace dockerops {

namespace {

std::string seconds(double s) {
    std::ostringstream os;
    os.precision(s < 10 ? 2 : 3);
    os << s << " s";
    return os.str();
}

}  // namespace

fs::path data_made_record(const fs::path& instance_dir) {
    return instance_dir.parent_path() / ("." + instance_dir.filename().string() + ".dockerops-made");
}

bool write_data_made_record(const fs::path& instance_dir, const std::string& project) {
    std::ofstream out(data_made_record(instance_dir), std::ios::trunc);
    out << "made by dockerops for project " << project << ": destroy --purge-data may delete "
        << instance_dir.filename().string() << "\n";
    out.close();
    return static_cast<bool>(out);
}

bool data_made_by_dockerops(const fs::path& instance_dir) {
    std::error_code ec;
    return fs::is_regular_file(data_made_record(instance_dir), ec);
}

std::set<std::string> data_folders_made_for(const fs::path& data_dir, const std::string& project) {
    std::set<std::string> out;
    std::error_code ec;
    const std::string mark = "made by dockerops for project " + project + ":";
    for (fs::directory_iterator it(data_dir, ec), end; !ec && it != end; it.increment(ec)) {
        const std::string name = it->path().filename().string();
        constexpr std::string_view suffix = ".dockerops-made";
        if (name.size() <= suffix.size() + 1 || name[0] != '.' || !name.ends_with(suffix)) continue;
        const std::string folder = name.substr(1, name.size() - 1 - suffix.size());
        std::ifstream in(it->path());
        std::string line;
        std::getline(in, line);
        std::error_code e2;
        if (line.starts_with(mark) && fs::is_directory(data_dir / folder, e2)) out.insert(folder);
    }
    return out;
}

fs::path seeding_folder(const fs::path& folder) { return folder.string() + ".dockerops-seeding"; }

Status stamp_owner(Provider& p, ContainerSpec& spec) {
    auto image = p.inspect_image(spec.image);
    if (!image) return image.error();
    const std::string project = spec.labels.count(labels::kProject) ? spec.labels.at(labels::kProject) : std::string();
    // Created from the id itself, so the container's image id is the one the token names.
    spec.image = image->id;
    spec.labels[labels::kOwner] = container_owner_token(project, image->id);
    return ok_status();
}

namespace {

class Runner {
public:
    Runner(Provider& p, const ExecOptions& o, ActionResult& result) : p_(p), o_(o), result_(result) {}

    Status run(const Action& a) {
        switch (a.kind) {
            case ActionKind::Build: {
                auto r = p_.build(*a.build, [&](const BuildEvent& e) {
                    if (o_.build_progress) o_.build_progress(a.build->tag, e);
                });
                if (!r) return r.error();
                result_.produced = *r;
                return ok_status();
            }
            case ActionKind::Pull: {
                auto r = p_.pull_image(a.object, [&](const BuildEvent& e) {
                    if (o_.build_progress) o_.build_progress(a.object, e);
                });
                if (!r) return r.error();
                result_.produced = *r;
                return ok_status();
            }
            case ActionKind::CreateNetwork: return create_network(*a.network);
            case ActionKind::Create: return create(a);
            case ActionKind::Replace: return replace(a);
            case ActionKind::Update: {
                // In place (a Swarm service's rolling update): the same preparation as a create.
                ContainerSpec spec = a.container.made();   // its own (a create's is made here: planner/action_spec.hpp)
                if (auto s = write_secret_files(spec); !s) return s;
                if (auto s = make_bind_sources(spec); !s) return s;
                if (auto s = stamp_owner(p_, spec); !s) return s;
                if (auto s = p_.update_container(a.target_id, spec); !s) return s;
                return ready(a, a.target_id);
            }
            case ActionKind::Start: {
                if (auto s = p_.start_container(a.target_id); !s) return s;
                return ready(a, a.target_id);
            }
            case ActionKind::Unpause: {
                if (auto s = p_.unpause_container(a.target_id); !s) return s;
                return ready(a, a.target_id);
            }
            // Running but not ready: waited for up to its ready_timeout (an
            // unhealthy one may recover), never replaced for it.
            case ActionKind::Wait: return ready(a, a.target_id, Unhealthy::WaitedOut);
            case ActionKind::Adopt:   // docker-compose's container of this service: its volumes stay
            case ActionKind::Remove: {
                if (auto s = p_.stop_container(a.target_id, o_.stop_timeout); !s) return s;
                if (auto s = p_.remove_container(a.target_id, false); !s) return s;
                // The instance's secret files (a folder dockerops made) go with it.
                if (!a.path.empty()) {
                    std::error_code ec;
                    fs::remove_all(a.path, ec);
                }
                return ok_status();
            }
            case ActionKind::RemoveNetwork: return p_.remove_network(a.target_id);
            case ActionKind::RemoveImage: return remove_image(a);
            case ActionKind::RemoveVolume: return p_.remove_volume(a.target_id);
            case ActionKind::PurgeData: {
                // Only a folder recorded as made by dockerops (the planner
                // chose it so; checked again here: the record is the proof).
                if (!data_made_by_dockerops(a.path))
                    return Error{a.path + " is not recorded as made by dockerops: kept", a.object};
                std::error_code ec;
                fs::remove_all(a.path, ec);
                if (ec) return Error{"cannot delete " + a.path + ": " + ec.message(), a.object};
                fs::remove(data_made_record(a.path), ec);
                return ok_status();
            }
        }
        return Error{"unknown action", a.object};
    }

private:
    // An image removal: --rmi's, or an earlier build a rebuild supersedes.
    Status remove_image(const Action& a) {
        // A rebuild that the build cache answered whole gives back an
        // earlier build's image, tagged now: it stays (found by a
        // killed apply's re-apply, whose build had finished).
        if (a.cause.starts_with(kSupersededCause) && !a.target_name.empty())
            if (auto now = p_.inspect_image(a.target_name); now && now->id == a.target_id) {
                result_.note = "kept: the rebuild gave this image back (a cached build)";
                return ok_status();
            }
        auto s = p_.remove_image(a.target_id, false);
        // An earlier build that a container of someone else's still
        // runs from: the engine refuses (409), and it is kept.
        if (!s && s.error().status == 409 && a.cause.starts_with(kSupersededCause)) {
            result_.note = "kept: " + s.error().message;
            return ok_status();
        }
        return s;
    }

    // Bind-mounted folders are made by us, not by the engine (which would make
    // them owned by root without asking). A persistent folder made now (the
    // first time) receives what the image holds there; an existing one, even
    // empty, is the user's and is never touched.
    Status make_bind_sources(const ContainerSpec& s) {
        const std::string project = s.labels.count(labels::kProject) ? s.labels.at(labels::kProject) : std::string();
        for (const auto& m : s.mounts) {
            if (m.file) continue;   // a secret file, written by write_secret_files
            if (m.external) {
                // Used as it is: made outside the project, it must be there.
                auto there = p_.volume_exists(m.source);
                if (!there) return there.error();
                if (!*there)
                    return Error{"the external volume '" + m.source + "' does not exist: make it first (docker volume create " +
                                     m.source + "), or drop external = true to have the project make its own",
                                 s.name};
                continue;
            }
            if (!m.bind) {
                // Named volumes are made here, labelled as the project's, so
                // that destroy --purge-data finds them (and nothing else).
                if (auto r = p_.create_volume(m.source, {{labels::kProject, project},
                                                         {labels::kOwner, volume_owner_token(project, m.source)}},
                                              m.driver, m.driver_options);
                    !r)
                    return r;
                continue;
            }
            std::error_code ec;
            if (m.seed) {
                if (auto r = make_persistent_folder(s.image, m, project, s.name); !r) return r;
                continue;
            }
            if (!m.as.empty() && !fs::is_regular_file(m.source, ec))
                return Error{"the " + m.as + " file " + m.source + " is gone (it was there when the file was read)", s.name};
            // A file that is there (a socket, a file named in volumes) is mounted as it is; a missing source is a folder.
            if (fs::exists(m.source, ec) && !fs::is_directory(m.source, ec)) continue;
            fs::create_directories(m.source, ec);
            if (ec) return Error{"cannot make " + m.source + ": " + ec.message(), s.name};
        }
        return ok_status();
    }

    // A run killed while its network create was in flight leaves the engine
    // finishing it, or undoing it, after that run ended: a network of this
    // name with this project's owner token is that one; a subnet still held
    // by an undone create ("Pool overlaps", and no network has it) is freed
    // within moments, so the same create is sent again for up to 5 s.
    Status create_network(const NetworkSpec& n) {
        auto owner = n.labels.find(labels::kOwner);
        for (int attempt = 0;; ++attempt) {
            auto r = p_.create_network(n);
            if (r) return ok_status();
            auto there = p_.find_network(n.name);
            if (there && *there && owner != n.labels.end() && (*there)->label(labels::kOwner) == owner->second)
                return ok_status();
            const bool pool_held = r.error().kind == ErrorKind::AddressOverlap;
            if (!pool_held || attempt >= 10) return r.error();
            std::this_thread::sleep_for(std::chrono::milliseconds(500));
        }
    }

    // A persistent folder (<data_dir>/<container>_<instance>/data, opt, log).
    // The instance's folder, when dockerops makes it, is recorded as made by
    // it (data_made_record, beside it: never inside, where a database wants
    // an empty folder), so that destroy --purge-data deletes only folders it
    // made. A folder made now is filled from the image atomically: into
    // <folder>.dockerops-seeding, renamed into place when complete, so a kill
    // leaves no half-filled folder behind; an unfinished one is redone. An
    // existing folder, even empty, is the user's and is never touched.
    Status make_persistent_folder(const std::string& image, const MountSpec& m, const std::string& project,
                                  const std::string& object) {
        std::error_code ec;
        const fs::path folder(m.source);
        const fs::path instance_dir = folder.parent_path();
        if (!fs::exists(instance_dir, ec)) {
            fs::create_directories(instance_dir, ec);
            if (ec) return Error{"cannot make " + instance_dir.string() + ": " + ec.message(), object};
            if (!write_data_made_record(instance_dir, project))
                return Error{"cannot record " + instance_dir.string() + " as made by dockerops", object};
        }
        if (fs::exists(folder, ec)) return ok_status();
        const fs::path seeding = seeding_folder(folder);
        // Ours by its name beside a folder that does not exist yet: the unfinished seed of an interrupted apply.
        fs::remove_all(seeding, ec);
        if (ec) return Error{"cannot clear the unfinished seed " + seeding.string() + ": " + ec.message(), object};
        fs::create_directories(seeding, ec);
        if (ec) return Error{"cannot make " + seeding.string() + ": " + ec.message(), object};
        if (auto r = p_.seed_from_image(image, m.target, seeding.string(), project); !r) return r;
        fs::rename(seeding, folder, ec);
        if (ec) return Error{"cannot move the seeded " + seeding.string() + " into place: " + ec.message(), object};
        return ok_status();
    }

    Status ready(const Action& a, const std::string& id, Unhealthy unhealthy = Unhealthy::Fails) {
        const auto timeout = [&](std::chrono::milliseconds fallback) {
            return a.ready_timeout > 0 ? std::chrono::milliseconds(static_cast<long long>(a.ready_timeout * 1000)) : fallback;
        };
        if (a.job) {   // depends_on "completed": ready once it has run to the end with exit 0
            if (o_.waiting) o_.waiting(a, "running to its end");
            auto code = p_.wait_exit(id, timeout(o_.job_deadline));
            if (!code) return code.error();
            if (*code != 0) {
                auto tail = p_.logs_tail(id, 10);
                std::string out = tail ? *tail : std::string();
                while (!out.empty() && out.back() == '\n') out.pop_back();
                return Error{"the job exited (" + std::to_string(*code) + ")" + (out.empty() ? "" : "; its last output:\n" + out),
                             a.object};
            }
            return ok_status();
        }
        auto heard = [&](const std::string& state) {
            if (o_.waiting) o_.waiting(a, state);
        };
        if (auto s = p_.wait_ready(id, timeout(o_.ready_deadline), heard, unhealthy); !s) return s;
        if (a.sleep > 0) std::this_thread::sleep_for(std::chrono::duration<double>(a.sleep));
        return ok_status();
    }

    // Each secret file at <secrets_dir>/NAME, mode 0400, its folder 0700.
    static Status write_secret_files(const ContainerSpec& s) {
        if (s.extras().secret_files.empty()) return ok_status();
        std::error_code ec;
        fs::create_directories(s.extras().secrets_dir, ec);
        if (ec) return Error{"cannot make " + s.extras().secrets_dir + ": " + ec.message(), s.name};
        fs::permissions(s.extras().secrets_dir, fs::perms::owner_all, ec);
        for (const auto& [name, value] : s.extras().secret_files) {
            const fs::path file = fs::path(s.extras().secrets_dir) / name;
            fs::remove(file, ec);
            std::ofstream out(file, std::ios::trunc | std::ios::binary);
            out << value;
            out.close();
            if (!out) return Error{"cannot write the secret file " + file.string(), s.name};
            fs::permissions(file, fs::perms::owner_read, ec);
        }
        return ok_status();
    }

    Status create(const Action& a) {
        ContainerSpec spec = a.container.made();   // its own (a create's is made here: planner/action_spec.hpp)
        if (auto s = write_secret_files(spec); !s) return s;
        if (auto s = make_bind_sources(spec); !s) return s;
        if (auto s = stamp_owner(p_, spec); !s) return s;
        auto id = p_.create_container(spec);
        if (!id) return id.error();
        if (a.attach) {
            if (o_.before_attach) o_.before_attach();
            auto code = p_.run_attached(*id, spec.tty);
            (void)p_.remove_container(*id, true);
            // Its secret files go with it (an attached instance's folder is its own).
            if (!spec.extras().secrets_dir.empty()) {
                std::error_code ec;
                fs::remove_all(spec.extras().secrets_dir, ec);
            }
            if (!code) return code.error();
            result_.exit_code = *code;
            return ok_status();
        }
        if (auto s = p_.start_container(*id); !s) return s;
        return ready(a, *id);
    }

    // A service is not renamed, and its mode does not change in an update: the
    // old one goes, then the new one is made under its name (its volumes stay).
    Status replace_service(const Action& a) {
        if (auto s = p_.remove_container(a.target_id, true); !s)
            return Error{"the old service could not be removed, and nothing else was done: " + s.error().message, s.error().object};
        const std::string removed = "the old service was removed; ";
        if (auto s = create(a); !s) return Error{removed + "the new one: " + s.error().message, s.error().object};
        return ok_status();
    }

    // The new container is made before the old one goes; if it does not come
    // up, the old one is put back and started again.
    Status replace(const Action& a) {
        if (p_.traits().services) return replace_service(a);
        ContainerSpec next = a.container.made();
        const std::string name = next.name;
        if (auto s = write_secret_files(next); !s) return s;
        if (auto s = make_bind_sources(next); !s) return s;
        next.name = name + std::string(kReplaceNewSuffix);
        // The old container's state, told as it is (it may be a stopped leftover).
        const bool old_is_leftover = a.target_name == name + std::string(kReplaceOldSuffix);
        const std::string untouched = old_is_leftover ? "the old container is untouched (stopped, as " + a.target_name + ")"
                                                      : "the old container is untouched";
        if (auto s = stamp_owner(p_, next); !s)
            return Error{"the replacement could not be created; " + untouched + ": " + s.error().message, s.error().object};
        auto created = p_.create_container(next);
        if (!created) return Error{"the replacement could not be created; " + untouched + ": " +
                                       created.error().message, created.error().object};
        const std::string new_id = *created;
        // The old one stops first: the new one takes over its address.
        if (auto s = p_.stop_container(a.target_id, o_.stop_timeout); !s) {
            (void)p_.remove_container(new_id, true);
            return s;
        }
        auto restore = [&](const Error& why) -> Status {
            (void)p_.remove_container(new_id, true);
            auto renamed = p_.rename_container(a.target_id, name);
            auto back = p_.start_container(a.target_id);
            std::string state = !renamed ? "the old container could not get its name back (" + renamed.error().message +
                                               "); the next apply puts it back"
                              : back     ? "the old container was put back and started"
                                         : "the old container was put back but did not start: " + back.error().message;
            return Error{why.message + "; " + state, why.object};
        };
        if (!old_is_leftover)
            if (auto s = p_.rename_container(a.target_id, name + std::string(kReplaceOldSuffix)); !s) return restore(s.error());
        if (auto s = p_.rename_container(new_id, name); !s) return restore(s.error());
        if (auto s = p_.start_container(new_id); !s) return restore(s.error());
        if (auto s = ready(a, new_id); !s) return restore(s.error());
        return p_.remove_container(a.target_id, false);
    }

    Provider& p_;
    const ExecOptions& o_;
    ActionResult& result_;
};

// The exception boundary of a worker: whatever a step throws (a value the
// plan file got wrong, memory) fails its action, never the process.
Status run_guarded(Provider& p, const ExecOptions& o, ActionResult& outcome, const Action& a) {
    try {
        return Runner(p, o, outcome).run(a);
    } catch (const std::exception& e) {
        return Error{std::string("internal error: ") + e.what(), a.object};
    } catch (...) {
        return Error{"internal error", a.object};
    }
}

}  // namespace

bool ExecReport::ok() const {
    for (const auto& r : results) if (r.outcome != Outcome::Done) return false;
    return true;
}

std::string ExecReport::summary(const Plan& plan, const std::string& heading) const {
    int done = 0, failed = 0, not_started = 0;
    std::string lines;
    for (std::size_t i = 0; i < results.size(); ++i) {
        const auto& r = results[i];
        const auto& a = plan.actions[i];
        std::string what = std::string(to_string(a.kind)) + " " + a.object;
        if (r.outcome == Outcome::Done) ++done;
        else if (r.outcome == Outcome::Failed) { ++failed; lines += "  failed: " + what + "\n"; }
        else { ++not_started; lines += "  not started: " + what + " (" + r.message + ")\n"; }
    }
    return heading + ": " + std::to_string(done) + " done, " + std::to_string(failed) + " failed, " +
           std::to_string(not_started) + " not started.\n" + lines;
}

namespace {

// One row per action, each not started yet. False, with the reason in every
// row, for a plan whose dependencies cannot be ordered (a cycle, or one on an
// action it does not have): it would wait forever, so nothing of it is done.
bool open_report(const Plan& plan, const ExecOptions& options, ExecReport& report) {
    report.results.resize(plan.actions.size());
    for (std::size_t i = 0; i < plan.actions.size(); ++i) report.results[i].id = plan.actions[i].id;
    auto s = check_plan_structure(plan);
    if (s) return true;
    for (auto& r : report.results) r.message = s.error().message;
    if (options.log) options.log("plan refused: " + s.error().message);
    return false;
}

}  // namespace

namespace {

// The progress callbacks, called in order on a thread of their own: a worker
// hands an event over and goes on, so a slow terminal slows no action.
class Emitter {
public:
    Emitter() : thread_([this] { loop(); }) {}
    ~Emitter() {
        {
            std::lock_guard<std::mutex> l(m_);
            stop_ = true;
        }
        cv_.notify_all();
        thread_.join();
    }
    void post(std::function<void()> event) {
        {
            std::lock_guard<std::mutex> l(m_);
            queue_.push_back(std::move(event));
        }
        cv_.notify_all();
    }
    // Until every event posted so far has been delivered (before a terminal is taken over).
    void flush() {
        std::unique_lock<std::mutex> l(m_);
        idle_.wait(l, [&] { return queue_.empty() && !busy_; });
    }

private:
    void loop() {
        std::unique_lock<std::mutex> l(m_);
        while (true) {
            cv_.wait(l, [&] { return stop_ || !queue_.empty(); });
            if (queue_.empty()) return;   // stopped, and everything delivered
            auto event = std::move(queue_.front());
            queue_.pop_front();
            busy_ = true;
            l.unlock();
            event();
            l.lock();
            busy_ = false;
            if (queue_.empty()) idle_.notify_all();
        }
    }
    std::mutex m_;
    std::condition_variable cv_, idle_;
    std::deque<std::function<void()>> queue_;
    bool stop_ = false, busy_ = false;
    std::thread thread_;
};

// The workers' shared state: the scheduler and the report, under one lock
// held only to take an action and to record its end.
struct Run {
    const Plan& plan;
    const ExecOptions& options;
    ExecReport& report;
    Scheduler scheduler;
    Emitter& events;
    std::mutex m;
    std::condition_variable cv;
    int running = 0;

    // The next action to run, or nullopt when nothing is left for this worker.
    std::optional<std::size_t> take() {
        std::unique_lock<std::mutex> lock(m);
        std::optional<std::size_t> next;
        cv.wait(lock, [&] {
            next = scheduler.next();
            return next.has_value() || scheduler.done() || running == 0;
        });
        if (next) ++running;
        else cv.notify_all();
        return next;
    }
    void record(std::size_t i, const Status& s, const ActionResult& outcome, double secs);
    void run_one(Provider* provider, const std::string& connect_error, std::size_t i);
};

void Run::record(std::size_t i, const Status& s, const ActionResult& outcome, double secs) {
    const Action& a = plan.actions[i];
    std::vector<Scheduler::Blocked> blocked;
    ActionResult r;
    {
        std::lock_guard<std::mutex> lock(m);
        r = report.results[i];
        r.produced = outcome.produced;
        r.exit_code = outcome.exit_code;
        r.note = outcome.note;
        r.seconds = secs;
        r.outcome = s ? Outcome::Done : Outcome::Failed;
        if (!s) r.message = s.error().text();
        report.results[i] = r;
        scheduler.finish(i, bool(s), blocked);
        for (const auto& b : blocked) {
            auto& nr = report.results[b.action];
            nr.outcome = Outcome::NotStarted;
            const Action& d = plan.actions[b.needed];
            nr.message = "needs " + std::string(to_string(d.kind)) + " " + d.object;
        }
        --running;
        // Its end is queued before any action it released can queue its start
        // (they are taken under this lock): "built base" comes before "build
        // web". Queued only: delivered on the events' thread, not under the lock.
        const std::string what = std::string(to_string(a.kind)) + " " + a.object;
        const std::string line = s ? what + ": done (" + seconds(secs) + ")" + (r.note.empty() ? "" : ", " + r.note)
                                   : what + ": failed: " + r.message;
        const ExecOptions& o = options;
        events.post([&o, &a, r, line] {
            if (o.log) o.log(line);
            if (o.finished) o.finished(a, r);
        });
    }
    cv.notify_all();
}

void Run::run_one(Provider* provider, const std::string& connect_error, std::size_t i) {
    const Action& a = plan.actions[i];
    const ExecOptions& o = options;
    events.post([&o, &a] {
        if (o.started) o.started(a);
    });
    if (a.attach) events.flush();   // its lines are out before the terminal is handed over
    auto t0 = std::chrono::steady_clock::now();
    ActionResult outcome;
    Status s = provider ? run_guarded(*provider, options, outcome, a) : Status(Error{connect_error});
    record(i, s, outcome, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
}

}  // namespace

ExecReport execute(const Plan& plan, const ProviderFactory& connect, const ExecOptions& options) {
    const std::size_t n = plan.actions.size();
    ExecReport report;
    if (!open_report(plan, options, report)) return report;
    // Build output and waits go through the events' queue: in order with the
    // start and end of their action, and never holding a worker up.
    ExecOptions routed = options;
    Emitter events;   // after `routed`, before the run: destroyed between them, every event delivered
                      // (events refer to `routed`) before execute returns
    if (options.build_progress)
        routed.build_progress = [&events, &options](const std::string& image, const BuildEvent& e) {
            events.post([&options, image, e] { options.build_progress(image, e); });
        };
    if (options.waiting)
        routed.waiting = [&events, &options](const Action& a, const std::string& state) {
            events.post([&options, &a, state] { options.waiting(a, state); });
        };
    Run run{plan, routed, report, Scheduler(plan), events, {}, {}, 0};
    auto worker = [&run, &connect] {
        std::unique_ptr<Provider> provider;
        std::string connect_error;
        if (auto c = connect(); c) provider = std::move(*c);
        else connect_error = c.error().text();
        while (auto i = run.take()) run.run_one(provider.get(), connect_error, *i);
    };
    const int workers = std::max(1, std::min<int>(options.parallelism, static_cast<int>(std::max<std::size_t>(n, 1))));
    std::vector<std::thread> threads;
    for (int w = 0; w < workers; ++w) threads.emplace_back(worker);
    for (auto& t : threads) t.join();
    report.scheduling_operations = run.scheduler.operations();
    return report;
}

}  // namespace dockerops
