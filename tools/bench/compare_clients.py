#!/usr/bin/env python3
"""Side by side, in one sitting: ctigw's pbx-link, a Node.js `ws` client and the floor reading the
same event stream from ctigw-firehose over TLS on loopback (docs/performance.md).

  tools/bench/compare_clients.py --build build [--out build/perf] [--runs 3] [--seconds 5]
                                 [--rates 10000,100000] [--rate-runs 1] [--tick-us 1000]

1. Throughput: the replay source as fast as the client takes it; the clients run one at a time,
   in rounds (link, tsp, node; then node, tsp, link; ...); median of --runs, and each ctigw
   client's CPU against Node's in the same round, every round listed.
   ctigw-tsp is the whole TSP (ctigw-tsp-watch: TAPISRV's side of the exports, every line
   open): its events are LINEEVENTs (about 1.8 per switch event in this mix; its RESULT line
   also has frames_per_s, the switch events).
2. Latency at fixed rates (10,000 and 100,000 events/s, replay source, --rate-runs alternating
   runs per client, sent every --tick-us: 1000 sends 10 frames a burst at 10,000/s, 100 one by
   one): p50/p99/max from the
   frame's timestamp (taken when the source builds the frame) to the client's callback; for
   ctigw-tsp to TAPI's LINEEVENT callbacks, the provider's own figure over its last 65,536
   callbacks (read from its status; no per-event file, so no curve in latency.png).
3. The floor: the same frames read with no I/O (ctigw-bench-floor: simdjson, ctigw's codec
   copying and in place).

Writes results.tsv (every run), summary.md (the tables, with ratios to the Node client) and
throughput.png, cpu.png, latency.png (gnuplot) into --out. Needs nodejs and node-ws
(scripts/bootstrap --perf).
"""
import argparse
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time

# ctigw-bench-floor's readers, in the table's order: simdjson (the floor), ctigw's decode()
# (owning, a message per frame) and decode_padded_into() as pbx-link decodes (in place, one slot).
FLOOR_ROWS = ("floor-simdjson", "ctigw-codec-decode", "ctigw-codec-in-place")


def parse_result(text):
    for line in text.splitlines():
        if line.startswith("RESULT "):
            fields = dict(kv.split("=", 1) for kv in line.split()[1:])
            return fields
    return None


def per_switch_event(r):
    """Adds switch_eps and cpu_per_switch_event to a RESULT: the TSP's counts LINEEVENTs and says
    how many switch events (frames_per_s) they came from; the other clients count switch events."""
    eps = float(r["events_per_s"])
    r["switch_eps"] = float(r.get("frames_per_s", eps))
    r["cpu_per_switch_event"] = (float(r["cpu_us_per_event"]) * eps / r["switch_eps"]
                                 if r["switch_eps"] else float("nan"))
    return r


class Firehose:
    def __init__(self, build, work, source, rate, stations, tick_us=1000):
        self.ready = os.path.join(work, "ready")
        if os.path.exists(self.ready):
            os.remove(self.ready)
        self.log = open(os.path.join(work, "firehose.log"), "a")
        self.proc = subprocess.Popen(
            [os.path.join(build, "tools/bench/ctigw-firehose"), "--source", source,
             "--cert-dir", os.path.join(work, "certs"), "--token-file", os.path.join(work, "token.txt"),
             "--stations", stations, "--rate", str(rate), "--tick-us", str(tick_us),
             "--ready-file", self.ready],
            stdout=self.log, stderr=self.log)
        for _ in range(100):
            if os.path.exists(self.ready):
                break
            time.sleep(0.05)
        with open(self.ready) as f:
            self.url = f.read().split()[1]

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()


