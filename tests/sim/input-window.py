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
import tempfile
import threading
import time


class Proc:
    """A child whose output is collected by a thread, so it can be waited on by line."""

    def __init__(self, cmd, env=None, stdin=subprocess.DEVNULL):
        self.p = subprocess.Popen(cmd, stdin=stdin, stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT, env=env)
        self.out = ""
        self.lock = threading.Lock()
        self.t = threading.Thread(target=self._read, daemon=True)
        self.t.start()

    def _read(self):
        for chunk in iter(lambda: self.p.stdout.read1(4096), b""):
            with self.lock:
                self.out += chunk.decode("utf-8", "replace")

    def text(self):
        with self.lock:
            return self.out.replace("\r", "")

    def wait_for(self, pattern, timeout):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if re.search(pattern, self.text(), re.M):
                return True
            if self.p.poll() is not None:
                self.t.join(1)
                return bool(re.search(pattern, self.text(), re.M))
            time.sleep(0.05)
        return False

    def finish(self, timeout):
        try:
            rc = self.p.wait(timeout)
        except subprocess.TimeoutExpired:
            self.p.kill()
            rc = self.p.wait()
        self.t.join(2)
        return rc


class Tap:
    def __init__(self):
        self.n = 0
        self.failed = 0

    def check(self, ok, what, detail=""):
        self.n += 1
        if not ok:
            self.failed += 1
        print(f"{'ok' if ok else 'not ok'} {self.n} - {what}" + ("" if ok else f": {detail}"))
        sys.stdout.flush()

    def skip(self, what, why):
        self.n += 1
        print(f"ok {self.n} - {what} # SKIP {why}")


def start_xvfb():
    r, w = os.pipe()
    x = subprocess.Popen(["Xvfb", "-displayfd", str(w), "-screen", "0", "1280x1024x24",
                          "-nolisten", "tcp"], pass_fds=(w,), stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL)
    os.close(w)
    num = b""
    end = time.monotonic() + 10
    while time.monotonic() < end and not num.endswith(b"\n"):
        c = os.read(r, 1)
        if not c:
            break
        num += c
    os.close(r)
    if not num.strip():
        x.kill()
        x.wait()
        return None, None
    return x, ":" + num.decode().strip()


def xdo(env, *args):
    return subprocess.run(["xdotool"] + [str(a) for a in args], env=env, timeout=20,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT).stdout.decode()


def find_window(env):
    out = xdo(env, "search", "--sync", "--onlyvisible", "--name", "^ServiceOS$")
    ids = out.split()
    return ids[-1] if ids else None


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
    sim = Proc([a.sim, "--disk", "none", "--bootstore", a.bootstore], env=env,
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
    missing = [t for t in ("Xvfb", "xdotool") if not shutil.which(t)]
    if missing:
        tap.skip("window input under Xvfb", " and ".join(missing) + " not installed")
        print(f"1..{tap.n}")
        return 0
    xvfb, display = start_xvfb()
    if not xvfb:
        tap.skip("window input under Xvfb", "Xvfb did not start")
        print(f"1..{tap.n}")
        return 0
    env = dict(os.environ, DISPLAY=display, SDL_VIDEODRIVER="x11")
    env.pop("WAYLAND_DISPLAY", None)
    env["XDG_DATA_HOME"] = tempfile.mkdtemp(prefix="sos-input-")
    try:
        test_events(tap, a, env)
        if a.bootstore:
            test_shell(tap, a, env)
    finally:
        xvfb.terminate()
        try:
            xvfb.wait(5)
        except subprocess.TimeoutExpired:
            xvfb.kill()
        shutil.rmtree(env["XDG_DATA_HOME"], ignore_errors=True)
    print(f"1..{tap.n}")
    return 1 if tap.failed else 0


sys.exit(main())
