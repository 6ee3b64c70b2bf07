#pragma once
// Secrets: values that never appear in what dockerops prints or stores.
// Where a digest is needed to notice a change (the spec label on a container,
// a saved plan) it is an HMAC-SHA-256 under a per-project key kept beside the
// project's key pair (.dockerops/secret-key, mode 0600, never committed), so a
// dictionary of likely passwords does not reverse it. Every text the command
// line prints goes through a Redactor, which masks each value added to it.
#include <mutex>
#include <set>
#include <string>
#include <string_view>

namespace dockerops {

// "hmac-sha256:<hex>" of `value` under `key`.
std::string secret_digest(std::string_view key, std::string_view value);

// The secret values of one session (the command line's Ui holds it): each
// added value is masked in every text redacted from then on. Safe to use from
// the executor's workers.
class Redactor {
public:
    // Values shorter than 3 characters would mask ordinary text, and are left alone.
    void add(const std::string& value);
    // `text` with every added value (and its Go-quoted form, as the engine
    // quotes it in errors) replaced by "(sensitive)".
    std::string redact(std::string_view text) const;

private:
    // Longest first, so that a value inside another is not masked before it.
    struct LongestFirst {
        bool operator()(const std::string& a, const std::string& b) const {
            return a.size() != b.size() ? a.size() > b.size() : a < b;
        }
    };
    mutable std::mutex mutex_;
    std::set<std::string, LongestFirst> values_;
};

}  // namespace dockerops
