#!/usr/bin/env python3
"""The simulator's window as a display device, under Xvfb (TAP).

usage: display-window.py --sim SIM --displaytest IMAGE

Boots IMAGE (tests/display/displaytest) in a private Xvfb, dumps the window (xwd) after
each frame and checks known pixels: frame 1 in the first mode (1024x768: red and blue
halves, a green square, a yellow square of which only the presented quarter shows),
its 30 small presents paced by the display (at least 25 frame periods of 60 Hz); a key
(xdotool) makes it switch to 640x480 (grey, a white square in the corner) and the window
follows. --headless has no display device. Without Xvfb, xdotool or xwd: TAP SKIP.
"""
import argparse
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from xwdpix import XwdImage  # noqa: E402
from xwindow import Proc, Tap, find_window, under_xvfb, xdo  # noqa: E402


def shot(env, w):
    p = subprocess.run(["xwd", "-id", w, "-display", env["DISPLAY"]], stdout=subprocess.PIPE,
                       timeout=20)
    return XwdImage(p.stdout) if p.returncode == 0 else None


def check_pixels(tap, img, want, what):
    for (x, y), rgb in want:
        got = img.rgb(x, y) if img and x < img.width and y < img.height else None
        tap.check(got == rgb, f"{what}: pixel ({x}, {y}) is {rgb:06x}",
                  "no image" if got is None else f"it is {got:06x}")


def test_window(tap, a, env):
    sim = Proc([a.sim, "--disk", "none", "--init", a.displaytest], env=env)
    m = None
    if sim.wait_for(r"^displaytest: frame 1 .*30-presents-ms (\d+)$", 60):
        m = re.search(r"^displaytest: frame 1 (\d+)x(\d+) .*30-presents-ms (\d+)$", sim.text(), re.M)
    tap.check(m is not None, "displaytest showed frame 1", sim.text()[-500:])
    w = find_window(env) if m else None
    if not m or w is None:
        sim.p.kill()
        sim.finish(5)
        return
    tap.check(m.group(1, 2) == ("1024", "768"), "the first mode is 1024x768", m.group(0))
    tap.check(int(m.group(3)) >= 25 * 1000 // 60, "30 presents are paced by the display",
              m.group(3) + " ms")
    img = shot(env, w)
    tap.check(img is not None and (img.width, img.height) == (1024, 768), "the window is 1024x768")
    check_pixels(tap, img, [((10, 10), 0xff0000), ((1000, 10), 0x0000ff), ((120, 120), 0x00ff00),
                            ((310, 310), 0xffff00), ((340, 340), 0xff0000),
                            ((360, 360), 0xff0000), ((520, 700), 0x0000ff)], "frame 1")
    xdo(env, "key", "--window", w, "space")
    ok = sim.wait_for(r"^displaytest: frame 2 640x480$", 20)
    tap.check(ok, "a key: displaytest set the mode 640x480", sim.text()[-300:])
    img = shot(env, w) if ok else None
    tap.check(img is not None and (img.width, img.height) == (640, 480), "the window follows the mode",
              f"{img.width}x{img.height}" if img else "no image")
    check_pixels(tap, img, [((10, 10), 0x808080), ((635, 475), 0xffffff), ((620, 460), 0x808080)],
                 "frame 2")
    xdo(env, "key", "--window", w, "space")
    rc = sim.finish(20)
    out = sim.text()
    sys.stderr.write(out)
    tap.check(rc == 0 and "displaytest: end ok" in out, "every request check passed, status 0",
              f"status {rc}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sim", required=True)
    ap.add_argument("--displaytest", required=True)
    a = ap.parse_args()
    tap = Tap()
    p = subprocess.run([a.sim, "--headless", "--disk", "none", "--init", a.displaytest],
                       stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       timeout=60)
    out = p.stdout.decode("utf-8", "replace")
    tap.check(p.returncode == 0 and "displaytest: no display device" in out,
              "--headless: no display device", out[-300:])
    under_xvfb(tap, "the display under Xvfb", ("Xvfb", "xdotool", "xwd"),
               lambda env: test_window(tap, a, env))
    print(f"1..{tap.n}")
    return 1 if tap.failed else 0


sys.exit(main())
