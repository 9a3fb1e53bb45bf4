// Compile-time descriptions of the wire structs: one list of (JSON name, member, required) per
// struct drives the decoder, the encoder and the tests, so the three can never disagree.
//
// Thread safety: everything here is constexpr data; usable from any thread.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
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

/// The position of a name in a constant list of distinct names, found with one or two string
/// compares: an open-addressing table built at compile time, hashed on the length and three of
/// the characters. A scan of the 68 causes or the ~90 event names was ~2% of the link's I/O
/// thread (a frame names an event and a cause or two).
template <std::size_t N>
class name_index {
  public:
    constexpr explicit name_index(const std::array<std::string_view, N>& names) : names_(names) {
        for (std::size_t i = 0; i < N; ++i) {
            std::size_t at = hash(names[i]) & (kSlots - 1);
            while (slots_[at] != 0) at = (at + 1) & (kSlots - 1);
            slots_[at] = static_cast<std::uint16_t>(i + 1);
        }
    }
    constexpr std::optional<std::size_t> find(std::string_view text) const {
        for (std::size_t at = hash(text) & (kSlots - 1);; at = (at + 1) & (kSlots - 1)) {
            const std::size_t slot = slots_[at];
            if (slot == 0) return std::nullopt;
            if (names_[slot - 1] == text) return slot - 1;
        }
    }

  private:
    // At most a quarter full: an absent name meets an empty slot soon.
    static constexpr std::size_t kSlots = [] {
        std::size_t n = 8;
        while (n < 4 * N) n *= 2;
        return n;
    }();
    static_assert(N < 65535);
    static constexpr std::size_t hash(std::string_view s) {
        if (s.empty()) return 0;
        const auto at = [&](std::size_t i) {
            return static_cast<std::size_t>(static_cast<unsigned char>(s[i]));
        };
        return s.size() * 0x9E37U + at(0) * 31U + at(s.size() - 1) * 131U + at(s.size() / 2) * 7U;
    }
    std::array<std::string_view, N> names_;
    std::array<std::uint16_t, kSlots> slots_{};
};

template <described_enum E>
inline constexpr name_index<enum_traits<E>::names.size()> enum_names_index{enum_traits<E>::names};

template <described_enum E>
constexpr std::optional<E> enum_from_string(std::string_view text) {
    if (auto i = enum_names_index<E>.find(text)) return static_cast<E>(*i);
    return std::nullopt;
}

}  // namespace ctigw::protocol
