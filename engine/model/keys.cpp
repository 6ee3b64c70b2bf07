#include "engine/model/keys.hpp"

#include "engine/model/runtime.hpp"
#include "util/json_writer.hpp"

#include <simdjson.h>

#include <algorithm>
#include <optional>
#include <type_traits>

namespace dockerops {

namespace {

using simdjson::dom::element;

// The spec's own defaults: a key equal to its default is not set.
const ContainerSpec& defaults() {
    static const ContainerSpec d{};
    return d;
}

template <class T> struct is_optional : std::false_type {};
template <class T> struct is_optional<std::optional<T>> : std::true_type {};
template <class T> struct is_map : std::false_type {};
template <> struct is_map<std::map<std::string, std::string>> : std::true_type {};
template <> struct is_map<StringMap> : std::true_type {};

std::string text_of(const element& e) {
    std::string_view s;
    return e.get_string().get(s) == simdjson::SUCCESS ? std::string(s) : std::string();
}
long long int_of(const element& e) {
    std::int64_t v = 0;
    return e.get_int64().get(v) == simdjson::SUCCESS ? v : 0;
}
std::optional<element> member(const element& e, const char* key) {
    element v;
    if (e[key].get(v) != simdjson::SUCCESS) return std::nullopt;
    return v;
}
long long int_at(const element& e, const char* key) {
    auto v = member(e, key);
    return v ? int_of(*v) : 0;
}
std::vector<std::string> strings_of(const element& e) {
    std::vector<std::string> out;
    simdjson::dom::array a;
    if (e.get_array().get(a) == simdjson::SUCCESS)
        for (element v : a) out.push_back(text_of(v));
    return out;
}

// One C++ type of a spec member: how its value is read from the loader's
// KeyValue, written to and read from plan JSON, and shown in the canonical spec.
template <class T> struct Codec;

template <> struct Codec<std::string> {
    static void assign(std::string& m, KeyValue&& v) { m = std::get<std::string>(std::move(v)); }
    static std::string text(const std::string& m) { return m; }
    static void write(JsonWriter& w, const std::string& m) { w.value(m); }
    static void read(const element& e, std::string& m) { m = text_of(e); }
};
template <> struct Codec<long long> {
    static void assign(long long& m, KeyValue&& v) { m = std::get<long long>(v); }
    static std::string text(long long m) { return std::to_string(m); }
    static void write(JsonWriter& w, long long m) { w.value(static_cast<std::int64_t>(m)); }
    static void read(const element& e, long long& m) { m = int_of(e); }
};
template <> struct Codec<int> {
    static void assign(int& m, KeyValue&& v) { m = static_cast<int>(std::get<long long>(v)); }
    static std::string text(int m) { return std::to_string(m); }
    static void write(JsonWriter& w, int m) { w.value(static_cast<std::int64_t>(m)); }
    static void read(const element& e, int& m) { m = static_cast<int>(int_of(e)); }
};
template <> struct Codec<bool> {
    static void assign(bool& m, KeyValue&& v) { m = std::get<bool>(v); }
    static std::string text(bool m) { return m ? "true" : "false"; }
    static void write(JsonWriter& w, bool m) { w.value(m); }
    static void read(const element& e, bool& m) {
        bool b = false;
        m = e.get_bool().get(b) == simdjson::SUCCESS && b;
    }
};
template <> struct Codec<std::vector<std::string>> {
    static void assign(std::vector<std::string>& m, KeyValue&& v) { m = std::get<std::vector<std::string>>(std::move(v)); }
    static std::string text(const std::vector<std::string>& m) { return canonical_list(m); }
    static void write(JsonWriter& w, const std::vector<std::string>& m) { w.strings(m); }
    static void read(const element& e, std::vector<std::string>& m) { m = strings_of(e); }
};
template <class M> struct MapCodec {
    // The loader reads a std::map; a flat map takes its entries, already in order.
    static void assign(M& m, KeyValue&& v) {
        auto& read = std::get<std::map<std::string, std::string>>(v);
        if constexpr (std::is_same_v<M, StringMap>) m = M(boost::container::ordered_unique_range, read.begin(), read.end());
        else m = std::move(read);
    }
    static void write(JsonWriter& w, const M& m) { w.object(m); }
    static void read(const element& e, M& m) {
        m.clear();
        simdjson::dom::object o;
        if (e.get_object().get(o) == simdjson::SUCCESS)
            for (auto [k, v] : o) m[std::string(k)] = text_of(v);
    }
};
template <> struct Codec<std::map<std::string, std::string>> : MapCodec<std::map<std::string, std::string>> {};
template <> struct Codec<StringMap> : MapCodec<StringMap> {};
template <> struct Codec<std::vector<Ulimit>> {
    static void assign(std::vector<Ulimit>& m, KeyValue&& v) { m = std::get<std::vector<Ulimit>>(std::move(v)); }
    static void write(JsonWriter& w, const std::vector<Ulimit>& m) {
        w.begin_array();
        for (const auto& u : m)
            w.begin_object().key("name").value(u.name).key("soft").value(static_cast<std::int64_t>(u.soft))
                .key("hard").value(static_cast<std::int64_t>(u.hard)).end_object();
        w.end_array();
    }
    static void read(const element& e, std::vector<Ulimit>& m) {
        m.clear();
        simdjson::dom::array a;
        if (e.get_array().get(a) == simdjson::SUCCESS)
            for (element u : a) {
                auto name = member(u, "name");
                m.push_back({name ? text_of(*name) : std::string(), int_at(u, "soft"), int_at(u, "hard")});
            }
    }
};
template <> struct Codec<HealthSpec> {
    static void assign(HealthSpec& m, KeyValue&& v) { m = std::get<HealthSpec>(std::move(v)); }
    static void write(JsonWriter& w, const HealthSpec& h) {
        w.begin_object().key("test").strings(h.test).key("interval_ns").value(static_cast<std::int64_t>(h.interval_ns))
            .key("timeout_ns").value(static_cast<std::int64_t>(h.timeout_ns))
            .key("start_period_ns").value(static_cast<std::int64_t>(h.start_period_ns))
            .key("retries").value(h.retries).end_object();
    }
    static void read(const element& e, HealthSpec& h) {
        auto test = member(e, "test");
        h.test = test ? strings_of(*test) : std::vector<std::string>{};
        h.interval_ns = int_at(e, "interval_ns");
        h.timeout_ns = int_at(e, "timeout_ns");
        h.start_period_ns = int_at(e, "start_period_ns");
        h.retries = static_cast<int>(int_at(e, "retries"));
    }
};
// An optional member: unset is JSON null; set holds its value's form.
template <class T> struct Codec<std::optional<T>> {
    static void assign(std::optional<T>& m, KeyValue&& v) { Codec<T>::assign(m.emplace(), std::move(v)); }
    static std::string text(const std::optional<T>& m) { return Codec<T>::text(*m); }
    static void write(JsonWriter& w, const std::optional<T>& m) {
        if (m) Codec<T>::write(w, *m);
        else w.null();
    }
    static void read(const element& e, std::optional<T>& m) {
        if (e.is_null()) m.reset();
        else Codec<T>::read(e, m.emplace());
    }
};

using Canon = void (*)(const KeyRow&, const ContainerSpec&, CanonicalSpec&);

// Where a member lives: in the spec itself, or among its rarely set keys
// (SpecExtras), which are read without being allocated and allocated only
// when a value other than the default is written.
template <auto Member> struct Access;
template <class T, T ContainerSpec::*M> struct Access<M> {
    using type = T;
    static const T& get(const ContainerSpec& s) { return s.*M; }
    static T& set(ContainerSpec& s) { return s.*M; }
    static const T& fallback() { return defaults().*M; }
    static bool held(const ContainerSpec&) { return true; }
};
template <class T, T SpecExtras::*M> struct Access<M> {
    using type = T;
    static const T& get(const ContainerSpec& s) { return s.extras().*M; }
    static T& set(ContainerSpec& s) { return s.extras_mut().*M; }
    static const T& fallback() { return defaults().extras().*M; }
    static bool held(const ContainerSpec& s) { return s.has_extras(); }
};

template <auto Member>
using MemberType = typename Access<Member>::type;

template <auto Member> bool is_default(const ContainerSpec& s) {
    return Access<Member>::get(s) == Access<Member>::fallback();
}
// Written only when it is not the default or the spec already holds its extras:
// a default value read back allocates nothing.
template <auto Member> void put(ContainerSpec& s, MemberType<Member>&& v) {
    if (Access<Member>::held(s) || !(v == Access<Member>::fallback())) Access<Member>::set(s) = std::move(v);
}

// The canonical entry of a member set away from its default: one entry, or
// one per item of a map ("tmpfs./run"); io.dockerops.* items are ours, not the user's.
template <auto Member> void canon_default(const KeyRow& row, const ContainerSpec& s, CanonicalSpec& out) {
    using T = MemberType<Member>;
    const T& v = Access<Member>::get(s);
    if (v == Access<Member>::fallback()) return;
    if constexpr (is_map<T>::value) {
        for (const auto& [k, item] : v)
            if (!k.starts_with("io.dockerops.")) out[std::string(row.canonical) + "." + k] = item;
    } else {
        out[std::string(row.canonical)] = Codec<T>::text(v);
    }
}

struct RowText {
    std::string_view name;
    KeyForm form;
    std::string_view canonical, json, summary;
    bool services = true, human_size = false;
    bool compose_text = false;
};

template <auto Member> KeyRow field(RowText t, Canon canon = &canon_default<Member>) {
    using T = MemberType<Member>;
    using A = Access<Member>;
    return KeyRow{
        t.name, t.form, t.canonical, t.json, t.summary, t.services, t.human_size, t.compose_text,
        [](KeyValue&& v, ContainerSpec& s) { Codec<T>::assign(A::set(s), std::move(v)); },
        [](const ContainerSpec& from, ContainerSpec& to) {
            T v = A::get(from);
            put<Member>(to, std::move(v));
        },
        [](const ContainerSpec& s) { return !is_default<Member>(s); },
        canon,
        [](JsonWriter& w, const ContainerSpec& s) { Codec<T>::write(w, A::get(s)); },
        [](const element& e, ContainerSpec& s) {
            T v{};
            Codec<T>::read(e, v);
            put<Member>(s, std::move(v));
        },
    };
}


// The canonical forms that are not a member's plain text. Each reads as the
// release that introduced the key wrote it: the spec hash must not move.
void canon_restart(const KeyRow& row, const ContainerSpec& s, CanonicalSpec& out) {
    if (!s.restart_policy.empty() && s.restart_policy != "no") out[std::string(row.canonical)] = s.restart_policy;
}
void canon_cpus(const KeyRow& row, const ContainerSpec& s, CanonicalSpec& out) {
    if (s.nano_cpus) out[std::string(row.canonical)] = decimal_text(s.nano_cpus, 1'000'000'000);
}
void canon_grace(const KeyRow& row, const ContainerSpec& s, CanonicalSpec& out) {
    if (s.extras().stop_grace_period) out[std::string(row.canonical)] = std::to_string(*s.extras().stop_grace_period) + "s";
}
void canon_ulimits(const KeyRow& row, const ContainerSpec& s, CanonicalSpec& out) {
    for (const auto& u : s.extras().ulimits)
        out[std::string(row.canonical) + "." + u.name] = std::to_string(u.soft) + ":" + std::to_string(u.hard);
}
void canon_node(const KeyRow& row, const ContainerSpec& s, CanonicalSpec& out) {
    if (!s.extras().node.empty()) out[std::string(row.canonical)] = placement_constraint(s.extras().node);
}
void canon_health(const KeyRow& row, const ContainerSpec& s, CanonicalSpec& out) {
    if (!s.extras().health) return;
    const HealthSpec& h = *s.extras().health;
    std::string& v = out[std::string(row.canonical)];
    v = canonical_list(h.test) + " every " + std::to_string(h.interval_ns) + "ns, " + std::to_string(h.retries) + " retries";
    // Added only when set, so that specs hashed before these existed keep their hash.
    if (h.timeout_ns) v += ", timeout " + std::to_string(h.timeout_ns) + "ns";
    if (h.start_period_ns) v += ", start period " + std::to_string(h.start_period_ns) + "ns";
}

using S = ContainerSpec;
using X = SpecExtras;

const std::vector<KeyRow>& rows() {
    static const std::vector<KeyRow> table{
        field<&S::restart_policy>({"restart", KeyForm::Restart, "restart", "restart_policy",
                                   "restart policy: no, on-failure[:N], always, unless-stopped", true, false, true},
                                  &canon_restart),
        field<&S::memory>({"memory", KeyForm::Memory, "memory", "memory", "memory limit: \"512m\", \"1g\" (at least 6m)", true, true}),
        field<&S::nano_cpus>({"cpus", KeyForm::Cpus, "cpus", "nano_cpus", "CPU limit: 0.5, 2"}, &canon_cpus),
        field<&S::pids_limit>({"pids_limit", KeyForm::PositiveInteger, "pids_limit", "pids_limit", "the most processes the container may run"}),
        field<&S::shm_size>({"shm_size", KeyForm::Bytes, "shm_size", "shm_size", "size of /dev/shm: \"256m\"", false, true}),
        field<&X::ulimits>({"ulimits", KeyForm::Ulimits, "ulimit", "ulimits", "{ nofile = { soft = 1024, hard = 4096 }, nproc = 512 }"},
                           &canon_ulimits),
        field<&X::extra_hosts>({"extra_hosts", KeyForm::ExtraHosts, "extra_hosts", "extra_hosts",
                                "[\"name:address\"] or { name = \"address\" }: lines of /etc/hosts"}),
        field<&X::dns>({"dns", KeyForm::Addresses, "dns", "dns", "DNS server addresses"}),
        field<&S::labels>({"labels", KeyForm::Labels, "label", "labels", "{ KEY = \"value\" }: container labels (not io.dockerops.*)"}),
        field<&X::user>({"user", KeyForm::User, "user", "user", "\"name\", \"uid:gid\"", true, false, true}),
        field<&X::working_dir>({"working_dir", KeyForm::AbsolutePath, "workdir", "working_dir", "the working folder: an absolute path", true, false, true}),
        field<&X::entrypoint>({"entrypoint", KeyForm::Command, "entrypoint", "entrypoint", "a string or an array: replaces the image's"}),
        field<&X::stop_signal>({"stop_signal", KeyForm::Signal, "stop_signal", "stop_signal", "\"SIGQUIT\", \"SIGINT\", a number", true, false, true}),
        field<&X::stop_grace_period>({"stop_grace_period", KeyForm::GraceSeconds, "stop_grace_period", "stop_grace_period",
                                      "how long a stop waits before SIGKILL: \"30s\" (whole seconds, rounded up)", true, false, true},
                                     &canon_grace),
        field<&X::cap_add>({"cap_add", KeyForm::Capabilities, "cap_add", "cap_add", "capabilities added: [\"NET_ADMIN\"]"}),
        field<&X::cap_drop>({"cap_drop", KeyForm::Capabilities, "cap_drop", "cap_drop", "capabilities dropped: [\"ALL\"]"}),
        field<&S::privileged>({"privileged", KeyForm::Bool, "privileged", "privileged", "every capability and device of the host", false}),
        field<&X::tmpfs>({"tmpfs", KeyForm::Tmpfs, "tmpfs", "tmpfs", "[\"/run\", \"/run:size=64m,mode=1777\"]"}),
        field<&S::read_only>({"read_only", KeyForm::Bool, "read_only", "read_only", "a read-only root file system"}),
        field<&X::health>({"healthcheck", KeyForm::Health, "health", "health",
                           "{ test, interval, timeout, retries, start_period } or { disable = true }"},
                          &canon_health),
        field<&S::tty>({"tty", KeyForm::Bool, "tty", "tty", "a terminal for the process (an interactive instance has one)"}),
        field<&S::open_stdin>({"stdin_open", KeyForm::Bool, "stdin", "open_stdin", "stdin kept open"}),
        field<&S::mem_reservation>({"mem_reservation", KeyForm::Bytes, "mem_reservation", "mem_reservation",
                                    "a soft memory limit: \"256m\"", true, true}),
        field<&X::sysctls>({"sysctls", KeyForm::Map, "sysctl", "sysctls", "{ \"net.core.somaxconn\" = \"1024\" }: namespaced kernel settings", false}),
        field<&X::security_opt>({"security_opt", KeyForm::Strings, "security_opt", "security_opt",
                                 "[\"no-new-privileges:true\"]: the engine's security options", false}),
        field<&X::devices>({"devices", KeyForm::Strings, "devices", "devices", "[\"/dev/fuse\", \"/dev/sda:/dev/xvda:rwm\"]: host devices", false}),
        field<&X::expose>({"expose", KeyForm::Ports, "expose", "expose", "[\"80\", \"53/udp\"]: ports exposed to the project network, not published", false}),
        field<&X::pid_mode>({"pid", KeyForm::Text, "pid", "pid_mode", "\"host\": the PID namespace", false, false, true}),
        field<&X::network_mode>({"network_mode", KeyForm::NetworkMode, "network_mode", "network_mode",
                                 "\"host\", \"none\", \"bridge\", \"container:NAME\", \"instance:web.one\": instead of the project's networks", false}),
        field<&X::volumes_from>({"volumes_from", KeyForm::VolumesFrom, "volumes_from", "volumes_from",
                                 "[\"instance:db.one\", \"container:NAME:ro\"]: the volumes of other containers", false}),
        field<&X::platform>({"platform", KeyForm::Text, "platform", "platform", "\"linux/amd64\": the OS and architecture of the image it runs", false, false, true}),
        field<&X::ipc_mode>({"ipc", KeyForm::Text, "ipc", "ipc_mode", "\"host\", \"shareable\", \"private\": the IPC namespace", false, false, true}),
        field<&X::log_driver>({"log_driver", KeyForm::Text, "log_driver", "log_driver", "\"json-file\", \"local\", \"none\": the logging driver", false}),
        field<&X::log_options>({"log_options", KeyForm::Map, "log_opt", "log_options", "{ max-size = \"10m\" }: the logging driver's options", false}),
        field<&S::replicas>({"replicas", KeyForm::Replicas, "replicas", "replicas", "containers of the instance (target docker), or its service's tasks (target swarm)"}),
        field<&X::mode>({"mode", KeyForm::Mode, "mode", "mode",
                         "\"global\": one task on every node (target swarm; target docker runs one container), or \"replicated\" (the default)"}),
        field<&X::node>({"node", KeyForm::Node, "placement", "node", "the node a service runs on: \"swarm-node2\", \"label:disk=ssd\" (target swarm)"},
                        &canon_node),
        field<&X::update>({"update", KeyForm::Update, "update", "update",
                           "{ parallelism = 2, delay = \"5s\", order = \"start-first\", failure_action = \"rollback\", monitor = \"10s\" }: "
                           "how a service's tasks roll on an update (target swarm)"}),
        field<&X::rollback>({"rollback", KeyForm::Update, "rollback", "rollback",
                             "{ parallelism = 0, failure_action = \"continue\" }: how they roll back when an update fails "
                             "(target swarm; unset keys: the update's)"}),
    };
    return table;
}

}  // namespace

std::string decimal_text(long long value, long long unit) {
    std::string out = std::to_string(value / unit);
    long long frac = value % unit;
    if (frac == 0) return out;
    std::string f = std::to_string(frac);
    f = std::string(std::to_string(unit).size() - 1 - f.size(), '0') + f;
    while (!f.empty() && f.back() == '0') f.pop_back();
    return out + "." + f;
}

std::span<const KeyRow> key_table() { return rows(); }

const KeyRow* find_key(std::string_view name) {
    for (const auto& r : rows())
        if (r.name == name) return &r;
    return nullptr;
}

const KeyRow* find_key_by_canonical(std::string_view key) {
    const auto head = key.substr(0, key.find('.'));
    for (const auto& r : rows())
        if (r.canonical == key || r.canonical == head) return &r;
    return nullptr;
}

std::string canonical_list(const std::vector<std::string>& v) { return JsonWriter().strings(v).str(); }

std::string human_bytes(long long bytes) {
    // Exact: two different sizes never read the same ("97.7 MiB" could be either).
    static constexpr std::pair<long long, const char*> kUnits[] = {
        {1LL << 40, " TiB"}, {1LL << 30, " GiB"}, {1LL << 20, " MiB"}, {1LL << 10, " KiB"}};
    for (auto [unit, name] : kUnits)
        if (bytes != 0 && bytes % unit == 0) return std::to_string(bytes / unit) + name;
    return std::to_string(bytes) + (bytes == 1 ? " byte" : " bytes");
}

}  // namespace dockerops
