#!/usr/bin/env python3
"""The simulator's window as an input device, under Xvfb, driven by xdotool (TAP).

usage: input-window.py --sim SIM --inputtest IMAGE [--bootstore FILE] [--shot PNG]

Starts a private Xvfb (a free display, -displayfd), boots IMAGE (tests/input/inputtest)
in the window, and with xdotool clicks, scrolls, types and moves the pointer (also in
a window scaled by 1.5) into it; inputtest prints what the input device delivered and
this script checks every event arrived with the right codes, modifiers and positions
in the text grid's pixels. Then: --headless has no input device, and (with
--bootstore) keys typed into the window still reach the shell as console input.
Without Xvfb or xdotool every check is a TAP SKIP. --shot saves a screenshot of the
display (xwd | convert) while the shell runs in the window.
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from xwindow import Proc, Tap, find_window, under_xvfb, xdo  # noqa: E402


# Modifier combinations typed fast (xdotool's 12 ms between combos; in a combo the keys
# go down and up with no delay): each key's press carries the modifier held then,
# whatever the window's thread has read since (the release follows the modifier's:
# xdotool lets go of the modifier first, so it has none).
FAST_COMBOS = ("ctrl+x", "shift+y", "alt+z")
FAST_MODS = {27: 0x2, 28: 0x1, 29: 0x4}  # HID x, y, z: ctrl, shift, alt
FAST_REPEAT = 8


def check_fast_combos(tap, out):
    for code, mods in FAST_MODS.items():
        downs = re.findall(rf"^inputtest: key code={code} value=1 mods=(\S+) ", out, re.M)
        ups = re.findall(rf"^inputtest: key code={code} value=0 ", out, re.M)
        wrong = [m for m in downs if m != hex(mods)]
        tap.check(len(downs) == FAST_REPEAT and len(ups) == FAST_REPEAT and not wrong,
                  f"{FAST_REPEAT} fast presses of HID {code}, each with mods={mods:#x}",
                  f"{len(downs)} down, {len(ups)} up, wrong mods {wrong}")


def test_events(tap, a, env):
    sim = Proc([a.sim, "--cpus", "2", "--disk", "none", "--init", a.inputtest, "60"], env=env)
    ready = sim.wait_for(r"^inputtest: ready$", 30)
    tap.check(ready, "inputtest opened the window's input device",
              sim.text()[-500:])
    w = find_window(env) if ready else None
    tap.check(w is not None, "the window is on the display")
    if not ready or w is None:
        sim.p.kill()
        sim.finish(5)
        return
    steps = [("mousemove", "--window", w, 100, 50), ("click", "--window", w, 1),
             ("mousemove", "--window", w, 300, 200), ("click", "--window", w, 5),
             ("key", "--window", w, "a"), ("key", "--window", w, "shift+b"),
             ("windowsize", w, 1200, 768), ("sleep", 0.5),
             ("mousemove", "--window", w, 900, 600), ("click", "--window", w, 3),
             ("key", "--window", w) + FAST_COMBOS * FAST_REPEAT,
             ("key", "--window", w, "Escape")]
    for s in steps:
        xdo(env, *s)
        time.sleep(0.1)
    done = sim.wait_for(r"^inputtest: done ", 20)
    rc = sim.finish(10)
    out = sim.text()
    sys.stderr.write(out)
    tap.check(done and rc == 0, "inputtest finished (Escape released) with status 0",
              f"status {rc}")
    tap.check("inputtest: checks ok" in out, "bad requests refused, non-blocking read whole")
    want = [
        ("pointer motion in grid pixels", r"motion code=0 value=0 mods=0 x=100 y=50"),
        ("left button down at the pointer", r"button code=1 value=1 mods=0 x=100 y=50"),
        ("left button up", r"button code=1 value=0 mods=0 x=100 y=50"),
        ("wheel step towards the user", r"wheel code=0 value=-1 mods=0 x=300 y=200"),
        ("key a down (HID 4)", r"key code=4 value=1 mods=0 "),
        ("key a up", r"key code=4 value=0 mods=0 "),
        ("shift down (HID 225)", r"key code=225 value=1 mods=0x1 "),
        ("shift+b with the modifier", r"key code=5 value=1 mods=0x1 "),
        ("motion in a window scaled 1.5x", r"motion code=0 value=0 mods=0 x=600 y=400"),
        ("right button in the scaled window", r"button code=3 value=1 mods=0 x=600 y=400"),
        ("Escape up (HID 41)", r"key code=41 value=0 "),
    ]
    for what, pat in want:
        tap.check(re.search(r"^inputtest: " + pat, out, re.M) is not None, what,
                  "not in the output")
    order = [m.start() for m in (re.search(r"^inputtest: " + p, out, re.M)
                                 for _, p in want[:6]) if m]
    tap.check(order == sorted(order) and len(order) == 6, "events arrive in order")
    check_fast_combos(tap, out)
    m = re.search(r"dropped=(\d+)", out)
    tap.check(m is not None and m.group(1) == "0", "nothing dropped")


def test_headless(tap, a):
    p = subprocess.run([a.sim, "--headless", "--disk", "none", "--init", a.inputtest, "1"],
                       stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, timeout=60)
    out = p.stdout.decode("utf-8", "replace")
    sys.stderr.write(out)
    tap.check(p.returncode == 0 and "inputtest: no input device (not found)" in out,
              "--headless: no input device", out[-300:])


def test_shell(tap, a, env):
    # the text console in the window: without the desktop (the default with a window)
    sim = Proc([a.sim, "--no-desktop", "--disk", "none", "--bootstore", a.bootstore], env=env,
               stdin=subprocess.PIPE)
    up = sim.wait_for(r"serviceos> ", 60)
    w = find_window(env) if up else None
    tap.check(up and w is not None, "the shell runs with the window", sim.text()[-300:])
    if not up or w is None:
        sim.p.kill()
        sim.finish(5)
        return
    xdo(env, "mousemove", "--window", w, 10, 10)
    xdo(env, "type", "--window", w, "--delay", "30", "echo typed-in-the-window")
    xdo(env, "key", "--window", w, "Return")
    seen = sim.wait_for(r"^typed-in-the-window$", 20)
    tap.check(seen, "keys typed in the window reach the shell", sim.text()[-300:])
    if a.shot:
        time.sleep(0.5)
        xwd = subprocess.run(["xwd", "-root", "-display", env["DISPLAY"]],
                             stdout=subprocess.PIPE, timeout=20)
        if shutil.which("convert") and xwd.returncode == 0:
            subprocess.run(["convert", "xwd:-", a.shot], input=xwd.stdout, timeout=20)
        elif xwd.returncode == 0:
            with open(a.shot + ".xwd", "wb") as f:
                f.write(xwd.stdout)
    xdo(env, "type", "--window", w, "--delay", "30", "poweroff")
    xdo(env, "key", "--window", w, "Return")
    rc = sim.finish(30)
    sys.stderr.write(sim.text())
    tap.check(rc == 0, "poweroff typed in the window ends the simulator with 0", f"status {rc}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sim", required=True)
    ap.add_argument("--inputtest", required=True)
    ap.add_argument("--bootstore")
    ap.add_argument("--shot")
    a = ap.parse_args()
    tap = Tap()
    test_headless(tap, a)
    def window(env):
        test_events(tap, a, env)
        if a.bootstore:
            test_shell(tap, a, env)
    under_xvfb(tap, "window input under Xvfb", ("Xvfb", "xdotool"), window)
    print(f"1..{tap.n}")
    return 1 if tap.failed else 0


sys.exit(main())
