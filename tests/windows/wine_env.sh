# Sourced by the tests/windows scripts: a fresh, quiet, headless Wine prefix under $1.
#   wine_fresh_prefix <dir>   sets WINEPREFIX, WINEDEBUG, creates the prefix (~6 s)
#   wine_path <unix path>     prints the Windows form (Z:\...)
#   wine_stop                 stops this prefix's wineserver
#   wine_test_dir <work>      an empty <work> with a fresh prefix in it, stopped at exit
wine_fresh_prefix() {
  export WINEPREFIX="$1" WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml=" WINEARCH=win64
  rm -rf "$WINEPREFIX"
  mkdir -p "$(dirname "$WINEPREFIX")"
  if ! command -v wine >/dev/null; then
    echo "SKIP: wine not installed (scripts/bootstrap installs it)"
    exit 77
  fi
  wineboot -i >/dev/null 2>&1 || { echo "FAIL: wineboot -i failed"; exit 1; }
  # Windows get created without a display: Wine's null graphics driver.
  wine reg add 'HKCU\Software\Wine\Drivers' /v Graphics /d null /f >/dev/null 2>&1 || true
  wineserver -w 2>/dev/null || true
}
wine_path() { echo "Z:${1//\//\\}"; }
wine_stop() { wineserver -k 2>/dev/null || true; }
wine_test_dir() {
  rm -rf "$1"
  mkdir -p "$1"
  trap wine_stop EXIT
  wine_fresh_prefix "$1/prefix"
}
