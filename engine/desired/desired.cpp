#include "engine/desired/desired.hpp"
#include "engine/model/builtins.hpp"

#include "engine/desired/context.hpp"
#include "engine/desired/context_index.hpp"
#include "engine/desired/dockerfile.hpp"
#include "engine/model/ownership.hpp"
#include "engine/model/runtime.hpp"
#include "engine/model/secrets.hpp"


#include <algorithm>
#include <cstdlib>
#include <functional>

namespace fs = std::filesystem;

namespace dockerops {

const DesiredInstance* DesiredState::find(const std::string& id) const {
    // Sorted by id: a binary search (a plan of 10,000 instances asks 10,000 times).
    auto it = std::lower_bound(instances.begin(), instances.end(), id,
                               [](const DesiredInstance& i, const std::string& k) { return i.id < k; });
    if (it != instances.end() && it->id == id) return &*it;
    for (const auto& i : instances) if (i.id == id) return &i;   // should the order ever not hold
    return nullptr;
}

std::string container_name(const std::string& project, const std::string& container, const std::string& instance) {
    return project + "-" + container + "-" + instance;
}

std::string image_tag(const std::string& project, const std::string& container) {
    if (is_builtin_container(container)) return kBuiltinImagePrefix + container + ":latest";
    return project + "/" + container + ":latest";
}

namespace {

std::string py_bool(bool b) { return b ? "True" : "False"; }   // as the seed's Python set them

// "from_eth0" -> that interface's address.
std::optional<std::string> resolve_ip(const std::string& key, const std::string& value, const Environment& env,
                                      std::vector<std::string>& problems, const std::string& where, bool secret = false) {
    if (!(key.size() > 3 && key.ends_with("_IP") && value.starts_with("from_"))) return value;
    std::string iface = value.substr(5);
    auto addr = env.interface_address(iface);
    if (!addr) {
        // A secret's value is never shown, not even the interface it names.
        problems.push_back(secret ? where + ": " + key + " = (sensitive): its from_ value names no interface with an "
                                                         "IPv4 address on this host"
                                  : where + ": " + key + " = \"" + value + "\": there is no interface '" + iface +
                                        "' with an IPv4 address on this host");
        return std::nullopt;
    }
    return addr;
}

}  // namespace

// Another Dockerfile or stage builds another image: part of the context
// hash, only when set (so that earlier hashes stay).
static std::string build_settings(const Container& c) {
    std::string settings;
    if (!c.dockerfile.empty()) settings += "dockerfile\x1f" + c.dockerfile + '\n';
    if (!c.build_target.empty()) settings += "target\x1f" + c.build_target + '\n';
    return settings;
}

// The project-wide parts: the project network and [networks.NAME]
// (<project>-<NAME>), each owned by the project; the dormant containers; a compose file's origin.
static void project_wide(const Project& p, DesiredState& d) {
    d.dormant = p.dormant;
    d.compose = p.compose;
    d.network.name = p.name;
    d.network.subnet = p.subnet;   // empty: the planner picks one
    d.network.labels = {{labels::kProject, p.name}, {labels::kOwner, network_owner_token(p.name, p.name)}};
    for (const auto& [name, decl] : p.networks) {
        if (decl.external) {   // joined as it is: no node, never made
            d.external_networks.insert(decl.name);
            continue;
        }
        NetworkSpec n;
        n.name = p.name + "-" + name;
        n.subnet = decl.subnet;
        n.internal = decl.internal;
        n.labels = {{labels::kProject, p.name}, {labels::kOwner, network_owner_token(p.name, n.name)}};
        d.extra_networks.push_back(std::move(n));
    }
}

namespace {

// The digest index of a context, under the project's .dockerops/index/; none
// for a project with no folder, nor when the index would lie inside the
// context other than in its own top .dockerops (which is never part of it).
std::filesystem::path index_for(const std::filesystem::path& root, const std::filesystem::path& context) {
    if (root.empty()) return {};
    const std::filesystem::path index = context_index_path(root, context);
    std::error_code ec;
    const std::filesystem::path inside = index.lexically_relative(std::filesystem::absolute(context, ec).lexically_normal());
    const std::string first = inside.empty() ? std::string("..") : inside.begin()->string();
    if (first != ".." && first != kOwnFolder) return {};
    return index;
}

// An image's context: its digests (through its index) and hash; the per-file
// digests of that hash kept for later plans to name what changed.
void read_context(const std::filesystem::path& root, const Container& c, ContextDigests digests, DesiredImage& img) {
    if (digests == ContextDigests::Read) {
        img.index = index_for(root, c.path);
        img.digests = scan_context(c.path, img.index).digests;
    }
    img.context_hash = context_hash(img.digests, c.build_args, build_settings(c));
    if (digests == ContextDigests::Read) keep_context_snapshot(img.index, img.context_hash, img.digests);
}

}  // namespace

Result<DesiredState> compile_images(const Project& p, ContextDigests digests) {
    DesiredState d;
    d.project = p.name;
    d.warnings = p.warnings;
    d.registry = p.registry;
    project_wide(p, d);
    // Images, and the order they build in. A FROM naming a built-in container
    // (dockerops/dockerops-base) brings it in, built before what uses it.
    std::map<std::string, Container> containers = p.containers;
    std::vector<std::string> todo;   // a dormant container's image only when an active one is built FROM it
    std::set<std::string> queued;
    for (const auto& [name, _] : containers) if (!p.dormant.count(name) && queued.insert(name).second) todo.push_back(name);
    std::map<std::string, DockerfileFacts> facts;
    while (!todo.empty()) {
        const std::string name = todo.back();
        todo.pop_back();
        const Container& c = containers.at(name);
        DesiredImage img;
        img.container = name;
        if (!c.image.empty()) {   // taken as it is: nothing read from disk
            img.tag = c.image;
            img.pulled = true;
            img.pull = c.pull;
            d.images[name] = std::move(img);
            continue;
        }
        img.tag = image_tag(p.name, name);
        facts[name] = read_dockerfile_at(c.path / (c.dockerfile.empty() ? std::string("Dockerfile") : c.dockerfile));
        std::map<std::string, std::string> args = c.build_args;
        // ARG PROJECT: the project's name, so that FROM ${PROJECT}/base survives a rename.
        if (facts[name].args.count("PROJECT") && !args.count("PROJECT")) args["PROJECT"] = p.name;
        for (const auto& from : facts[name].from) {
            std::string ref = substitute_args(from, args);
            if (ref.ends_with(":latest")) ref.resize(ref.size() - 7);
            auto slash = ref.find('/');
            if (slash == std::string::npos) continue;
            const std::string owner = ref.substr(0, slash), parent = ref.substr(slash + 1);
            if (owner + "/" == kBuiltinImagePrefix && is_builtin_container(parent)) {
                if (!containers.count(parent)) {
                    auto b = builtin_container(parent, p.share_dir);
                    if (!b) return b.error();
                    containers[parent] = *b;
                    if (queued.insert(parent).second) todo.push_back(parent);
                }
                img.parents.push_back(parent);
            } else if (owner == p.name && containers.count(parent)) {
                img.parents.push_back(parent);
                if (queued.insert(parent).second) todo.push_back(parent);
            }
        }
        for (const auto& u : facts[name].unresolved)
            d.warnings.push_back("container '" + name + "': EXPOSE " + u + " is not understood and is not published");
        read_context(p.root, c, digests, img);
        const std::string owner = is_builtin_container(name) ? "dockerops" : p.name;   // a built-in is shared: the tool's
        img.build = BuildSpec{c.path.string(), img.tag, args,
                              {{labels::kImageProject, owner}, {labels::kImageContainer, name}, {labels::kContextHash, img.context_hash}},
                              false, c.dockerfile, c.build_target};
        d.images[name] = std::move(img);
    }
    // Exposed ports and health checks are inherited along the FROM chain.
    std::function<void(const std::string&, std::vector<PortSpec>&, bool&, std::set<std::string>&)> inherit =
        [&](const std::string& name, std::vector<PortSpec>& ports, bool& health, std::set<std::string>& seen) {
            if (!seen.insert(name).second) return;   // a FROM cycle is reported by the graph
            for (const auto& parent : d.images[name].parents) inherit(parent, ports, health, seen);
            for (const auto& port : facts[name].exposed)
                if (std::find(ports.begin(), ports.end(), port) == ports.end()) ports.push_back(port);
            health = health || facts[name].healthcheck;
        };
    for (auto& [name, img] : d.images) {
        std::set<std::string> seen;
        inherit(name, img.exposed, img.healthcheck, seen);
        std::sort(img.exposed.begin(), img.exposed.end(), [](const PortSpec& a, const PortSpec& b) {
            return std::pair(a.port, a.protocol) < std::pair(b.port, b.protocol);
        });
    }

    return d;
}

namespace {

// One project's instances onto specs: what compile does for each, in steps.
// Reads nothing but its arguments: values from outside come through `env`.
class InstanceCompiler {
public:
    InstanceCompiler(const Project& p, const Environment& env, DesiredState& d) : p_(p), env_(env), d_(d) {
        if (auto h = outside("HOST_IP")) host_ip_ = resolve_ip("HOST_IP", *h, env_, problems_, "HOST_IP");
    }
    void add(const Instance& inst);
    std::vector<std::string> problems_;   // variables that cannot be resolved
    std::vector<std::string> refused_;    // what the file asks that cannot go together (no variable helps)
    std::vector<std::string> log_left_out_;   // target swarm: instances whose default log folder is left out

