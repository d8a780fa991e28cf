#!/bin/sh
# image/aarch64/mksdboot.sh OUTDIR STAMP KERNEL8 FILES...: a ready-to-copy SD-card boot
# folder (kernel8.img, config.txt, cmdline.txt, README.txt). The Raspberry Pi firmware
# files (start4.elf etc.) are not needed on a Pi 5, whose firmware is in its EEPROM; the
# one file the user adds, bcm2712-rpi-5-b.dtb, is named in README.txt.
set -eu
out=$1 stamp=$2
shift 2
mkdir -p "$out"
for f in "$@"; do
    cp "$f" "$out/"
done
echo "sdboot: $out" >"$stamp"
