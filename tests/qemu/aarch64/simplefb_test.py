#!/usr/bin/env python3
"""simplefb_test.py - the firmware's framebuffer (a device tree simple-framebuffer node,
as the Raspberry Pi 5's firmware passes) as the display, on QEMU virt (TAP).

    simplefb_test.py RUN.SH [--straddle]

QEMU virt has no such framebuffer, so the test gives it one: it dumps virt's own tree
(-machine dumpdtb), adds a simple-framebuffer node for 1024x768 x8r8g8b8 pixels in
guest RAM at 0x5e000000 with a stride wider than a line (4352 bytes), and boots with
that tree (-dtb). Then tests/qemu/gfx_qemu.py checks, reading the pixels out of guest
memory with QMP pmemsave: `gfx outputs` names the simple-framebuffer, gfxdemo's known
pixels, text and motion are there, `gfx mode 800x600` is refused. What QEMU cannot show:
the cache cleaning a real scanout needs (TCG has no caches). --straddle puts the node
across the end of RAM instead: the boot must say it is not used and go on.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
STRIDE = 4352
ADDR = 0x5fff0000 if "--straddle" in sys.argv else 0x5e000000  # RAM ends at 0x60000000
NODE = f"""
	framebuffer@{ADDR:x} {{
		compatible = "simple-framebuffer";
		reg = <0x0 {ADDR:#x} 0x0 {STRIDE * 768:#x}>;
		width = <1024>;
		height = <768>;
		stride = <{STRIDE}>;
		format = "x8r8g8b8";
		status = "okay";
	}};
}};
"""


def make_dtb(run_sh, d):
    """virt's own tree with the framebuffer node added, or (None, why)."""
    virt, fb = os.path.join(d, "virt.dtb"), os.path.join(d, "fb.dtb")
    p = subprocess.run([run_sh, "--disk", "none", "--", "-machine", f"dumpdtb={virt}"],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=900)
    if p.returncode or not os.path.exists(virt):
        return None, "dumpdtb failed: " + p.stdout.decode(errors="replace")[-300:]
    dts = subprocess.run(["dtc", "-q", "-I", "dtb", "-O", "dts", virt], stdout=subprocess.PIPE,
                         check=True).stdout.decode()
    dts = dts[:dts.rstrip().rindex("};")] + NODE.lstrip("\n")
    subprocess.run(["dtc", "-q", "-I", "dts", "-O", "dtb", "-o", fb, "-"], input=dts.encode(),
                   check=True)
    return fb, None


def straddle(run_sh, fb):
    """A framebuffer across the end of RAM is refused with a line; the boot goes on."""
    p = subprocess.run([run_sh, "--no-build", "--testinit", "--timeout", "120", "--", "-dtb", fb],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    out = p.stdout.decode(errors="replace")  # a hang ends with run.sh's status 124
    checks = [(re.search(r"simple-framebuffer: not used: reg straddles the edge of /memory", out),
               "a framebuffer across the end of RAM is not used, and the boot says why"),
              ("testinit: all checks passed" in out and p.returncode == 0, "the boot goes on")]
    for i, (ok, what) in enumerate(checks, 1):
        print(f"{'ok' if ok else 'not ok'} {i} - {what}")
    if not all(ok for ok, _ in checks):
        print("\n".join("#   " + line for line in out.splitlines()[-15:]))
    print(f"1..{len(checks)}")
    return 0 if all(ok for ok, _ in checks) else 1


def main():
    run_sh = sys.argv[1]
    if not shutil.which("dtc"):
        print("1..0 # SKIP dtc (device-tree-compiler) is not installed")
        return 0
    d = tempfile.mkdtemp(prefix="sos-sfb-")
    try:
        fb, why = make_dtb(run_sh, d)
        if not fb:
            print(f"not ok 1 - a tree with a simple-framebuffer\n#   {why}\n1..1")
            return 1
        if "--straddle" in sys.argv:
            return straddle(run_sh, fb)
        return subprocess.run([sys.executable, os.path.join(HERE, "..", "gfx_qemu.py"),
                               "--output", r"^simple-framebuffer 1024x768 \(largest 1024x768\) display",
                               "--pmem", f"{ADDR:#x}:{STRIDE}", "--fixed-mode", "--",
                               run_sh, "--no-build", "--disk", "none", "--", "-dtb", fb]).returncode
    finally:
        shutil.rmtree(d, ignore_errors=True)


sys.exit(main())