    // persistent_log as it applies: on target swarm the standard type's
    // default (a host folder the user never wrote) is left out of an instance
    // not pinned to a node, so that a file declaring nothing host-specific
    // plans for both targets; one the file sets is kept (and refused there
    // unless the instance is pinned).
    bool persistent_log(const Instance& inst) const {
        return inst.switches.persistent_log && (p_.target != Target::Swarm || inst.switches_in_file.count("persistent_log") ||
                                                inst.runtime.has("node"));
    }

private:
    // A value from outside: the process environment first, then the host file.
    std::optional<std::string> outside(const std::string& k) const {
        if (auto v = env_.getenv(k)) return v;
        auto it = p_.host_env.find(k);
        if (it != p_.host_env.end()) return it->second;
        return std::nullopt;
    }
    std::optional<std::string> outside_or_asked(const std::string& k, const Instance& inst, bool secret) const {
        auto v = outside(k);
        if (!v && env_.ask) v = env_.ask(k, inst.id(), secret);
        if (v && secret && env_.secrets) env_.secrets->add(*v);   // masked in every message from here on
        return v;
    }
    DesiredInstance identity(const Instance& inst, const DesiredImage& img) const;
    void variables(const Instance& inst, DesiredInstance& di, std::vector<std::string>& missing);
    void links(const Instance& inst, DesiredInstance& di, std::vector<std::string>& missing) const;
    void ports(const Instance& inst, const DesiredImage& img, ContainerSpec& s) const;
    void mounts(const Instance& inst, ContainerSpec& s) const;
    void network_mode(const Instance& inst, DesiredInstance& di);
    void volumes_from(DesiredInstance& di);
    std::string container_of(const Instance& t) const {
        return t.container_name.empty() ? container_name(p_.name, t.container, t.name) : t.container_name;
    }

