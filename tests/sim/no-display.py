#!/usr/bin/env python3
"""The simulator started without --headless where there is no display (no DISPLAY, no
WAYLAND_DISPLAY, no XDG_RUNTIME_DIR): it says once that it runs without a window and
works, with no error from the windowing libraries before it (regression: SDL's probe
printed "XDG_RUNTIME_DIR is invalid" first).

usage: no-display.py -- COMMAND...   (TAP on stdout)
"""
import os
import subprocess
import sys

cmd = sys.argv[2:] if sys.argv[1] == "--" else sys.argv[1:]
env = {k: v for k, v in os.environ.items()
       if k not in ("DISPLAY", "WAYLAND_DISPLAY", "XDG_RUNTIME_DIR", "SDL_VIDEODRIVER")}
p = subprocess.run(cmd, input=b"echo still here\npoweroff\n", stdout=subprocess.PIPE,
                   stderr=subprocess.STDOUT, env=env, timeout=60)
out = p.stdout.decode("utf-8", "replace")
cases = [
    ("the session runs and powers off with 0", p.returncode == 0 and "still here" in out),
    ("no error from the windowing libraries", "XDG_RUNTIME_DIR" not in out and "error:" not in out),
    ("a note says there is no window", "no display" in out),
]
for i, (name, ok) in enumerate(cases, 1):
    print(f"{'ok' if ok else 'not ok'} {i} - {name}")
if not all(ok for _, ok in cases):
    for line in out.splitlines()[:10]:
        print(f"#   {line}")
print(f"1..{len(cases)}")
sys.exit(0 if all(ok for _, ok in cases) else 1)
