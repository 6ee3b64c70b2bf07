#include "providers/docker/archive_lib.hpp"

#include "providers/docker/dynlib.hpp"

namespace dockerops::docker {

namespace {

// The soname the headers we compile against belong to (libarchive13 on Debian).
constexpr const char* kArchiveSoname = "libarchive.so.13";

Result<ArchiveLib> load_archive() {
    auto handle = open_library(kArchiveSoname, "Debian's libarchive13");
    if (!handle) return handle.error();
    ArchiveLib lib;
    std::string missing;
#define DOCKEROPS_ARCHIVE_LOAD(name) bind_function(*handle, #name, lib.name, missing);
    DOCKEROPS_ARCHIVE_FUNCTIONS(DOCKEROPS_ARCHIVE_LOAD)
#undef DOCKEROPS_ARCHIVE_LOAD
    if (!missing.empty()) return Error{std::string(kArchiveSoname) + " lacks " + missing};
    return lib;   // the library stays loaded for the life of the process
}

}  // namespace

Result<const ArchiveLib*> archive_lib() {
    static const Result<ArchiveLib> lib = load_archive();
    if (!lib) return lib.error();
    return &*lib;
}

}  // namespace dockerops::docker
