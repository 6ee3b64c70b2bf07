#include "providers/docker/tar.hpp"

#include "engine/desired/context.hpp"

#include "providers/docker/archive_lib.hpp"
#include <sys/stat.h>
#include <csignal>
#include <cstdlib>
#include <fcntl.h>
#include <pthread.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fstream>

namespace fs = std::filesystem;

namespace dockerops::docker {

namespace {

// libarchive's output: straight to a file descriptor, each failure kept (the
// reader of a pipe gone is EPIPE; SIGPIPE is blocked or ignored).
struct FdSink {
    int fd;
    int error = 0;
};
la_ssize_t write_to_fd(struct archive*, void* data, const void* buf, size_t n) {
    auto* sink = static_cast<FdSink*>(data);
    while (true) {
        const ssize_t w = ::write(sink->fd, buf, n);
        if (w >= 0) return w;
        if (errno == EINTR) continue;
        sink->error = errno;
        return -1;
    }
}

}  // namespace

Result<TempFile> write_context_tar(const fs::path& dir) {
    TempFile out(std::tmpfile());
    if (!out) return Error{"cannot make a temporary file for the build context"};
    if (auto s = write_context_tar_to(dir, fileno(out.get())); !s) return s.error();
    std::rewind(out.get());   // (written past its buffer, through the descriptor)
    return out;
}

Status write_context_tar_to(const fs::path& dir, int out) {
    if (!fs::is_directory(dir)) return Error{"build context '" + dir.string() + "' is not a folder"};
    auto lib = archive_lib();
    if (!lib) return lib.error();
    const ArchiveLib* L = *lib;
    struct archive* a = L->archive_write_new();
    L->archive_write_set_format_pax_restricted(a);
    FdSink sink{out};
    if (L->archive_write_open(a, &sink, nullptr, write_to_fd, nullptr) != ARCHIVE_OK) {
        std::string msg = L->archive_error_string(a) ? L->archive_error_string(a) : "unknown error";
        L->archive_write_free(a);
        return Error{"cannot write the build context: " + msg};
    }
    std::string failure;
    std::vector<char> buf(1 << 16);
    for (const auto& e : context_entries(dir)) {
        struct stat st;
        if (lstat(e.path.c_str(), &st) != 0) continue;
        struct archive_entry* entry = L->archive_entry_new();
        L->archive_entry_set_pathname(entry, e.rel.c_str());
        L->archive_entry_copy_stat(entry, &st);
        L->archive_entry_set_uid(entry, 0);
        L->archive_entry_set_gid(entry, 0);
        L->archive_entry_set_uname(entry, "");
        L->archive_entry_set_gname(entry, "");
        if (e.kind == ContextEntry::Kind::Symlink) {
            L->archive_entry_set_symlink(entry, fs::read_symlink(e.path).c_str());
            L->archive_entry_set_size(entry, 0);
        } else if (e.kind == ContextEntry::Kind::Dir) {
            L->archive_entry_set_size(entry, 0);
        }
        if (L->archive_write_header(a, entry) != ARCHIVE_OK) {
            failure = L->archive_error_string(a) ? L->archive_error_string(a) : "cannot write " + e.rel;
            L->archive_entry_free(entry);
            break;
        }
        if (e.kind == ContextEntry::Kind::File) {
            std::ifstream in(e.path, std::ios::binary);
            while (in && failure.empty()) {
                in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
                std::streamsize n = in.gcount();
                // A reader that went away (the engine ended the upload) stops the writing.
                if (n > 0 && L->archive_write_data(a, buf.data(), static_cast<size_t>(n)) < 0)
                    failure = sink.error ? std::strerror(sink.error) : L->archive_error_string(a) ? L->archive_error_string(a) : "cannot write " + e.rel;
            }
        }
        L->archive_entry_free(entry);
        if (!failure.empty()) break;
    }
    if (L->archive_write_close(a) != ARCHIVE_OK && failure.empty())
        failure = sink.error ? std::strerror(sink.error) : L->archive_error_string(a) ? L->archive_error_string(a) : "cannot end the archive";
    L->archive_write_free(a);
    if (!failure.empty()) return Error{"cannot write the build context: " + failure};
    return ok_status();
}

Result<std::unique_ptr<ContextStream>> ContextStream::open(const fs::path& dir) {
    if (!fs::is_directory(dir)) return Error{"build context '" + dir.string() + "' is not a folder"};
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) return Error{std::string("cannot make a pipe for the build context: ") + std::strerror(errno)};
    std::unique_ptr<ContextStream> s(new ContextStream());
    s->read_.reset(fdopen(fds[0], "rb"));
    if (!s->read_) {
        ::close(fds[0]);
        ::close(fds[1]);
        return Error{"cannot open the build context's pipe"};
    }
    const int write_end = fds[1];
    s->writer_ = std::thread([dir, write_end, out = &s->written_]() {
        // A reader gone makes write() fail with EPIPE here, never a signal that ends the process.
        sigset_t pipe;
        sigemptyset(&pipe);
        sigaddset(&pipe, SIGPIPE);
        pthread_sigmask(SIG_BLOCK, &pipe, nullptr);
        *out = write_context_tar_to(dir, write_end);
        ::close(write_end);
    });
    return s;
}

Status ContextStream::finish() {
    if (writer_.joinable()) {
        read_.reset();   // a writer still writing gets EPIPE and stops
        writer_.join();
    }
    return written_;
}

ContextStream::~ContextStream() { (void)finish(); }

