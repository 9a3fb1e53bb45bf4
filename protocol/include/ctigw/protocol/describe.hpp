// Compile-time descriptions of the wire structs: one list of (JSON name, member, required) per
// struct drives the decoder, the encoder and the tests, so the three can never disagree.
//
// Thread safety: everything here is constexpr data; usable from any thread.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <vector>

namespace ctigw::protocol {

/// One member of a wire struct. `required` members must be present (and not null) on decode;
/// optional members are `std::optional<T>` (absent = nullopt) or `std::vector<T>` (absent = empty).
template <class Class, class Member>
struct field {
    std::string_view name;
    Member Class::*member;
    bool required;
};

template <class Class, class Member>
constexpr field<Class, Member> req(std::string_view name, Member Class::*member) {
    return {name, member, true};
}

template <class Class, class Member>
constexpr field<Class, Member> opt(std::string_view name, Member Class::*member) {
    return {name, member, false};
}

template <class T>
struct is_optional : std::false_type {};
template <class T>
struct is_optional<std::optional<T>> : std::true_type {};

template <class T>
struct is_vector : std::false_type {};
template <class T, class A>
struct is_vector<std::vector<T, A>> : std::true_type {};

/// A struct is "described" when it has `static constexpr auto fields()` returning a tuple of field.
template <class T>
concept described = requires {
    T::fields();
};

/// Names of an enum's values on the wire, indexed by the enumerator's value (0..N-1).
/// `open` enums accept unknown names on decode (mapped to `unknown_value`, and counted);
/// closed enums reject them.
template <class E>
struct enum_traits;

template <class E>
concept described_enum = requires {
    enum_traits<E>::names;
};

template <described_enum E>
constexpr std::string_view to_string(E value) {
    constexpr auto& names = enum_traits<E>::names;
    auto i = static_cast<std::size_t>(value);
    return i < names.size() ? names[i] : std::string_view{"?"};
}

template <described_enum E>
constexpr std::optional<E> enum_from_string(std::string_view text) {
    constexpr auto& names = enum_traits<E>::names;
    for (std::size_t i = 0; i < names.size(); ++i) {
        if (names[i] == text) return static_cast<E>(i);
    }
    return std::nullopt;
}

}  // namespace ctigw::protocol
