/**
 * @file
 * UTF-8 ↔ UTF-16 in WCHAR strings (wchar_t on Windows, char16_t elsewhere) and reading strings out
 * of TAPI variable-size structures. The host has its own copy: it must not link the TSP's code.
 *
 * Thread safety: pure functions.
 */
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "ctigw/tsp/tapi.hpp"

namespace ctigw::tapihost {

/// A string of the TSPI's WCHAR (what LPCWSTR points to on either platform).
using wstring = std::basic_string<WCHAR>;
using wstring_view = std::basic_string_view<WCHAR>;

/// UTF-8 → UTF-16; invalid bytes become U+FFFD.
wstring to_wide(std::string_view utf8);
/// UTF-16 → UTF-8; unpaired surrogates become U+FFFD.
std::string from_wide(wstring_view utf16);
/// The UTF-16 string at (offset, size in bytes) of a structure held in `buf`, without its NUL;
/// empty when size is 0 or the range is outside the buffer.
std::string var_string(const std::vector<unsigned char>& buf, DWORD size, DWORD offset);

}  // namespace ctigw::tapihost