Result<TempFile> write_path_tar(const fs::path& src, const std::string& name) {
    auto lib = archive_lib();
    if (!lib) return lib.error();
    const ArchiveLib* L = *lib;
    TempFile out(std::tmpfile());
    if (!out) return Error{"cannot make a temporary file for " + src.string()};
    struct archive* a = L->archive_write_new();
    L->archive_write_set_format_pax_restricted(a);
    FdSink sink{fileno(out.get())};   // as the context: every failed write seen
    if (L->archive_write_open(a, &sink, nullptr, write_to_fd, nullptr) != ARCHIVE_OK) {
        L->archive_write_free(a);
        return Error{"cannot write an archive of " + src.string()};
    }
    std::string failure;
    std::vector<char> buf(1 << 16);
    auto add = [&](const fs::path& path, const std::string& rel) {
        struct stat st;
        if (lstat(path.c_str(), &st) != 0) { failure = path.string() + ": cannot be read"; return; }
        struct archive_entry* entry = L->archive_entry_new();
        L->archive_entry_set_pathname(entry, rel.c_str());
        L->archive_entry_copy_stat(entry, &st);
        if (S_ISLNK(st.st_mode)) {
            L->archive_entry_set_symlink(entry, fs::read_symlink(path).c_str());
            L->archive_entry_set_size(entry, 0);
        } else if (!S_ISREG(st.st_mode)) {
            L->archive_entry_set_size(entry, 0);
        }
        if (L->archive_write_header(a, entry) != ARCHIVE_OK) {
            failure = L->archive_error_string(a) ? L->archive_error_string(a) : "cannot write " + rel;
        } else if (S_ISREG(st.st_mode)) {
            std::ifstream in(path, std::ios::binary);   // streamed: a fixed buffer, whatever the size
            while (in && failure.empty()) {
                in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
                if (std::streamsize n = in.gcount(); n > 0 && L->archive_write_data(a, buf.data(), static_cast<size_t>(n)) < 0)
                    failure = sink.error ? std::strerror(sink.error) : "cannot write " + rel;
            }
        }
        L->archive_entry_free(entry);
    };
    add(src, name);
    std::error_code ec;
    if (failure.empty() && fs::is_directory(fs::symlink_status(src, ec)))
        for (auto it = fs::recursive_directory_iterator(src, ec); failure.empty() && it != fs::recursive_directory_iterator(); it.increment(ec)) {
            if (ec) { failure = ec.message(); break; }
            add(it->path(), name + "/" + fs::relative(it->path(), src, ec).string());
        }
    if (L->archive_write_close(a) != ARCHIVE_OK && failure.empty())
        failure = sink.error ? std::strerror(sink.error) : "cannot end the archive";
    L->archive_write_free(a);
    if (!failure.empty()) return Error{"cannot archive " + src.string() + ": " + failure};
    std::rewind(out.get());   // (written through the descriptor, past the FILE's buffer)
    return out;
}

}  // namespace dockerops::docker

namespace dockerops::docker {

TempFile temp_file() { return TempFile(std::tmpfile()); }

Status extract_tar(std::FILE* tar, const fs::path& dest) {
    auto lib = archive_lib();
    if (!lib) return lib.error();
    const ArchiveLib* L = *lib;
    struct archive* in = L->archive_read_new();
    L->archive_read_support_format_tar(in);
    struct archive* out = L->archive_write_disk_new();
    L->archive_write_disk_set_options(out, ARCHIVE_EXTRACT_TIME | ARCHIVE_EXTRACT_PERM | ARCHIVE_EXTRACT_OWNER |
                                            ARCHIVE_EXTRACT_SECURE_NODOTDOT | ARCHIVE_EXTRACT_SECURE_SYMLINKS);
    std::string failure;
    if (L->archive_read_open_FILE(in, tar) != ARCHIVE_OK) failure = L->archive_error_string(in);
    struct archive_entry* e = nullptr;
    // Fault injection for the kill-safety tests (tests/e2e/trust_test.sh
    // seed_kill): DOCKEROPS_TEST_KILL_AFTER_SEEDED_FILES=N makes the process
    // kill itself (SIGKILL) once N entries are written. Never set otherwise.
    long kill_after = -1;
    if (const char* k = std::getenv("DOCKEROPS_TEST_KILL_AFTER_SEEDED_FILES"); k && *k) kill_after = std::atol(k);
    long written = 0;
    while (failure.empty()) {
        int r = L->archive_read_next_header(in, &e);
        if (r == ARCHIVE_EOF) break;
        if (r != ARCHIVE_OK) { failure = L->archive_error_string(in); break; }
        std::string name = L->archive_entry_pathname(e);
        auto slash = name.find('/');
        std::string rest = slash == std::string::npos ? "" : name.substr(slash + 1);
        L->archive_entry_set_pathname(e, (rest.empty() ? dest : dest / rest).c_str());
        if (const char* link = L->archive_entry_hardlink(e)) {
            std::string l = link;
            auto s2 = l.find('/');
            L->archive_entry_set_hardlink(e, (dest / (s2 == std::string::npos ? "" : l.substr(s2 + 1))).c_str());
        }
        if (L->archive_write_header(out, e) != ARCHIVE_OK) { failure = L->archive_error_string(out); break; }
        const void* buf;
        size_t size;
        la_int64_t offset;
        while (L->archive_read_data_block(in, &buf, &size, &offset) == ARCHIVE_OK) L->archive_write_data_block(out, buf, size, offset);
        L->archive_write_finish_entry(out);
        if (kill_after >= 0 && ++written >= kill_after) ::kill(::getpid(), SIGKILL);
    }
    L->archive_read_free(in);
    L->archive_write_free(out);
    if (!failure.empty()) return Error{"cannot unpack into " + dest.string() + ": " + failure};
    return ok_status();
}

}  // namespace dockerops::docker
