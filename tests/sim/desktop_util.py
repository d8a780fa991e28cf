"""Driving the desktop from a test: shell commands typed into the simulator, `desktop
dump` read back and searched, the centre of a widget in a dump, a click there with
xdotool, a window's place, and the X window's pixels. Shared by desktop-window.py and
desktop-monitor.py.
"""
import argparse
import re
import subprocess
import time

from xwdpix import XwdImage
from xwindow import Proc, Tap, find_window, under_xvfb, xdo


class Desk:
    def __init__(self, sim, timeout=20):
        self.sim = sim
        self.timeout = timeout  # the longest a command may take to answer (QEMU's TCG: more)

    def say(self, line):
        self.sim.p.stdin.write((line + "\n").encode())
        self.sim.p.stdin.flush()

    def command(self, line, end_pattern, timeout=None):
        """Run a shell command; the text it printed (up to end_pattern), or None."""
        mark = len(self.sim.text())
        self.say(line)
        end = time.monotonic() + (timeout or self.timeout)
        while time.monotonic() < end:
            out = self.sim.text()[mark:]
            if re.search(end_pattern, out, re.M):
                return out
            time.sleep(0.1)
        return None

    def dump(self):
        return self.command("desktop dump", r"^screen \d+x\d+$[\s\S]*serviceos> ") or ""

    def wait_dump(self, pattern, timeout=20, present=True, every=0.5):
        """A dump that has (or, present False, no longer has) the pattern, or None;
        asked again every `every` seconds."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            out = self.dump()
            if out and bool(re.search(pattern, out, re.M)) == present:
                return out
            time.sleep(every)
        return None


def centre(dump, kind, text):
    """The centre of the first node of that kind and text (with or without an icon) in a dump."""
    m = re.search(rf'^\s*{kind} (-?\d+),(-?\d+) (\d+)x(\d+)(?: icon=\S+)? "{re.escape(text)}"$', dump or "", re.M)
    if not m:
        return None
    x, y, w, h = map(int, m.groups())
    return x + w // 2, y + h // 2


def click(env, w, at):
    xdo(env, "mousemove", "--window", w, at[0], at[1])
    time.sleep(0.2)
    xdo(env, "click", "--window", w, 1)


def window_at(dump, owner):
    m = re.search(rf"^window (\d+) {owner} (-?\d+),(-?\d+) (\d+)x(\d+)", dump or "", re.M)
    return tuple(map(int, m.groups())) if m else None


def shot(env, w):
    p = subprocess.run(["xwd", "-id", w, "-display", env["DISPLAY"]], stdout=subprocess.PIPE,
                       timeout=20)
    return XwdImage(p.stdout) if p.returncode == 0 else None


def boot(tap, a, env, what, extra=("--disk", "none")):
    """The simulator booted on the Xvfb display, as a person starts it (no --desktop: the
    desktop is the default with a window): (sim, Desk, X window), or None (a failed
    check) when the desktop did not come up."""
    sim = Proc([a.sim, *extra, "--bootstore", a.bootstore], env=env,
               stdin=subprocess.PIPE)
    ready = sim.wait_for(r"desktop: ready: screen 1024x768", 60)
    w = find_window(env) if ready else None
    tap.check(ready and w is not None, what, sim.text()[-400:])
    if not ready or w is None:
        sim.p.kill()
        sim.finish(5)
        return None
    return sim, Desk(sim), w


def check_power_off(tap, text):
    """After a power-off with the desktop running: the root manager stopped the desktop
    before graphics, session and status, which it looks up, and killed nothing."""
    m = re.search(r"^rootmgr: stopping (.*)$", text, re.M)
    order = m.group(1).split() if m else []
    late = [s for s in ("graphics", "session", "status")
            if "desktop" not in order or s not in order or order.index(s) < order.index("desktop")]
    tap.check(m is not None and not late,
              "power-off stops the desktop before graphics, session and status",
              m.group(0) if m else "no stop order printed")
    killed = re.findall(r"^rootmgr: .* did not stop within .*$", text, re.M)
    tap.check(not killed, "power-off stops every service when asked: none is killed", killed)


def main(run, what):
    """The arguments (--sim, --bootstore, --shot, --tap), run(tap, args, env) under a
    private Xvfb (TAP SKIP without one), the plan; the exit status."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--sim", required=True)
    ap.add_argument("--bootstore", required=True)
    ap.add_argument("--shot")
    ap.add_argument("--tap", help="the TAP interface for the simulator's network card")
    a = ap.parse_args()
    tap = Tap()
    under_xvfb(tap, what, ("Xvfb", "xdotool", "xwd"), lambda env: run(tap, a, env))
    print(f"1..{tap.n}")
    return 1 if tap.failed else 0
