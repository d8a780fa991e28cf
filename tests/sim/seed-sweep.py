#!/usr/bin/env python3
"""Boot and chaos under many seeds of a deterministic simulator run; check invariants.

usage: seed-sweep.py [--seeds N] [--first S] [--kills K] [--jobs J] -- SIM ARGS...

Each seed S boots `SIM --deterministic --seed S ARGS...` and types

    uptime --wait 10     every service of the boot ready
    services             the table: no service of the boot left in another phase
    chaos K              K kills of services drawn from the seed (the shell's seed comes
                         from the system's entropy, which comes from --seed)
    services             every service ready again after the kills
    poweroff

and checks: the boot is ready, every service listed is ready or dormant before and
after, chaos says its kernel objects are back to their baseline, the seed chaos drew
differs between seeds (the seed reaches the guest), the power-off status is 0 and the
trace hash is printed. One TAP case per seed; a failing seed prints the command that
reproduces it. A last case checks that not every seed gave the same trace.
"""
import argparse
import concurrent.futures
import re
import subprocess
import sys
import time

INPUT = "uptime --wait 10\nservices\nchaos {kills}\nservices\npoweroff\n"
TRACE = re.compile(r"trace hash ([0-9a-f]{16})")
CHAOS_SEED = re.compile(r"^chaos: seed (\d+)", re.M)
PHASE = re.compile(r"^(\w[\w-]*)\s+(\S+)\s+\S+\s+restarts", re.M)


def check(out, rc):
    """(what is wrong or None, chaos's seed, trace hash)."""
    seed = CHAOS_SEED.search(out)
    trace = TRACE.search(out)
    bad = [f"{name} {phase}" for name, phase in PHASE.findall(out)
           if phase not in ("ready", "dormant")]
    if rc != 0:
        why = f"exit status {rc}"
    elif "not every service" in out or "timed out" in out:
        why = "the boot was not ready"
    elif bad:
        why = "services not ready: " + ", ".join(sorted(set(bad)))
    elif "kernel objects back to their baseline" not in out:
        why = "chaos: " + "; ".join(l for l in out.splitlines() if l.startswith("chaos:"))
    elif not seed or not trace:
        why = "no chaos seed or no trace hash in the transcript"
    else:
        why = None
    return why, seed.group(1) if seed else None, trace.group(1) if trace else None


def run(sim, seed, kills, timeout):
    cmd = sim[:1] + ["--deterministic", "--seed", str(seed)] + sim[1:]
    try:
        p = subprocess.run(cmd, input=INPUT.format(kills=kills).encode(), stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, timeout=timeout)
        out, rc = p.stdout.decode("utf-8", "replace"), p.returncode
    except subprocess.TimeoutExpired as e:
        out, rc = (e.stdout or b"").decode("utf-8", "replace"), "timeout"
    return (seed, cmd, out) + check(out, rc)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", type=int, default=200)
    ap.add_argument("--first", type=int, default=1)
    ap.add_argument("--kills", type=int, default=10)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--timeout", type=float, default=60)
    ap.add_argument("sim", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    sim = a.sim[1:] if a.sim and a.sim[0] == "--" else a.sim
    t0 = time.monotonic()
    seeds = range(a.first, a.first + a.seeds)
    failed, chaos_seeds, traces = [], set(), set()
    with concurrent.futures.ThreadPoolExecutor(a.jobs) as pool:
        for n, (seed, cmd, out, why, cseed, trace) in enumerate(
                pool.map(lambda s: run(sim, s, a.kills, a.timeout), seeds), 1):
            chaos_seeds.add(cseed)
            traces.add(trace)
            if why is None:
                print(f"ok {n} - seed {seed}: ready, chaos {a.kills} (its seed {cseed}) back to "
                      f"baseline, trace {trace}")
                continue
            failed.append(seed)
            sys.stderr.write(out)
            keys = INPUT.format(kills=a.kills).replace("\n", "\\n")
            print(f"not ok {n} - seed {seed}: {why}")
            print(f"# reproduce: printf '{keys}' | {' '.join(cmd)}")
    n = len(seeds) + 1
    distinct = len(chaos_seeds) == len(seeds) and len(traces) > 1
    print(f"{'ok' if distinct else 'not ok'} {n} - {len(chaos_seeds)} chaos seeds and "
          f"{len(traces)} traces from {len(seeds)} seeds")
    print(f"# {len(seeds)} seeds in {time.monotonic() - t0:.1f} s, {a.jobs} at a time; failing "
          f"seeds: {' '.join(map(str, failed)) or 'none'}")
    print(f"1..{n}")
    return 1 if failed or not distinct else 0


sys.exit(main())
