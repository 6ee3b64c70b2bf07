#pragma once
// libcurl, loaded on first use (dlopen) instead of at every start. Only an
// engine reached over TCP (tcp://, with or without TLS) needs it: libcurl opens
// that connection and carries its bytes (CONNECT_ONLY, curl_easy_send/recv),
// while the HTTP on top is ours (connection.hpp, http.cpp). Linking it cost
// every command ~18 ms before main on this kind of machine: Debian's libcurl
// brings some thirty libraries (GnuTLS, Kerberos, LDAP, SSH, RTMP, IDN...), and
// a no-op plan over the local socket needs none of them. archive_lib does the
// same for libarchive. The declarations come from libcurl's own headers, so a
// signature that changed would not compile.
#include "engine/model/result.hpp"

#ifndef CURL_DISABLE_TYPECHECK
#define CURL_DISABLE_TYPECHECK   // the typecheck macros would rewrite calls through these members
#endif
#include <curl/curl.h>

namespace dockerops::docker {

#define DOCKEROPS_CURL_FUNCTIONS(X)                                                               \
    X(curl_global_init) X(curl_easy_init) X(curl_easy_setopt) X(curl_easy_perform)                \
    X(curl_easy_getinfo) X(curl_easy_send) X(curl_easy_recv) X(curl_easy_cleanup) X(curl_easy_strerror)

struct CurlLib {
#define DOCKEROPS_CURL_MEMBER(name) decltype(&::name) name = nullptr;
    DOCKEROPS_CURL_FUNCTIONS(DOCKEROPS_CURL_MEMBER)
#undef DOCKEROPS_CURL_MEMBER
};

// The library, loaded and globally initialised once (thread-safe); an Error
// naming the library file and dlerror() when it cannot be loaded.
Result<const CurlLib*> curl_lib();

}  // namespace dockerops::docker
