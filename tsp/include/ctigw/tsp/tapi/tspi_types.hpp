// tspi.h types for non-Windows builds: the service-provider-side handles, callbacks and the few
// tspi.h structures. Unlike tapi.h, tspi.h does not use #pragma pack(1): these structures have
// natural alignment (TUISPICREATEDIALOGINSTANCEPARAMS is 48 bytes on x64).
#pragma once

#if defined(_WIN32)
#error \
    "ctigw/tsp/tapi/tspi_types.hpp is the non-Windows replacement for <tspi.h>; include ctigw/tsp/tapi.hpp"
#endif

#include "ctigw/tsp/tapi/constants.hpp"
#include "ctigw/tsp/tapi/types.hpp"

// clang-format off
// NOLINTBEGIN

// Driver-side and TAPI-side handles are distinct pointer types (a HDRVCALL does not convert to a
// HDRVLINE), exactly as tspi.h declares them.
#define DECLARE_OPAQUE(name) struct name##__ { int unused; }; typedef const struct name##__ *name

DECLARE_OPAQUE(HDRVCALL);
DECLARE_OPAQUE(HDRVLINE);
DECLARE_OPAQUE(HDRVPHONE);
DECLARE_OPAQUE(HDRVMSPLINE);
DECLARE_OPAQUE(HDRVDIALOGINSTANCE);

typedef HDRVCALL* LPHDRVCALL;
typedef HDRVLINE* LPHDRVLINE;
typedef HDRVPHONE* LPHDRVPHONE;
typedef HDRVDIALOGINSTANCE* LPHDRVDIALOGINSTANCE;
typedef HDRVMSPLINE* LPHDRVMSPLINE;

DECLARE_OPAQUE(HTAPICALL);
DECLARE_OPAQUE(HTAPILINE);
DECLARE_OPAQUE(HTAPIPHONE);
// tspi.h: these two are 32-bit values (DECLARE_OPAQUE32), not pointers.
DECLARE_OPAQUE32(HTAPIDIALOGINSTANCE);
DECLARE_OPAQUE32(HTAPIMSPLINE);

typedef HTAPICALL* LPHTAPICALL;
typedef HTAPILINE* LPHTAPILINE;
typedef HTAPIPHONE* LPHTAPIPHONE;
typedef HTAPIDIALOGINSTANCE* LPHTAPIDIALOGINSTANCE;
typedef HTAPIMSPLINE* LPHTAPIMSPLINE;

DECLARE_OPAQUE(HPROVIDER);
typedef HPROVIDER* LPHPROVIDER;

typedef DWORD DRV_REQUESTID;

typedef void (CALLBACK *ASYNC_COMPLETION)(DRV_REQUESTID dwRequestID, LONG lResult);
typedef void (CALLBACK *LINEEVENT)(HTAPILINE htLine, HTAPICALL htCall, DWORD dwMsg, DWORD_PTR dwParam1, DWORD_PTR dwParam2, DWORD_PTR dwParam3);
typedef void (CALLBACK *PHONEEVENT)(HTAPIPHONE htPhone, DWORD dwMsg, DWORD_PTR dwParam1, DWORD_PTR dwParam2, DWORD_PTR dwParam3);
typedef LONG (CALLBACK *TUISPIDLLCALLBACK)(DWORD_PTR dwObjectID, DWORD dwObjectType, LPVOID lpParams, DWORD dwSize);

typedef struct tuispicreatedialoginstanceparams_tag {
    DRV_REQUESTID dwRequestID;
    HDRVDIALOGINSTANCE hdDlgInst;
    HTAPIDIALOGINSTANCE htDlgInst;
    LPCWSTR lpszUIDLLName;
    LPVOID lpParams;
    DWORD dwSize;
} TUISPICREATEDIALOGINSTANCEPARAMS, *LPTUISPICREATEDIALOGINSTANCEPARAMS;

typedef struct LINEQOSSERVICELEVEL_tag {
    DWORD dwMediaMode;
    DWORD dwQOSServiceLevel;
} LINEQOSSERVICELEVEL, *LPLINEQOSSERVICELEVEL;

typedef struct LINECALLQOSINFO_tag {
    DWORD dwKey;
    DWORD dwTotalSize;
    DWORD dwQOSRequestType;
    union {
        struct {
            DWORD dwNumServiceLevelEntries;
            LINEQOSSERVICELEVEL LineQOSServiceLevel[1];
        } SetQOSServiceLevel;
    };
} LINECALLQOSINFO, *LPLINECALLQOSINFO;

// NOLINTEND
// clang-format on
