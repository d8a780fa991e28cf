#!/usr/bin/env python3
"""Input typed one line per prompt reaches the shell exactly once and intact, on any
number of vCPUs (regression: with --cpus 2 every vCPU could take the same console bytes
from the host's ring, so lines ran twice, were lost or came out mangled, and a broken
ring index could replay old input in an endless loop).

usage: prompt-input.py PAIRS [--timeout S] [--total S] -- COMMAND...

Waits for each `serviceos> ` prompt before sending the next line: PAIRS times
`write /home/pN tN-...` then `cat /home/pN`, then `poweroff`. Every command must be
echoed exactly once as sent and every file's text must come back exactly once.
--timeout bounds the wait for each prompt (default 30 s), --total the whole run
(default 90 s: replayed input can keep the prompts coming, or block the pipes).
TAP: one case per check.
"""
import os
import select
import subprocess
import sys
import threading
import time

PROMPT = b"serviceos> "


def prompts(out, seen):
    """How many prompts `out` holds, scanning only what came since the last call."""
    pos = out.find(PROMPT, seen[1])
    while pos >= 0:
        seen[0] += 1
        seen[1] = pos + len(PROMPT)
        pos = out.find(PROMPT, seen[1])
    seen[1] = max(seen[1], len(out) - len(PROMPT) + 1)
    return seen[0]


def main():
    args = sys.argv[1:]
    sep = args.index("--")
    cmd, opts = args[sep + 1:], args[:sep]
    pairs = int(opts[0])
    timeout = float(opts[opts.index("--timeout") + 1]) if "--timeout" in opts else 30.0
    total = float(opts[opts.index("--total") + 1]) if "--total" in opts else 90.0
    lines = []
    for i in range(pairs):
        lines += [f"write /home/p{i} t{i}-abcdefghij", f"cat /home/p{i}"]
    lines.append("poweroff")

    p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT)
    watchdog = threading.Timer(total, p.kill)
    watchdog.start()
    out = bytearray()
    seen = [0, 0]  # prompts counted, bytes scanned (output can grow without end)
    problem = None
    for sent, line in enumerate([None] + lines):
        if line is not None:
            try:
                p.stdin.write(line.encode() + b"\n")
                p.stdin.flush()
            except OSError:
                problem = f"the simulator stopped reading before {line!r}"
                break
        want = sent + 1 if line != "poweroff" else None
        deadline = time.monotonic() + timeout
        while want is not None and prompts(out, seen) < want:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([p.stdout], [], [], left)[0]:
                problem = f"no prompt {want} within {timeout:.0f}s after {line!r}"
                break
            chunk = os.read(p.stdout.fileno(), 65536)
            if not chunk:
                problem = f"output ended before prompt {want}"
                break
            out += chunk
        if problem:
            break
    try:
        rest, _ = p.communicate(timeout=timeout)
        out += rest
    except subprocess.TimeoutExpired:
        p.kill()
        rest, _ = p.communicate()
        out += rest
        problem = problem or "the simulator did not power off"
    if not watchdog.is_alive():
        problem = problem or f"the whole run took more than {total:.0f}s"
    watchdog.cancel()

    text = out.decode("utf-8", "replace").replace("\r", "").split("\n")
    bad_echo = [l for l in lines if text.count("serviceos> " + l) != 1]
    bad_cat = [i for i in range(pairs) if text.count(f"t{i}-abcdefghij") != 1]
    cases = [
        (problem is None, f"every line got its prompt ({problem or 'ok'})"),
        (not bad_echo, f"every line echoed exactly once as sent ({len(bad_echo)} not: "
                       f"{bad_echo[:3]})"),
        (not bad_cat, f"every file's text came back exactly once ({len(bad_cat)} not: "
                      f"{bad_cat[:5]})"),
        (p.returncode == 0, f"exit status {p.returncode}"),
    ]
    for n, (ok, what) in enumerate(cases, 1):
        print(f"{'ok' if ok else 'not ok'} {n} - {what}")
    print(f"1..{len(cases)}")
    if not all(ok for ok, _ in cases):
        sys.stdout.write("# transcript tail:\n")
        for l in text[-30:]:
            sys.stdout.write("# " + l + "\n")
    return 0 if all(ok for ok, _ in cases) else 1


if __name__ == "__main__":
    sys.exit(main())
