#!/usr/bin/env python3
"""qmp_input.py - QEMU's keyboard and tablet driven through QMP, for the boot tests.

qmp() sends one command on a connection of its own; keys() presses and releases QEMU
keys (qcodes); click() puts the tablet on a pixel of the display's mode (the tablet's
axes are 0..0x7fff) and clicks there; check_input() is the focus test with gfxdemo
running (tests/qemu/gfx_qemu.py --input, on x86_64 and aarch64): a key
before any click reaches nobody, a click on the upper surface B focuses it and a key
reaches B only, a click on the lower surface A focuses it (B is told it lost the focus)
and a key reaches A only, and `gfx sessions` shows A focused and the pointer where the
tablet put it.
"""
import json
import re
import socket
import time


def qmp(sock, c, **a):
    """One QMP command on a connection of its own; its answer."""
    s = socket.socket(socket.AF_UNIX)
    s.settimeout(30)
    s.connect(sock)
    f = s.makefile("rw")

    def cmd(c, **a):
        f.write(json.dumps({"execute": c, "arguments": a} if a else {"execute": c}) + "\n")
        f.flush()
        while True:
            r = json.loads(f.readline())
            if "return" in r or "error" in r:
                return r
    json.loads(f.readline())
    cmd("qmp_capabilities")
    r = cmd(c, **a)
    s.close()
    return r


def keys(sock, names):
    """Press and release each QEMU key (qcode) in turn on the keyboard."""
    for k in names:
        for down in (True, False):
            ev = {"type": "key", "data": {"down": down, "key": {"type": "qcode", "data": k}}}
            r = qmp(sock, "input-send-event", events=[ev])
            if "return" not in r:
                return r
    return None


def click(sock, x, y, mode=(1024, 768), button=True):
    """The tablet to pixel (x, y) of the display's mode (its axes are 0..0x7fff), then a
    left click there when `button`."""
    ev = [{"type": "abs", "data": {"axis": "x", "value": (x * 32768 + 16384) // mode[0]}},
          {"type": "abs", "data": {"axis": "y", "value": (y * 32768 + 16384) // mode[1]}}]
    r = qmp(sock, "input-send-event", events=ev)
    for down in ((True, False) if button else ()):
        if "return" in r:
            r = qmp(sock, "input-send-event",
                    events=[{"type": "btn", "data": {"down": down, "button": "left"}}])
    return None if "return" in r else r


def wait_after(sim, start, pattern, timeout):
    """Whether `pattern` shows in what the machine printed after offset `start`."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if re.search(pattern, sim.text()[start:], re.M):
            return True
        time.sleep(0.1)
    return False


def wait_dropped(sim, say, want, timeout=60):
    """Ask `gfx sessions` until the session has dropped `want` events (keys with no
    surface focused): the keyboard and the tablet are read by two threads, so the next
    step on the other device waits until these have been routed."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        n = len(sim.text())
        say("gfx sessions")
        if wait_after(sim, n, r"dropped \d+", 20):
            m = re.findall(r"dropped (\d+)", sim.text()[n:])
            if m and int(m[-1]) >= want:
                return True
        time.sleep(0.5)
    return False


def check_input(tap, sim, sock, say):
    """Keys to the focused surface only; a click on the lower surface focuses it."""
    n = len(sim.text())
    say("gfx sessions")
    tap.check(wait_after(sim, n, r"^input 2 devices read;", 60),
              "the session reads the virtio keyboard and tablet", sim.text()[n:][-300:])
    n = len(sim.text())
    keys(sock, ["a"])  # nothing is focused yet: nobody gets it (nor the shell)
    tap.check(wait_dropped(sim, say, 2), "a key with nothing focused is dropped (press and release)",
              sim.text()[n:][-300:])
    err = click(sock, 700, 500)
    tap.check(err is None and wait_after(sim, n, r"gfxdemo: B focus 1$", 60),
              "a click on B focuses B", f"{err} {sim.text()[n:][-300:]}")
    keys(sock, ["x"])
    tap.check(wait_after(sim, n, r"gfxdemo: B key code=27 value=1 ", 60) and
              wait_after(sim, n, r"gfxdemo: B key code=27 value=0 ", 60), "a key reaches the focused B",
              sim.text()[n:][-300:])
    click(sock, 100, 200)
    tap.check(wait_after(sim, n, r"gfxdemo: A focus 1$", 60) and "gfxdemo: B focus 0" in sim.text()[n:],
              "a click on the lower surface A focuses it (B is told it lost the focus)",
              sim.text()[n:][-300:])
    keys(sock, ["y"])
    tap.check(wait_after(sim, n, r"gfxdemo: A key code=28 value=1 ", 60), "a key reaches the focused A",
              sim.text()[n:][-300:])
    out = sim.text()[n:]
    tap.check("key code=4 " not in out and "A key code=27" not in out and "B key code=28" not in out,
              "no key reached a surface that was not focused", out[-400:])
    m = len(sim.text())
    say("gfx sessions")
    tap.check(wait_after(sim, m, r"focused surface [1-9]\d*; pointer at 100,200 over surface [1-9]", 60),
              "gfx sessions: A focused, the pointer at the tablet's place in display pixels",
              sim.text()[m:][-300:])
