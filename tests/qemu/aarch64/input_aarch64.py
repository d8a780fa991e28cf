#!/usr/bin/env python3
"""input_aarch64.py - the virtio keyboard and tablet on QEMU aarch64 virt (TAP).

    input_aarch64.py -- RUN.SH ARGS...

Boots the service graph with a virtio-keyboard-device, a virtio-tablet-device (over
virtio-mmio, the same core driver as x86_64's virtio-pci ones) and a QMP socket, types
`run gfxdemo` (graphics composes into its virtual output: the aarch64 virt machine has
no display device yet), then drives the devices with QMP `input-send-event`: the
session reads both, keys reach only the focused surface, a click on the lower surface
focuses it, and `gfx sessions` shows the pointer at the tablet's place in the output's
pixels (tests/qemu/qmp_input.py, as x86-gfx does). poweroff ends with status 0.
"""
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'sim'))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
from xwindow import Proc, Tap  # noqa: E402
from qmp_input import check_input  # noqa: E402


def main():
    cmd = sys.argv[1:]
    cmd = cmd[1:] if cmd and cmd[0] == "--" else cmd
    tap = Tap()
    d = tempfile.mkdtemp(prefix="sos-input-")
    sock = os.path.join(d, "qmp.sock")
    try:
        sim = Proc(cmd + ["--disk", "none", "--", "-device", "virtio-keyboard-device",
                          "-device", "virtio-tablet-device", "-qmp", f"unix:{sock},server=on,wait=off"],
                   stdin=subprocess.PIPE)

        def say(line):
            try:
                sim.p.stdin.write((line + "\n").encode())
                sim.p.stdin.flush()
            except OSError:  # the machine is gone: the checks say what is missing
                pass
        up = sim.wait_for(r"serviceos> ", 600)
        tap.check(up and sim.wait_for(r"virtio: QEMU Virtio Keyboard, line", 1)
                  and sim.wait_for(r"virtio: QEMU Virtio Tablet, line", 1),
                  "the shell is up; the keyboard and the tablet are probed", sim.text()[-600:])
        say("run gfxdemo")
        ready = sim.wait_for(r"gfxdemo: ready: surfaces", 240) and sim.wait_for(r"^gfxdemo runs as a service ", 120)
        tap.check(ready, "run gfxdemo: it started", sim.text()[-400:])
        check_input(tap, sim, sock, say)
        say("poweroff")
        rc = sim.finish(120)
        sys.stderr.write(sim.text())
        tap.check(rc == 0, "poweroff: status 0", f"status {rc}")
    finally:
        shutil.rmtree(d, ignore_errors=True)
    print(f"1..{tap.n}")
    return 1 if tap.failed else 0


sys.exit(main())
