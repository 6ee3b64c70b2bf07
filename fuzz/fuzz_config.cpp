// Fuzz target: arbitrary bytes as dockerops.toml. The loader must answer with
// a Project or diagnostics, never crash, hang or read out of bounds.
#include "engine/config/config.hpp"

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const std::filesystem::path root = std::filesystem::temp_directory_path();
    std::string_view text(reinterpret_cast<const char*>(data), size);
    // Half the inputs also exercise the host file: everything after a 0x1e byte.
    std::optional<std::string_view> host;
    if (auto sep = text.find('\x1e'); sep != std::string_view::npos) {
        host = text.substr(sep + 1);
        text = text.substr(0, sep);
    }
    auto r = dockerops::parse_project(text, "dockerops.toml", root, host);
    (void)r;
    return 0;
}
