#pragma once
// Errors as values: a Result<T> holds a T or an Error. Used wherever a call can
// fail for reasons outside the program (the engine, the file system).
#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace dockerops {

struct Error {
    Error(std::string m, std::string o = {}, int s = 0) : message(std::move(m)), object(std::move(o)), status(s) {}
    std::string message;   // what happened, in the engine's words where it gave some
    std::string object;    // what it concerns: "container demo-web-one", "engine unix:///…"
    int status = 0;        // HTTP status when the engine answered, 0 otherwise
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
