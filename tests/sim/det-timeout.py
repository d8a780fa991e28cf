#!/usr/bin/env python3
"""A deterministic run's timeouts take no host time (docs/sim.md, deterministic runs).

usage: det-timeout.py [--hang] -- SIM ARGS...
                        (without --hang: a boot in which some service never gets ready)

Types `uptime --wait 10`: the shell waits 10 s of the guest's time for every service to
be ready, which never happens, and says so. In a deterministic run the clock jumps over
the wait: the uptime printed after it is at least 10 s, while the whole run (boot,
wait, power-off) takes less host time than the wait itself.

--hang: `run crashme hang` spins in user code and never enters the kernel, which a
deterministic run cannot preempt at a well-defined point: the watchdog says so after 5 s
of host time, preempts it, the Ctrl-C typed next kills it, and the power-off line says
the run was NOT deterministic.
"""
import re
import subprocess
import sys
import time

hang = sys.argv[1:2] == ["--hang"]
args = sys.argv[2:] if hang else sys.argv[1:]
sim = args[1:] if args[:1] == ["--"] else args
t0 = time.monotonic()
keys = b"run crashme hang\n\x03echo after the hang\npoweroff\n" if hang else \
    b"uptime --wait 10\npoweroff\n"
p = subprocess.run(sim + ["--deterministic"], input=keys,
                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=120)
took = time.monotonic() - t0
out = p.stdout.decode("utf-8", "replace")
sys.stderr.write(out)
if hang:
    cases = [
        (p.returncode == 0, f"exit status {p.returncode}"),
        ("has run for 5 s without a syscall" in out, "the watchdog saw user code spinning"),
        ("crashme: killed" in out and "after the hang" in out, "Ctrl-C killed it, the shell went on"),
        ("(NOT deterministic: see above)" in out, "the power-off line says the run was not deterministic"),
    ]
    for i, (ok, what) in enumerate(cases, 1):
        print(f"{'ok' if ok else 'not ok'} {i} - {what}")
    print(f"1..{len(cases)}")
    sys.exit(0 if all(ok for ok, _ in cases) else 1)
up = re.search(r"^up ([\d.]+) s\s+\(.*not every service is ready\)", out, re.M)
cases = [
    (p.returncode == 0, f"exit status {p.returncode}"),
    (up is not None, "uptime --wait 10 gave up: not every service is ready"),
    (up is not None and float(up.group(1)) >= 10, f"guest time after the wait: {up.group(1) if up else '?'} s"),
    (took < 10, f"host time for the boot, the 10 s wait and the power-off: {took:.2f} s"),
]
for i, (ok, what) in enumerate(cases, 1):
    print(f"{'ok' if ok else 'not ok'} {i} - {what}")
print(f"1..{len(cases)}")
sys.exit(0 if all(ok for ok, _ in cases) else 1)
