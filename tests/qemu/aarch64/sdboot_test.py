#!/usr/bin/env python3
"""The Raspberry Pi 5 boot folder after a build: image/aarch64/run.sh --build-only (what
./serviceos-qemu --arch aarch64 builds) must leave BUILD/hal-aarch64/sdboot/ ready to copy
to the SD card's FAT partition: the kernel8.img just built, a config.txt that says what a
Pi 5 needs to boot it with the console on the debug UART, and a note naming the file
the user adds (the Pi 5 device tree, which no Debian package ships).

usage: sdboot_test.py SOURCE_DIR   (TAP; SOS_AARCH64_BUILD as for run.sh)
"""
import filecmp
import os
import subprocess
import sys

src = os.path.abspath(sys.argv[1])
build = os.environ.get("SOS_AARCH64_BUILD", "build-aarch64")
build = build if os.path.isabs(build) else os.path.join(src, build)
folder = os.path.join(build, "hal-aarch64", "sdboot")
results = []


def case(name, ok, detail=""):
    results.append((name, bool(ok), detail))


p = subprocess.run([os.path.join(src, "image/aarch64/run.sh"), "--build-only"], cwd=src,
                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=1500)
case("run.sh --build-only builds", p.returncode == 0, p.stdout.decode(errors="replace")[-2000:])
have = sorted(os.listdir(folder)) if os.path.isdir(folder) else []
case("the folder holds kernel8.img, config.txt, cmdline.txt and README.txt",
     {"kernel8.img", "config.txt", "cmdline.txt", "README.txt"} <= set(have), " ".join(have))
kernel = os.path.join(build, "hal-aarch64", "kernel8.img")
case("its kernel8.img is the one just built",
     os.path.isfile(os.path.join(folder, "kernel8.img")) and os.path.isfile(kernel)
     and filecmp.cmp(kernel, os.path.join(folder, "kernel8.img"), shallow=False))


def settings(path):
    out = {}
    if os.path.isfile(path):
        for line in open(path, encoding="utf-8"):
            line = line.split("#", 1)[0].strip()
            if "=" in line:
                k, v = line.split("=", 1)
                out[k.strip()] = v.strip()
    return out


conf = settings(os.path.join(folder, "config.txt"))
want = {"kernel": "kernel8.img", "arm_64bit": "1", "os_check": "0", "enable_uart": "1",
        "uart_2ndstage": "1"}
case("config.txt: " + ", ".join(f"{k}={v}" for k, v in want.items()),
     all(conf.get(k) == v for k, v in want.items()), repr(conf))
readme = os.path.join(folder, "README.txt")
text = open(readme, encoding="utf-8").read() if os.path.isfile(readme) else ""
case("README.txt names the device tree to add and where it comes from",
     "bcm2712-rpi-5-b.dtb" in text and "Raspberry Pi OS" in text, text[:300])

for i, (name, ok, detail) in enumerate(results, 1):
    print(f"{'ok' if ok else 'not ok'} {i} - {name}")
    if not ok:
        for line in detail.splitlines()[-10:]:
            print(f"#   {line}")
print(f"1..{len(results)}")
sys.exit(0 if all(ok for _, ok, _ in results) else 1)
