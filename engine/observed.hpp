#pragma once
// What the engine holds for one project, read once by the provider's observe():
// the planner decides from this and nothing else.
#include <cstdint>
#include <map>
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

struct ObservedContainer {
    std::string id;
    std::string name;                          // without the leading '/'
    std::map<std::string, std::string> labels;
    std::string image;                         // as created (name or id)
    std::string image_id;
    std::string state;                         // created | running | exited | paused | restarting | dead
    int exit_code = 0;                         // for exited containers
    std::string health;                        // "", starting, healthy, unhealthy
    std::map<std::string, std::string> addresses;   // network name -> IPv4
    std::vector<ObservedPort> ports;
    std::vector<ObservedMount> mounts;
    std::int64_t created = 0;                  // unix seconds
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

struct ObservedState {
    std::string project;
    std::vector<ObservedContainer> containers;   // sorted by name
    std::vector<ObservedImage> images;           // sorted by first tag, then id
    std::vector<ObservedNetwork> networks;       // sorted by name
};

}  // namespace dockerops
