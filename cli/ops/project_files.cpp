// What compile is given from outside, made here so that compile does no I/O:
// the process's environment and interfaces, the project's secret key (made on
// first use, with the project's own files git-ignored), the secrets folder on
// the host, and the project's key pair (made on first need).
#include "cli/ops/steps.hpp"

#include <boost/process.hpp>

#include "engine/model/builtins.hpp"
#include "util/files.hpp"
#include "util/hash.hpp"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <openssl/rand.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>

namespace bp = boost::process;
namespace fs = std::filesystem;

namespace dockerops::ops {

std::vector<std::string> ignore_project_files(const fs::path& root, const fs::path& data_dir) {
    std::vector<std::string> entries{".dockerops/", std::string(kHostFileName)};
    // The data folder, when it is inside the project (its default, data/).
    std::error_code ec;
    const fs::path rel = fs::proximate(data_dir, root, ec);
    if (!ec && !rel.empty() && *rel.begin() != ".." && rel.is_relative() && rel != ".") entries.push_back(rel.generic_string() + "/");
    std::vector<std::string> added;
    for (const auto& e : entries)
        if (ensure_git_ignored(root, e)) added.push_back(e);
    return added;
}

Result<bool> ensure_key_pair(const fs::path& root, const fs::path& data_dir, const std::string& project) {
    const fs::path dir = root / ".dockerops/ssh";
    const fs::path key = dir / "id_ed25519";
    std::error_code ec;
    if (fs::exists(key, ec) && fs::exists(key.string() + ".pub", ec)) return false;
    fs::create_directories(dir, ec);
    if (ec) return Error{"cannot make " + dir.string() + " for the project's key pair: " + ec.message()};
    fs::permissions(root / ".dockerops", fs::perms::owner_all, ec);
    auto exe = bp::search_path("ssh-keygen");
    if (exe.empty()) return Error{"ssh-keygen is needed to make the project's key pair (apt-get install openssh-client)"};
    fs::remove(key, ec);   // half of a pair (a run killed mid-way): made again
    fs::remove(key.string() + ".pub", ec);
    int rc = bp::system(exe, "-q", "-t", "ed25519", "-N", "", "-C", "dockerops@" + project, "-f", key.string(), bp::std_out > bp::null,
                        bp::std_in < bp::null);
    if (rc != 0) return Error{"ssh-keygen failed (exit " + std::to_string(rc) + ")", key.string()};
    fs::permissions(key, fs::perms::owner_read | fs::perms::owner_write, ec);
    ignore_project_files(root, data_dir);
    return true;
}

Result<std::string> project_secret_key(const fs::path& root, const fs::path& data_dir) {
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
    ignore_project_files(root, data_dir);
    return key;
}

std::optional<fs::path> share_dir() {
    std::optional<std::string> named;
    if (const char* env = std::getenv("DOCKEROPS_SHARE_DIR")) named = env;
    std::error_code ec;
    const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    return find_share_dir(named, ec ? fs::path() : exe);
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
    const fs::path root = p.root, data = p.data_dir;
    e.secret_key = [root, data] { return project_secret_key(root, data); };
    e.secrets = &s.ui.secrets;
    e.secrets_root = secrets_root();
    std::error_code ec;
    if (fs::is_directory(root / ".dockerops/ssh", ec)) e.key_pair_dir = root / ".dockerops/ssh";
    return e;
}

}  // namespace dockerops::ops
