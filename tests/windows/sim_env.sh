# Sourced by the tests/windows scripts: the Linux switch simulator on loopback, TLS with fresh
# test certificates (CN/SAN localhost, 127.0.0.1).
#   sim_start <ctigw-pbxsim> <work> <token args...>  starts it (stations 2001-2003), waits for
#                                  its ready file; sets sim_pid, sim_url, sim_control; certificates
#                                  in <work>/certs, its output in <work>/pbxsim.log
#   sim_stop                       stops it (safe to call twice)
sim_pid=
sim_start() {
  local pbxsim=$1 work=$2
  shift 2
  "$pbxsim" certs "$work/certs" >/dev/null
  "$pbxsim" --cert-dir "$work/certs" --listen 127.0.0.1:0 --control 127.0.0.1:0 \
    --ready-file "$work/ready" "$@" --stations 2001-2003 --no-console >"$work/pbxsim.log" 2>&1 &
  sim_pid=$!
  for _ in $(seq 1 200); do
    [[ -f "$work/ready" ]] && break
    kill -0 "$sim_pid" 2>/dev/null || { echo "FAIL: the simulator exited"; cat "$work/pbxsim.log"; exit 1; }
    sleep 0.1
  done
  [[ -f "$work/ready" ]] || { echo "FAIL: the simulator did not start"; cat "$work/pbxsim.log"; exit 1; }
  sim_url=$(awk '$1=="url"{print $2}' "$work/ready")
  sim_control=$(awk '$1=="control"{print $2}' "$work/ready")
  [[ -n "$sim_url" && -n "$sim_control" ]] || { echo "FAIL: bad ready file"; cat "$work/ready"; exit 1; }
}
sim_stop() {
  if [[ -n "$sim_pid" ]]; then
    kill "$sim_pid" 2>/dev/null && wait "$sim_pid" 2>/dev/null
    sim_pid=
  fi
  return 0
}
