#!/usr/bin/env python3
"""Damage a sosfs store on a disk image the way a failing disk would (scenario tests).

usage: sfs-damage.py DISK marker TEXT   flip a byte in every block holding TEXT (a file's
                                        data: the metadata walk at mount never reads it)
       sfs-damage.py DISK itab-root [OFFSET MASK]
                                        flip bits (default: byte 33, mask 4) of the newest
                                        generation's inode-table root block
       sfs-damage.py DISK zero-older    zero the older superblock (no generation to fall
                                        back to)
       sfs-damage.py DISK newer-super   put a copy of the newest superblock, two
                                        generations on and checksum right, in the other
                                        slot (where that generation does not belong)

The superblock layout is docs/storage.md's: generation at byte 24, the inode table's
root pointer (address) at byte 56, a CRC-32C of bytes 0..507 at 508, in slot
generation % 2. Prints what it did.
"""
import struct
import sys

BLOCK = 4096
MAGIC = b"SOSSTOR1"


def crc32c(data):
    crc = 0xFFFFFFFF
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = (crc >> 1) ^ (0x82F63B78 if crc & 1 else 0)
    return crc ^ 0xFFFFFFFF


def newest_slot(img):
    best = None
    for slot in (0, 1):
        raw = img[slot * BLOCK:slot * BLOCK + 512]
        gen = struct.unpack_from("<Q", raw, 24)[0]
        if raw[:8] == MAGIC and gen % 2 == slot and (best is None or gen > best[1]):
            best = (slot, gen)
    if best is None:
        sys.exit("no sosfs superblock on the disk")
    return best


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
        elif what == "itab-root" and len(sys.argv) in (3, 5):
            gen, root = newest_super(img)
            off, mask = (int(sys.argv[3], 0), int(sys.argv[4], 0)) if len(sys.argv) == 5 else (33, 4)
            img[root * BLOCK + off] ^= mask
            print(f"sfs-damage: flipped bits {mask:#x} of byte {off} of block {root}, the "
                  f"inode-table root of generation {gen}")
        elif what == "zero-older":
            slot, gen = newest_slot(img)
            img[(1 - slot) * BLOCK:(2 - slot) * BLOCK] = bytes(BLOCK)
            print(f"sfs-damage: zeroed superblock slot {1 - slot}; generation {gen} is left")
        elif what == "newer-super":
            slot, gen = newest_slot(img)
            raw = bytearray(img[slot * BLOCK:slot * BLOCK + 512])
            struct.pack_into("<Q", raw, 24, gen + 2)
            struct.pack_into("<I", raw, 508, crc32c(raw[:508]))
            img[(1 - slot) * BLOCK:(1 - slot) * BLOCK + 512] = raw
            print(f"sfs-damage: generation {gen + 2} written to slot {1 - slot}")
        else:
            sys.exit(__doc__)
        f.seek(0)
        f.write(img)


main()
