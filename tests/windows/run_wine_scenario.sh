#!/usr/bin/env bash
# The Windows acceptance run: ctigw.tsp loaded by the Windows ctigw-tapihost.exe under Wine,
# against the Linux switch simulator on loopback over TLS (tools/tapihost/scenarios/windows.tsc).
#   run_wine_scenario.sh <ctigw-pbxsim> <ctigw-tapihost.exe> <ctigw.tsp> <scenario> <work-dir> [ca-file|root-store]
# ca-file (default): the config names the test CA file. root-store: the config names no CA file;
# the host first adds the test CA to the machine's ROOT store (the TSP must trust it from there).
# untrusted: neither; the link must refuse the switch's certificate (and the scenario must fail),
# which proves that root-store passes because of the ROOT store.
# root-store also leaves logging.file out: the log must appear in %ProgramData%\ctigw\logs.
# The host installs the provider (TUISPI_providerInstall), points ConfigPath at the test config,
# runs the scenario and removes the provider (TUISPI_providerRemove). Exit 0 = passed; 77 = skip.
# A host that is not an .exe runs natively (Linux: libctigw-tsp.so, CTIGW_CONFIG, no TUISPI):
# the same scenario through the control port, without Wine (tests/tapihost registers it).
set -euo pipefail
pbxsim=$1 host_exe=$2 tsp=$3 scenario=$4 work=$5 trust=${6:-ca-file}
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=wine_env.sh
source "$here/wine_env.sh"
# shellcheck source=sim_env.sh
source "$here/sim_env.sh"

rm -rf "$work"
mkdir -p "$work/logs"
cleanup() {
  sim_stop
  wine_stop
}
trap cleanup EXIT

native=0
[[ "$host_exe" == *.exe ]] || native=1
if [[ $native -eq 1 ]]; then
  [[ "$trust" == "ca-file" ]] || { echo "FAIL: $trust needs the Windows host"; exit 1; }
  wine_path() { echo "$1"; }
  wine_stop() { :; }
  run_host() { "$@"; }
else
  wine_fresh_prefix "$work/prefix"
  run_host() { wine "$@"; }
fi

# The switch (sim_env.sh) with a random token.
export CTIGW_WINE_TOKEN="t-$RANDOM$RANDOM"
sim_start "$pbxsim" "$work" --token-env CTIGW_WINE_TOKEN
url=$sim_url control=$sim_control

# The administrator's config, in the Windows way (paths relative to the file itself).
cp "$work/certs/ca.pem" "$work/ca.pem"
ca_line='"caFile": "ca.pem", '
log_line='"file": "logs/ctigw-tsp.log", '
log="$work/logs/ctigw-tsp.log"
host_trust=()
if [[ "$trust" == "root-store" ]]; then
  ca_line=''
  host_trust=(--trust-root-ca "$(wine_path "$work/ca.pem")")
  # The provider's default log directory, %ProgramData%\ctigw\logs, inside this prefix.
  log_line=''
  log="$WINEPREFIX/drive_c/ProgramData/ctigw/logs/ctigw-tsp.log"
elif [[ "$trust" == "untrusted" ]]; then
  ca_line=''
  scenario="$work/untrusted.tsc"
  printf 'expect 2001 inservice within 4s\n' >"$scenario"
fi
cat >"$work/ctigw.json" <<JSON
{
  "switch": {
    "endpoints": ["$url"],
    "tls": { ${ca_line}"serverName": "localhost" },
    "auth": { "tokenEnv": "CTIGW_WINE_TOKEN" },
    "timeouts": { "connectMs": 3000, "requestMs": 5000 },
    "reconnect": { "initialMs": 200, "maxMs": 2000 }
  },
  "devices": {
    "lines": [{ "range": "2001-2003", "name": "Line {ext}" }],
    "phones": [{ "range": "2001-2003", "name": "Phone {ext}" }]
  },
  "logging": { ${log_line}"level": "debug" }
}
JSON

provider=(--provider-install --provider-remove)
wants=("TUISPI_providerInstall(provider 1) -> 0" "TUISPI_providerRemove(provider 1) -> 0" "scenario passed")
if [[ $native -eq 1 ]]; then
  provider=()
  wants=("scenario passed")
fi
set +e
run_host "$host_exe" --tsp "$(wine_path "$tsp")" "${provider[@]}" --config "$(wine_path "$work/ctigw.json")" \
  "${host_trust[@]}" --sim-control "$control" --scenario "$(wine_path "$scenario")" \
  --timeout 10s 2>&1 | tr -d '\r' | tee "$work/host.log"
rc=${PIPESTATUS[0]}
set -e
if [[ "$trust" == "untrusted" ]]; then
  [[ $rc -ne 0 ]] || { echo "FAIL: the TSP reached an untrusted switch"; exit 1; }
  grep -q "certificate refused" "$log" ||
    { echo "FAIL: no certificate verification failure in the TSP's log"; tail -20 "$log"; exit 1; }
  grep -qF "TUISPI_providerRemove(provider 1) -> 0" "$work/host.log" ||
    { echo "FAIL: the provider was not removed"; exit 1; }
  echo "OK: ctigw.tsp under Wine refused a switch certificate it has no trust for"
  exit 0
fi
if [[ $rc -ne 0 ]]; then
  echo "FAIL: the host exited with $rc; the TSP's log:"
  tail -40 "$log" 2>/dev/null || echo "(no log file)"
  exit 1
fi
# What the run must have shown besides the scenario's own expectations.
for want in "${wants[@]}"; do
  grep -qF "$want" "$work/host.log" || { echo "FAIL: '$want' missing from the host's output"; exit 1; }
done
if [[ "$trust" == "root-store" ]]; then
  [[ -s "$log" ]] || { echo "FAIL: no log in %ProgramData%\\ctigw\\logs ($log)"; exit 1; }
  grep -q "certificates of the Windows ROOT store" "$log" ||
    { echo "FAIL: the TSP did not report loading the ROOT store"; exit 1; }
fi
echo "OK: $(basename "$tsp") $([[ $native -eq 1 ]] && echo natively || echo under Wine) passed $(basename "$scenario") ($trust)"
