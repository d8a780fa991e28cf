#!/bin/sh
# image/aarch64/mksdboot.sh OUTDIR STAMP KERNEL8 FILES...: a ready-to-copy SD-card boot
# folder (kernel8.img, config.txt, cmdline.txt). The Raspberry Pi firmware files
# (start4.elf etc. are not needed on a Pi 5, whose firmware is in its EEPROM).
set -eu
out=$1 stamp=$2
shift 2
mkdir -p "$out"
for f in "$@"; do
    cp "$f" "$out/"
done
echo "sdboot: $out" >"$stamp"
