// Windows base types and TAPI handle types for non-Windows builds (Linux tests and the TAPISRV
// stand-in host). Names and layouts are those of the Windows x64 SDK / mingw-w64 headers:
// DWORD and LONG are 32-bit, WCHAR is 16-bit, pointers, *_PTR and handles are pointer-sized.
// The ABI check in tests/tsp/abi proves every size against the real headers.
#pragma once

#if defined(_WIN32)
#error \
    "ctigw/tsp/tapi/types.hpp is the non-Windows replacement for <windows.h>; include ctigw/tsp/tapi.hpp"
#endif

#include <cstddef>
#include <cstdint>

// clang-format off
// NOLINTBEGIN

// Calling conventions do not exist on x86_64 System V; keep the keywords so code reads the same.
#define WINAPI
#define CALLBACK
#define TSPIAPI
#define FAR
#define CONST const

// ---- base types (windef.h / winnt.h / basetsd.h)
typedef std::uint8_t   BYTE;
typedef std::uint16_t  WORD;
typedef std::uint32_t  DWORD;
typedef std::int32_t   LONG;
typedef std::uint32_t  ULONG;
typedef std::int32_t   INT;
typedef std::uint32_t  UINT;
typedef std::int32_t   BOOL;
typedef std::int64_t   LONGLONG;
typedef std::uint64_t  ULONGLONG;
typedef char           CHAR;
typedef char16_t       WCHAR;
typedef std::uintptr_t DWORD_PTR;
typedef std::uintptr_t ULONG_PTR;
typedef std::uintptr_t UINT_PTR;
typedef std::intptr_t  LONG_PTR;
typedef std::intptr_t  INT_PTR;
typedef ULONG_PTR      SIZE_T;
typedef UINT_PTR       WPARAM;
typedef LONG_PTR       LPARAM;
typedef LONG_PTR       LRESULT;

typedef BYTE*        LPBYTE;
typedef WORD*        LPWORD;
typedef DWORD*       LPDWORD;
typedef LONG*        LPLONG;
typedef BOOL*        LPBOOL;
typedef CHAR*        LPSTR;
typedef const CHAR*  LPCSTR;
typedef WCHAR*       LPWSTR;
typedef const WCHAR* LPCWSTR;
typedef void*        LPVOID;
typedef const void*  LPCVOID;
typedef DWORD_PTR*   PDWORD_PTR;

// ---- handles (winnt.h DECLARE_HANDLE: a distinct pointer type per handle)
typedef void* HANDLE;
typedef HANDLE* LPHANDLE;
#define DECLARE_HANDLE(name) struct name##__ { int unused; }; typedef struct name##__ *name
DECLARE_HANDLE(HWND);
DECLARE_HANDLE(HICON);
DECLARE_HANDLE(HINSTANCE);
typedef HINSTANCE HMODULE;

// ---- GUID (guiddef.h; natural alignment, 16 bytes)
typedef struct _GUID {
    std::uint32_t Data1;
    std::uint16_t Data2;
    std::uint16_t Data3;
    std::uint8_t  Data4[8];
} GUID;
typedef GUID* LPGUID;
typedef GUID  IID;

// ---- CURRENCY and DATE (wtypes.h / oaidl.h: an 8-byte fixed-point value and a double day count)
typedef union tagCY {
    struct {
        ULONG Lo;
        LONG Hi;
    } s;
    LONGLONG int64;
} CY, CURRENCY;
typedef double DATE;
typedef GUID  CLSID;

// ---- SYSTEMTIME (minwinbase.h; 16 bytes)
typedef struct _SYSTEMTIME {
    WORD wYear;
    WORD wMonth;
    WORD wDayOfWeek;
    WORD wDay;
    WORD wHour;
    WORD wMinute;
    WORD wSecond;
    WORD wMilliseconds;
} SYSTEMTIME, *PSYSTEMTIME, *LPSYSTEMTIME;

// ---- tapi.h application-side handles: 32-bit values, not pointers
#define DECLARE_OPAQUE32(name) typedef DWORD name
DECLARE_OPAQUE32(HCALL);
typedef HCALL* LPHCALL;
DECLARE_OPAQUE32(HCALLHUB);
typedef HCALLHUB* LPHCALLHUB;
DECLARE_OPAQUE32(HLINE);
typedef HLINE* LPHLINE;
DECLARE_OPAQUE32(HPHONE);
typedef HPHONE* LPHPHONE;
DECLARE_OPAQUE32(HLINEAPP);
typedef HLINEAPP* LPHLINEAPP;
DECLARE_OPAQUE32(HPHONEAPP);
typedef HPHONEAPP* LPHPHONEAPP;
DECLARE_OPAQUE32(HAGENTSESSION);
typedef HAGENTSESSION* LPHAGENTSESSION;
DECLARE_OPAQUE32(HAGENT);
typedef HAGENT* LPHAGENT;
DECLARE_OPAQUE32(HPRIVATECHANNEL);
typedef HPRIVATECHANNEL* LPHPRIVATECHANNEL;
typedef HICON* LPHICON;

typedef void (CALLBACK *LINECALLBACK)(DWORD hDevice, DWORD dwMessage, DWORD_PTR dwInstance, DWORD_PTR dwParam1, DWORD_PTR dwParam2, DWORD_PTR dwParam3);
typedef void (CALLBACK *PHONECALLBACK)(DWORD hDevice, DWORD dwMessage, DWORD_PTR dwInstance, DWORD_PTR dwParam1, DWORD_PTR dwParam2, DWORD_PTR dwParam3);

// NOLINTEND
// clang-format on
