#include "providers/docker/curl_lib.hpp"

#include "providers/docker/dynlib.hpp"

namespace dockerops::docker {

namespace {

// The soname the headers we compile against belong to (libcurl4 on Debian).
constexpr const char* kCurlSoname = "libcurl.so.4";

Result<CurlLib> load_curl() {
    auto handle = open_library(kCurlSoname, "Debian's libcurl4, needed for tcp:// engines");
    if (!handle) return handle.error();
    CurlLib lib;
    std::string missing;
#define DOCKEROPS_CURL_LOAD(name) bind_function(*handle, #name, lib.name, missing);
    DOCKEROPS_CURL_FUNCTIONS(DOCKEROPS_CURL_LOAD)
#undef DOCKEROPS_CURL_LOAD
    if (!missing.empty()) return Error{std::string(kCurlSoname) + " lacks " + missing};
    if (lib.curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) return Error{std::string("cannot initialise ") + kCurlSoname};
    return lib;   // the library stays loaded (and initialised) for the life of the process
}

}  // namespace

Result<const CurlLib*> curl_lib() {
    static const Result<CurlLib> lib = load_curl();
    if (!lib) return lib.error();
    return &*lib;
}

}  // namespace dockerops::docker
