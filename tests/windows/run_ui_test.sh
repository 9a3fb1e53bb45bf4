#!/usr/bin/env bash
# ctigw.tsp's UI side under Wine (tests/windows/ui_test.cpp): TSPI_providerUIIdentify,
# TUISPI_providerInstall/Remove against the registry, TUISPI_providerConfig's dialog driven from a
# second thread. In a fresh prefix with Wine's null graphics driver (wine_env.sh): dialogs are
# created and work headless, no X server needed (without that driver Wine creates no window).
#   run_ui_test.sh <ui_test.exe> <ctigw.tsp> <work-dir>      exit: the test's (0 = pass), 77 = no Wine
set -euo pipefail
exe=$1 tsp=$2 work=$3
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=wine_env.sh
source "$here/wine_env.sh"
wine_test_dir "$work"
mkdir -p "$work/files"
# The test has its own watchdog (120 s); this one catches a hang outside it (process exit).
set +e
timeout -k 10 180 wine "$exe" "$(wine_path "$tsp")" "$(wine_path "$work/files")" 2>&1 | tr -d '\r'
rc=${PIPESTATUS[0]}
set -e
if [[ $rc -eq 124 || $rc -eq 137 ]]; then
  echo "FAIL: ui_test.exe did not end within 180 s (killed)"
  rc=1
fi
exit "$rc"
