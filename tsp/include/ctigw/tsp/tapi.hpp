/**
 * @file
 * The one way ctigw code includes TAPI: Windows types, TAPI 3.1 structures and constants, and
 * the TSPI handle/callback types.
 *
 * - Windows (`_WIN32`): exactly `<windows.h>`, `<tapi.h>`, `<tspi.h>` with
 *   `TAPI_CURRENT_VERSION` 0x00030001.
 * - Elsewhere: the same names, values, field order and packing (`#pragma pack(1)` like tapi.h),
 *   with DWORD/LONG 32-bit, WCHAR 16-bit (`char16_t`), pointers and handles 64-bit, so a
 *   structure built on Linux is byte-for-byte the Windows x64 one. tests/tsp/abi checks every
 *   structure size, member offset and constant against the real mingw-w64 headers.
 *
 * Hungarian names and `LINECALLSTATE_*` style macros belong to the thin TSPI adapter only
 * (style rule 3); the rest of the code base uses snake_case wrappers.
 * Function prototypes of our exports: ctigw/tsp/tspi_exports.hpp.
 */
#pragma once

#if defined(_WIN32)
#if !defined(TAPI_CURRENT_VERSION)
#define TAPI_CURRENT_VERSION 0x00030001
#elif TAPI_CURRENT_VERSION != 0x00030001
#error "ctigw expects the TAPI 3.1 structure layout (TAPI_CURRENT_VERSION 0x00030001)"
#endif
#include <windows.h>
#include <tapi.h>
#include <tspi.h>
#else
#include "ctigw/tsp/tapi/types.hpp"
#include "ctigw/tsp/tapi/constants.hpp"
#include "ctigw/tsp/tapi/structs.hpp"
#include "ctigw/tsp/tapi/tspi_types.hpp"
#endif
