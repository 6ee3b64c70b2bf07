#include "providers/docker/archive_lib.hpp"

#include <dlfcn.h>

namespace dockerops::docker {

namespace {

// The soname the headers we compile against belong to (libarchive13 on Debian).
constexpr const char* kSoname = "libarchive.so.13";

Result<ArchiveLib> load() {
    void* handle = dlopen(kSoname, RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
        const char* why = dlerror();
        return Error{std::string("cannot load ") + kSoname + " (Debian's libarchive13): " +
                     (why ? why : "unknown error")};
    }
    ArchiveLib lib;
    std::string missing;
#define DOCKEROPS_ARCHIVE_LOAD(name)                                                   \
    lib.name = reinterpret_cast<decltype(lib.name)>(dlsym(handle, #name));            \
    if (!lib.name) missing += std::string(missing.empty() ? "" : ", ") + #name;
    DOCKEROPS_ARCHIVE_FUNCTIONS(DOCKEROPS_ARCHIVE_LOAD)
#undef DOCKEROPS_ARCHIVE_LOAD
    if (!missing.empty()) return Error{std::string(kSoname) + " lacks " + missing};
    return lib;   // the handle stays open for the life of the process
}

}  // namespace

Result<const ArchiveLib*> archive_lib() {
    static const Result<ArchiveLib> lib = load();
    if (!lib) return lib.error();
    return &*lib;
}

}  // namespace dockerops::docker
