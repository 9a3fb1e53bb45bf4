/**
 * @file
 * Writing and reading TAPI variable-size structures (LINEDEVCAPS, LINECALLINFO, VARSTRING, ...)
 * by the TSPI rules (tspi.md §3.6), plus UTF-8 <-> UTF-16 conversion.
 *
 * Rules implemented by var_writer:
 * - the caller (TAPI) allocates the buffer and sets dwTotalSize; we never write dwTotalSize and
 *   never write a byte at or past dwTotalSize, whatever its value;
 * - a null structure pointer is LINEERR_INVALPOINTER (PHONEERR_INVALPOINTER);
 * - dwTotalSize smaller than the fixed part *for the negotiated version* is
 *   LINEERR_STRUCTURETOOSMALL (PHONEERR_STRUCTURETOOSMALL), and nothing is written; this is the
 *   only "too small" error: a buffer that holds the fixed part always succeeds;
 * - the fixed part (up to the negotiated version's size) is zeroed, then filled by the caller;
 *   members newer than the negotiated version are never written;
 * - variable fields are appended after the fixed part in call order, each at a 4-byte aligned
 *   offset from the structure start, each all or nothing: a field that does not fit gets
 *   Size = 0 and Offset = 0 and later fields may still fit; dwNeededSize counts every field as if
 *   all had fit, dwUsedSize is the end of the last byte actually written;
 * - strings are WCHAR, NUL-terminated, Size in bytes including the terminator; an empty string
 *   is still one WCHAR (2 bytes).
 *
 * Thread-safety: none needed; a var_writer lives on one thread for one TSPI call.
 */
#pragma once

#include "ctigw/tsp/tapi.hpp"

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>

