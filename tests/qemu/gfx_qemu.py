#!/usr/bin/env python3
"""gfx_qemu.py - the graphics service on a QEMU machine's virtio GPU (TAP): virtio-gpu-pci
on x86_64 q35 and on aarch64 virt, one boot each.

    gfx_qemu.py --output REGEX [--image-first] [--shot PNG] [--pmem ADDR:STRIDE]
                [--fixed-mode] [--input] [--typed] [--ramfb FONT]
                -- RUN.SH ARGS... [-- QEMU ARGS]

The launch command must give the GPU the id gpu0; this script adds a QMP socket to its
QEMU arguments. --image-first builds a disk image first (x86_64's run.sh --image-only)
and boots that (--image). From the shell: `gfx outputs` names the virtio GPU as the
display (a line matching --output); `run gfxdemo` (the shell starts it as its
service); then QMP `screendump` of gpu0 (a PPM) has the demo's known pixels (the
background, both surfaces, B above A, the image's centre), text in both fonts, and the
moving square in two places in two dumps; `gfx mode 800x600` makes the GPU show an
800x600 resource with the demo composed again; poweroff ends with status 0. The pixel
table is tests/sim/gfxdemo_pixels.py, shared with the simulator's window test. --shot saves the
first dump as a PNG (for the docs). A display that is not a QEMU console (the
firmware's framebuffer in guest memory, `simple-framebuffer`) is read with --pmem: QMP
`pmemsave` of 768 lines of STRIDE bytes of 32-bit pixels at ADDR; with --fixed-mode
`gfx mode 800x600` must be refused and the screen stay as it was.

--input: the machine has a virtio keyboard and tablet (x86_64's virtio-pci ones,
aarch64's virtio-keyboard-device and virtio-tablet-device), driven with QMP
`input-send-event` (tests/qemu/qmp_input.py): once gfxdemo runs, the session reads both
devices, a key before any click reaches nobody, a click on B focuses it and a key
reaches B only, a click on the lower surface A focuses it, a key reaches A only; after
the mode change `gfx sessions` shows the pointer where the tablet put it, in the new
mode's pixels. --typed: the first `gfx outputs` is typed on the virtio keyboard (x86_64's
boot console reads it until the session takes it; aarch64's console is the serial line).

--ramfb FONT: the machine also has a ramfb (id ramfb0, aarch64 virt's boot console,
hal-aarch64/ramfb.c): at the shell's prompt its QMP screendump, read back as text in the
build's console font (fbtext.py), starts with the kernel's first line and holds the
probes' lines and the prompt; once the graphics service runs (`gfx outputs`) the last
line is the handover's, and at the end the ramfb shows exactly that screen still.
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'sim'))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from qmp_input import check_input, click, keys, qmp, wait_after  # noqa: E402
from gfxdemo_pixels import KNOWN, check_known, check_text, square_x  # noqa: E402
from xwdpix import write_png  # noqa: E402
from xwindow import Proc, Tap  # noqa: E402
import fbtext  # noqa: E402


class Ppm:
    def __init__(self, data):
        parts = data.split(b"\n", 3)
        self.width, self.height = map(int, parts[1].split())
        self.px = parts[3]

    def rgb(self, x, y):
        o = (y * self.width + x) * 3
        return self.px[o] << 16 | self.px[o + 1] << 8 | self.px[o + 2]


def screendump(sock, path, device="gpu0"):
    """QMP screendump of `device` (None: QEMU's first console) as a Ppm, or None."""
    r = qmp(sock, "screendump", filename=path, **({"device": device} if device else {}))
    return Ppm(open(path, "rb").read()) if "return" in r and os.path.exists(path) else None


class Xrgb:
    """768 lines of 1024 little-endian 0xXXRRGGBB pixels, `stride` bytes apart."""

    def __init__(self, data, stride):
        self.width, self.height, self.stride, self.px = 1024, 768, stride, data

    def rgb(self, x, y):
        o = y * self.stride + x * 4
        return self.px[o + 2] << 16 | self.px[o + 1] << 8 | self.px[o]


def pmemsave(sock, path, addr, stride):
    r = qmp(sock, "pmemsave", val=addr, size=stride * 768, filename=path)
    return Xrgb(open(path, "rb").read(), stride) if "return" in r and os.path.exists(path) else None


def image_first(tap, cmd, d):
    """The launch command booting a disk image of this test's own (made in `d` with
    run.sh --image-only, so tests running at once never share one), or None (a failed
    check says why)."""
    img = os.path.join(d, "boot.img")
    own = cmd[:cmd.index("--")] if "--" in cmd else cmd
    mk = subprocess.run(own + ["--image-only", img], stdout=subprocess.PIPE,
                        stderr=subprocess.STDOUT)
    if mk.returncode:
        tap.check(False, "build the disk image", mk.stdout.decode()[-400:])
        return None
    return own + ["--image", img] + cmd[len(own):]


def with_qmp(cmd, sock):
    """The launch command with a QMP socket among its QEMU arguments (after its `--`)."""
    q = ["-qmp", f"unix:{sock},server=on,wait=off"]
    return cmd + q if "--" in cmd else cmd + ["--"] + q


def ramfb_text(sock, d, font, want, timeout=60):
    """The ramfb console's text rows once `want(rows)` holds (or at the timeout): the
    console draws right after the serial line is out, so the dump is retried."""
    rows, img = [], None
    for k in range(timeout):
        img = screendump(sock, os.path.join(d, f"ramfb{k % 2}.ppm"), "ramfb0")
        rows = fbtext.lines(img, font) if img else []
        if want(rows):
            break
        time.sleep(1)
    return rows, img


def check_ramfb_boot(tap, sock, d, font):
    """Before the graphics service runs, the ramfb shows the boot console from its first
    line (kept from before the console was set up) to the shell's prompt."""
    rows, _ = ramfb_text(sock, d, font, lambda r: any("serviceos>" in x for x in r))
    tap.check(rows and rows[0].startswith("ServiceOS aarch64 HAL: platform qemu-virt"),
              "the ramfb console shows the boot from the kernel's first line",
              rows[0] if rows else "no ramfb dump")
    tap.check(any(x.startswith("virtio: virtio-gpu pci ") for x in rows) and
              any("serviceos>" in x for x in rows),
              "the ramfb console shows the probes' lines and the shell's prompt",
              "\n".join(x for x in rows if x)[-600:])


HANDOVER = ("[console] the graphics service has taken the display: this screen stops here; "
            "the console goes on on the serial line")  # hal-aarch64/ramfb.c


def check_ramfb_handover(tap, sock, d, font):
    """Once the graphics service has taken the GPU the ramfb's last line says so (the
    whole line: it is drawn in one write, and nothing is drawn after it)."""
    rows, img = ramfb_text(sock, d, font, lambda r: HANDOVER in r)
    last = [x for x in rows if x]
    tap.check(last and last[-1] == HANDOVER,
              "the graphics service took the display: the ramfb console's last line says so",
              "\n".join(last[-4:]))
    return img.px if img and last and last[-1] == HANDOVER else None


def check_ramfb_still(tap, sock, d, before):
    img = screendump(sock, os.path.join(d, "ramfb-end.ppm"), "ramfb0")
    tap.check(before is not None and img is not None and img.px == before,
              "the ramfb console draws nothing after the handover (the same screen at the end)")


def check_motion(tap, grab, img):
    x1, x2 = (square_x(img) if img else None), None
    for k in range(10):  # TCG on a busy machine: give it up to 10 s to move
        time.sleep(1)
        img2 = grab("b") if img else None
        x2 = square_x(img2) if img2 else None
        if x2 != x1:
            break
    tap.check(x1 is not None and x2 is not None and x1 != x2, "the square moves", f"{x1} then {x2}")


def check_mode(tap, sim, say, grab, fixed):
    say("gfx mode 800x600")
    if fixed:  # the firmware's mode is the only one: refused, the screen stays
        tap.check(sim.wait_for(r"^gfx mode: not supported", 120),
                  "gfx mode 800x600 is refused: the firmware's mode is fixed", sim.text()[-300:])
        check_known(tap, grab("c"), "after the refused mode", KNOWN[:3])
        return False
    ok = sim.wait_for(r"^mode 800x600$", 120)
    time.sleep(2)
    img = grab("c") if ok else None
    tap.check(img is not None and (img.width, img.height) == (800, 600),
              "gfx mode 800x600: the virtio GPU shows a new 800x600 resource",
              "no image" if not img else f"{img.width}x{img.height}")
    check_known(tap, img, "800x600: the demo composed again", KNOWN[:3])
    return ok


def check_pointer_after_mode(tap, sim, sock, say):
    """The tablet's axes are scaled to the new mode: its middle is (400, 300) of 800x600."""
    n = len(sim.text())
    err = click(sock, 400, 300, mode=(800, 600), button=False)
    say("gfx sessions")
    tap.check(err is None and wait_after(sim, n, r"pointer at 400,300 ", 60),
              "the tablet is scaled to the new mode: (400, 300) of 800x600",
              f"{err} {sim.text()[n:][-300:]}")


def run(tap, cmd, d, a):
    sock = os.path.join(d, "qmp.sock")
    sim = Proc(with_qmp(cmd, sock), stdin=subprocess.PIPE)
    if a.pmem:
        addr, stride = (int(v, 0) for v in a.pmem.split(":"))
        grab = lambda name: pmemsave(sock, os.path.join(d, name + ".raw"), addr, stride)  # noqa: E731
    else:
        grab = lambda name: screendump(sock, os.path.join(d, name + ".ppm"))  # noqa: E731

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
    if a.ramfb:
        check_ramfb_boot(tap, sock, d, a.ramfb)
    if a.typed:
        err = keys(sock, list("gfx") + ["spc"] + list("outputs") + ["ret"])
        tap.check(err is None and sim.wait_for(a.output, 120),
                  "gfx outputs typed on the virtio keyboard: the device is the display",
                  f"{err} {sim.text()[-400:]}")
    else:
        say("gfx outputs")
        tap.check(sim.wait_for(a.output, 120), "gfx outputs: the device is the display",
                  sim.text()[-400:])
    ramfb_after = check_ramfb_handover(tap, sock, d, a.ramfb) if a.ramfb else None
    say("run gfxdemo")
    ready = sim.wait_for(r"gfxdemo: ready: surfaces", 240) and \
        sim.wait_for(r"^gfxdemo runs as a service ", 120)
    tap.check(ready, "run gfxdemo: it started", sim.text()[-400:])
    time.sleep(2)
    img = grab("a") if ready else None
    tap.check(img is not None and (img.width, img.height) == (1024, 768),
              "a dump of the display: 1024x768", "no image" if not img else f"{img.width}x{img.height}")
    if img and a.shot:
        write_png(img, a.shot)
    check_known(tap, img, "demo")
    check_text(tap, img)
    check_motion(tap, grab, img)
    if a.input:
        check_input(tap, sim, sock, say)
    if check_mode(tap, sim, say, grab, a.fixed_mode) and a.input:
        check_pointer_after_mode(tap, sim, sock, say)
    if a.ramfb:
        check_ramfb_still(tap, sock, d, ramfb_after)
    say("poweroff")
    rc = sim.finish(120)
    sys.stderr.write(sim.text())
    tap.check(rc == 0, "poweroff: status 0", f"status {rc}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--output", required=True, help="regex of the GPU's `gfx outputs` line")
    ap.add_argument("--image-first", action="store_true",
                    help="build a disk image (--image-only) and boot it (--image)")
    ap.add_argument("--shot", help="save the first screendump as this PNG")
    ap.add_argument("--pmem", help="ADDR:STRIDE: read the display from guest memory")
    ap.add_argument("--fixed-mode", action="store_true", help="the display has one mode")
    ap.add_argument("--input", action="store_true",
                    help="check the virtio keyboard and tablet (QMP input-send-event)")
    ap.add_argument("--typed", action="store_true",
                    help="type the first `gfx outputs` on the virtio keyboard")
    ap.add_argument("--ramfb", metavar="FONT",
                    help="the machine has a ramfb (id ramfb0), the boot console drawn in "
                         "this PSF font: check its text before and after the handover")
    ap.add_argument("cmd", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    cmd = a.cmd[1:] if a.cmd and a.cmd[0] == "--" else a.cmd
    tap = Tap()
    d = tempfile.mkdtemp(prefix="sos-gfx-")
    try:
        run_cmd = image_first(tap, cmd, d) if a.image_first else cmd
        if run_cmd:
            run(tap, run_cmd, d, a)
    finally:
        shutil.rmtree(d, ignore_errors=True)
    print(f"1..{tap.n}")
    return 1 if tap.failed else 0


if __name__ == "__main__":
    sys.exit(main())