def run_client(kind, build, work, url, stations, warmup, seconds, latency_file=None, wrap=(),
               timeout=90):
    """Runs one client to its RESULT line; `wrap` goes before its command (e.g. valgrind)."""
    env = dict(os.environ, CTIGW_BENCH_TOKEN=open(os.path.join(work, "token.txt")).read().strip(),
               NODE_PATH="/usr/share/nodejs")
    common = ["--ca", os.path.join(work, "certs/ca.pem"), "--token-env", "CTIGW_BENCH_TOKEN",
              "--devices", stations, "--warmup", str(warmup), "--seconds", str(seconds)]
    latency = ["--latency-file", latency_file] if latency_file else []
    if kind == "ctigw-pbx-link":
        cmd = [os.path.join(build, "tools/bench/ctigw-link-watch"), url] + common + latency
    elif kind == "ctigw-tsp":
        cmd = [os.path.join(build, "tools/bench/ctigw-tsp-watch"), url] + common + [
            "--dir", os.path.join(work, "tsp")]
    else:
        cmd = ["node", os.path.join(os.path.dirname(os.path.abspath(__file__)), "node/watch.js"),
               url] + common + latency
    out = subprocess.run(list(wrap) + cmd, env=env, capture_output=True, text=True,
                         timeout=warmup + seconds + timeout)
    r = parse_result(out.stdout)
    if r is None:
        sys.exit(f"{kind} gave no RESULT:\n{out.stdout}\n{out.stderr}")
    return r


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default="build")
    ap.add_argument("--out", default=None)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--seconds", type=int, default=5)
    ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--stations", default="2000-3999")
    ap.add_argument("--rates", default="10000,100000")
    ap.add_argument("--rate-runs", type=int, default=1,
                    help="runs per client at each fixed rate (alternating order; medians)")
    ap.add_argument("--tick-us", type=int, default=1000,
                    help="the fixed rates' period: 1000 sends 10 frames a burst at 10,000/s")
    a = ap.parse_args()
    out = a.out or os.path.join(a.build, "perf")
    os.makedirs(out, exist_ok=True)
    if not shutil.which("node"):
        sys.exit("node not found: scripts/bootstrap --perf installs nodejs and node-ws")
    work = tempfile.mkdtemp(prefix="ctigw-perf-")
    subprocess.run([os.path.join(a.build, "tools/pbx-sim/ctigw-pbxsim"), "certs", os.path.join(work, "certs")],
                   check=True, capture_output=True)
    with open(os.path.join(work, "token.txt"), "w") as f:
        f.write(f"bench-{os.getpid()}-{time.time_ns()}\n")

    # ctigw-tsp counts LINEEVENTs (TAPI messages), the others switch events.
    clients = ["ctigw-pbx-link", "ctigw-tsp", "node-ws"]
    rows = []  # (test, client, run, fields)
    for run in range(1, a.runs + 1):
        for kind in (clients if run % 2 else list(reversed(clients))):
            fh = Firehose(a.build, work, "replay", 0, a.stations)
            try:
                r = run_client(kind, a.build, work, fh.url, a.stations, a.warmup, a.seconds)
            finally:
                fh.stop()
            rows.append(("max", kind, run, r))
            print(f"max run {run} {kind}: {float(r['events_per_s']):,.0f} events/s, "
                  f"{float(r['cpu_us_per_event']):.2f} us/event", flush=True)
    latency_files = {}
    for rate in [int(x) for x in a.rates.split(",") if x]:
        for run in range(1, a.rate_runs + 1):
            for kind in (clients if run % 2 else list(reversed(clients))):
                fh = Firehose(a.build, work, "replay", rate, a.stations, a.tick_us)
                # The TSP reports its percentiles (its status), not every sample; the curve is
                # the first run's.
                lf = (None if kind == "ctigw-tsp" or run > 1
                      else os.path.join(out, f"latency-{kind}-{rate}.txt"))
                try:
                    r = run_client(kind, a.build, work, fh.url, a.stations, a.warmup, a.seconds, lf)
                finally:
                    fh.stop()
                if lf:
                    latency_files[(kind, rate)] = lf
                rows.append((f"rate{rate}", kind, run, r))
                print(f"rate {rate} run {run} {kind}: p50 {r['lat_p50_us']} us, p99 {r['lat_p99_us']} us, "
                      f"max {r['lat_max_us']} us, {float(r['cpu_us_per_event']):.2f} us/event", flush=True)
    floor = subprocess.run([os.path.join(a.build, "tools/bench/ctigw-bench-floor"), "1000000"],
                           capture_output=True, text=True, check=True).stdout
    for line in floor.splitlines():
        r = parse_result(line)
        if r:
            rows.append(("floor", r["client"], 1, r))
    shutil.rmtree(work, ignore_errors=True)

    with open(os.path.join(out, "results.tsv"), "w") as f:
        f.write("test\tclient\trun\tevents_per_s\tframes_per_s\tcpu_us_per_event\tlat_p50_us\tlat_p99_us\tlat_max_us\n")
        for test, client, run, r in rows:
            f.write(f"{test}\t{client}\t{run}\t{r.get('events_per_s')}\t{r.get('frames_per_s', r.get('events_per_s'))}\t{r.get('cpu_us_per_event')}\t"
                    f"{r.get('lat_p50_us', '')}\t{r.get('lat_p99_us', '')}\t{r.get('lat_max_us', '')}\n")

    for _, _, _, r in rows:
        per_switch_event(r)

    def med(test, client, key):
        vals = [float(r[key]) for t, c, _, r in rows if t == test and c == client]
        return statistics.median(vals) if vals else float("nan")

    node_eps = med("max", "node-ws", "switch_eps")
    node_cpu = med("max", "node-ws", "cpu_per_switch_event")
    floor_cpu = med("floor", "floor-simdjson", "cpu_per_switch_event")
    lines = ["| client | switch events/s | × Node | CPU µs per switch event | × Node | × floor | TAPI LINEEVENTs/s | CPU µs per LINEEVENT |",
             "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for test, c in [("max", c) for c in clients] + [("floor", c) for c in FLOOR_ROWS]:
        eps = med(test, c, "switch_eps")
        cpu = med(test, c, "cpu_per_switch_event")
        tapi = (f"{med(test, c, 'events_per_s'):,.0f} | {med(test, c, 'cpu_us_per_event'):.2f}"
                if c == "ctigw-tsp" else "— | —")
        name = c + (" (no I/O)" if test == "floor" else "")
        lines.append(f"| {name} | {eps:,.0f} | {eps / node_eps:.2f} | {cpu:.2f} | {cpu / node_cpu:.2f} | {cpu / floor_cpu:.1f} | {tapi} |")
    # Each client's CPU against Node's in the same round: the rounds run next to each other, so
    # this ratio moves less with the machine's speed from one minute to the next than the ratio of
    # the medians above (the same build read 0.45x and 0.53x three minutes apart).
    node_by_run = {run: float(r["cpu_per_switch_event"])
                   for t, c, run, r in rows if t == "max" and c == "node-ws"}
    paired = []
    for c in clients:
        if c == "node-ws":
            continue
        ratios = sorted(float(r["cpu_per_switch_event"]) / node_by_run[run]
                        for t, cc, run, r in rows if t == "max" and cc == c and run in node_by_run)
        if ratios:
            paired.append(f"{c} median {statistics.median(ratios):.2f} "
                          f"({', '.join(f'{x:.2f}' for x in ratios)})")
    if paired:
        lines += ["", "CPU per switch event against Node's in the same round: " + "; ".join(paired) + "."]
    lines += ["", f"Fixed rates: sent every {a.tick_us} µs; medians of {a.rate_runs} run(s), p99's range in brackets.", "",
              "| rate (events/s) | client | p50 µs | p99 µs | max µs | CPU µs per switch event |", "|---:|---|---:|---:|---:|---:|"]
    for t in dict.fromkeys(t for t, _, _, _ in rows if t.startswith("rate")):
        for c in clients:
            p99s = [float(r["lat_p99_us"]) for tt, cc, _, r in rows if tt == t and cc == c]
            spread = f" ({min(p99s):,.0f}–{max(p99s):,.0f})" if len(p99s) > 1 else ""
            # the TSP's figure is over its last 65,536 callbacks: a short window includes warm-up
            if any(r.get("latency_window_only") == "0" for tt, cc, _, r in rows if tt == t and cc == c):
                spread += " (includes callbacks from before the window: use a longer --seconds)"
            lines.append(f"| {int(t[4:]):,} | {c} | {med(t, c, 'lat_p50_us'):,.0f} | {med(t, c, 'lat_p99_us'):,.0f}{spread} | "
                         f"{med(t, c, 'lat_max_us'):,.0f} | {med(t, c, 'cpu_per_switch_event'):.2f} |")
    summary = "\n".join(lines) + "\n"
    with open(os.path.join(out, "summary.md"), "w") as f:
        f.write(summary)
    print(summary)

    if shutil.which("gnuplot"):
        bars = os.path.join(out, "bars.dat")
        with open(bars, "w") as f:
            for c in clients:
                f.write(f"{c} {med('max', c, 'switch_eps')} {med('max', c, 'cpu_per_switch_event')}\n")
            for c in FLOOR_ROWS:
                f.write(f"{c} {med('floor', c, 'switch_eps')} {med('floor', c, 'cpu_per_switch_event')}\n")
        cdfs = []
        for (kind, rate), lf in sorted(latency_files.items()):
            vals = sorted(int(x) for x in open(lf) if x.strip())
            if not vals:
                continue
            cdf = os.path.join(out, f"cdf-{kind}-{rate}.dat")
            with open(cdf, "w") as f:
                step = max(1, len(vals) // 2000)
                for i in range(0, len(vals), step):
                    f.write(f"{max(vals[i], 1)} {(i + 1) / len(vals)}\n")
            cdfs.append((kind, rate, cdf))
        plot = f"""
set terminal pngcairo size 1040,420 font ",10"
set style fill solid 0.8
set boxwidth 0.6
set grid ytics
set output '{out}/throughput.png'
set title 'Switch events/s, as fast as each client takes them (replay source, TLS, loopback)'
set ylabel 'events/s'
plot '{bars}' every ::0::2 using 0:2:xtic(1) with boxes notitle
set output '{out}/cpu.png'
set title 'CPU microseconds per switch event (clients: whole process; floor: no I/O)'
set ylabel 'µs per event'
plot '{bars}' using 0:3:xtic(1) with boxes notitle
set output '{out}/latency.png'
set title 'Latency, frame built -> client callback (fixed rates)'
set xlabel 'µs'
set ylabel 'fraction of events'
set logscale x
set key bottom right
plot """ + ", ".join(f"'{cdf}' using 1:2 with lines lw 2 title '{kind} at {rate:,}/s'" for kind, rate, cdf in cdfs) + "\n"
        subprocess.run(["gnuplot"], input=plot, text=True, check=True)
        print(f"plots: {out}/throughput.png, {out}/cpu.png, {out}/latency.png")


if __name__ == "__main__":
    main()
