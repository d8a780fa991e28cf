#!/usr/bin/env python3
"""gfx_x86.py - the graphics service on QEMU x86_64's virtio-gpu-pci (TAP).

    gfx_x86.py -- RUN.SH ARGS...

Builds its own disk image (run.sh --image-only), boots it with a virtio-gpu-pci
(id gpu0) and a QMP socket, and from the shell: `gfx outputs` names the virtio GPU as
the display; `run gfxdemo`; then QMP `screendump` of gpu0 (a PPM) has the demo's
known pixels (the background, both surfaces, B above A, the image's centre) and the
moving square in two places in two dumps; `gfx mode 800x600` makes the GPU show an
800x600 resource with the demo composed again; poweroff ends with status 0.

Input through QMP `input-send-event` on the virtio keyboard and tablet: the first
`gfx outputs` is typed on the keyboard (the boot console's keyboard works until the
session takes it); once gfxdemo runs, the session reads both devices: a key before any
click reaches nobody (and not the shell), a click on B focuses it and a key reaches B
only, a click on the lower surface A focuses it (B loses the focus), a key reaches A
only; `gfx sessions` shows the pointer where the tablet put it, in the display's pixels,
before and after the mode change.
"""
import os
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'sim'))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
from xwindow import Proc, Tap  # noqa: E402
from qmp_input import check_input, click, keys, qmp, wait_after  # noqa: E402

KNOWN = [((10, 10), 0x203040, "the background"), ((70, 70), 0x3465a4, "A's title bar"),
         ((70, 250), 0xf4f4f4, "A's body"), ((358, 268), 0x20c040, "the image's green centre"),
         ((850, 590), 0x1e1e22, "B's body"), ((500, 350), 0x1e1e22, "B above A where they overlap")]


class Ppm:
    def __init__(self, data):
        parts = data.split(b"\n", 3)
        self.width, self.height = map(int, parts[1].split())
        self.px = parts[3]

    def rgb(self, x, y):
        o = (y * self.width + x) * 3
        return self.px[o] << 16 | self.px[o + 1] << 8 | self.px[o + 2]


def screendump(sock, path):
    r = qmp(sock, "screendump", filename=path, device="gpu0")
    return Ppm(open(path, "rb").read()) if "return" in r and os.path.exists(path) else None


def square_x(img):
    for x in range(452, 848):
        if img.rgb(x, 520) == 0xff8800:
            return x
    return None


def run(tap, cmd, d):
    sock = os.path.join(d, "qmp.sock")
    q = ["--", "-device", "virtio-gpu-pci,id=gpu0", "-qmp", f"unix:{sock},server=on,wait=off"]
    sim = Proc(cmd + q, stdin=subprocess.PIPE)

    def say(line):
        try:
            sim.p.stdin.write((line + "\n").encode())
            sim.p.stdin.flush()
        except OSError:  # the machine is gone (a panic): the checks say what is missing
            pass
    up = sim.wait_for(r"serviceos> ", 240)
    tap.check(up, "the shell is up", sim.text()[-400:])
    if not up:
        sim.p.kill()
        return sim.finish(10)
    err = keys(sock, list("gfx") + ["spc"] + list("outputs") + ["ret"])
    tap.check(err is None and sim.wait_for(r"^virtio-gpu pci \S+ 1024x768 \(largest 1920x1200\) display", 120),
              "gfx outputs typed on the virtio keyboard: the virtio GPU is the display",
              f"{err} {sim.text()[-400:]}")
    say("run gfxdemo")
    ready = sim.wait_for(r"gfxdemo: ready: surfaces", 240) and sim.wait_for(r"^gfxdemo runs as a service ", 120)
    tap.check(ready, "run gfxdemo: it started", sim.text()[-400:])
    time.sleep(2)
    img = screendump(sock, os.path.join(d, "a.ppm")) if ready else None
    tap.check(img is not None and (img.width, img.height) == (1024, 768),
              "screendump of the virtio GPU: 1024x768", "no image" if not img else f"{img.width}x{img.height}")
    for (x, y), rgb, what in KNOWN:
        got = img.rgb(x, y) if img else None
        tap.check(got == rgb, f"{what} at ({x}, {y}) is {rgb:06x}", f"it is {got}")
    x1, x2 = (square_x(img) if img else None), None
    for k in range(10):  # TCG on a busy machine: give it up to 10 s to move
        time.sleep(1)
        img2 = screendump(sock, os.path.join(d, "b.ppm")) if img else None
        x2 = square_x(img2) if img2 else None
        if x2 != x1:
            break
    tap.check(x1 is not None and x2 is not None and x1 != x2, "the square moves", f"{x1} then {x2}")
    check_input(tap, sim, sock, say)
    say("gfx mode 800x600")
    ok = sim.wait_for(r"^mode 800x600$", 120)
    time.sleep(2)
    img3 = screendump(sock, os.path.join(d, "c.ppm")) if ok else None
    tap.check(img3 is not None and (img3.width, img3.height) == (800, 600),
              "gfx mode 800x600: the virtio GPU shows a new 800x600 resource",
              "no image" if not img3 else f"{img3.width}x{img3.height}")
    got = [img3.rgb(x, y) for (x, y), _, _ in KNOWN[:3]] if img3 else None
    tap.check(got == [rgb for _, rgb, _ in KNOWN[:3]], "the demo composed again in the new mode",
              f"{got}")
    n = len(sim.text())
    click(sock, 400, 300, mode=(800, 600), button=False)
    say("gfx sessions")
    tap.check(wait_after(sim, n, r"pointer at 400,300 ", 60),
              "the tablet is scaled to the new mode: (400, 300) of 800x600", sim.text()[n:][-300:])
    say("poweroff")
    rc = sim.finish(120)
    sys.stderr.write(sim.text())
    tap.check(rc == 0, "poweroff: status 0", f"status {rc}")


def main():
    cmd = sys.argv[1:]
    cmd = cmd[1:] if cmd and cmd[0] == "--" else cmd
    tap = Tap()
    d = tempfile.mkdtemp(prefix="sos-gfx-")
    try:
        img = os.path.join(d, "boot.img")
        mk = subprocess.run(cmd + ["--image-only", img], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        if mk.returncode:
            tap.check(False, "build the disk image", mk.stdout.decode()[-400:])
        else:
            run(tap, cmd + ["--image", img], d)
    finally:
        shutil.rmtree(d, ignore_errors=True)
    print(f"1..{tap.n}")
    return 1 if tap.failed else 0


sys.exit(main())
