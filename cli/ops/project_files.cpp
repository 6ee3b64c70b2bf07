// What compile is given from outside, made here so that compile does no I/O:
// the process's environment and interfaces, the project's secret key (made on
// first use, with .dockerops/ git-ignored), the secrets folder on the host,
// and whether the project has a key pair.
#include "cli/ops/steps.hpp"

#include "util/files.hpp"
#include "util/hash.hpp"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <openssl/rand.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>

namespace fs = std::filesystem;

namespace dockerops::ops {

Result<std::string> project_secret_key(const fs::path& root) {
    const fs::path dir = root / ".dockerops";
    const fs::path file = dir / "secret-key";
    if (auto text = read_regular_file(file, 4096).text; text && text->size() >= 64) return text->substr(0, 64);
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) return Error{"cannot make " + dir.string() + " for the project's secret key: " + ec.message()};
    fs::permissions(dir, fs::perms::owner_all, ec);
    unsigned char raw[32];
    if (RAND_bytes(raw, sizeof raw) != 1) return Error{"no random bytes for the project's secret key"};
    const std::string key = hex_string(raw, sizeof raw);
    {
        std::ofstream out(file, std::ios::trunc);
        out << key << "\n";
        if (!out) return Error{"cannot write the project's secret key", file.string()};
    }
    fs::permissions(file, fs::perms::owner_read | fs::perms::owner_write, ec);
    ensure_git_ignored(root, ".dockerops/");
    return key;
}

fs::path secrets_root() {
    // A tmpfs where there is one: root's /run, else the user's runtime folder.
    if (::geteuid() == 0) return "/run/dockerops/secrets";
    if (const char* x = std::getenv("XDG_RUNTIME_DIR"); x && *x) return fs::path(x) / "dockerops/secrets";
    return fs::temp_directory_path() / ("dockerops-" + std::to_string(::geteuid())) / "secrets";
}

Environment process_environment(Session& s, const Project& p) {
    Environment e;
    e.getenv = [](const std::string& k) -> std::optional<std::string> {
        const char* v = std::getenv(k.c_str());
        if (!v) return std::nullopt;
        return std::string(v);
    };
    e.interface_address = [](const std::string& iface) -> std::optional<std::string> {
        ifaddrs* list = nullptr;
        if (getifaddrs(&list) != 0) return std::nullopt;
        std::optional<std::string> out;
        for (ifaddrs* i = list; i; i = i->ifa_next) {
            if (!i->ifa_addr || i->ifa_addr->sa_family != AF_INET || iface != i->ifa_name) continue;
            char buf[INET_ADDRSTRLEN];
            inet_ntop(AF_INET, &reinterpret_cast<sockaddr_in*>(i->ifa_addr)->sin_addr, buf, sizeof buf);
            out = buf;
            break;
        }
        freeifaddrs(list);
        return out;
    };
    const fs::path root = p.root;
    e.secret_key = [root] { return project_secret_key(root); };
    e.secrets = &s.ui.secrets;
    e.secrets_root = secrets_root();
    std::error_code ec;
    if (fs::is_directory(root / ".dockerops/ssh", ec)) e.key_pair_dir = root / ".dockerops/ssh";
    return e;
}

}  // namespace dockerops::ops