namespace ctigw::tsp {

/// TAPI/TSPI version numbers (HIWORD major, LOWORD minor) ctigw negotiates.
inline constexpr std::uint32_t tapi_version_2_0 = 0x00020000;
inline constexpr std::uint32_t tapi_version_2_1 = 0x00020001;
inline constexpr std::uint32_t tapi_version_2_2 = 0x00020002;
inline constexpr std::uint32_t tapi_version_3_0 = 0x00030000;
inline constexpr std::uint32_t tapi_version_3_1 = 0x00030001;

namespace detail {

/// Byte offset of a data member, without touching any caller buffer.
template <class T, class M>
std::uint32_t member_offset(M T::*member) noexcept {
    static_assert(std::is_standard_layout_v<T>);
    alignas(T) static const unsigned char probe_storage[sizeof(T)] = {};
    const auto* probe = reinterpret_cast<const T*>(probe_storage);
    const auto* base = reinterpret_cast<const unsigned char*>(probe);
    const auto* field = reinterpret_cast<const unsigned char*>(&(probe->*member));
    return static_cast<std::uint32_t>(field - base);
}

/// Offset of the first member added after the given version, i.e. the fixed size below it.
#define CTIGW_TSP_OFFSET(type, member) static_cast<std::uint32_t>(offsetof(type, member))

}  // namespace detail

/**
 * Size in bytes of the fixed part of @p T for a negotiated TSPI version (2.0 ... 3.1).
 *
 * Only four structures grew between TAPI 2.0 and 3.1 (MS tapi.h `#if TAPI_CURRENT_VERSION`
 * blocks; mingw-w64 has the 3.1 layout only): LINEDEVCAPS (2.2: PermanentLineGuid;
 * 3.0: dwAddressTypes, ProtocolGuid, dwAvailableTracking), PHONECAPS (2.2: PermanentPhoneGuid),
 * LINECALLINFO (3.0: dw*IDAddressType x5) and LINECALLPARAMS (3.0: dwAddressType). Every other
 * structure has its full sizeof from 2.0 on. Versions below 2.0 are never negotiated by ctigw and
 * get the 2.0 size; versions above 3.1 get the full size.
 */
template <class T>
constexpr std::uint32_t fixed_size(std::uint32_t tspi_version) noexcept {
    if constexpr (std::is_same_v<T, LINEDEVCAPS>) {
        if (tspi_version < tapi_version_2_2)
            return CTIGW_TSP_OFFSET(LINEDEVCAPS, PermanentLineGuid);
        if (tspi_version < tapi_version_3_0) return CTIGW_TSP_OFFSET(LINEDEVCAPS, dwAddressTypes);
    } else if constexpr (std::is_same_v<T, PHONECAPS>) {
        if (tspi_version < tapi_version_2_2) return CTIGW_TSP_OFFSET(PHONECAPS, PermanentPhoneGuid);
    } else if constexpr (std::is_same_v<T, LINECALLINFO>) {
        if (tspi_version < tapi_version_3_0)
            return CTIGW_TSP_OFFSET(LINECALLINFO, dwCallerIDAddressType);
    } else if constexpr (std::is_same_v<T, LINECALLPARAMS>) {
        if (tspi_version < tapi_version_3_0) return CTIGW_TSP_OFFSET(LINECALLPARAMS, dwAddressType);
    }
    return static_cast<std::uint32_t>(sizeof(T));
}

#undef CTIGW_TSP_OFFSET

/// Outcome of checking a caller's variable-size structure before filling it.
enum class var_status {
    ok,            ///< dwTotalSize holds the fixed part
    null_pointer,  ///< structure pointer was null
    too_small,     ///< dwTotalSize < fixed part for the negotiated version
};

/// LINEERR_* for a status (0 for ok).
constexpr LONG to_lineerr(var_status s) noexcept {
    switch (s) {
        case var_status::ok:
            return 0;
        case var_status::null_pointer:
            return static_cast<LONG>(LINEERR_INVALPOINTER);
        case var_status::too_small:
            return static_cast<LONG>(LINEERR_STRUCTURETOOSMALL);
    }
    return static_cast<LONG>(LINEERR_OPERATIONFAILED);
}

/// PHONEERR_* for a status (0 for ok).
constexpr LONG to_phoneerr(var_status s) noexcept {
    switch (s) {
        case var_status::ok:
            return 0;
        case var_status::null_pointer:
            return static_cast<LONG>(PHONEERR_INVALPOINTER);
        case var_status::too_small:
            return static_cast<LONG>(PHONEERR_STRUCTURETOOSMALL);
    }
    return static_cast<LONG>(PHONEERR_OPERATIONFAILED);
}

/**
 * Fills one caller-allocated variable-size structure.
 *
 * Usage (in a TSPI_lineGetDevCaps adapter):
 * @code
 *   var_writer<LINEDEVCAPS> w(caps, fixed_size<LINEDEVCAPS>(version));
 *   if (!w.fits_fixed()) return to_lineerr(w.status());
 *   w.set(&LINEDEVCAPS::dwNumAddresses, 1);
 *   w.put_string(&LINEDEVCAPS::dwLineNameSize, &LINEDEVCAPS::dwLineNameOffset, u"Ext 201");
 *   w.finish();
 *   return 0;
 * @endcode
 * The constructor zeroes the fixed part (bytes 4 .. fixed) when it fits. All writes are bounded
 * by min(dwTotalSize, buffer end implied by it); arithmetic is 64-bit so absurd sizes and offsets
 * cannot wrap.
 */
template <class T>
class var_writer {
    static_assert(std::is_standard_layout_v<T> && std::is_trivially_copyable_v<T>);
    static_assert(offsetof(T, dwTotalSize) == 0 && offsetof(T, dwNeededSize) == 4 &&
                      offsetof(T, dwUsedSize) == 8,
                  "not a TAPI variable-size structure");

  public:
    /// Alignment of each appended variable field, relative to the structure start.
    static constexpr std::uint32_t field_alignment = 4;

    /**
     * @param s     caller's structure (may be null: status() is then null_pointer)
     * @param fixed fixed-part size for the negotiated version (fixed_size<T>(version)); clamped
     *              to [12, sizeof(T)]
     */
    var_writer(T* s, std::uint32_t fixed) noexcept : s_(s), fixed_(clamp_fixed(fixed)) {
        if (s_ == nullptr) {
            status_ = var_status::null_pointer;
            return;
        }
        std::uint32_t total = 0;
        std::memcpy(&total, bytes(), sizeof total);
        total_ = total;
        if (total_ < fixed_) {
            status_ = var_status::too_small;
            return;
        }
        std::memset(bytes() + 4, 0, fixed_ - 4);
        needed_ = fixed_;
        used_ = fixed_;
        cursor_ = fixed_;
    }

