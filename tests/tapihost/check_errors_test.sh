#!/usr/bin/env bash
# `ctigw-tapihost --check` reports every error of a scenario as file:line: message, the parser's
# and the simulator's alike, and exits with 2 (docs/tapihost.md "Running it").
#   check_errors_test.sh <ctigw-tapihost>
set -uo pipefail
host=$1
cd "$(dirname "$0")/data"
out=$("$host" --check --scenario several_errors.tsc 2>&1)
rc=$?
if ! diff -u several_errors.expected <(echo "$out"); then
  echo "FAIL: --check printed something else (diff above: - expected, + printed)"
  exit 1
fi
[[ $rc -eq 2 ]] || { echo "FAIL: exit code $rc, not 2"; exit 1; }
# A clean scenario still passes.
"$host" --check --scenario ../../../tools/tapihost/scenarios/basic.tsc || exit 1
