#!/usr/bin/env python3
"""Boot the ktest image on a platform and report its cases as TAP.

usage: run-ktest.py --timeout S -- COMMAND...

COMMAND boots ktest (for example `serviceos-sim --headless --cpus 2 --init ktest`, or
`serviceos-qemu --arch x86_64 --headless --kernel-test`). ktest prints a line per case,
`ktest: <case>: ok` or `ktest: <case>: FAILED (<why>)`, then `ktest: N passed, N failed`,
and powers off with 0 when every case passed. Each case becomes one TAP line; a missing
summary, a count that disagrees with the lines, a non-zero exit or a timeout is a failure.
The transcript goes to stderr (meson keeps it in the test log).
"""
import argparse
import re
import subprocess
import sys
import time

CASE = re.compile(r"^ktest: (?P<name>[A-Za-z0-9_.-]+): (?P<res>ok|FAILED.*)$")
SUMMARY = re.compile(r"^ktest: (\d+) passed, (\d+) failed$")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--timeout", type=float, default=120)
    ap.add_argument("--cases-file", help="write the case names here (to compare platforms)")
    ap.add_argument("cmd", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    cmd = a.cmd[1:] if a.cmd and a.cmd[0] == "--" else a.cmd
    t0 = time.monotonic()
    try:
        p = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, timeout=a.timeout)
        out, rc, timed_out = p.stdout.decode("utf-8", "replace"), p.returncode, False
    except subprocess.TimeoutExpired as e:
        out, rc, timed_out = (e.stdout or b"").decode("utf-8", "replace"), None, True
    took = time.monotonic() - t0
    sys.stderr.write(out)
    cases, summary = [], None
    for line in out.splitlines():
        line = line.rstrip("\r")
        m = CASE.match(line)
        if m:
            cases.append((m.group("name"), m.group("res")))
        m = SUMMARY.match(line)
        if m:
            summary = (int(m.group(1)), int(m.group(2)))
    n = 0
    for name, res in cases:
        n += 1
        if res == "ok":
            print(f"ok {n} - {name}")
        else:
            print(f"not ok {n} - {name}: {res}")
    good = sum(1 for _, r in cases if r == "ok")
    problems = []
    if timed_out:
        problems.append(f"timed out after {a.timeout:.0f} s")
    elif rc != (0 if good == len(cases) else 1):
        problems.append(f"exit status {rc}")
    if summary is None:
        problems.append("no summary line")
    elif summary != (good, len(cases) - good):
        problems.append(f"summary {summary} disagrees with the case lines")
    if not cases:
        problems.append("no cases ran")
    n += 1
    if problems:
        print(f"not ok {n} - ktest run: " + "; ".join(problems))
    else:
        print(f"ok {n} - ktest run: {len(cases)} cases in {took:.1f} s")
    print(f"1..{n}")
    if a.cases_file:
        with open(a.cases_file, "w") as f:
            f.write("\n".join(c for c, _ in cases) + "\n")
    return 0 if not problems and good == len(cases) else 1


sys.exit(main())