    var_writer(const var_writer&) = delete;
    var_writer& operator=(const var_writer&) = delete;

    /// True when the structure is usable (non-null, dwTotalSize >= fixed part).
    [[nodiscard]] bool fits_fixed() const noexcept { return status_ == var_status::ok; }
    [[nodiscard]] var_status status() const noexcept { return status_; }

    /// True if @p member lies inside the fixed part for the negotiated version.
    template <class M>
    [[nodiscard]] bool has(M T::*member) const noexcept {
        return detail::member_offset(member) + sizeof(M) <= fixed_;
    }

    /**
     * Sets a fixed-part member. Ignored (returns false) if the structure is unusable or the
     * member is newer than the negotiated version. dwTotalSize/dwNeededSize/dwUsedSize are owned
     * by the writer and are ignored too.
     */
    template <class M, class V>
    bool set(M T::*member, const V& value) noexcept {
        static_assert(std::is_trivially_copyable_v<M>);
        if (!fits_fixed() || !has(member)) return false;
        const std::uint32_t off = detail::member_offset(member);
        if (off < 12) return false;
        const M v = static_cast<M>(value);
        std::memcpy(bytes() + off, &v, sizeof v);
        return true;
    }

    /**
     * Appends a NUL-terminated WCHAR string and sets its Size/Offset members.
     * @return the offset written, or 0 if the field did not fit (Size/Offset are then 0).
     */
    std::uint32_t put_string(DWORD T::*size_member, DWORD T::*offset_member,
                             std::u16string_view text) {
        std::u16string tmp(text);
        tmp.push_back(u'\0');
        return put_bytes(size_member, offset_member, tmp.data(), tmp.size() * sizeof(char16_t));
    }

    /// UTF-8 overload of put_string (invalid UTF-8 becomes U+FFFD).
    std::uint32_t put_string_utf8(DWORD T::*size_member, DWORD T::*offset_member,
                                  std::string_view utf8);

    /**
     * Appends a list of WCHAR strings, each NUL-terminated, the list ended by an extra NUL
     * (LINEDEVCAPS.dwDeviceClasses format). An empty list is two NULs (4 bytes).
     */
    std::uint32_t put_string_list(DWORD T::*size_member, DWORD T::*offset_member,
                                  std::span<const std::u16string_view> items) {
        std::u16string tmp;
        for (auto item : items) {
            tmp.append(item);
            tmp.push_back(u'\0');
        }
        if (items.empty()) tmp.push_back(u'\0');
        tmp.push_back(u'\0');
        return put_bytes(size_member, offset_member, tmp.data(), tmp.size() * sizeof(char16_t));
    }

    /// Appends raw bytes (a blob, an array of sub-structures) and sets Size/Offset.
    std::uint32_t put_bytes(DWORD T::*size_member, DWORD T::*offset_member, const void* data,
                            std::size_t length) {
        const std::uint32_t off = append(data, length);
        set_pair(size_member, offset_member, off == 0 ? 0 : static_cast<std::uint64_t>(length),
                 off);
        return off;
    }

    /**
     * Appends raw bytes without a Size/Offset member pair (for data whose offsets live elsewhere,
     * e.g. strings inside LINEFORWARD entries). Counts toward dwNeededSize.
     * @return the offset written, or 0 if it did not fit (or @p length is 0).
     */
    std::uint32_t append(const void* data, std::size_t length) {
        if (!fits_fixed() || length == 0) return 0;
        const std::uint64_t len = length;
        const std::uint64_t need_at = align_up(needed_);
        needed_ = need_at + len;
        const std::uint64_t at = align_up(cursor_);
        if (at + len > total_) return 0;
        std::memcpy(bytes() + at, data, length);
        cursor_ = at + len;
        used_ = cursor_;
        return static_cast<std::uint32_t>(at);
    }

