#!/usr/bin/env python3
"""gfxsim.py - the graphics path in the simulator beside a plain SDL2 program, one run.

usage: gfxsim.py --sim SIM --bootstore FILE --gfxbench GFXBENCH [--json OUT]

In a private Xvfb: boots the simulator with its window, types `run gfxperf`
(tests/progs/gfxperf.c: a client of the graphics service, timing surface create +
destroy, full-screen and 64x64 presents through the compositor and the display, and
the frames per second of a draw + present loop), moves the pointer over the window
(xdotool) for gfxperf's input latency (the device's time stamp to the client's
arrival, through the session and the compositor), powers off; then runs
`gfxbench --window` on the same X server: one process that draws the same pixels and
uploads them itself, paced like the simulator's display. Prints the two side by side
with the ratio (ours / SDL2) and exits 0 when every figure was measured. Without
Xvfb or xdotool: exits 77 (skipped).
"""
import argparse
import json
import os
import re
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "sim"))
from xwindow import Proc, find_window, start_xvfb, xdo  # noqa: E402

PAIRS = [("surface create+destroy (256x256) vs texture create+destroy", "gfx_surface_create_destroy",
          "sdl_texture_create_destroy"),
         ("present, full-screen damage (1024x768), ns", "gfx_present_full", "sdl_present_full"),
         ("present, 64x64 damage, ns", "gfx_present_64", "sdl_present_64"),
         ("frames per second, full-screen damage", "gfx_fps_full", "sdl_fps_full"),
         ("frames per second, 64x64 damage", "gfx_fps_64", "sdl_fps_64"),
         ("input latency, device to client, ns", "gfx_input_latency", None)]


def bench_lines(text):
    out = {}
    for m in re.finditer(r"BENCH name=(\S+) unit=(\S+) ([^\n]*)", text):  # after a prompt too
        fields = dict(kv.split("=", 1) for kv in m.group(3).split())
        out[m.group(1)] = fields
    return out


def figure(f):
    if not f:
        return None
    v = f.get("median", f.get("value"))
    return int(v) if v is not None else None


def ours(a, env):
    sim = Proc([a.sim, "--disk", "none", "--bootstore", a.bootstore], env=env, stdin=subprocess.PIPE)

    def say(line):
        sim.p.stdin.write((line + "\n").encode())
        sim.p.stdin.flush()
    if not sim.wait_for(r"serviceos> ", 60):
        sim.p.kill()
        sim.finish(5)
        return sim.text()
    say("run gfxperf")
    if sim.wait_for(r"^gfxperf: waiting for input", 300):
        w = find_window(env)
        for i in range(60):  # each move is one MOTION event for the surface under it
            if w:
                xdo(env, "mousemove", "--window", w, 100 + (i % 30) * 25, 100 + (i % 7) * 60)
            time.sleep(0.05)
            if "gfxperf: done" in sim.text():
                break
    sim.wait_for(r"^gfxperf: done", 90)
    say("poweroff")
    sim.finish(30)
    return sim.text()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sim", required=True)
    ap.add_argument("--bootstore", required=True)
    ap.add_argument("--gfxbench", required=True)
    ap.add_argument("--json")
    a = ap.parse_args()
    if not all(map(lambda t: subprocess.run(["which", t], stdout=subprocess.DEVNULL).returncode == 0,
                   ("Xvfb", "xdotool"))):
        print("gfxsim: Xvfb or xdotool not installed: skipped")
        return 77
    xvfb, display = start_xvfb()
    if not xvfb:
        print("gfxsim: Xvfb did not start: skipped")
        return 77
    env = dict(os.environ, DISPLAY=display, SDL_VIDEODRIVER="x11", LSAN_OPTIONS="detect_leaks=0")
    env.pop("WAYLAND_DISPLAY", None)
    try:
        text = ours(a, env)
        base = subprocess.run([a.gfxbench, "--window"], env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, timeout=120).stdout.decode()
    finally:
        xvfb.terminate()
        xvfb.wait(5)
    got, sdl = bench_lines(text), bench_lines(base)
    print(f"{'':60} {'ServiceOS':>12} {'SDL2':>12} {'ratio':>7}")
    ok = True
    result = {}
    for what, mine, theirs in PAIRS:
        x, y = figure(got.get(mine)), figure(sdl.get(theirs)) if theirs else None
        ok = ok and x is not None and (theirs is None or y is not None)
        ratio = f"{x / y:.2f}" if x and y else "-"
        print(f"{what:60} {x if x is not None else 'missing':>12} {y if y is not None else '-':>12} {ratio:>7}")
        result[mine] = got.get(mine)
        if theirs:
            result[theirs] = sdl.get(theirs)
    for name in ("gfx_input_latency", "gfx_present_full", "gfx_present_64"):
        f = got.get(name) or {}
        if f.get("p99"):
            print(f"# {name}: p99 {f['p99']} ns, min {f['min']}, max {f['max']}, {f['samples']} samples")
    if a.json:
        with open(a.json, "w") as j:
            json.dump(result, j, indent=1)
    if not ok:
        sys.stderr.write(text[-3000:] + "\n" + base[-1000:] + "\n")
    return 0 if ok else 1


sys.exit(main())
