#pragma once
// A build context as a tar stream (libarchive), from the same file list the
// context hash uses (engine/context), so .dockerignore is honoured once.
#include "engine/model/result.hpp"

#include <cstdio>
#include <filesystem>
#include <memory>
#include <thread>

namespace dockerops::docker {

struct FileCloser {
    void operator()(std::FILE* f) const { if (f) std::fclose(f); }
};
using TempFile = std::unique_ptr<std::FILE, FileCloser>;

// Written to an anonymous temporary file and rewound (for tests and for
// what needs the whole archive at once).
Result<TempFile> write_context_tar(const std::filesystem::path& dir);
// Written to the descriptor `out` as it is read; a failed write (the reader gone) stops it.
Status write_context_tar_to(const std::filesystem::path& dir, int out);

// A build context streamed to the engine: a thread of its own writes the tar
// into a pipe while the upload reads it, so the memory is the pipe's and one
// 64 KiB buffer whatever the size of the context, and nothing is written to
// disk. finish() (after the upload) ends the reading and says how the writing
// went: a file that could not be read is named there.
class ContextStream {
public:
    static Result<std::unique_ptr<ContextStream>> open(const std::filesystem::path& dir);
    std::FILE* file() const { return read_.get(); }
    Status finish();
    ~ContextStream();
    ContextStream(const ContextStream&) = delete;
    ContextStream& operator=(const ContextStream&) = delete;

private:
    ContextStream() = default;
    TempFile read_;
    std::thread writer_;
    Status written_ = ok_status();
};

// A file or a folder (with what it holds; symbolic links as links) as a tar
// whose top entry is named `name`, in a rewound temporary file.
Result<TempFile> write_path_tar(const std::filesystem::path& src, const std::string& name);

// Extracts a tar stream into `dest`, dropping the first path component (the
// engine's archive of /data is rooted at "data/"; that of a file is the file,
// written as dest). Owners and modes are kept.
Status extract_tar(std::FILE* tar, const std::filesystem::path& dest);

TempFile temp_file();

}  // namespace dockerops::docker
