#!/usr/bin/env python3
"""Make broken service images and bundles for the boot-failure scenarios.

usage: break-image.py file MODE IN OUT
           MODE: empty      an empty file
                 truncate   the first third of IN
                 garbage    as long as IN, bytes that are no executable
                 inflate    MiB of zeros (MODE inflate:N): compresses to almost nothing,
                            inflates past a small machine's memory
       break-image.py crc IN OUT ENTRY
           copy bundle IN to OUT with ENTRY's CRC-32 in the index changed, and the
           bundle's digest made right again, so only reading that entry fails
           (docs/bootstore.md has the format)

The files are inputs of mkbundle in tests/sim/meson.build; everything is deterministic.
"""
import hashlib
import struct
import sys


def broken_file(mode, src, dst):
    data = open(src, "rb").read()
    if mode == "empty":
        out = b""
    elif mode == "truncate":
        out = data[: len(data) // 3]
    elif mode == "garbage":
        out = bytes((i * 131 + 7) & 0xFF for i in range(len(data)))
    elif mode.startswith("inflate:"):
        out = bytes(int(mode.split(":", 1)[1]) << 20)
    else:
        sys.exit("break-image: unknown mode '%s'" % mode)
    open(dst, "wb").write(out)


def broken_crc(src, dst, entry):
    b = bytearray(open(src, "rb").read())
    if b[:8] != b"SOSBUNDL":
        sys.exit("break-image: %s is not a bundle" % src)
    count, index_off, names_size, size = struct.unpack_from("<IIII", b, 16)
    names_off = index_off + 32 * count
    for i in range(count):
        rec = index_off + 32 * i
        name_off, name_len = struct.unpack_from("<IH", b, rec)
        name = bytes(b[names_off + name_off: names_off + name_off + name_len]).decode()
        if name == entry:
            crc = struct.unpack_from("<I", b, rec + 20)[0]
            struct.pack_into("<I", b, rec + 20, crc ^ 0x00010000)
            break
    else:
        sys.exit("break-image: no entry '%s' in %s" % (entry, src))
    b[32:64] = bytes(32)
    b[32:64] = hashlib.sha256(bytes(b[:size])).digest()
    open(dst, "wb").write(b)


def main(argv):
    if len(argv) == 5 and argv[1] == "file":
        broken_file(argv[2], argv[3], argv[4])
    elif len(argv) == 5 and argv[1] == "crc":
        broken_crc(argv[2], argv[3], argv[4])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
