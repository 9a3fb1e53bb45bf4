#!/usr/bin/env python3
"""Instructions per switch event on the TSP's event path, counted by callgrind: steadier than CPU
time on a shared machine (docs/performance.md), for changes of a few per cent.

  tools/bench/callgrind_tsp.py [--build build] [--out FILE] [--seconds 20]

Runs ctigw-tsp-watch under `valgrind --tool=callgrind` against the replay firehose (as
compare_clients.py does), collecting only inside the decoder (`decode_padded_into`, the link's
I/O thread), the delivery thread's items (`delivery_queue::run_item`: the TSP's mapping) and the
TAPI dispatcher's batches, and prints each part's instructions per switch event (the events the
TSP mapped, counted from the calls of `provider_state::on_event`). Under callgrind the threads
run one at a time and the client takes ~15,000 events/s; the decoder's figure moves by ~2% from
run to run (how often it decodes into a fresh slot), the mapping's by much less.
"""
import argparse
import collections
import os
import re
import subprocess
import tempfile

import compare_clients as cc

PARTS = {
    "decode (I/O thread)": r"json_codec::decode_padded_into\(",
    "mapping (delivery thread)": r"delivery_queue::run_item\(",
    "TAPI callbacks (dispatcher batches)": r"dispatcher::run_batch\(",
}


def read_profile(path):
    """Totals, calls per function and inclusive cost per function of a callgrind file."""
    names, calls, inclusive = {}, collections.Counter(), collections.Counter()
    fn = cfn = None
    total = 0
    after_calls = False
    with open(path) as f:
        for line in f:
            m = re.match(r"(c?fn)=\((\d+)\)(?: (.*))?", line)
            if m:
                kind, ident, name = m.groups()
                if name:
                    names[ident] = name.strip()
                if kind == "fn":
                    fn = ident
                else:
                    cfn = ident
                continue
            if line.startswith("calls="):
                calls[cfn] += int(line.split("=")[1].split()[0])
                after_calls = True
                continue
            if after_calls:  # the cost line of that call: the callee's inclusive cost
                after_calls = False
                if fn != cfn:
                    inclusive[cfn] += int(line.split()[1])
                continue
            if line.startswith("totals:") or line.startswith("summary:"):
                total = int(line.split()[1])
    by_name = lambda c: {names.get(i, "?"): v for i, v in c.items()}
    return total, by_name(calls), by_name(inclusive)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default="build")
    ap.add_argument("--out", default=None)
    ap.add_argument("--seconds", type=int, default=20)
    ap.add_argument("--stations", default="2000-3999")
    a = ap.parse_args()
    work = tempfile.mkdtemp(prefix="ctigw-callgrind-")
    out = a.out or os.path.join(work, "callgrind.out")
    subprocess.run([os.path.join(a.build, "tools/pbx-sim/ctigw-pbxsim"), "certs",
                    os.path.join(work, "certs")], check=True, capture_output=True)
    with open(os.path.join(work, "token.txt"), "w") as f:
        f.write(f"callgrind-{os.getpid()}\n")
    wrap = ["valgrind", "--tool=callgrind", "--callgrind-out-file=" + out, "--collect-atstart=no",
            "--toggle-collect=*decode_padded_into*", "--toggle-collect=*delivery_queue::run_item*",
            "--toggle-collect=*dispatcher::run_batch*"]
    fh = cc.Firehose(a.build, work, "replay", 0, a.stations)
    try:
        cc.run_client("ctigw-tsp", a.build, work, fh.url, a.stations, 3, a.seconds, wrap=wrap,
                      timeout=600)
    finally:
        fh.stop()
    total, calls, inclusive = read_profile(out)
    events = sum(v for k, v in calls.items() if "provider_state::on_event(" in k)
    if events == 0:
        raise SystemExit("no switch event was mapped (see " + out + ")")
    print(f"{events:,} switch events mapped; {total:,} instructions collected ({out})")
    for part, pattern in PARTS.items():
        ir = sum(v for k, v in inclusive.items() if re.search(pattern, k))
        print(f"  {part}: {ir / events:,.0f} instructions per switch event")
    print(f"  all collected: {total / events:,.0f} instructions per switch event")


if __name__ == "__main__":
    main()
