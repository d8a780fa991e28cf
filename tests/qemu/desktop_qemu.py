#!/usr/bin/env python3
"""desktop_qemu.py - the desktop on a QEMU machine's screen, driven as a person would (TAP).

    desktop_qemu.py [--output REGEX] [--fixed-mode] [--image-first] [--screen DEVICE] [--shot PNG]
                    -- RUN.SH ARGS... [-- QEMU ARGS]

One boot, in a private Xvfb (the launch command asks for a window, e.g. x86_64's
run.sh --display; TAP SKIP without Xvfb), with a QMP socket; --image-first boots a
disk image of the test's own (x86_64's run.sh --image-only), --screen names the QEMU
display device whose screen is dumped (default: QEMU's first console). The system must come up on the desktop by itself (the window's default).
Then, with QMP `input-send-event` on the virtio tablet and keyboard
(tests/qemu/qmp_input.py) and read back through `desktop dump` on the serial console
(the scene: every window and widget with its text and bounds) and QMP `screendump`
(the pixels): `gfx outputs` names the machine's display device (--output), not a
virtual output, and the screen dump is the desktop at the dump's size (--fixed-mode:
`gfx mode 800x600` is refused and the screen stays as it was); a click on
"Apps" opens the launcher, a click on its "terminal" starts the terminal, whose window
is drawn where the dump says (the terminal's background where the desktop's was); a
click in it gives it the keyboard (`gfx sessions`), and `services` typed on the
keyboard runs in the terminal's own shell session: its output is in the terminal's
text and drawn in its window, and not on the console; a click on the panel's "2" shows
the second workspace (the terminal hidden, the desktop drawn where it was);
`desktop notify hello` on the console shows the toast; poweroff ends with status 0.

Every wait polls the console or the dump with a bound (TCG is slow, and slower on a
busy machine); nothing sleeps in the hope that something happened. --shot saves the
screen with the terminal showing the output as a PNG.
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "sim"))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from desktop_util import Desk, centre, window_at  # noqa: E402
from gfx_qemu import image_first, screendump, with_qmp  # noqa: E402
from qmp_input import click, keys  # noqa: E402
from xwdpix import write_png  # noqa: E402
from xwindow import Proc, Tap, under_xvfb  # noqa: E402

BACKGROUND = 0x203040  # the compositor's, where no surface is (services/graphics/graphics.c)
LIGHT = 0xfafafa       # the terminal's background in the light theme
PANEL_H = 32           # the desktop's panel along the top (desktop/shell)


class Machine:
    """The booted machine: its console (a Desk), its QMP socket, its screen's size."""

    def __init__(self, sim, sock, d, size, device):
        self.sim, self.sock, self.d, self.size, self.device = sim, sock, d, size, device
        self.desk = Desk(sim, timeout=60)
        self.shots = 0

    def screen(self):
        self.shots += 1
        return screendump(self.sock, os.path.join(self.d, f"screen{self.shots % 2}.ppm"), self.device)

    def click(self, at):
        return click(self.sock, at[0], at[1], mode=self.size)

    def wait_dump(self, pattern, timeout=120, present=True):
        return self.desk.wait_dump(pattern, timeout, present)

    def wait_screen(self, want, timeout=60):
        """Screen dumps until want(image) holds (the compositor draws a moment after a
        client's scene changed) or the timeout: the last one (None: no dump)."""
        img, end = None, time.monotonic() + timeout
        while time.monotonic() < end:
            img = self.screen()
            if img and want(img):
                break
            time.sleep(0.2)
        return img


def inside(win):
    """A point inside a window (id, x, y, w, h) near its bottom right corner: below the
    text the terminal shows first, and where the desktop was before."""
    _, x, y, w, h = win
    return x + w - 10, y + h - 10