    const Project& p_;
    const Environment& env_;
    DesiredState& d_;
    std::optional<std::string> host_ip_;
};

DesiredInstance InstanceCompiler::identity(const Instance& inst, const DesiredImage& img) const {
    DesiredInstance di;
    di.id = inst.id();
    di.container = inst.container;
    di.name = inst.name;
    di.group = inst.group;
    di.sleep = inst.sleep;
    di.fixed_ipv4 = inst.ipv4_address;
    di.healthcheck = img.healthcheck;
    ContainerSpec& s = di.spec.mut();
    s.name = inst.container_name.empty() ? container_name(p_.name, inst.container, inst.name) : inst.container_name;
    s.image = img.tag;
    s.hostname = inst.hostname;
    s.command = inst.command;
    s.init = inst.init;
    s.network = p_.name;
    // The engine's name of a network the instance lists: the project's
    // (<project>-NAME), or an external one's own.
    auto engine_network = [&](const std::string& n) {
        if (n == "default") return p_.name;
        auto decl = p_.networks.find(n);
        return decl != p_.networks.end() && decl->second.external ? decl->second.name : p_.name + "-" + n;
    };
    if (!inst.networks.empty()) {   // "default" is the project network; without it, the first listed is its own
        std::vector<std::string> extra;
        for (const auto& n : inst.networks)
            if (n != "default") extra.push_back(engine_network(n));
        if (std::find(inst.networks.begin(), inst.networks.end(), "default") == inst.networks.end()) {
            s.network = extra.front();
            extra.erase(extra.begin());
        }
        if (!extra.empty()) s.extras_mut().extra_networks = std::move(extra);   // only ["default"]: no extras
    }
    for (const auto& [net, names] : inst.network_aliases)
        s.extras_mut().network_aliases[engine_network(net)] = names;
    s.aliases = {inst.dashed()};
    for (const auto& a : inst.aliases)
        if (a != inst.dashed()) s.aliases.push_back(a);
    inst.runtime.apply_to(s);
    if (inst.runtime.ready_timeout_ms) di.ready_timeout = static_cast<double>(*inst.runtime.ready_timeout_ms) / 1000.0;
    if (s.extras().health) di.healthcheck = s.extras().health->test.empty() || s.extras().health->test[0] != "NONE";
    s.labels.reserve(s.labels.size() + 3);
    s.labels[labels::kProject] = p_.name;
    s.labels[labels::kContainer] = inst.container;
    s.labels[labels::kInstance] = inst.name;
    if (inst.adhoc) s.labels[labels::kAdhoc] = "true";
    // A terminal instance: a shell on the caller's terminal instead of its
    // command, removed when it ends.
    if (inst.type == InstanceType::Interactive || inst.type == InstanceType::Safemode) {
        di.attach = true;
        s.tty = s.open_stdin = s.stdin_once = true;
        s.command = std::vector<std::string>{"sh", "-c", kInteractiveShell};
        s.labels[labels::kAdhoc] = "true";
    }
    // A one-off (run --rm): its command (or the instance's), attached, never
    // restarted by the engine, removed when it ends.
    if (inst.one_off) {
        di.attach = true;
        s.tty = inst.one_off->tty;
        s.open_stdin = s.stdin_once = true;
        if (inst.one_off->command) s.command = inst.one_off->command;
        s.restart_policy.clear();
        s.labels[labels::kAdhoc] = "true";
    }
    return di;
}

void InstanceCompiler::variables(const Instance& inst, DesiredInstance& di, std::vector<std::string>& missing) {
    ContainerSpec& s = di.spec.mut();
    // Held in one array (StringMap): sized once for the entries below, at most.
    s.env.reserve(s.env.size() + inst.env.size() + inst.required_env.size() + inst.secret_env.size() + 7);
    for (const auto& [k, v] : inst.env)
        if (auto r = resolve_ip(k, v, env_, problems_, di.id)) s.env[k] = *r;
    for (const auto* list : {&inst.required_env, &inst.secret_env}) {
        const bool secret = list == &inst.secret_env;
        for (const auto& k : *list) {
            auto v = outside_or_asked(k, inst, secret);
            if (!v) missing.push_back(k);
            else if (auto r = resolve_ip(k, *v, env_, problems_, di.id, secret)) s.env[k] = *r;
        }
    }
    for (const auto& k : inst.secret_env) di.secret_keys.insert(k);
    // Secret files: from the same places as secret_env, written by the
    // executor under a private runtime folder and mounted read-only.
    for (const auto& k : inst.secret_files) {
        auto v = outside_or_asked(k, inst, true);
        if (!v) missing.push_back(k);
        else s.extras_mut().secret_files[k] = *v;
    }
    if (!inst.secret_files.empty()) {
        s.extras_mut().secrets_dir = (env_.secrets_root / p_.name / (inst.container + "_" + inst.name)).string();
        for (const auto& k : inst.secret_files)
            s.mounts.push_back({s.extras().secrets_dir + "/" + k, "/run/secrets/" + k, true, true, false, true});
    }
    s.env["CONTAINER"] = inst.container;
    s.env["INSTANCE"] = inst.name;
    s.env["INSTANCE_TYPE"] = std::string(to_string(inst.type));
    s.env["PERSISTENT_DATA"] = py_bool(inst.switches.persistent_data);
    s.env["PERSISTENT_OPT"] = py_bool(inst.switches.persistent_opt);
    s.env["PERSISTENT_LOG"] = py_bool(persistent_log(inst));
    s.env["SAFEMODE"] = py_bool(inst.type == InstanceType::Safemode);
}

void InstanceCompiler::links(const Instance& inst, DesiredInstance& di, std::vector<std::string>& missing) const {
    if (!inst.switches.linked) return;
    for (const auto& l : inst.links) {
        DesiredLink dl{l.alias, l.external ? "" : l.target_id(), ""};
        if (l.external) {
            auto ip = outside_or_asked(l.alias + "_CONTAINER_IP", inst, false);
            if (!ip) missing.push_back(l.alias + "_CONTAINER_IP");
            else dl.external_ip = *ip;
        } else {
            const Instance* target = p_.find_instance(l.target_id());
            di.spec.mut().links.push_back((target && !target->container_name.empty() ? target->container_name
                                                                                 : container_name(p_.name, l.container, l.instance)) +
                                    ":" + l.alias);
        }
        di.links.push_back(dl);
    }
}

// Explicit ports are published exactly as written. The image's EXPOSEd ports
// are published (on the same host port, on HOST_IP when set) only with
// publish_ports, and never where an explicit entry maps the same container port.
void InstanceCompiler::ports(const Instance& inst, const DesiredImage& img, ContainerSpec& s) const {
    for (const auto& port : img.exposed) {
        PortSpec ps = port;
        const bool explicit_too = std::any_of(inst.ports.begin(), inst.ports.end(), [&](const PortSpec& e) {
            return e.port == port.port && e.protocol == port.protocol;
        });
        ps.publish = inst.switches.publish_ports && !explicit_too;
        if (ps.publish) {
            ps.host_port = port.port;
            // The instance's own HOST_IP (as a 2016 run.conf sets it) wins over the project's.
            if (auto own = s.env.find("HOST_IP"); own != s.env.end() && !own->second.empty()) ps.host_ip = own->second;
            else if (host_ip_) ps.host_ip = *host_ip_;
        }
        if (!explicit_too) s.ports.push_back(ps);
    }
    for (const auto& port : inst.ports) s.ports.push_back(port);
}

void InstanceCompiler::mounts(const Instance& inst, ContainerSpec& s) const {
    // A one-off mounts the data of the instance it copies.
    const fs::path data = p_.data_dir / (inst.container + "_" + (inst.one_off ? inst.one_off->data_of : inst.name));
    if (inst.switches.persistent_data) s.mounts.push_back({(data / "data").string(), "/data", false, true, true});
    if (inst.switches.persistent_opt) s.mounts.push_back({(data / "opt").string(), "/opt", false, true, true});
    if (persistent_log(inst)) s.mounts.push_back({(data / "log").string(), "/var/log", false, true, true});
    // The project's key pair (dockerops init), read-only: the base
    // container's entrypoint installs it for the dockerops user.
    if (env_.key_pair_dir) s.mounts.push_back({env_.key_pair_dir->string(), "/run/dockerops/ssh", true, true, false});
    // Named volumes are the project's own: <project>_<name>, as compose names
    // them; an external one is used by its own name.
    for (const auto& v : inst.volumes) {
        MountSpec m{v.bind ? v.source : p_.name + "_" + v.source, v.target, v.read_only, v.bind};
        m.as = v.as, m.digest = v.digest;   // a secret or config file, and its content's digest
        if (auto decl = p_.volumes.find(v.source); !v.bind && decl != p_.volumes.end()) {
            m.driver = decl->second.driver;
            m.driver_options = decl->second.options;
            if (decl->second.external) m.source = decl->second.name, m.external = true;
        }
        s.mounts.push_back(std::move(m));
    }
}

// network_mode: on no network of the project, so no address, alias or
// link there; "instance:web.one" is that instance's container, started
// first. Published ports go with "bridge" only (the engine refuses them with
// a container's network, and discards them on the host's): dropped, said.
// With a container's network the host name (the default one is dropped),
// DNS, hosts entries and exposed ports are that container's.
void InstanceCompiler::network_mode(const Instance& inst, DesiredInstance& di) {
    ContainerSpec& s = di.spec.mut();
    if (s.extras().network_mode.starts_with("instance:")) {
        const std::string target = s.extras().network_mode.substr(9);
        const Instance* t = p_.find_instance(target);
        if (!t || target == di.id) {
            refused_.push_back(di.id + ": network_mode " + s.extras().network_mode + (t ? " is the instance itself" : ": no such instance"));
            return;
        }
        s.extras_mut().network_mode = "container:" + container_of(*t);
        di.depends_on.push_back({target, Condition::Started, {}});
        di.network_of = target;
    }
    s.network.clear();
    s.extras_mut().extra_networks.clear();
    s.extras_mut().network_aliases.clear();
    s.aliases.clear();
    s.links.clear();
    const bool published = std::any_of(s.ports.begin(), s.ports.end(), [](const PortSpec& p) { return p.publish; });
    if (published && s.extras().network_mode != "bridge") {
        d_.warnings.push_back(di.id + ": network_mode " + s.extras().network_mode + " publishes no ports: its ports are not published" +
                              (s.extras().network_mode == "host" ? " (it listens on the host's own)" : ""));
        std::erase_if(s.ports, [](const PortSpec& p) { return p.publish; });
    }
    if (!s.extras().network_mode.starts_with("container:")) return;
    // The engine refuses a host name, DNS, hosts entries and exposed ports
    // with another container's network: they are that container's.
    if (!s.hostname.empty() && s.hostname != inst.dashed())
        refused_.push_back(di.id + ": hostname '" + s.hostname + "' cannot be given with network_mode " + s.extras().network_mode +
                            " (the host name is that container's)");
    if (!s.extras().dns.empty() || !s.extras().extra_hosts.empty())
        refused_.push_back(di.id + ": " + (s.extras().dns.empty() ? "extra_hosts" : "dns") + " cannot be given with network_mode " +
                            s.extras().network_mode + " (the engine refuses it: set it on the container whose network it shares)");
    s.hostname.clear();
    s.ports.clear();
    s.extras_mut().expose.clear();
}

// volumes_from: "instance:db.one" is that instance's container, made and
// started first; the engine mounts its volumes where it has them.
void InstanceCompiler::volumes_from(DesiredInstance& di) {
    if (di.spec->extras().volumes_from.empty()) return;
    for (auto& entry : di.spec.mut().extras_mut().volumes_from) {
        const auto ref = parse_volumes_from(entry);
        if (!ref) continue;   // the loader said so
        std::string name = ref->name;
        if (ref->instance) {
            const Instance* t = p_.find_instance(ref->name);
            if (!t || ref->name == di.id) {
                refused_.push_back(di.id + ": volumes_from " + entry + (t ? " is the instance itself" : ": no such instance"));
                continue;
            }
            name = container_of(*t);
            di.depends_on.push_back({ref->name, Condition::Started, {}});
            di.volumes_of.push_back(ref->name);
        }
        entry = name + (ref->read_only ? ":ro" : "");
    }
}

void InstanceCompiler::add(const Instance& inst) {
    if (inst.switches.persistent_log && !persistent_log(inst)) log_left_out_.push_back(inst.id());
    const DesiredImage& img = d_.images.at(inst.container);
    DesiredInstance di = identity(inst, img);
    std::vector<std::string> missing;
    variables(inst, di, missing);
    links(inst, di, missing);
    if (!missing.empty()) {
        std::string list;
        for (const auto& m : missing) list += (list.empty() ? "" : ", ") + m;
        problems_.push_back(di.id + ": missing " + list);
    }
    ports(inst, img, di.spec.mut());
    mounts(inst, di.spec.mut());
    if (!di.spec->extras().network_mode.empty()) network_mode(inst, di);
    if (!di.spec->extras().volumes_from.empty()) volumes_from(di);
    d_.instances.push_back(std::move(di));
}

// depends_on: a "completed" target is a job; a "healthy" one must have a health check.
Status link_dependencies(const Project& p, DesiredState& d) {
    for (const auto& i : p.instances)
        for (const auto& dep : i.depends_on) {
            auto* target = const_cast<DesiredInstance*>(d.find(dep.target));
            auto* self = const_cast<DesiredInstance*>(d.find(i.id()));
            if (!target || !self) continue;   // a terminal instance, left out of apply
            self->depends_on.push_back(dep);
            if (dep.condition == Condition::Completed) target->job = true;
            if (dep.condition == Condition::Healthy && !target->healthcheck && !d.images.at(target->container).pulled)
                return Error{i.id() + ": depends_on " + dep.target + " \"healthy\", but " + dep.target +
                                 " has no health check (none in its Dockerfile, no healthcheck key); nothing was changed",
                             "project " + p.name};
        }
    return ok_status();
}

// Why instance `di`'s replicas cannot be what its spec says; empty when they can.
std::string replicas_problem(const Project& p, const DesiredState& d, const DesiredInstance& di, int n) {
    const std::string where = di.id + ": replicas = " + std::to_string(n) + " on target docker runs ";
    const Instance* inst = p.find_instance(di.id);
    if (n == 0) {   // no container: nothing may need it
        for (const auto& other : d.instances) {
            const bool links = std::any_of(other.links.begin(), other.links.end(), [&](const DesiredLink& l) { return l.target == di.id; });
            const bool waits = std::any_of(other.depends_on.begin(), other.depends_on.end(), [&](const Dependency& x) { return x.target == di.id; });
            if (links || waits) return where + "no container, and " + other.id + (links ? " links to it" : " depends on it");
        }
        return {};
    }
    const std::string many = where + std::to_string(n) + " containers, and ";
    if (inst && !inst->container_name.empty()) return many + "container_name gives them one name";
    if (!di.fixed_ipv4.empty()) return many + "ipv4_address gives them one address";
    for (const auto& port : di.spec->ports)
        if (port.publish && port.host_port != 0)
            return many + "they cannot share host port " + std::to_string(port.host_port) +
                   " (publish the container port alone: the engine picks one for each)";
    for (int k = 2; k <= n; ++k)
        if (p.find_instance(di.container + "." + di.name + "-" + std::to_string(k)))
            return many + "its replica " + di.container + "." + di.name + "-" + std::to_string(k) + " is declared as an instance too";
    return {};
}

// replicas = N on target docker (engine/model/kinds.hpp): N containers, as
// compose runs a service's replicas. The first keeps the instance's own name
// (so 1 -> N replaces nothing), replica k is instance NAME-k (container
// <project>-<container>-<name>-k), answering the instance's aliases too;
// each has the instance's depends_on, and what depends on the instance
// depends on every replica. replicas = 0 runs none.
Status expand_replicas(const Project& p, DesiredState& d) {
    for (const auto& di : d.instances)
        if (di.spec->replicas != 1)
            if (auto why = replicas_problem(p, d, di, di.spec->replicas); !why.empty()) return Error{why, "project " + p.name};
    // None with replicas: nothing moves (at 100,000 instances, a copy and a sort of them cost more than the rest).
    if (std::all_of(d.instances.begin(), d.instances.end(), [](const DesiredInstance& di) { return di.spec->replicas == 1; }))
        return ok_status();
    std::vector<DesiredInstance> out;
    out.reserve(d.instances.size());
    std::map<std::string, std::vector<std::string>> replicas_of;   // id -> the ids of replicas 2..N
    for (auto& di : d.instances) {
        const int n = di.spec->replicas;
        di.spec.mut().replicas = 1;
        for (int k = 2; k <= n; ++k) {
            DesiredInstance r = di;
            r.name = di.name + "-" + std::to_string(k);
            r.id = di.container + "." + r.name;
            ContainerSpec& rs = r.spec.mut();   // its own spec from here
            rs.name = container_name(p.name, di.container, r.name);
            rs.labels[labels::kInstance] = r.name;
            rs.aliases.push_back(di.container + "-" + r.name);
            // Its own data, opt and log folders (two processes in one data
            // folder corrupt it); volumes and binds of the file are shared.
            const std::string own = (p.data_dir / (di.container + "_" + di.name)).string() + "/";
            for (auto& m : rs.mounts)
                if (m.seed && m.source.starts_with(own))
                    m.source = (p.data_dir / (di.container + "_" + r.name)).string() + "/" + m.source.substr(own.size());
            replicas_of[di.id].push_back(r.id);
            out.push_back(std::move(r));
        }
        if (n > 0) out.push_back(std::move(di));
    }
    for (auto& di : out) {
        std::vector<Dependency> more;
        for (const auto& dep : di.depends_on)
            if (auto r = replicas_of.find(dep.target); r != replicas_of.end())
                for (const auto& id : r->second) more.push_back({id, dep.condition, dep.pos});
        di.depends_on.insert(di.depends_on.end(), more.begin(), more.end());
    }
    std::sort(out.begin(), out.end(), [](const DesiredInstance& a, const DesiredInstance& b) { return a.id < b.id; });
    d.instances = std::move(out);
    return ok_status();
}

}  // namespace

Result<DesiredState> compile(const Project& p, const Environment& env, CompileOptions options) {
    auto images = compile_images(p);
    if (!images) return images.error();
    DesiredState d = std::move(*images);
    d.secrets_dir = env.secrets_root.empty() ? std::string() : (env.secrets_root / p.name).string();
    InstanceCompiler instances(p, env, d);
    d.instances.reserve(p.instances.size());
    for (const auto& inst : p.instances) {
        if (!options.terminal_instances && (inst.type == InstanceType::Interactive || inst.type == InstanceType::Safemode)) {
            d.warnings.push_back(inst.id() + " is " + std::string(to_string(inst.type)) +
                                 ": it runs on a terminal with 'dockerops run', not with apply");
            continue;
        }
        instances.add(inst);
    }
    if (!instances.log_left_out_.empty()) {
        std::string ids;
        for (const auto& id : instances.log_left_out_) ids += (ids.empty() ? "" : ", ") + id;
        d.warnings.push_back("target swarm: the log folder the instance type keeps on the host by default (persistent_log) is left out for " +
                             ids + ": a host folder is on one machine (set persistent_log = true and node = \"NAME\" to keep it)");
    }
    if (auto linked = link_dependencies(p, d); !linked) return linked.error();
    for (const auto& i : d.instances)
        for (const auto& l : i.links)
            if (const DesiredInstance* t = l.target.empty() ? nullptr : d.find(l.target); t && !t->spec->extras().network_mode.empty())
                return Error{i.id + " links to " + t->id + " as " + l.alias + ", which has network_mode " + t->spec->extras().network_mode +
                                 ": it has no address on the project network (give " + l.alias + "_CONTAINER_IP from outside, as an external link)",
                             "project " + p.name};
    for (const auto& i : d.instances)   // (replicas = 1 is the default: not told apart from unset)
        if (i.spec->extras().mode == "global" && i.spec->replicas != 1)
            return Error{i.id + ": mode = \"global\" runs one task on every node; replicas = " + std::to_string(i.spec->replicas) +
                             " does not go with it (as docker stack deploy says: replicas are for mode \"replicated\")",
                         "project " + p.name};
    if (p.target == Target::Docker)
        if (auto expanded = expand_replicas(p, d); !expanded) return expanded.error();
    const auto& problems = instances.problems_;
    const auto& refused = instances.refused_;
    bool has_secrets = false;
    for (const auto& i : d.instances) has_secrets = has_secrets || !i.secret_keys.empty() || !i.spec->extras().secret_files.empty();
    if (has_secrets && problems.empty() && refused.empty()) {
        if (!env.secret_key) return Error{"the project has secrets and no secret key was given to compile it", "project " + p.name};
        auto key = env.secret_key();
        if (!key) return key.error();
        d.secret_key = *key;
    }
    if (!problems.empty() || !refused.empty()) {
        // What the file asks that cannot go together is said apart from the
        // variables: no value in the environment mends it.
        std::string msg;
        if (!refused.empty()) {
            msg = "the project cannot be made as declared; nothing was changed:";
            for (const auto& r : refused) msg += "\n  " + r;
        }
        if (!problems.empty()) {
            msg += std::string(msg.empty() ? "" : "\n") + "cannot resolve every variable; nothing was changed:";
            for (const auto& pr : problems) msg += "\n  " + pr;
            msg += "\nset them in the environment or in " + std::string("dockerops.host.toml") + " [env]";
        }
        return Error{msg, "project " + p.name};
    }
    return d;
}

Diagnostics check_health_conditions(const Project& p) {
    Diagnostics out;
    bool any = false;
    for (const auto& i : p.instances)
        for (const auto& dep : i.depends_on) any = any || dep.condition == Condition::Healthy;
    if (!any) return out;
    auto images = compile_images(p, ContextDigests::Skip);
    if (!images) return out;   // said where it matters (plan, build)
    for (const auto& i : p.instances)
        for (const auto& dep : i.depends_on) {
            if (dep.condition != Condition::Healthy) continue;
            const Instance* target = p.find_instance(dep.target);
            if (!target) continue;
            auto img = images->images.find(target->container);
            if (img == images->images.end() || img->second.pulled) continue;   // an image taken as it is: its own config decides
            const auto& h = target->runtime.values().extras().health;
            const bool declared = h ? (h->test.empty() || h->test[0] != "NONE") : img->second.healthcheck;
            if (!declared)
                out.error(dep.pos, "depends_on " + dep.target + " \"healthy\", but " + dep.target + " has no health check" +
                                       (h ? " (its healthcheck key turns it off)"
                                          : " (none in its Dockerfile or those it starts FROM, and no healthcheck key)"),
                          "add a healthcheck to " + dep.target + ", or depend on it being \"started\"");
        }
    return out;
}

}  // namespace dockerops
