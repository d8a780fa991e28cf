#!/usr/bin/env python3
"""The graphics service and its demo on the simulator's window, under Xvfb (TAP).

usage: gfx-window.py --sim SIM --bootstore FILE [--shot PNG]

Boots the system in a private Xvfb with --no-desktop (with a window the default is the
desktop, whose panel and frames would cover and move the demo's surfaces: this test
reads the compositor's pixels at known places, without a window manager; the desktop's
own pixels are checked by desktop-window), starts gfxdemo from the shell (`run gfxdemo`: the
root manager starts it as its service) and dumps the window
(xwd): the compositor owns the display (1024x768), the demo's known pixels are in
their places (background, both surfaces, the upper surface covering the lower one
where they overlap, the image's centre), both text lines (DejaVu Sans and DejaVu Sans
Mono) are drawn and anti-aliased (many pixels, intermediate shades), and the square
moves between two dumps. The service's own screenshot of the screen and of one surface
lands in storage as a PNG. With xdotool: a key before any click reaches no surface, a
click focuses the surface under the pointer (the lower one too, which is raised), keys
reach only the focused surface, the cursor follows the pointer. Then graphics is killed under the running demo: the root
manager restarts it, the demo sees PEER_CLOSED and makes its surfaces again, and the
window shows the demo again. --shot saves the first dump as a PNG. Without Xvfb,
xdotool or xwd: TAP SKIP.
"""
import argparse
import os
import re
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gfxdemo_pixels import check_known, check_text, square_x  # noqa: E402
from xwdpix import XwdImage, write_png  # noqa: E402
from xwindow import Proc, Tap, find_window, under_xvfb, xdo  # noqa: E402
import subprocess  # noqa: E402


def shot(env, w):
    p = subprocess.run(["xwd", "-id", w, "-display", env["DISPLAY"]], stdout=subprocess.PIPE,
                       timeout=20)
    return XwdImage(p.stdout) if p.returncode == 0 else None


def check_demo(tap, img, when):
    ok = img is not None and (img.width, img.height) == (1024, 768)
    tap.check(ok, f"{when}: the window shows the 1024x768 display",
              f"{img.width}x{img.height}" if img else "no image")
    if not ok:
        return
    check_known(tap, img, when)


def check_input(tap, sim, env, w):
    """Keys reach only the focused surface; a click on the lower surface focuses and
    raises it; the cursor plane follows the pointer."""
    xdo(env, "mousemove", "--window", w, 10, 10)
    xdo(env, "key", "--window", w, "a")  # nothing is focused yet: nobody gets it
    xdo(env, "mousemove", "--window", w, 850, 590)
    xdo(env, "click", "--window", w, 1)
    tap.check(sim.wait_for(r"gfxdemo: B focus 1$", 20), "a click on B focuses B", sim.text()[-300:])
    xdo(env, "key", "--window", w, "x")
    tap.check(sim.wait_for(r"gfxdemo: B key code=27 value=1 ", 20), "a key reaches the focused B",
              sim.text()[-300:])
    tap.check(sim.wait_for(r"gfxdemo: B field 'x'$", 20), "B's toolkit text field took the key",
              sim.text()[-300:])
    xdo(env, "key", "--window", w, "Tab")
    xdo(env, "key", "--window", w, "Return")
    tap.check(sim.wait_for(r"gfxdemo: B button pressed \(1\)$", 20),
              "Tab moves the toolkit's focus to the button, Enter presses it", sim.text()[-300:])
    xdo(env, "mousemove", "--window", w, 70, 250)
    xdo(env, "click", "--window", w, 1)
    tap.check(sim.wait_for(r"gfxdemo: A focus 1$", 20) and "gfxdemo: B focus 0" in sim.text(),
              "a click on the lower surface A focuses it (B is told it lost the focus)",
              sim.text()[-300:])
    xdo(env, "key", "--window", w, "y")
    tap.check(sim.wait_for(r"gfxdemo: A key code=28 value=1 ", 20), "a key reaches the focused A",
              sim.text()[-300:])
    out = sim.text()
    tap.check("key code=4 " not in out and "A key code=27" not in out and "B key code=28" not in out,
              "no key reached a surface that was not focused", out[-400:])
    time.sleep(0.5)
    img = shot(env, w)
    got = img.rgb(500, 350) if img else None
    tap.check(got == 0xf4f4f4, "the clicked surface A is raised above B", f"(500, 350) is {got}")
    got = img.rgb(70, 250) if img else None
    tap.check(got == 0x000000, "the cursor plane is drawn at the pointer", f"(70, 250) is {got}")


def run(tap, a, env):
    sim = Proc([a.sim, "--no-desktop", "--disk", "none", "--bootstore", a.bootstore], env=env,
               stdin=subprocess.PIPE)

    def say(line):
        sim.p.stdin.write((line + "\n").encode())
        sim.p.stdin.flush()
    up = sim.wait_for(r"serviceos> ", 60)
    say("run gfxdemo")
    ready = up and sim.wait_for(r"^gfxdemo: ready: surfaces \d+ and \d+", 60)
    w = find_window(env) if ready else None
    tap.check(ready and w is not None and sim.wait_for(r"^gfxdemo runs as a service ", 30),
              "run gfxdemo: it started (as its service) and made its surfaces", sim.text()[-400:])
    if not ready or w is None:
        sim.p.kill()
        sim.finish(5)
        return
    time.sleep(0.5)
    img = shot(env, w)
    check_demo(tap, img, "demo")
    if img and a.shot:
        write_png(img, a.shot)
    check_text(tap, img)
    x1 = square_x(img) if img else None
    time.sleep(0.4)
    img2 = shot(env, w)
    x2 = square_x(img2) if img2 else None
    tap.check(x1 is not None and x2 is not None and x1 != x2, "the square moves",
              f"at x {x1} then {x2}")
    say("gfx screenshot /demo.png")
    m = sim.wait_for(r"^/demo.png: PNG of the screen, (\d+) bytes$", 20)
    sizes = re.findall(r"^/demo.png: PNG of the screen, (\d+) bytes$", sim.text(), re.M)
    tap.check(m and int(sizes[-1]) > 8000, "gfx screenshot writes a PNG of the screen to storage",
              sim.text()[-300:])
    say("gfx screenshot /b.png 2")
    tap.check(sim.wait_for(r"^/b.png: PNG of a surface, \d+ bytes$", 20),
              "gfx screenshot of one surface", sim.text()[-300:])
    check_input(tap, sim, env, w)
    say("kill graphics")
    again = sim.wait_for(r"gfxdemo: surfaces made again \(1\)$", 30)
    tap.check(again and "graphics went away (peer closed)" in sim.text(),
              "graphics killed: the demo sees peer closed and makes its surfaces again",
              sim.text()[-500:])
    time.sleep(0.5)
    check_demo(tap, shot(env, w), "after the restart")
    say("poweroff")
    rc = sim.finish(30)
    sys.stderr.write(sim.text())
    tap.check(rc == 0, "poweroff ends the simulator with 0", f"status {rc}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sim", required=True)
    ap.add_argument("--bootstore", required=True)
    ap.add_argument("--shot")
    a = ap.parse_args()
    tap = Tap()
    under_xvfb(tap, "graphics on the window under Xvfb", ("Xvfb", "xdotool", "xwd"),
               lambda env: run(tap, a, env))
    print(f"1..{tap.n}")
    return 1 if tap.failed else 0


sys.exit(main())
