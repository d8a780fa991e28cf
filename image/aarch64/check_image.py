#!/usr/bin/env python3
"""image/aarch64/check_image.py IMG [STAMP]: check kernel8.img's arm64 Image header.

What the Pi firmware and QEMU's -kernel rely on (Linux Documentation/arm64/booting):
64-byte header, magic "ARM\\x64" at 56, text_offset, image_size covering the file and
the .bss, flags: little endian, 4 KiB pages. Exits non-zero (failing the build)
otherwise. Also usable by hand: check_image.py build-aarch64/hal-aarch64/kernel8.img
"""
import struct
import sys


def check(img_path):
    data = open(img_path, 'rb').read()
    if len(data) < 64:
        return 'shorter than the 64-byte header'
    code0, code1, text_offset, image_size, flags, r2, r3, r4, magic, r5 = \
        struct.unpack('<IIQQQQQQII', data[:64])
    if magic != 0x644d5241:
        return 'bad magic %#x (want "ARM\\x64")' % magic
    if code0 >> 26 != 0b000101:
        return 'code0 %#x is not a branch instruction' % code0
    if text_offset % 4096:
        return 'text_offset %#x is not page aligned' % text_offset
    if image_size < len(data):
        return 'image_size %#x is smaller than the file (%#x)' % (image_size, len(data))
    if flags & 1:
        return 'flags say big endian'
    if (flags >> 1) & 3 not in (0, 1):
        return 'flags say a page size other than 4 KiB'
    return None


def main():
    err = check(sys.argv[1])
    if err:
        print('%s: not a valid arm64 Image: %s' % (sys.argv[1], err), file=sys.stderr)
        return 1
    if len(sys.argv) > 2:
        with open(sys.argv[2], 'w') as f:
            f.write('ok\n')
    else:
        print('%s: valid arm64 Image header' % sys.argv[1])
    return 0


if __name__ == '__main__':
    sys.exit(main())
