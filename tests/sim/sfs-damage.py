#!/usr/bin/env python3
"""Damage a sosfs store on a disk image the way a failing disk would (scenario tests).

usage: sfs-damage.py DISK marker TEXT   flip a byte in every block holding TEXT (a file's
                                        data: the metadata walk at mount never reads it)
       sfs-damage.py DISK itab-root     flip one bit in the newest generation's inode-
                                        table root (one pointer of it; docs/storage.md)

The superblock layout is docs/storage.md's: generation at byte 24, the inode table's
root pointer (address) at byte 56, in slot generation % 2. Prints what it did.
"""
import struct
import sys

BLOCK = 4096
MAGIC = b"SOSSTOR1"


def newest_super(img):
    best = None
    for slot in (0, 1):
        raw = img[slot * BLOCK:slot * BLOCK + 512]
        if raw[:8] != MAGIC:
            continue
        gen = struct.unpack_from("<Q", raw, 24)[0]
        if gen % 2 == slot and (best is None or gen > best[0]):
            best = (gen, struct.unpack_from("<Q", raw, 56)[0])
    if best is None:
        sys.exit("no sosfs superblock on the disk")
    return best


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    path, what = sys.argv[1], sys.argv[2]
    with open(path, "r+b") as f:
        img = bytearray(f.read())
        if what == "marker" and len(sys.argv) == 4:
            text = sys.argv[3].encode()
            hits, i = [], img.find(text)
            while i >= 0:
                if not hits or hits[-1] != i - i % BLOCK:
                    hits.append(i - i % BLOCK)
                i = img.find(text, i + 1)
            for b in hits:
                img[b + 1] ^= 0x20
            print(f"sfs-damage: flipped a byte in block(s) {[b // BLOCK for b in hits]}")
            if not hits:
                sys.exit("the marker is nowhere on the disk")
        elif what == "itab-root":
            gen, root = newest_super(img)
            img[root * BLOCK + 2 * 16 + 1] ^= 0x04
            print(f"sfs-damage: flipped a bit in block {root}, the inode-table root of generation {gen}")
        else:
            sys.exit(__doc__)
        f.seek(0)
        f.write(img)


main()
