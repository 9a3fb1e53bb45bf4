#!/usr/bin/env bash
# The console's call#N names (docs/tapihost.md "The console"): a call that arrives while the
# console waits for input (LINE_NEWCALL, unsolicited) and a call made without `as` are both
# usable as call#N, by the parser and by the host.
#   console_call_names_test.sh <ctigw-tapihost> <libctigw-tsp.so>
set -uo pipefail
host=$1 tsp=$2
statements() {
  echo "expect 2001 inservice within 15s"
  echo "expect 2002 inservice within 15s"
  echo "sim call +33123456789 2001"
  # The call arrives meanwhile. (A host-side wait: a sleep here, in the writer of the pipe, ran
  # before the host had even started under ASan, and the answer came before the call.)
  echo "wait 1s"
  echo "answer call#1"
  echo "expect 2001 call#1 CONNECTED"
  echo "call 2002 2003"
  echo "wait 500ms"  # (the host, not only the parser, must know call#2)
  echo "expect 2002 call#2 RINGBACK"
  echo "drop call#2"
  echo "expect 2002 call#2 IDLE"
  echo "status"
  echo "quit"
}
out=$(statements | "$host" --tsp "$tsp" --sim --extensions 2001,2002,2003 --console 2>&1)
rc=$?
echo "$out"
fail=0
if grep -E '^error:|ERROR:|MISMATCH' <<<"$out"; then
  echo "FAIL: the console refused a call#N name (lines above)"
  fail=1
fi
for want in "lineAnswer → OK" "lineDrop → OK" "call#1 LINE_CALLSTATE CONNECTED" \
            "call#2 LINE_CALLSTATE IDLE"; do
  grep -qF "$want" <<<"$out" || { echo "FAIL: '$want' missing from the output"; fail=1; }
done
[[ $rc -eq 0 ]] || { echo "FAIL: exit code $rc"; fail=1; }
exit $fail
