#pragma once
// libarchive, loaded on first use (dlopen) instead of at every start: only a
// build (its context) and a data seed (an archive from the engine) need it, and
// loading it with its own libraries cost every command ~8 ms (a third of a
// no-op plan's start-up). The same idea as git's separate curl helper.
// The declarations come from libarchive's own headers, so a signature that
// changed would not compile.
#include "engine/model/result.hpp"

#include <archive.h>
#include <archive_entry.h>

namespace dockerops::docker {

#define DOCKEROPS_ARCHIVE_FUNCTIONS(X)                                                              \
    X(archive_error_string) X(archive_write_new) X(archive_write_set_format_pax_restricted)         \
    X(archive_write_open) X(archive_write_header) X(archive_write_data) X(archive_write_close) \
    X(archive_write_free) X(archive_entry_new) X(archive_entry_free) X(archive_entry_set_pathname)  \
    X(archive_entry_copy_stat) X(archive_entry_set_uid) X(archive_entry_set_gid)                    \
    X(archive_entry_set_uname) X(archive_entry_set_gname) X(archive_entry_set_symlink)              \
    X(archive_entry_set_size) X(archive_entry_pathname) X(archive_entry_hardlink)                   \
    X(archive_entry_set_hardlink) X(archive_read_new) X(archive_read_support_format_tar)            \
    X(archive_read_open_FILE) X(archive_read_next_header) X(archive_read_data_block)                \
    X(archive_read_free) X(archive_write_disk_new) X(archive_write_disk_set_options)                \
    X(archive_write_data_block) X(archive_write_finish_entry)

struct ArchiveLib {
#define DOCKEROPS_ARCHIVE_MEMBER(name) decltype(&::name) name = nullptr;
    DOCKEROPS_ARCHIVE_FUNCTIONS(DOCKEROPS_ARCHIVE_MEMBER)
#undef DOCKEROPS_ARCHIVE_MEMBER
};

// The library, loaded once (thread-safe); an Error naming the library file
// and dlerror() when it cannot be loaded.
Result<const ArchiveLib*> archive_lib();

}  // namespace dockerops::docker
