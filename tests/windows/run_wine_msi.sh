#!/usr/bin/env bash
# The installer under Wine (docs/windows.md): ctigw-<version>-x64.msi installed silently in a fresh
# prefix, the installed provider run by the installed ctigw-tapihost.exe against the Linux
# simulator, an upgrade from an older build, repair, a refused downgrade, uninstall; and the
# failures an administrator must see in the MSI log (a configuration the provider would refuse,
# TAPI refusing the provider: Wine's lineAddProvider is a stub that always fails, which also
# proves the registration step runs and rolls the installation back).
#   run_wine_msi.sh <ctigw.msi> <older.msi> <ctigw-pbxsim> <scenario> <work-dir>
# Exit 0 = passed, 1 = failed, 77 = no Wine.
set -euo pipefail
msi=$1 older=$2 pbxsim=$3 scenario=$4 work=$5
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=wine_env.sh
source "$here/wine_env.sh"
# shellcheck source=sim_env.sh
source "$here/sim_env.sh"
wine_test_dir "$work"
trap 'sim_stop; wine_stop' EXIT

c="$WINEPREFIX/drive_c"
tsp="$c/windows/system32/ctigw.tsp"
bin="$c/Program Files/ctigw"
data="$c/ProgramData/ctigw"
fail() {
  echo "FAIL: $*"
  exit 1
}
# msi <log name> <msiexec arguments...>: runs msiexec silently with a verbose log; sets msi_rc.
msi() {
  local log=$1
  shift
  set +e
  wine msiexec "$@" /qn /l*v "$(wine_path "$work/$log")" >/dev/null 2>&1
  msi_rc=$?
  set -e
  wineserver -w 2>/dev/null || true
  echo "msiexec $* -> $msi_rc"
}
in_log() { grep -aqF -- "$2" "$work/$1" || fail "'$2' missing from $1 (the MSI log); its ctigw-setup lines:
$(grep -a 'ctigw-setup' "$work/$1" | head -20)"; }
reg_value() { wine reg query "$1" /v "$2" 2>/dev/null | tr -d '\r' | awk -v n="$2" '$1==n{$1="";$2="";sub(/^ +/,"");print}'; }
nothing_installed() {
  [[ ! -e "$tsp" ]] || fail "$1: ctigw.tsp is still in System32"
  [[ ! -e "$bin" ]] || fail "$1: $bin is still there"
  ! wine reg query 'HKLM\SOFTWARE\ctigw\TSP' >/dev/null 2>&1 || fail "$1: HKLM\\SOFTWARE\\ctigw\\TSP is still there"
  ! wine reg query 'HKLM\System\CurrentControlSet\Services\ctigw-acdproxy' >/dev/null 2>&1 ||
    fail "$1: the ctigw-acdproxy service is still registered"
}
# No --provider-install: TUISPI_providerInstall runs when TAPI adds the provider, which Wine's
# TAPI cannot; the provider reads what the installer wrote.
run_scenario() {
  set +e
  wine "$bin/ctigw-tapihost.exe" --tsp 'C:\windows\system32\ctigw.tsp' \
    --sim-control "$sim_control" --scenario "$(wine_path "$scenario")" --timeout 10s 2>&1 |
    tr -d '\r' >"$work/host-$1.log"
  local rc=${PIPESTATUS[0]}
  set -e
  grep -qF "scenario passed" "$work/host-$1.log" && [[ $rc -eq 0 ]] ||
    fail "$1: the installed provider did not pass the scenario (exit $rc):
$(tail -20 "$work/host-$1.log")
$(tail -20 "$data/logs/ctigw-tsp.log" 2>/dev/null)"
  echo "ok: $1: the installed ctigw.tsp passed $(basename "$scenario") in the installed ctigw-tapihost.exe"
}

# The switch, and what an administrator deploys next to the MSI: the CA and a token file.
mkdir -p "$work/deploy"
echo "t-$RANDOM$RANDOM$RANDOM" >"$work/deploy/token.txt"
sim_start "$pbxsim" "$work" --token-file "$work/deploy/token.txt"
cp "$work/certs/ca.pem" "$work/deploy/ca.pem"
switch_props=(ENDPOINT="$sim_url" LINES=2001-2003 PHONES=2001-2003 SERVERNAME=localhost
  CAFILE="$(wine_path "$work/deploy/ca.pem")" TOKENFILE="$(wine_path "$work/deploy/token.txt")")

echo "--- 1. TAPI refuses the provider (Wine's lineAddProvider): the installation is rolled back"
msi refused.log /i "$(wine_path "$msi")" "${switch_props[@]}"
[[ $msi_rc -ne 0 ]] || fail "the installation succeeded although lineAddProvider failed"
in_log refused.log "lineAddProvider(ctigw.tsp) failed: LINEERR_OPERATIONFAILED"
nothing_installed "after the refused registration"
# Not checked here: that the rollback takes back the ctigw.json it wrote (config --undo). Wine runs
# rollback custom actions when they are scheduled, not on rollback; tests/setup covers the undo.

echo "--- 2. a configuration the provider would refuse: the installation fails, with its errors"
printf '{\n  "switch": { "endpoints": ["http://pbx:8080/csta"] },\n  "devices": { "lines": ["2001"] }\n}\n' \
  >"$work/deploy/broken.json"
msi broken.log /i "$(wine_path "$msi")" CONFIG="$(wine_path "$work/deploy/broken.json")" REGISTERPROVIDER=0
[[ $msi_rc -ne 0 ]] || fail "the installation accepted an invalid configuration"
in_log broken.log "/switch/endpoints/0"
in_log broken.log "line 2"
nothing_installed "after the refused configuration"

echo "--- 3. silent installation of an older build from the switch's properties"
msi older.log /i "$(wine_path "$older")" "${switch_props[@]}" REGISTERPROVIDER=0
[[ $msi_rc -eq 0 ]] || fail "the older build did not install:
$(grep -a 'ctigw-setup\|rror' "$work/older.log" | head -20)"
for f in "$tsp" "$bin/ctigw-config.exe" "$bin/ctigw-setup.exe" "$bin/ctigw-tapihost.exe" \
  "$bin/ctigw-acdproxy.exe" "$data/ctigw.example.json" "$data/docs/windows.md" "$data/ctigw.json"; do
  [[ -s "$f" ]] || fail "$f was not installed"
done
[[ -d "$data/logs" ]] || fail "no logs folder"
[[ "$(reg_value 'HKLM\SOFTWARE\ctigw\TSP' ConfigPath)" == 'C:\ProgramData\ctigw\ctigw.json' ]] ||
  fail "ConfigPath is '$(reg_value 'HKLM\SOFTWARE\ctigw\TSP' ConfigPath)'"
[[ "$(reg_value 'HKLM\SOFTWARE\ctigw\TSP' LogDirectory)" == 'C:\ProgramData\ctigw\logs' ]] ||
  fail "LogDirectory is '$(reg_value 'HKLM\SOFTWARE\ctigw\TSP' LogDirectory)'"
svc='HKLM\System\CurrentControlSet\Services\ctigw-acdproxy'
[[ "$(reg_value "$svc" Start)" == 0x2 ]] || fail "the ACD proxy service does not start automatically"
[[ "$(reg_value "$svc" DependOnService)" == TapiSrv* ]] || fail "the ACD proxy does not depend on TapiSrv"
[[ "$(reg_value "$svc" ImagePath)" == *'ctigw-acdproxy.exe'* ]] || fail "the service runs the wrong file"
in_log older.log "ctigw-setup: wrote C:\\ProgramData\\ctigw\\ctigw.json"
grep -qF "$sim_url" "$data/ctigw.json" || fail "the written configuration does not name the switch"
grep -q "tokenFile" "$data/ctigw.json" && ! grep -qF "$(cat "$work/deploy/token.txt")" "$data/ctigw.json" ||
  fail "the written configuration must name the token file, never the token"
if ! wine "$bin/ctigw-config.exe" check 'C:\ProgramData\ctigw\ctigw.json' >"$work/check.log" 2>&1; then
  fail "the installed checker refuses the written configuration: $(tr -d '\r' <"$work/check.log")"
fi
run_scenario older
[[ -s "$data/logs/ctigw-tsp.log" ]] || fail "the provider wrote no log to LogDirectory"

echo "--- 4. an upgrade that the configuration would break is rolled back; then upgrade to this build"
cp "$data/ctigw.json" "$work/ctigw.json.good"
echo "# not a comment in JSON" >>"$data/ctigw.json"
msi upgrade-refused.log /i "$(wine_path "$msi")"
[[ $msi_rc -ne 0 ]] || fail "the upgrade accepted a configuration the new provider refuses"
in_log upgrade-refused.log "is invalid"
in_log upgrade-refused.log "(line 28, column 1)"
[[ "$(reg_value 'HKLM\SOFTWARE\ctigw' Version)" == 0.0.1 && -s "$tsp" && -s "$bin/ctigw-acdproxy.exe" ]] ||
  fail "the refused upgrade did not leave the older build installed"
cp "$work/ctigw.json.good" "$data/ctigw.json"
echo "// the administrator's edit" >>"$data/ctigw.json"
config_sum=$(md5sum <"$data/ctigw.json")
log_lines=$(wc -l <"$data/logs/ctigw-tsp.log")
msi upgrade.log /i "$(wine_path "$msi")"
[[ $msi_rc -eq 0 ]] || fail "the upgrade failed: $(grep -a 'ctigw-setup\|rror' "$work/upgrade.log" | head -20)"
in_log upgrade.log "RemoveExistingProducts"
[[ "$(md5sum <"$data/ctigw.json")" == "$config_sum" ]] || fail "the upgrade changed ctigw.json"
(($(wc -l <"$data/logs/ctigw-tsp.log") >= log_lines)) || fail "the upgrade lost the log"
in_log upgrade.log "is valid"
[[ "$(reg_value 'HKLM\SOFTWARE\ctigw\TSP' ConfigPath)" == 'C:\ProgramData\ctigw\ctigw.json' ]] ||
  fail "the upgrade changed ConfigPath"
new_version=$(msiinfo export "$msi" Property | tr -d '\r' | awk '$1=="ProductVersion"{print $2}')
[[ "$(reg_value 'HKLM\SOFTWARE\ctigw' Version)" == "$new_version" ]] ||
  fail "the installed version is '$(reg_value 'HKLM\SOFTWARE\ctigw' Version)', not $new_version"
products=$(wine reg query 'HKLM\Software\Microsoft\Windows\CurrentVersion\Uninstall' /s 2>/dev/null |
  tr -d '\r' | grep -c 'DisplayName.*REG_SZ.*ctigw' || true)
[[ "$products" == 1 ]] || fail "$products ctigw products installed after the upgrade, not 1"
run_scenario upgraded

echo "--- 5. a downgrade is refused; repair restores a deleted file"
msi downgrade.log /i "$(wine_path "$older")"
[[ $msi_rc -ne 0 ]] || fail "the older build installed over the newer one"
# Wine's msiexec does not write a launch condition's message to the log; the newer build found is.
in_log downgrade.log "CTIGW_NEWER_FOUND = {"
[[ "$(reg_value 'HKLM\SOFTWARE\ctigw' Version)" == "$new_version" ]] || fail "the refused downgrade changed the version"
rm "$bin/ctigw-config.exe"
# `msiexec /famus pkg` in its property form (Wine's msiexec refuses /f with a package path).
msi repair.log /i "$(wine_path "$msi")" REINSTALL=ALL REINSTALLMODE=amus
[[ $msi_rc -eq 0 && -s "$bin/ctigw-config.exe" ]] || fail "repair did not restore ctigw-config.exe"
[[ "$(md5sum <"$data/ctigw.json")" == "$config_sum" ]] || fail "the repair changed ctigw.json"

echo "--- 6. uninstall: the installer's files go, the configuration and the logs stay"
msi remove.log /x "$(wine_path "$msi")"
[[ $msi_rc -eq 0 ]] || fail "the uninstall failed"
nothing_installed "after the uninstall"
[[ ! -e "$data/ctigw.example.json" && ! -e "$data/docs" ]] || fail "the uninstall left the example or the docs"
[[ "$(md5sum <"$data/ctigw.json")" == "$config_sum" ]] || fail "the uninstall removed or changed ctigw.json"
[[ -s "$data/logs/ctigw-tsp.log" ]] || fail "the uninstall removed the logs"
# Wine's TAPI lists no provider (lineGetProviderList fails): the uninstall goes on and says so.
in_log remove.log "cannot remove ctigw.tsp: lineGetProviderList failed: LINEERR_OPERATIONFAILED"
in_log remove.log "hint: remove it by hand"

echo "--- 7. CONFIG names a central file: the provider reads it in place"
sed "s|\"endpoints\": \\[\"http://pbx:8080/csta\"\\]|\"endpoints\": [\"$sim_url\"], \"tls\": { \"caFile\": \"ca.pem\", \"serverName\": \"localhost\" }, \"auth\": { \"tokenFile\": \"token.txt\" }|" \
  "$work/deploy/broken.json" >"$work/deploy/central.json"
central=$(wine_path "$work/deploy/central.json")
msi central.log /i "$(wine_path "$msi")" CONFIG="$central" REGISTERPROVIDER=0
[[ $msi_rc -eq 0 ]] || fail "the installation with CONFIG failed: $(grep -a 'ctigw-setup' "$work/central.log" | head)"
[[ "$(reg_value 'HKLM\SOFTWARE\ctigw\TSP' ConfigPath)" == "$central" ]] ||
  fail "ConfigPath is '$(reg_value 'HKLM\SOFTWARE\ctigw\TSP' ConfigPath)', not $central"
in_log central.log "is valid"
msi central-remove.log /x "$(wine_path "$msi")"
[[ $msi_rc -eq 0 ]] || fail "the second uninstall failed"
nothing_installed "after the second uninstall"
echo "OK: $(basename "$msi") installs, upgrades, repairs and uninstalls under Wine"
