// Fuzz target: arbitrary bytes as a 2016 project's apps_containers/run.conf
// (and build.conf after a 0x1e byte). The reader translates it to TOML text
// and loads that; neither step may crash, hang or read out of bounds.
#include "engine/config/config.hpp"
#include "engine/config/legacy.hpp"

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
        fs::path d = fs::temp_directory_path() / ("dockerops-fuzz-legacy-" + std::to_string(getpid()));
        fs::create_directories(d / "apps_containers");
        return d;
    }();
    return dir;
}
void write(const fs::path& p, std::string_view s) {
    std::ofstream f(p, std::ios::binary | std::ios::trunc);
    f.write(s.data(), static_cast<std::streamsize>(s.size()));
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    const fs::path dir = project_dir();
    std::string_view build;
    if (auto sep = text.find('\x1e'); sep != std::string_view::npos) {
        build = text.substr(sep + 1);
        text = text.substr(0, sep);
    }
    write(dir / "apps_containers/run.conf", text);
    if (build.empty()) fs::remove(dir / "apps_containers/build.conf");
    else write(dir / "apps_containers/build.conf", build);
    auto r = dockerops::load_legacy_project(dir, std::nullopt);
    (void)r;
    return 0;
}
