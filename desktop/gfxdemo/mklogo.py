#!/usr/bin/env python3
"""Write the demo's image: a 96x96 RGBA PNG, a ring shaded from orange to purple on a
transparent ground, with an opaque green dot at its centre (made at build time with
zlib only, so no image file is kept in the tree).

usage: mklogo.py OUT.png
"""
import math
import struct
import sys
import zlib


def chunk(kind, data):
    c = struct.pack(">I", len(data)) + kind + data
    return c + struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff)


def pixel(x, y):
    dx, dy = x - 47.5, y - 47.5
    r = math.hypot(dx, dy)
    if r < 10:
        return (0x20, 0xc0, 0x40, 255)
    if 28 <= r <= 46:
        t = (math.atan2(dy, dx) + math.pi) / (2 * math.pi)
        return (int(255 - 100 * t), int(140 - 120 * t), int(40 + 180 * t), 255)
    return (0, 0, 0, 0)


def main():
    rows = b"".join(b"\0" + bytes(v for x in range(96) for v in pixel(x, y)) for y in range(96))
    png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 96, 96, 8, 6, 0, 0, 0))
           + chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b""))
    open(sys.argv[1], "wb").write(png)


main()
