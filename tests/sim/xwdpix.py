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
