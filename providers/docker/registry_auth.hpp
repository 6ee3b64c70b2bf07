#pragma once
// Registry credentials as the docker CLI keeps them: its config.json
// ($DOCKER_CONFIG, else ~/.docker) with `auths`, a `credsStore` or per
// registry `credHelpers` (docker-credential-NAME programs on PATH). Pulls and
// pushes send them to the engine as X-Registry-Auth; nothing is written.
#include "engine/model/result.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace dockerops::docker {

// Where credentials are looked for: read from the environment once, where the
// endpoint is (endpoint_from_env), never during a call.
struct CredentialSources {
    std::string config_dir;   // the folder holding config.json; empty: none
    std::string path;         // PATH, searched for docker-credential-* helpers
};

struct RegistryCredentials {
    std::string server;           // as the engine is told it ("127.0.0.1:5000", "https://index.docker.io/v1/")
    std::string username, password;
    std::string identity_token;   // a helper's or config's token instead of a password
    std::string from;             // where they were found, for messages ("config.json auths", "helper docker-credential-pass")
};

// The registry a reference names, as docker reads it: its first component
// when it has a '.' or ':' or is "localhost", else Docker Hub ("docker.io").
std::string registry_of(std::string_view ref);

// The credentials for `registry`: a credHelpers entry, else the credsStore,
// else auths. nullopt when there are none; an Error when config.json is
// unreadable or a helper fails other than "not found".
Result<std::optional<RegistryCredentials>> find_credentials(const std::string& registry, const CredentialSources& from);

// The X-Registry-Auth header's value: base64url of the engine's AuthConfig JSON.
std::string registry_auth_header(const RegistryCredentials& c);

// Base64 (standard alphabet) of `data`, and back (nullopt when it is not base64).
std::string base64_encode(std::string_view data);
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace dockerops::docker
