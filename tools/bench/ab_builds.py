#!/usr/bin/env python3
"""Before/after in one sitting: two builds' clients alternating against the same replay source
(docs/performance.md: the A/B figures). Sittings on these machines differ by up to 2x, so a
change is measured against the build before it, run by run, not against an older table.

  tools/bench/ab_builds.py --old OLD_BUILD --new NEW_BUILD [--clients ctigw-tsp,ctigw-pbx-link]
                           [--runs 3] [--warmup 2] [--seconds 5]

Prints every run, the medians of switch events/s and CPU µs per switch event (and, for
ctigw-tsp, per LINEEVENT), and the median of the runs' new/old ratios of CPU per switch event.
The source and the certificates come from --new.
"""
import argparse
import os
import statistics
import subprocess
import tempfile

import compare_clients as cc


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--old", required=True)
    ap.add_argument("--new", required=True)
    ap.add_argument("--clients", default="ctigw-tsp,ctigw-pbx-link")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--seconds", type=int, default=5)
    ap.add_argument("--stations", default="2000-3999")
    a = ap.parse_args()
    builds = {"old": a.old, "new": a.new}
    clients = [c for c in a.clients.split(",") if c]
    work = tempfile.mkdtemp(prefix="ctigw-ab-")
    subprocess.run([os.path.join(a.new, "tools/pbx-sim/ctigw-pbxsim"), "certs",
                    os.path.join(work, "certs")], check=True, capture_output=True)
    with open(os.path.join(work, "token.txt"), "w") as f:
        f.write(f"ab-{os.getpid()}\n")
    results = {}
    for run in range(a.runs):
        for name in (["old", "new"] if run % 2 == 0 else ["new", "old"]):
            for client in clients:
                source = cc.Firehose(a.new, work, "replay", 0, a.stations)
                try:
                    r = cc.run_client(client, builds[name], work, source.url, a.stations,
                                      a.warmup, a.seconds)
                finally:
                    source.stop()
                cc.per_switch_event(r)
                switch_eps = r["switch_eps"]
                per_switch_event = r["cpu_per_switch_event"]
                per_event = float(r["cpu_us_per_event"])
                results.setdefault((name, client), []).append(
                    (switch_eps, per_switch_event, per_event))
                print(f"run {run + 1} {name} {client}: {switch_eps:,.0f} switch events/s, "
                      f"{per_switch_event:.3f} µs per switch event, {per_event:.3f} µs per event",
                      flush=True)
    for client in clients:
        for name in ("old", "new"):
            v = results[(name, client)]
            print(f"median {name} {client}: {statistics.median(x[0] for x in v):,.0f} switch "
                  f"events/s, {statistics.median(x[1] for x in v):.3f} µs per switch event, "
                  f"{statistics.median(x[2] for x in v):.3f} µs per event")
        # The sitting drifts during a run (up to 2x here): the ratio of each run's two builds,
        # measured back to back, is steadier than either build's median.
        ratios = sorted(n[1] / o[1] for o, n in zip(results[("old", client)],
                                                    results[("new", client)]))
        print(f"paired {client}: new/old CPU per switch event, median {statistics.median(ratios):.3f}"
              f" (runs: {', '.join(f'{r:.3f}' for r in ratios)})")


if __name__ == "__main__":
    main()
