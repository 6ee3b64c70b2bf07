#pragma once
// Integration tests run against the real dockerd that scripts/setup.sh started.
// Each test works under its own project label and, when it ends, removes the
// containers, networks and images carrying that label — and nothing else.
#include "engine/model/ownership.hpp"
#include "providers/docker/docker.hpp"

#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <random>
#include <string>

namespace dockerops::test {

inline std::unique_ptr<docker::DockerEngine> connect_engine(std::shared_ptr<docker::CallTrace> trace = nullptr) {
    auto e = docker::DockerEngine::connect_from_env(std::move(trace));
    if (!e) FAIL("no Docker engine: " << e.error().text() << " (scripts/setup.sh starts one)");
    return std::move(*e);
}

class EngineProject {
public:
    EngineProject() : trace_(std::make_shared<docker::CallTrace>(false)), engine_(connect_engine(trace_)) {
        static std::atomic<int> counter{0};
        std::random_device rd;
        name_ = "itest-" + std::to_string(getpid()) + "-" + std::to_string(counter++) + "-" +
                std::to_string(rd() % 100000);
    }
    ~EngineProject() { cleanup(); }
    EngineProject(const EngineProject&) = delete;
    EngineProject& operator=(const EngineProject&) = delete;

    docker::DockerEngine& engine() { return *engine_; }
    // The engine calls made through engine(), counted.
    docker::CallTrace& calls() { return *trace_; }
    const std::string& name() const { return name_; }
    std::map<std::string, std::string> labels(const std::string& instance = "x") const {
        return {{labels::kProject, name_}, {labels::kContainer, "test"}, {labels::kInstance, instance}};
    }
    // A /24 in 10.200.0.0/16 unlikely to be used by anything else on the machine.
    std::string subnet_prefix() const {
        std::size_t h = std::hash<std::string>{}(name_);
        return "10.2" + std::to_string(10 + h % 40) + "." + std::to_string(h / 40 % 250) + ".";
    }
    ContainerSpec spec(const std::string& suffix, const std::vector<std::string>& cmd = {"sleep", "300"}) const {
        ContainerSpec s;
        s.name = name_ + "-" + suffix;
        s.image = "dockerops/busybox:latest";
        s.command = cmd;
        const auto given = labels(suffix);
        s.labels = StringMap(boost::container::ordered_unique_range, given.begin(), given.end());
        // Made as the executor makes them (engine/executor's stamp_owner), so
        // that observe counts them as the project's and cleanup finds them.
        if (busybox_id_.empty()) busybox_id_ = must_image_id();
        s.labels[labels::kOwner] = container_owner_token(name_, busybox_id_);
        return s;
    }

    void cleanup() {
        auto obs = engine_->observe(name_);
        if (!obs) return;
        for (const auto& c : obs->containers) (void)engine_->remove_container(c.id, true);
        for (const auto& n : obs->networks) (void)engine_->remove_network(n.id);
        // The project's images only: observe also lists the built-in
        // containers' images (dockerops/dockerops-*), which are shared.
        for (const auto& i : obs->images) {
            const bool tagged = std::any_of(i.tags.begin(), i.tags.end(), [&](const std::string& t) { return t.starts_with(name_ + "/"); });
            if (tagged || image_is_ours(i, name_)) (void)engine_->remove_image(i.id, true);
        }
    }

private:
    std::string must_image_id() const {
        auto i = engine_->inspect_image("dockerops/busybox:latest");
        return i ? i->id : std::string();
    }
    std::shared_ptr<docker::CallTrace> trace_;
    std::unique_ptr<docker::DockerEngine> engine_;
    std::string name_;
    mutable std::string busybox_id_;
};

// A TCP port on 127.0.0.1 that nothing listens on right now.
inline int free_port() {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = 0;
    bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
    socklen_t len = sizeof a;
    getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
    int port = ntohs(a.sin_port);
    close(fd);
    return port;
}

// Holds a listening socket on 127.0.0.1:port for its lifetime.
class PortHolder {
public:
    PortHolder() {
        fd_ = socket(AF_INET, SOCK_STREAM, 0);
        int one = 1;
        setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a);
        listen(fd_, 1);
        socklen_t len = sizeof a;
        getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
        port_ = ntohs(a.sin_port);
    }
    ~PortHolder() { close(fd_); }
    int port() const { return port_; }

private:
    int fd_ = -1;
    int port_ = 0;
};

}  // namespace dockerops::test