def dark_pixels(img, win):
    """How many pixels of the window's lower half are not its background (text)."""
    _, x, y, w, h = win
    return sum(img.rgb(px, py) != LIGHT for py in range(y + h // 2, y + h - 8, 2)
               for px in range(x + 8, x + w - 8, 2))


def check_screen(tap, m, out_re):
    out = m.desk.command("gfx outputs", r"^\S.* \d+x\d+ \(largest .*$")
    w, h = m.size
    tap.check(out is not None and re.search(out_re, out, re.M) and f" {w}x{h} " in out,
              f"gfx outputs: the machine's display device, in the desktop's mode {w}x{h}",
              (out or m.sim.text())[-300:])
    far = (w - 20, h // 2)  # right of the launcher, left of where windows open
    img = m.wait_screen(lambda i: (i.width, i.height) == (w, h) and i.rgb(*far) == BACKGROUND
                        and i.rgb(w // 2, 16) != BACKGROUND)
    tap.check(img is not None and (img.width, img.height) == (w, h) and
              img.rgb(*far) == BACKGROUND and img.rgb(w // 2, 16) != BACKGROUND,
              "the screen shows the desktop: its size, the background, the panel on top",
              "no screen dump" if not img else
              f"{img.width}x{img.height}, {img.rgb(*far):06x} at {far}, panel {img.rgb(w // 2, 16):06x}")
    return img


def check_fixed_mode(tap, m, before):
    """A display with the firmware's mode only: `gfx mode 800x600` is refused and the
    screen stays as it was (below the panel, whose clock ticks)."""
    out = m.desk.command("gfx mode 800x600", r"^(gfx mode: .*|mode \d+x\d+)$")
    img = m.screen()
    below = PANEL_H * m.size[0] * 3  # bytes of the dump's first PANEL_H rows
    tap.check(out is not None and re.search(r"^gfx mode: not supported", out, re.M) and
              img is not None and before is not None and (img.width, img.height) == m.size and
              img.px[below:] == before.px[below:],
              "gfx mode 800x600 is refused (the firmware's mode is the only one); the screen stays",
              (out or m.sim.text())[-300:])


def open_terminal(tap, m):
    """Apps, then terminal in the launcher: the terminal's window, or None."""
    dump = m.wait_dump(r'^  button .* "Apps"$')
    apps = centre(dump, "button", "Apps")
    err = m.click(apps) if apps else "no Apps button"
    dump = m.wait_dump(r'^launcher$[\s\S]*button .* "terminal"')
    button = centre(dump, "button", "terminal")
    tap.check(err is None and button is not None, "a click on Apps opens the launcher listing the terminal",
              f"{err} {(dump or m.desk.dump())[-600:]}")
    if not button:
        return None
    err = m.click(button)
    started = m.sim.wait_for(r"terminal: ready: surface \d+", 120)
    dump = m.wait_dump(r"^window \d+ terminal ") if started else None
    win = window_at(dump, "terminal")
    tap.check(err is None and win is not None and re.search(r"^launcher hidden$", dump, re.M),
              "a click on terminal in the launcher starts it: its window, the launcher closed",
              f"{err} {(dump or m.sim.text())[-600:]}")
    return win


def check_drawn(tap, m, win, before):
    """The terminal's window is drawn where the dump says: its background where the
    desktop's was (polled: the compositor draws after the dump lists the window)."""
    at = inside(win)
    img = m.wait_screen(lambda i: i.rgb(*at) == LIGHT)
    was, px = (before.rgb(*at) if before else None), (img.rgb(*at) if img else None)
    tap.check(was == BACKGROUND and px == LIGHT,
              f"the terminal's window is drawn on the screen at {at} (the desktop was there)",
              f"before {was and hex(was)}, now {px and hex(px)}")


def focus(tap, m, win):
    """A click in the window gives it the keyboard: `gfx sessions` says so (the tablet
    and the keyboard are read by two threads: keys wait until the click has been routed)."""
    err = m.click((win[1] + win[3] // 2, win[2] + win[4] // 2))
    want = rf"^input .* focused surface {win[0]};"
    out, end = "", time.monotonic() + 120
    while err is None and time.monotonic() < end and not re.search(want, out, re.M):
        out = m.desk.command("gfx sessions", r"^events \d+") or ""
    ok = err is None and re.search(want, out, re.M)
    tap.check(ok, "a click in the terminal gives it the keyboard", f"{err} {out[-300:]}")
    return ok


def type_services(tap, m, win, shot):
    """`services` typed on the keyboard: its output in the terminal's text (its session,
    not the console's) and drawn in its window."""
    img0 = m.screen()
    mark = len(m.sim.text())
    err = keys(m.sock, list("services") + ["ret"])
    # the terminal's last rows: the list's last services ready, then the prompt (the dump
    # holds the rows on screen only: the list's first ones, desktop among them, may have
    # scrolled off, the more so when slow starts make the lines wrap: "ready in 324.288 m" "s")
    dump = m.wait_dump(r'^\s+text .* "terminal\s+ready\s[\s\S]*^\s+text .* "serviceos>\s*"$')
    tap.check(err is None and dump is not None and re.search(r'^\s+text .* "shell\s+ready\s', dump, re.M)
              and re.search(r'^\s+text .* "storage\s+ready\s', dump, re.M),
              "services typed on the keyboard: its output is in the terminal's text",
              f"{err} {(dump or m.desk.dump())[-1500:]}")
    console = m.sim.text()[mark:]
    tap.check(not re.search(r"^(serviceos> )?services$|^terminal\s+ready", console, re.M),
              "the terminal's session is its own: neither the command nor its output is on the console",
              console[-600:])
    n0 = dark_pixels(img0, win) if img0 else 0
    img = m.wait_screen(lambda i: dark_pixels(i, win) > max(2000, 4 * n0))
    n = dark_pixels(img, win) if img else 0
    tap.check(img is not None and n > 2000 and n > 4 * n0,
              "and it is drawn: text fills the window's lower half",
              f"{n0} text pixels there before, {n} after")
    if img and shot:
        write_png(img, shot)


def workspace_two(tap, m, win):
    """The panel's "2": workspace 2, the terminal hidden and the desktop drawn there."""
    dump = m.desk.dump()
    two = centre(dump.split("\nlauncher")[0], "button", "2")
    err = m.click(two) if two else "no button 2"
    dump = m.wait_dump(r"^workspace 2 of 2$[\s\S]*^window \d+ terminal .* workspace 1 hidden$")
    tap.check(err is None and dump is not None, "a click on the panel's 2 shows workspace 2: the terminal hidden",
              f"{err} {(dump or m.desk.dump())[-600:]}")
    at = inside(win)
    img = m.wait_screen(lambda i: i.rgb(*at) == BACKGROUND) if dump else None
    px = img.rgb(*at) if img else None
    tap.check(px == BACKGROUND, "the screen shows the desktop where the terminal was",
              f"{px and hex(px)} at {at}")


def notify(tap, m):
    """The toast is shown for 4 s: the dump is asked in the same breath."""
    mark, t0 = len(m.sim.text()), time.monotonic()
    m.desk.say("desktop notify hello\ndesktop dump")
    ok = m.sim.wait_for(r'^notification "hello"( shown)?$', 60)
    sys.stderr.write(f"# the dump answered {time.monotonic() - t0:.2f} s after the notify was sent\n")
    out = m.sim.text()[mark:]
    tap.check(ok and re.search(r'^notification "hello" shown$', out, re.M),
              "desktop notify hello on the console: the dump shows the toast", out[-400:])


def run(tap, cmd, d, env, a):
    sock = os.path.join(d, "qmp.sock")
    t0 = time.monotonic()
    # QEMU's own messages (stderr) stay out of the console's transcript: written at any
    # moment, they would cut a console line in two (the audio's "Resetting rate
    # control" when the host falls behind, in the middle of a dump's "screen" line)
    err = open(os.path.join(d, "qemu.err"), "w+")
    sim = Proc(with_qmp(cmd, sock), env=env, stdin=subprocess.PIPE, stderr=err)
    # (a service's line may follow the shell's prompt on the same line)
    ready = sim.wait_for(r"desktop: ready: screen \d+x\d+", 300) and sim.wait_for(r"serviceos> ", 60)
    size = re.search(r"desktop: ready: screen (\d+)x(\d+)", sim.text())
    tap.check(ready and size, "the machine boots to the desktop by itself",
              sim.text()[-600:] + "\n" + open(err.name).read()[-600:])
    if not (ready and size):
        sim.p.kill()
        sim.finish(10)
        err.close()
        return
    sys.stderr.write(f"# desktop ready {time.monotonic() - t0:.1f} s after QEMU's start\n")
    m = Machine(sim, sock, d, (int(size.group(1)), int(size.group(2))), a.screen)
    before = check_screen(tap, m, a.output)
    if a.fixed_mode:
        check_fixed_mode(tap, m, before)
    win = open_terminal(tap, m)
    if win:
        check_drawn(tap, m, win, before)
        if focus(tap, m, win):
            type_services(tap, m, win, a.shot)
        workspace_two(tap, m, win)
    notify(tap, m)
    m.desk.say("poweroff")
    rc = sim.finish(120)
    sys.stderr.write(sim.text() + "# QEMU's own messages:\n" + open(err.name).read())
    err.close()
    tap.check(rc == 0, "poweroff: status 0", f"status {rc}")
    sys.stderr.write(f"# one boot: {time.monotonic() - t0:.1f} s\n")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--output", default=r"^\S+ .*\) display$",
                    help="regex of the display device's `gfx outputs` line")
    ap.add_argument("--fixed-mode", action="store_true",
                    help="the display has the firmware's mode only: gfx mode must be refused")
    ap.add_argument("--image-first", action="store_true",
                    help="build a disk image of the test's own (run.sh --image-only) and boot it")
    ap.add_argument("--screen", help="the QEMU display device to dump (default: the first console)")
    ap.add_argument("--shot", help="save the screen with the terminal's output as this PNG")
    ap.add_argument("cmd", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    cmd = a.cmd[1:] if a.cmd and a.cmd[0] == "--" else a.cmd
    tap = Tap()
    d = tempfile.mkdtemp(prefix="sos-desk-")

    def boot(env):
        run_cmd = image_first(tap, cmd, d) if a.image_first else cmd
        if run_cmd:
            run(tap, run_cmd, d, env, a)
    try:
        under_xvfb(tap, "the desktop on QEMU's screen", ("Xvfb",), boot)
    finally:
        shutil.rmtree(d, ignore_errors=True)
    print(f"1..{tap.n}")
    return 1 if tap.failed else 0


if __name__ == "__main__":
    sys.exit(main())
