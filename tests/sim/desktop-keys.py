#!/usr/bin/env python3
"""Every key typed reaches the focused window, however fast: the files app's name field,
under a private Xvfb, typed into with xdotool and read back through `desktop dump` and
the session service's count of events routed (`gfx sessions`).

usage: desktop-keys.py --sim SIM --bootstore FILE

- Twelve letters, then BackSpace ten times, each key its own `xdotool key --window`
  50 ms apart (synthetic X events, time 0): the field ends with the first two letters.
- The same with the ten BackSpaces in one xdotool command with no delay: the presses
  and releases queue up in X together, and SDL's X11 backend takes each release
  followed by the same key's press for the key held down (an auto-repeat): the
  repeats must each act like a press.
- A key held down as on a real keyboard (XTEST: `keydown`, 1.5 s, `keyup`), so the X
  server's auto-repeat makes the repeats: the field gains one letter per press and
  repeat, exactly the events the session routed less the release, and more than a few
  (the repeats did come). Then BackSpace held the same way takes one letter per event.

Without Xvfb or xdotool: TAP SKIP.
"""
import os
import re
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from desktop_util import boot, click, main  # noqa: E402
from xwindow import xdo  # noqa: E402


def field(dump):
    """The name field's text, or None when there is no field."""
    m = re.search(r'^\s+field \d+,\d+ \d+x\d+(?: "(.*)")?$', dump or "", re.M)
    return (m.group(1) or "") if m else None


def field_at(dump):
    m = re.search(r'^\s+field (\d+),(\d+) (\d+)x(\d+)', dump or "", re.M)
    return (int(m.group(1)) + 20, int(m.group(2)) + int(m.group(4)) // 2) if m else None


def routed(d):
    """The session service's count of input events routed so far."""
    m = re.search(r"^events (\d+),", d.command("gfx sessions", r"^events \d+,.*$") or "", re.M)
    return int(m.group(1)) if m else -1


def settled(d, want, timeout=10):
    """Dumps until the field's text satisfies want(text); the last text seen."""
    end = time.monotonic() + timeout
    text = None
    while time.monotonic() < end:
        text = field(d.dump())
        if text is not None and want(text):
            break
        time.sleep(0.3)
    return text


def separate(env, w, key, n):
    for _ in range(n):
        xdo(env, "key", "--window", w, key)
        time.sleep(0.05)


def held(tap, env, d, key, seconds, grows):
    """Hold key (XTEST) for seconds: one letter more (or less) per press and repeat."""
    before_text, before = field(d.dump()), routed(d)
    xdo(env, "keydown", key)
    time.sleep(seconds)
    xdo(env, "keyup", key)
    state = {}

    def done(text):
        state["events"] = routed(d) - before
        acted = len(text) - len(before_text) if grows else len(before_text) - len(text)
        state["acted"] = acted
        return acted == state["events"] - 1 and acted > 3

    text = settled(d, done)
    tap.check(text is not None and done(text),
              f"{key} held {seconds} s: each of its {state.get('events', 0) - 1} presses and repeats acted",
              f"field {text!r} (was {before_text!r}), events routed {state}")


def run(tap, a, env):
    booted = boot(tap, a, env, "the desktop shell is on the display")
    if not booted:
        return
    sim, d, w = booted
    d.say("desktop launch files")
    dump = d.wait_dump(r'^\s+field ', 30) if sim.wait_for(r"files: ready: surface \d+", 30) else None
    at = field_at(dump)
    tap.check(at is not None, "files shows its name field", (dump or d.dump())[-600:])
    if not at:
        return
    click(env, w, at)
    time.sleep(0.3)
    xdo(env, "type", "--window", w, "--delay", "60", "abcdefghijkl")
    text = settled(d, lambda t: t == "abcdefghijkl")
    tap.check(text == "abcdefghijkl", "twelve letters typed into the field", repr(text))
    separate(env, w, "BackSpace", 10)
    text = settled(d, lambda t: t == "ab")
    tap.check(text == "ab", "ten BackSpaces, each its own xdotool key 50 ms apart: ten letters gone", repr(text))
    xdo(env, "type", "--window", w, "--delay", "60", "cdefghijkl")
    settled(d, lambda t: t == "abcdefghijkl")
    xdo(env, "key", "--window", w, "--delay", "0", *["BackSpace"] * 10)
    text = settled(d, lambda t: t == "ab")
    tap.check(text == "ab", "ten BackSpaces in one burst (SDL makes repeats of them): ten letters gone", repr(text))
    # XTEST keys go to the X focus: with no window manager, the window under the
    # pointer, where the click left it (no focus change, so no event but the keys)
    held(tap, env, d, "x", 1.5, True)
    held(tap, env, d, "BackSpace", 1.2, False)
    d.say("poweroff")
    rc = sim.finish(30)
    tap.check(rc == 0, "poweroff ends the simulator with 0", f"status {rc}")


sys.exit(main(run, "keys typed quickly under Xvfb"))
