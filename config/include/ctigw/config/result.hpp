#pragma once

#include <cstddef>
#include <string>
#include <utility>
#include <variant>

namespace ctigw::config {

/**
 * A value or a human-readable error message; stands in for std::expected, which GCC 12 lacks in
 * C++20. Messages produced by this component never contain secrets.
 *
 * Thread safety: a plain value type (thread-compatible).
 */
template <class T>
class result {
  public:
    static result success(T value) { return result(std::in_place_index<0>, std::move(value)); }
    static result failure(std::string message) {
        return result(std::in_place_index<1>, std::move(message));
    }

    bool ok() const noexcept { return state_.index() == 0; }
    explicit operator bool() const noexcept { return ok(); }

    /** @pre ok() */
    const T& value() const& { return std::get<0>(state_); }
    /** @pre ok() */
    T&& value() && { return std::get<0>(std::move(state_)); }
    /** @pre !ok() */
    const std::string& error() const { return std::get<1>(state_); }

  private:
    template <std::size_t I, class U>
    result(std::in_place_index_t<I> tag, U&& v) : state_(tag, std::forward<U>(v)) {}

    std::variant<T, std::string> state_;
};

}  // namespace ctigw::config
