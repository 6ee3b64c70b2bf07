// Fuzz target: arbitrary bytes as a project's compose.yaml. The compose
// front end reads the YAML (aliases, merge keys, extends, variables), writes
// TOML text and loads it; no step may crash, hang or read out of bounds.
#include "engine/config/config.hpp"

#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

namespace fs = std::filesystem;

namespace {
fs::path project_dir() {
    static const fs::path dir = [] {
        fs::path d = fs::temp_directory_path() / ("dockerops-fuzz-compose-" + std::to_string(getpid()));
        fs::create_directories(d / "app");
        std::ofstream(d / "app/Dockerfile") << "FROM busybox\n";
        std::ofstream(d / "secret.txt") << "s\n";
        return d;
    }();
    return dir;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const fs::path dir = project_dir();
    {
        std::ofstream f(dir / "compose.yaml", std::ios::binary | std::ios::trunc);
        f.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
    }
    dockerops::LoadOptions o;
    o.files = {dir / "compose.yaml"};
    o.environment = [](const std::string& name) -> std::optional<std::string> {
        if (name == "TAG") return std::string("1.36");
        return std::nullopt;
    };
    auto r = dockerops::load_project(o);
    (void)r;
    return 0;
}
