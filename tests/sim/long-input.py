#!/usr/bin/env python3
"""A long piped session reaches the shell whole: no byte of standard input is lost
when the console rings are full (regression: input beyond ~12 KB used to be dropped).

usage: long-input.py LINES -- COMMAND...
"""
import subprocess
import sys

n = int(sys.argv[1])
cmd = sys.argv[3:] if sys.argv[2] == "--" else sys.argv[2:]
script = "".join(f"echo line {i}\n" for i in range(n)) + "poweroff\n"
p = subprocess.run(cmd, input=script.encode(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                   timeout=120)
out = p.stdout.decode("utf-8", "replace").splitlines()
seen = [l for l in out if l.startswith("line ")]
ok = len(seen) == n and all(seen[i] == f"line {i}" for i in range(n)) and p.returncode == 0
print(f"{'ok' if ok else 'not ok'} 1 - {len(seen)} of {n} lines ({len(script)} bytes) came back in order, exit {p.returncode}")
print("1..1")
sys.exit(0 if ok else 1)
