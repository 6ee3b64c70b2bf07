#include "providers/docker/curl_lib.hpp"

#include <dlfcn.h>

namespace dockerops::docker {

namespace {

// The soname the headers we compile against belong to (libcurl4 on Debian).
constexpr const char* kSoname = "libcurl.so.4";

Result<CurlLib> load() {
    void* handle = dlopen(kSoname, RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
        const char* why = dlerror();
        return Error{std::string("cannot load ") + kSoname + " (Debian's libcurl4, needed for tcp:// engines): " +
                     (why ? why : "unknown error")};
    }
    CurlLib lib;
    std::string missing;
#define DOCKEROPS_CURL_LOAD(name)                                                      \
    lib.name = reinterpret_cast<decltype(lib.name)>(dlsym(handle, #name));            \
    if (!lib.name) missing += std::string(missing.empty() ? "" : ", ") + #name;
    DOCKEROPS_CURL_FUNCTIONS(DOCKEROPS_CURL_LOAD)
#undef DOCKEROPS_CURL_LOAD
    if (!missing.empty()) return Error{std::string(kSoname) + " lacks " + missing};
    if (lib.curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) return Error{std::string("cannot initialise ") + kSoname};
    return lib;   // the handle stays open (and initialised) for the life of the process
}

}  // namespace

Result<const CurlLib*> curl_lib() {
    static const Result<CurlLib> lib = load();
    if (!lib) return lib.error();
    return &*lib;
}

}  // namespace dockerops::docker
