#pragma once
// A build context as a tar stream (libarchive), from the same file list the
// context hash uses (engine/context), so .dockerignore is honoured once.
#include "engine/model/result.hpp"

#include <cstdio>
#include <filesystem>
#include <memory>

namespace dockerops::docker {

struct FileCloser {
    void operator()(std::FILE* f) const { if (f) std::fclose(f); }
};
using TempFile = std::unique_ptr<std::FILE, FileCloser>;

// Written to an anonymous temporary file and rewound: memory stays flat
// whatever the size of the context, and the upload streams from disk.
Result<TempFile> write_context_tar(const std::filesystem::path& dir);

// A file or a folder (with what it holds; symbolic links as links) as a tar
// whose top entry is named `name`, in a rewound temporary file.
Result<TempFile> write_path_tar(const std::filesystem::path& src, const std::string& name);

// Extracts a tar stream into `dest`, dropping the first path component (the
// engine's archive of /data is rooted at "data/"; that of a file is the file,
// written as dest). Owners and modes are kept.
Status extract_tar(std::FILE* tar, const std::filesystem::path& dest);

TempFile temp_file();

}  // namespace dockerops::docker
