#pragma once
// Boxed<T>: an optional T kept on the heap. It reads like std::optional
// (bool test, *, ->, emplace, reset) and copies like a value (a copy is a
// copy of the T), but it is one pointer wide: a record that may hold a large
// T (a plan's action and its container spec) stays small and moves cheaply.
#include <memory>
#include <utility>

namespace dockerops {

template <class T>
class Boxed {
public:
    Boxed() = default;
    Boxed(const T& v) : p_(std::make_unique<T>(v)) {}                 // NOLINT: as optional's
    Boxed(T&& v) : p_(std::make_unique<T>(std::move(v))) {}           // NOLINT: as optional's
    Boxed(const Boxed& o) : p_(o.p_ ? std::make_unique<T>(*o.p_) : nullptr) {}
    Boxed(Boxed&&) noexcept = default;
    Boxed& operator=(const Boxed& o) {
        if (this != &o) p_ = o.p_ ? std::make_unique<T>(*o.p_) : nullptr;
        return *this;
    }
    Boxed& operator=(Boxed&&) noexcept = default;
    Boxed& operator=(const T& v) { return *this = Boxed(v); }
    Boxed& operator=(T&& v) {
        p_ = std::make_unique<T>(std::move(v));
        return *this;
    }

    template <class... A>
    T& emplace(A&&... args) {
        p_ = std::make_unique<T>(std::forward<A>(args)...);
        return *p_;
    }
    void reset() { p_.reset(); }

    bool has_value() const { return p_ != nullptr; }
    explicit operator bool() const { return p_ != nullptr; }
    T& operator*() { return *p_; }
    const T& operator*() const { return *p_; }
    T* operator->() { return p_.get(); }
    const T* operator->() const { return p_.get(); }

private:
    std::unique_ptr<T> p_;
};

}  // namespace dockerops
