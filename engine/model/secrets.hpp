#pragma once
// Secrets: values that never appear in what dockerops prints or stores.
// Where a digest is needed to notice a change (the spec label on a container,
// a saved plan) it is an HMAC-SHA-256 under a per-project key kept beside the
// project's key pair (.dockerops/secret-key, mode 0600, never committed), so a
// dictionary of likely passwords does not reverse it. Every text the command
// line prints goes through redact(), which masks each value registered here.
#include "engine/model/result.hpp"

#include <filesystem>
#include <string>
#include <string_view>

namespace dockerops {

// "hmac-sha256:<hex>" of `value` under `key`.
std::string secret_digest(std::string_view key, std::string_view value);

// The project's key: read from <root>/.dockerops/secret-key, made (0600, its
// folder 0700, .dockerops/ git-ignored) when missing.
Result<std::string> project_secret_key(const std::filesystem::path& root);

// Masks `value` in everything redact() sees from now on (values shorter than
// 3 characters would mask ordinary text, and are left alone).
void register_secret(const std::string& value);
// `text` with every registered value replaced by "(sensitive)".
std::string redact(std::string_view text);

}  // namespace dockerops
