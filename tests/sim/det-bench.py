#!/usr/bin/env python3
"""Boot to prompt, deterministic against normal (docs/sim.md, deterministic runs).

usage: det-bench.py [--runs N] -- SIM ARGS...   (ARGS: --disk none --bootstore FILE ...)

Boots N times in each mode, alternating (so load on the host falls on both alike):
`poweroff` is typed at once, and the time from the start of the process to the first
shell prompt is measured; the whole run's CPU time (user + system, the simulator's)
too. Prints the medians and the ratio; the exit status is 1 when the deterministic
median is more than twice the normal one.
"""
import os
import resource
import statistics
import subprocess
import sys
import time


def one(cmd):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.monotonic()
    p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT)
    p.stdin.write(b"poweroff\n")
    p.stdin.flush()
    buf = b""
    while b"serviceos> " not in buf:
        b = os.read(p.stdout.fileno(), 65536)
        if not b:
            break
        buf += b
    prompt = time.monotonic() - t0
    p.stdin.close()
    p.stdout.read()
    p.wait()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return prompt, cpu


def main():
    args = sys.argv[1:]
    runs = 11
    if args[:1] == ["--runs"]:
        runs, args = int(args[1]), args[2:]
    sim = args[1:] if args[:1] == ["--"] else args
    res = {"normal": [], "deterministic": []}
    for _ in range(runs):
        res["normal"].append(one(sim))
        res["deterministic"].append(one(sim[:1] + ["--deterministic"] + sim[1:]))
    med = {}
    for mode, v in res.items():
        med[mode] = statistics.median(p for p, _ in v)
        print(f"{mode:14} boot to prompt: median {med[mode] * 1000:.0f} ms (min "
              f"{min(p for p, _ in v) * 1000:.0f}, max {max(p for p, _ in v) * 1000:.0f}); "
              f"CPU per run (boot, prompt, power-off): median "
              f"{statistics.median(c for _, c in v) * 1000:.0f} ms, {runs} runs")
    ratio = med["deterministic"] / med["normal"]
    print(f"deterministic / normal: {ratio:.2f}")
    return 0 if ratio <= 2 else 1


sys.exit(main())
