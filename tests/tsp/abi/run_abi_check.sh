#!/usr/bin/env bash
# ABI check of ctigw's non-Windows TAPI header against mingw-w64's real <tapi.h>/<tspi.h>.
#   run_abi_check.sh <abi_gen> <mingw-gcc> <mingw-g++> <tsp-include-dir> <work-dir> [--expect-mismatch]
# Exit 0 = match, 1 = mismatch (or, with --expect-mismatch, a mismatch went undetected),
# 77 = mingw-w64 cross compiler not installed (CTest SKIP_RETURN_CODE; scripts/bootstrap installs it).
set -euo pipefail
gen=$1 cc=$2 cxx=$3 inc=$4 work=$5 mode=${6:-}

if [[ -z "$cc" || ! -x "$(command -v "$cc" 2>/dev/null || true)" ]]; then
  echo "SKIP: mingw-w64 C compiler not found (apt-get install g++-mingw-w64-x86-64-posix)"
  exit 77
fi
mkdir -p "$work"

if [[ "$mode" == "--expect-mismatch" ]]; then
  "$gen" "$work/abi_corrupt.c" --corrupt
  if "$cc" -std=c11 -fsyntax-only -I"$inc" "$work/abi_corrupt.c" 2>"$work/abi_corrupt.log"; then
    echo "FAIL: deliberately wrong assertions compiled; the ABI check would not detect a mismatch"
    exit 1
  fi
  # Every corrupted fact must be reported, not just one.
  missing=0
  for what in "sizeof LINEDEVCAPS" "offsetof LINECALLINFO.dwCallID" "value LINEERR_STRUCTURETOOSMALL" "value LINECALLSTATE_CONNECTED"; do
    grep -q "$what" "$work/abi_corrupt.log" || { echo "FAIL: mismatch '$what' not reported"; missing=1; }
  done
  [[ $missing -eq 0 ]] && echo "OK: all deliberate mismatches were rejected by the real headers"
  exit $missing
fi

"$gen" "$work/abi_check.c"
# 1. Our structures, types, constants and TSPI prototypes against the real headers (C11).
"$cc" -std=c11 -fsyntax-only -Wall -I"$inc" "$work/abi_check.c"
echo "OK: $(grep -c _Static_assert "$work/abi_check.c") assertions hold against mingw-w64 tapi.h/tspi.h"

# 2. Our public headers take their Windows path cleanly (C++20, project warnings as errors).
if [[ -n "$cxx" && -x "$(command -v "$cxx" 2>/dev/null || true)" ]]; then
  cat >"$work/abi_windows_path.cpp" <<'CPP'
#include "ctigw/tsp/tapi.hpp"
#include "ctigw/tsp/tspi_exports.hpp"
#include "ctigw/tsp/varstruct.hpp"
static_assert(sizeof(LINEDEVCAPS) > 0 && sizeof(HDRVCALL) == 8 && sizeof(WCHAR) == 2);
int ctigw_windows_path_probe(LPLINEDEVCAPS caps)
{
    ctigw::tsp::var_writer<LINEDEVCAPS> w(caps, ctigw::tsp::fixed_size<LINEDEVCAPS>(0x00020002));
    if (!w.fits_fixed()) return ctigw::tsp::to_lineerr(w.status());
    w.set(&LINEDEVCAPS::dwNumAddresses, 1);
    w.put_string(&LINEDEVCAPS::dwLineNameSize, &LINEDEVCAPS::dwLineNameOffset, u"line");
    w.finish();
    return 0;
}
CPP
  "$cxx" -std=c++20 -fsyntax-only -Wall -Wextra -Wconversion -Wsign-conversion -Wshadow -Werror \
    -I"$inc" "$work/abi_windows_path.cpp"
  echo "OK: ctigw/tsp headers compile for x86_64-w64-mingw32 with -Werror"
fi
