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

// Extracts a tar stream into `dest`, dropping the first path component (the
// engine's archive of /data is rooted at "data/"). Owners and modes are kept.
Status extract_tar(std::FILE* tar, const std::filesystem::path& dest);

TempFile temp_file();

}  // namespace dockerops::docker
