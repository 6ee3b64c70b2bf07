#pragma once
// SharedValue<T>: a T that copies like a value but shares its storage until
// one copy is written (copy-on-write). Read through * and ->; written through
// mut(), which first makes this copy's own when another shares it. share()
// hands out the current value for keeping (a plan's action keeps its
// instance's desired spec so, instead of a copy of 1.5 KB and its maps).
// Not for writing from several threads at once; reading is.
#include <memory>
#include <utility>

namespace dockerops {

template <class T>
class SharedValue {
public:
    SharedValue() : p_(std::make_shared<T>()) {}
    SharedValue(T v) : p_(std::make_shared<T>(std::move(v))) {}   // NOLINT: a value reads as one
    // A move shares too: the one moved from still reads its value (never null).
    SharedValue(const SharedValue&) = default;
    SharedValue(SharedValue&& o) noexcept : p_(o.p_) {}
    SharedValue& operator=(const SharedValue&) = default;
    SharedValue& operator=(SharedValue&& o) noexcept {
        p_ = o.p_;
        return *this;
    }

    const T& operator*() const { return *p_; }
    const T* operator->() const { return p_.get(); }
    T& mut() {
        if (p_.use_count() > 1) p_ = std::make_shared<T>(*p_);
        return *p_;
    }
    std::shared_ptr<const T> share() const { return p_; }

private:
    std::shared_ptr<T> p_;   // never null
};

}  // namespace dockerops
