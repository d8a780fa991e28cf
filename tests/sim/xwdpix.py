"""Read an X window dump (xwd, ZPixmap, 24/32 bits per pixel) into RGB pixels.

Used by the window tests to check known pixels without an image library:
    img = XwdImage(open("f.xwd", "rb").read()); img.width; img.rgb(x, y) -> 0xRRGGBB
"""
import struct


class XwdImage:
    def __init__(self, data):
        h = struct.unpack(">25I", data[:100])
        header_size, _ver, fmt, _depth, self.width, self.height = h[:6]
        byte_order, bpp, self.bpl = h[7], h[11], h[12]
        ncolors = h[19]
        if fmt != 2 or bpp not in (24, 32):
            raise ValueError(f"xwd: format {fmt} with {bpp} bits per pixel is not read here")
        self.bpp = bpp // 8
        self.lsb = byte_order == 0
        self.masks = h[14:17]
        self.pix = data[header_size + ncolors * 12:]

    def rgb(self, x, y):
        o = y * self.bpl + x * self.bpp
        b = self.pix[o:o + self.bpp]
        v = int.from_bytes(b, "little" if self.lsb else "big")
        out = 0
        for m in self.masks:
            shift = (m & -m).bit_length() - 1
            out = out << 8 | ((v & m) >> shift) & 0xff
        return out


def write_png(img, path):
    """Save an XwdImage as an RGB PNG (zlib only)."""
    import zlib

    def chunk(kind, data):
        c = struct.pack(">I", len(data)) + kind + data
        return c + struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff)

    rows = bytearray()
    for y in range(img.height):
        rows.append(0)
        for x in range(img.width):
            v = img.rgb(x, y)
            rows += bytes(((v >> 16) & 0xff, (v >> 8) & 0xff, v & 0xff))
    ihdr = struct.pack(">IIBBBBB", img.width, img.height, 8, 2, 0, 0, 0)
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(bytes(rows), 9))
                + chunk(b"IEND", b""))


def read_png(data):
    """Decode an 8-bit RGB or RGBA PNG (no interlace) into an object with width, height
    and rgb(x, y), like XwdImage: for checking the graphics service's own screenshots."""
    import zlib
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    pos, idat, hdr = 8, b"", None
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            hdr = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    w, h, depth, ctype, _, _, interlace = hdr
    if depth != 8 or ctype not in (2, 6) or interlace:
        raise ValueError("only 8-bit RGB/RGBA PNGs without interlace are read here")
    bpp = 3 if ctype == 2 else 4
    raw, out, prev = zlib.decompress(idat), bytearray(), bytearray(w * bpp)
    stride = w * bpp
    for y in range(h):
        f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b, c = prev[i], prev[i - bpp] if i >= bpp else 0
            if f == 1:
                line[i] = (line[i] + a) & 0xff
            elif f == 2:
                line[i] = (line[i] + b) & 0xff
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 0xff
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 0xff
        out += line
        prev = line

    class Png:
        width, height = w, h

        def rgb(self, x, y):
            o = (y * w + x) * bpp
            return out[o] << 16 | out[o + 1] << 8 | out[o + 2]
    return Png()
