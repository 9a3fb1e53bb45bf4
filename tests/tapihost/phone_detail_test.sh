#!/usr/bin/env bash
# The printed timeline shows the call flow: PHONE_STATE events (lamps, display, ringer ...) only
# with --phone-detail; `expect phone` matches them either way (docs/tapihost.md "Output").
#   phone_detail_test.sh <ctigw-tapihost> <libctigw-tsp.so> <phone.tsc>
set -uo pipefail
host=$1 tsp=$2 scenario=$3
fail=0
plain=$("$host" --tsp "$tsp" --sim --scenario "$scenario" 2>&1) || { echo "$plain"; echo "FAIL: the scenario failed without --phone-detail"; fail=1; }
if grep -m5 -E '^\+[0-9.]+ phone [^ ]+ PHONE_STATE' <<<"$plain"; then  # no pipe: pipefail+SIGPIPE
  echo "FAIL: PHONE_STATE events printed without --phone-detail (above)"
  fail=1
fi
grep -qF "(PHONE_STATE and call-count events are not printed: --phone-detail)" <<<"$plain" ||
  { echo "FAIL: no word that PHONE_STATE events are hidden"; fail=1; }
grep -qE ' LINE_CALLSTATE ' <<<"$plain" || { echo "FAIL: the call flow is missing"; fail=1; }
detail=$("$host" --tsp "$tsp" --sim --scenario "$scenario" --phone-detail 2>&1) || { echo "$detail"; echo "FAIL: the scenario failed with --phone-detail"; fail=1; }
grep -qE '^\+[0-9.]+ phone [^ ]+ PHONE_STATE' <<<"$detail" ||
  { echo "FAIL: --phone-detail printed no PHONE_STATE event"; fail=1; }
exit $fail
