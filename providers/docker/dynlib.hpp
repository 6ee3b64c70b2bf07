#pragma once
// A library loaded on first use (dlopen) instead of at every start, its
// functions bound by name: archive_lib (libarchive) and curl_lib (libcurl).
#include "engine/model/result.hpp"

#include <string>

namespace dockerops::docker {

// dlopen(soname) for the life of the process; an Error naming the library,
// the Debian package that has it, and dlerror().
Result<void*> open_library(const char* soname, const char* package);

// The function `name` of `handle` into `fn`; its name added to `missing`
// (", "-separated) when the library lacks it.
void* find_symbol(void* handle, const char* name, std::string& missing);
template <class Fn>
void bind_function(void* handle, const char* name, Fn& fn, std::string& missing) {
    fn = reinterpret_cast<Fn>(find_symbol(handle, name, missing));
}

}  // namespace dockerops::docker