    /// Writes dwNeededSize and dwUsedSize (saturated to 32 bits). Call once, at the end.
    void finish() noexcept {
        if (!fits_fixed()) return;
        write_dword(4, saturate(needed_));
        write_dword(8, saturate(used_));
    }

    [[nodiscard]] std::uint64_t needed_size() const noexcept { return needed_; }
    [[nodiscard]] std::uint64_t used_size() const noexcept { return used_; }
    [[nodiscard]] std::uint32_t total_size() const noexcept { return total_; }
    [[nodiscard]] std::uint32_t fixed_part() const noexcept { return fixed_; }

  private:
    static constexpr std::uint32_t clamp_fixed(std::uint32_t f) noexcept {
        if (f < 12) return 12;
        if (f > sizeof(T)) return static_cast<std::uint32_t>(sizeof(T));
        return f;
    }
    static constexpr std::uint64_t align_up(std::uint64_t v) noexcept {
        return (v + field_alignment - 1) / field_alignment * field_alignment;
    }
    static constexpr std::uint32_t saturate(std::uint64_t v) noexcept {
        return v > 0xFFFFFFFFu ? 0xFFFFFFFFu : static_cast<std::uint32_t>(v);
    }
    unsigned char* bytes() noexcept { return reinterpret_cast<unsigned char*>(s_); }
    void write_dword(std::uint32_t off, std::uint32_t v) noexcept {
        const DWORD d = v;
        std::memcpy(bytes() + off, &d, sizeof d);
    }
    void set_pair(DWORD T::*size_member, DWORD T::*offset_member, std::uint64_t size,
                  std::uint32_t off) {
        set(size_member, static_cast<DWORD>(saturate(size)));
        set(offset_member, static_cast<DWORD>(off));
    }

    T* s_;
    std::uint32_t fixed_;
    var_status status_ = var_status::ok;
    std::uint32_t total_ = 0;
    std::uint64_t needed_ = 0;
    std::uint64_t used_ = 0;
    std::uint64_t cursor_ = 0;
};

// ---- UTF-8 <-> UTF-16 (our strings are UTF-8; TAPI's are UTF-16)

/// UTF-8 to UTF-16. Each maximal invalid subsequence (bad lead byte, truncated sequence,
/// overlong form, surrogate code point, value above U+10FFFF) becomes one U+FFFD.
std::u16string utf8_to_utf16(std::string_view utf8);

/// UTF-16 to UTF-8. Unpaired surrogates become U+FFFD.
std::string utf16_to_utf8(std::u16string_view utf16);

/// View of a NUL-terminated TAPI string of at most @p max_chars WCHARs (no terminator in the
/// view). A null pointer gives an empty view. Use for LPCWSTR parameters (lpszDestAddress, ...).
std::u16string_view wide_view(LPCWSTR text, std::size_t max_chars = 4096) noexcept;

/**
 * Reads a variable field of a caller-supplied structure (LINECALLPARAMS, LINEFORWARDLIST, ...)
 * with bounds checks against dwTotalSize. Returns nullopt if the Size/Offset pair points outside
 * the structure or overlaps its fixed part (@p fixed); an absent field (Size 0) is an empty span.
 */
std::optional<std::span<const std::byte>> read_var_field(const void* structure, std::uint32_t fixed,
                                                         std::uint32_t size,
                                                         std::uint32_t offset) noexcept;

/// String form of read_var_field: UTF-16 text without its terminator (stops at the first NUL).
/// An odd Size is invalid.
std::optional<std::u16string> read_var_string(const void* structure, std::uint32_t fixed,
                                              std::uint32_t size, std::uint32_t offset);

template <class T>
std::uint32_t var_writer<T>::put_string_utf8(DWORD T::*size_member, DWORD T::*offset_member,
                                             std::string_view utf8) {
    return put_string(size_member, offset_member, utf8_to_utf16(utf8));
}

}  // namespace ctigw::tsp
