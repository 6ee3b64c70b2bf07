#include "providers/docker/dynlib.hpp"

#include <dlfcn.h>

namespace dockerops::docker {

Result<void*> open_library(const char* soname, const char* package) {
    void* handle = dlopen(soname, RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
        const char* why = dlerror();
        return Error{std::string("cannot load ") + soname + " (" + package + "): " + (why ? why : "unknown error")};
    }
    return handle;
}

void* find_symbol(void* handle, const char* name, std::string& missing) {
    void* f = dlsym(handle, name);
    if (!f) missing += std::string(missing.empty() ? "" : ", ") + name;
    return f;
}

}  // namespace dockerops::docker
