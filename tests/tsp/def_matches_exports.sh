#!/usr/bin/env bash
# tsp_def_matches_exports: the dynamic exports of libctigw-tsp.so are exactly the names listed in
# tsp/ctigw.def, except those marked windows-only (a "; windows-only" comment line right above
# the name). A marked name must NOT be exported by the Linux library and must be defined with
# CTIGW_TSPI_EXPORT in a .cpp under tsp/src, so the marker cannot hide a name that nothing defines (on
# Windows the linker refuses a .def name without a definition).
# Usage: def_matches_exports.sh <libctigw-tsp.so> <ctigw.def> <tsp/src directory>
set -euo pipefail
lib=$1
def=$2
src=$3

# $1 = 0: the names without the marker; 1: the marked ones.
def_names() {
    awk -v want="$1" '
        /^; *windows-only *$/ { marked = 1; next }
        /^ +T(UI)?SPI_/       { if (marked == want) print $1; marked = 0; next }
                              { marked = 0 }' "$def" | sort
}

exported=$(nm -D --defined-only "$lib" | awk '$2 == "T" { print $3 }' | sort)
status=0
if ! diff <(printf '%s\n' "$exported") <(def_names 0); then
    echo "libctigw-tsp.so exports (<) and ctigw.def lists (>) differ" >&2
    status=1
fi
for name in $(def_names 1); do
    if grep -qx "$name" <<<"$exported"; then
        echo "$name is marked windows-only in ctigw.def but libctigw-tsp.so exports it" >&2
        status=1
    fi
    if ! grep -rEq --include='*.cpp' "CTIGW_TSPI_EXPORT .*[[:space:]]$name\(" "$src"; then
        echo "$name is marked windows-only in ctigw.def but no CTIGW_TSPI_EXPORT defines it" >&2
        status=1
    fi
done
exit $status
