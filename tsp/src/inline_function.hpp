// A move-only void() callable kept in place when it fits in Capacity bytes (else on the heap).
// The dispatcher's queue holds its callbacks in vectors it reuses: a LINEEVENT's callback (~90
// bytes of captures) then costs no allocation, where std::function allocated past 16 bytes and
// freed on the other thread. One allocation less per TAPI callback; the CPU per LINEEVENT did not
// change measurably (docs/performance.md, "Allocations per event").
//
// Thread safety: a value; one thread at a time.
#pragma once

#include <cstddef>
#include <new>
#include <type_traits>
#include <utility>

namespace ctigw::tsp {

template <std::size_t Capacity>
class inline_function {
  public:
    inline_function() noexcept = default;
    inline_function(std::nullptr_t) noexcept {}  // NOLINT(google-explicit-constructor)

    // Implicit, as std::function's; enable_if rather than requires: clang-tidy 14 sees only
    // the former as keeping the move constructor visible.
    template <class F, std::enable_if_t<!std::is_same_v<std::decay_t<F>, inline_function> &&
                                            std::is_invocable_r_v<void, std::decay_t<F>&>,
                                        int> = 0>
    inline_function(F&& f) {  // NOLINT(google-explicit-constructor)
        using T = std::decay_t<F>;
        if constexpr (fits<T>) {
            ::new (static_cast<void*>(storage_)) T(std::forward<F>(f));
            ops_ = &in_place<T>;
        } else {
            ::new (static_cast<void*>(storage_)) T*(new T(std::forward<F>(f)));
            ops_ = &on_heap<T>;
        }
    }

    inline_function(inline_function&& other) noexcept { take(other); }
    inline_function& operator=(inline_function&& other) noexcept {
        if (this != &other) {
            reset();
            take(other);
        }
        return *this;
    }
    inline_function& operator=(std::nullptr_t) noexcept {
        reset();
        return *this;
    }
    inline_function(const inline_function&) = delete;
    inline_function& operator=(const inline_function&) = delete;
    ~inline_function() { reset(); }

    explicit operator bool() const noexcept { return ops_ != nullptr; }
    /// Calls it; it must hold a callable.
    void operator()() { ops_->call(storage_); }
    /// Whether a callable of type T is kept in place (tests).
    template <class T>
    static constexpr bool fits =
        sizeof(T) <= Capacity &&
        alignof(T) <= alignof(std::max_align_t) && std::is_nothrow_move_constructible_v<T>;

  private:
    struct operations {
        void (*call)(void* self);
        void (*move)(void* from, void* to) noexcept;  // leaves `from` destroyed
        void (*destroy)(void* self) noexcept;
    };
    template <class T>
    static constexpr operations in_place{[](void* self) { (*static_cast<T*>(self))(); },
                                         [](void* from, void* to) noexcept {
                                             auto* f = static_cast<T*>(from);
                                             ::new (to) T(std::move(*f));
                                             f->~T();
                                         },
                                         [](void* self) noexcept { static_cast<T*>(self)->~T(); }};
    template <class T>
    static constexpr operations on_heap{
        [](void* self) { (**static_cast<T**>(self))(); },
        [](void* from, void* to) noexcept { ::new (to) T*(*static_cast<T**>(from)); },
        [](void* self) noexcept { delete *static_cast<T**>(self); }};

    void take(inline_function& other) noexcept {
        if (other.ops_ == nullptr) return;
        other.ops_->move(other.storage_, storage_);
        ops_ = std::exchange(other.ops_, nullptr);
    }
    void reset() noexcept {
        if (ops_ == nullptr) return;
        std::exchange(ops_, nullptr)->destroy(storage_);
    }

    alignas(std::max_align_t) unsigned char storage_[Capacity];
    const operations* ops_ = nullptr;
};

}  // namespace ctigw::tsp
