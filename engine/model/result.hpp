#pragma once
// Errors as values: a Result<T> holds a T or an Error. Used wherever a call can
// fail for reasons outside the program (the engine, the file system).
#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace dockerops {

// What kind of failure, for callers that act on it (never on the message's
// words): set by the provider that read the engine's answer.
enum class ErrorKind {
    Other,
    NotFound,          // the object is not there (HTTP 404)
    Conflict,          // a name or state in the way (HTTP 409)
    AddressOverlap,    // a network's subnet overlaps one the engine holds ("Pool overlaps")
    PortTaken,         // a host port another process or container holds
    InUse,             // still used (an overlay with endpoints of tasks just removed)
    Reported,          // already told the user, line by line (a configuration's errors): not printed again
};

struct Error {
    Error(std::string m, std::string o = {}, int s = 0) : message(std::move(m)), object(std::move(o)), status(s) {}
    Error(ErrorKind k, std::string m, std::string o = {}, int s = 0)
        : message(std::move(m)), object(std::move(o)), status(s), kind(k) {}
    std::string message;   // what happened, in the engine's words where it gave some
    std::string object;    // what it concerns: "container demo-web-one", "engine unix:///…"
    int status = 0;        // HTTP status when the engine answered, 0 otherwise
    ErrorKind kind = ErrorKind::Other;
    std::string text() const { return object.empty() ? message : object + ": " + message; }
};

template <typename T>
class [[nodiscard]] Result {
public:
    Result(T value) : v_(std::move(value)) {}
    Result(Error e) : v_(std::move(e)) {}
    bool ok() const { return v_.index() == 0; }
    explicit operator bool() const { return ok(); }
    T& value() { return std::get<0>(v_); }
    const T& value() const { return std::get<0>(v_); }
    T& operator*() { return value(); }
    const T& operator*() const { return value(); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }
    const Error& error() const { return std::get<1>(v_); }

private:
    std::variant<T, Error> v_;
};

struct Unit {};
using Status = Result<Unit>;
inline Status ok_status() { return Unit{}; }

}  // namespace dockerops
