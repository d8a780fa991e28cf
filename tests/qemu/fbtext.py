#!/usr/bin/env python3
"""fbtext.py - read the text a framebuffer console shows (core/drivers/fbcon: the x86_64
GOP console, aarch64's ramfb console) back out of a screen dump.

The console draws each Latin-1 cell of its grid with the build's PSF font in two exact
colours (foreground 0xc8c8c8 on 0x101018), so a cell is recognised by comparing its
bitmap with the font's glyphs (scripts/psf2c.py's parser, the same font file the build
used): no fuzzy matching. A cell that matches no printable glyph reads as '\\x00'.

    fbtext.lines(screen, font_path) -> [str, ...]   (one per text row, right-stripped)

`screen` is anything with width, height and rgb(x, y) (gfx_qemu.py's Ppm).
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "scripts"))
import psf2c  # noqa: E402

FG = 0xC8C8C8


def glyph_table(font_path):
    """(width, height, {bitmap rows tuple: character}) for the printable Latin-1 set."""
    width, height, count, gsize, glyphs, table = psf2c.parse(psf2c.load(font_path))
    rowbytes = (width + 7) // 8
    out = {}
    for ch in list(range(32, 127)) + list(range(160, 256)):
        g = table.get(ch, ch if not table and ch < count else None)
        if g is None:
            continue
        bits = glyphs[g * gsize:(g + 1) * gsize]
        rows = tuple(int.from_bytes(bits[y * rowbytes:(y + 1) * rowbytes], "big")
                     >> (8 * rowbytes - width) for y in range(height))
        out.setdefault(rows, chr(ch))
    return width, height, out


def cell_rows(screen, col, row, width, height):
    rows = []
    for y in range(row * height, (row + 1) * height):
        v = 0
        for x in range(col * width, (col + 1) * width):
            v = v << 1 | (screen.rgb(x, y) == FG)
        rows.append(v)
    return tuple(rows)


def lines(screen, font_path):
    width, height, table = glyph_table(font_path)
    out = []
    for row in range(screen.height // height):
        text = "".join(table.get(cell_rows(screen, c, row, width, height), "\x00")
                       for c in range(screen.width // width))
        out.append(text.rstrip())
    return out
