#!/usr/bin/env bash
# ctigw-config.exe under Wine: every example configuration is valid, a broken one is refused with
# its line:column, as on Linux.   run_wine_config_check.sh <ctigw-config.exe> <examples-dir> <work>
set -euo pipefail
exe=$1 examples=$2 work=$3
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=wine_env.sh
source "$here/wine_env.sh"
wine_test_dir "$work"
export CTIGW_DEMO_TOKEN=x CTIGW_TOKEN=x
fail=0
for f in "$examples"/*.json; do
  # --no-files: the examples' TLS files are on the administrator's machine, not here.
  if ! out=$(wine "$exe" check --no-files "$(wine_path "$f")" 2>&1 | tr -d '\r'); then
    echo "FAIL: $f refused under Wine:"; echo "$out"; fail=1
  fi
done
printf '{\n  "switch": { "endpoints": ["wss://pbx:8443/csta"] },\n  "devices": { "lines": [ { "range": 12 } ] }\n}\n' >"$work/bad.json"
if out=$(wine "$exe" check "$(wine_path "$work/bad.json")" 2>&1 | tr -d '\r'); then
  echo "FAIL: a broken configuration was accepted:"; echo "$out"; fail=1
elif ! grep -q 'line 3, column' <<<"$out"; then
  echo "FAIL: the error does not name line 3:"; echo "$out"; fail=1
fi
[[ $fail -eq 0 ]] && echo "OK: ctigw-config.exe under Wine: $(ls "$examples"/*.json | wc -l) examples valid, a broken file refused at line 3"
exit $fail
