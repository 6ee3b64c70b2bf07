#include "util/files.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace dockerops {

std::optional<std::string> read_text_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::nullopt;
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

bool ensure_git_ignored(const std::filesystem::path& root, const std::string& entry) {
    const auto file = root / ".gitignore";
    std::string text = read_text_file(file).value_or("");
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);)
        if (line == entry) return false;
    std::ofstream(file, std::ios::app) << (text.empty() || text.back() == '\n' ? "" : "\n") << entry << "\n";
    return true;
}

FileRead read_regular_file(const std::filesystem::path& path, std::size_t limit) {
    FileRead r;
    // O_NONBLOCK: opening a FIFO must not wait for a writer; it is refused below.
    int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        r.error = std::strerror(errno);
        r.missing = errno == ENOENT;
        return r;
    }
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
        r.error = std::strerror(errno);
        ::close(fd);
        return r;
    }
    if (!S_ISREG(st.st_mode)) {
        r.error = S_ISDIR(st.st_mode)    ? "it is a folder, not a file"
                : S_ISFIFO(st.st_mode)   ? "it is a FIFO, not a regular file"
                : S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode) ? "it is a device, not a regular file"
                : S_ISSOCK(st.st_mode)   ? "it is a socket, not a regular file"
                                         : "it is not a regular file";
        ::close(fd);
        return r;
    }
    auto too_large = [&] {
        r.error = "it is larger than the " +
                  (limit % (1024 * 1024) == 0 ? std::to_string(limit / (1024 * 1024)) + " MiB" : std::to_string(limit / 1024) + " KiB") +
                  " such a file may be";
        r.too_large = true;
    };
    if (static_cast<std::uintmax_t>(st.st_size) > limit) {
        too_large();
        ::close(fd);
        return r;
    }
    // The size can still change while it is read: never more than limit + 1 bytes.
    std::string text;
    text.resize(std::min<std::size_t>(static_cast<std::size_t>(st.st_size), limit) + 1);
    std::size_t have = 0;
    while (true) {
        if (have == text.size()) {
            if (text.size() > limit) break;
            text.resize(std::min(limit + 1, text.size() * 2 + 4096));
        }
        ssize_t n = ::read(fd, text.data() + have, text.size() - have);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            r.error = std::strerror(errno);
            ::close(fd);
            return r;
        }
        if (n == 0) break;
        have += static_cast<std::size_t>(n);
    }
    ::close(fd);
    if (have > limit) {
        too_large();
        return r;
    }
    text.resize(have);
    r.text = std::move(text);
    return r;
}

}  // namespace dockerops
