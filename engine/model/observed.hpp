#pragma once
// What the engine holds for one project, read once by the provider's observe():
// the planner decides from this and nothing else.
#include <cstdint>
#include <map>
#include <set>
#include <optional>
#include <string>
#include <vector>

namespace dockerops {

struct ObservedPort {
    int port = 0;
    std::string protocol;
    std::string host_ip;
    int host_port = 0;       // 0: exposed, not published
};

struct ObservedMount {
    std::string type;        // bind | volume
    std::string source;      // host path, or volume name
    std::string target;
    bool read_only = false;
};

// A container its restart policy restarted is settled when it has run this
// long without another restart: the engine's own measure (its restart backoff
// starts over after a run of 10 s). Until then a plan waits for it.
inline constexpr int kSettledSeconds = 10;

struct ObservedContainer {
    std::string id;
    std::string name;                          // without the leading '/'
    std::map<std::string, std::string> labels;
    std::string image;                         // as created (name or id)
    std::string image_id;
    std::string state;                         // created | running | exited | paused | restarting | dead
    int exit_code = 0;                         // for exited containers
    std::string health;                        // "", starting, healthy, unhealthy
    std::string health_output;                 // the last health check's output (observe: only for one not healthy)
    int restart_count = 0;                     // restarts by the engine's restart policy (inspect only)
    int up_seconds = -1;                       // running: seconds since it (re)started, when under a minute; else -1
    std::map<std::string, std::string> addresses;   // network name -> IPv4
    std::string network_mode;                  // HostConfig.NetworkMode: "container:<ID>" shares that one's network
    std::vector<ObservedPort> ports;
    std::vector<ObservedMount> mounts;
    std::int64_t created = 0;                  // unix seconds
    bool legacy = false;                       // ours, made by dockerops 0.1 (no owner label)
    std::string detail;                        // a Swarm service short of tasks: "2 of 3 tasks running (swarm-node3 down)"
    std::string label(const std::string& k) const {
        auto it = labels.find(k);
        return it == labels.end() ? std::string() : it->second;
    }
};

struct ObservedImage {
    std::string id;
    std::vector<std::string> tags;
    std::map<std::string, std::string> labels;
    std::int64_t created = 0;
};

struct ObservedNetwork {
    std::string id;
    std::string name;
    std::string subnet;
    std::map<std::string, std::string> labels;
    std::string label(const std::string& k) const {
        auto it = labels.find(k);
        return it == labels.end() ? std::string() : it->second;
    }
};

struct ObservedVolume {
    std::string name;
    std::map<std::string, std::string> labels;
};

// What a plan needs observed beyond the project's own objects and those named
// like them.
struct ObserveScope {
    // Host ports the project publishes ("8080/tcp"): others' containers that
    // hold one are observed too (ObservedState::foreign), so that a plan
    // refuses the clash. Nobody else's containers are listed.
    std::vector<std::string> host_ports;
    // The images the plan names (the tags it builds, the references it pulls,
    // the built-ins). When given, a provider may look up just these (and
    // those the project's containers run) instead of every image on the
    // engine: ObservedState then holds these images, and image_ids_by_tag
    // only their tags. Without it (destroy --rmi, ps), every
    // image is looked at.
    std::optional<std::vector<std::string>> image_refs;
    // The container names the plan's instances take. When given, a provider
    // may look for containers of other owners named like the project's
    // (<project>-...) only when one of these names is not held by the
    // project itself: only a name the plan creates can be in its way.
    std::optional<std::vector<std::string>> names;
    // A compose file's project name: docker-compose's containers of it
    // (label com.docker.compose.project) are observed as foreign ones, so
    // that the plan adopts them or says they are in the way.
    std::string compose_project = {};
    // With image_refs: the project's earlier (untagged) builds are listed too.
    // Asked for only when the plan rebuilds an image (it then removes the
    // older builds): the list costs the engine a walk over every image it holds.
    bool earlier_builds = false;
    // The container names whose declared restart policy restarts them: only
    // these can be caught between two restarts of a crash loop, so only these
    // are inspected for their restart count. Without it, every container with
    // no health check that has been up for less than kSettledSeconds.
    std::optional<std::vector<std::string>> policy_restarted = {};
};

struct ObservedState {
    std::string project;
    ObserveScope scope;   // what it was observed with: a saved plan's check observes the same
    // The project's own containers (engine/ownership's rule), sorted by name.
    std::vector<ObservedContainer> containers;
    // Containers that are not the project's but matter to its plan: those
    // named like its instances (<project>-...) and those publishing host
    // ports. Never acted on; named in conflicts. Sorted by name.
    std::vector<ObservedContainer> foreign;
    // The home record (kHomeSuffix): where the project was last applied from
    // ("host:/path"), and the record's id; empty when there is none.
    std::string home, home_id;
    std::vector<ObservedImage> images;           // the project's (or tagged <project>/...), sorted by first tag, then id
    std::vector<ObservedNetwork> networks;       // the project's, sorted by name
    // Every other network on the engine that has an IPv4 subnet: a new
    // project network must not overlap one. Sorted by name.
    std::vector<ObservedNetwork> other_networks;
    // The name of every network on the engine (an external one must be there).
    std::set<std::string> network_names;
    // Every tagged image on the engine (with scope.image_refs: those images'),
    // tag -> id: the images a project takes as they are (`image = "redis:7"`)
    // are found here.
    std::map<std::string, std::string> image_ids_by_tag;
    // For the images inspected by name (scope.image_refs): whether the image
    // declares a health check (a HEALTHCHECK that is not NONE), by the name
    // the plan gave. Absent: not known (not on the engine, or not inspected).
    std::map<std::string, bool> image_healthcheck;
};

// Sorts what an engine listed into the project's own containers and the
// foreign ones that matter (ObservedState's rule), dropping the rest.
void classify_containers(ObservedState& s, std::vector<ObservedContainer> all);

}  // namespace dockerops
