#!/usr/bin/env python3
"""Check that service images are what core/elf.c loads: static-PIE ELF64.

Usage: check-image.py [--expect-fail] IMAGE...
       check-image.py --self-test IMAGE

For each image: ELF64 little-endian, ET_DYN for x86_64 or aarch64; no PT_INTERP, no
PT_TLS; PT_LOAD segments in order, never writable and executable, never sharing a page,
offset and address congruent modulo the page, the whole span under 256 MiB; the entry
point inside an executable segment; a non-executable stack; in PT_DYNAMIC no DT_NEEDED,
no REL, RELR, PLT (JMPREL) or TEXTREL relocations, DT_RELAENT 24; every RELA relocation
of the RELATIVE type without a symbol; no dynamic symbols but the null one and local
section symbols.

Prints one line per image and exits 1 when any image fails (with --expect-fail: when
any image passes). --self-test checks the checker: IMAGE must pass, and copies of it
spoiled in each way above (W+X, ET_EXEC, DT_NEEDED, a non-RELATIVE relocation, ...)
must each be refused.
"""
import struct
import sys

PAGE = 4096
MAX_SPAN = 256 << 20
PT_LOAD, PT_DYNAMIC, PT_INTERP, PT_TLS, PT_GNU_STACK = 1, 2, 3, 7, 0x6474E551
PF_X, PF_W = 1, 2
DT = {"NULL": 0, "NEEDED": 1, "PLTRELSZ": 2, "RELA": 7, "RELASZ": 8, "RELAENT": 9,
      "REL": 17, "RELSZ": 18, "TEXTREL": 22, "JMPREL": 23, "RELRSZ": 35, "RELR": 36,
      "RELRENT": 37}
RELATIVE = {62: 8, 183: 1027}
MACHINES = {62: "x86_64", 183: "aarch64"}
SHT_DYNSYM = 11


class Bad(Exception):
    pass


def check(data):
    if data[:4] != b"\x7fELF":
        raise Bad("not an ELF file")
    if data[4] != 2 or data[5] != 1:
        raise Bad("not ELF64 little-endian")
    (etype, machine, _ver, entry, phoff, shoff, _flags, _ehsize, phentsize, phnum,
     shentsize, shnum, _shstrndx) = struct.unpack_from("<HHIQQQIHHHHHH", data, 16)
    if etype != 3:
        raise Bad(f"e_type {etype}, not ET_DYN (static-PIE)")
    if machine not in MACHINES:
        raise Bad(f"e_machine {machine} is neither x86_64 nor aarch64")
    if phentsize != 56 or phnum == 0 or phnum > 32:
        raise Bad("bad program header table")
    phdrs = [struct.unpack_from("<IIQQQQQQ", data, phoff + i * 56) for i in range(phnum)]
    loads, dyn = [], None
    for (ptype, flags, off, vaddr, _paddr, filesz, memsz, _align) in phdrs:
        if ptype == PT_INTERP:
            raise Bad("has PT_INTERP (needs a dynamic linker)")
        if ptype == PT_TLS:
            raise Bad("has PT_TLS (thread-local storage)")
        if ptype == PT_GNU_STACK and flags & PF_X:
            raise Bad("asks for an executable stack")
        if ptype == PT_DYNAMIC:
            dyn = (off, filesz)
        if ptype == PT_LOAD and memsz:
            loads.append((flags, off, vaddr, filesz, memsz))
    if not loads:
        raise Bad("no loadable segment")
    prev_end = 0
    for (flags, off, vaddr, filesz, memsz) in loads:
        if flags & PF_W and flags & PF_X:
            raise Bad(f"segment at {vaddr:#x} is writable and executable")
        if vaddr % PAGE != off % PAGE:
            raise Bad(f"segment at {vaddr:#x} is misaligned with its file offset")
        if filesz > memsz or off + filesz > len(data):
            raise Bad(f"segment at {vaddr:#x} lies outside the file")
        if vaddr // PAGE * PAGE < prev_end:
            raise Bad(f"segment at {vaddr:#x} overlaps or shares a page with the one before")
        prev_end = (vaddr + memsz + PAGE - 1) // PAGE * PAGE
    lo = min(v for (_f, _o, v, _fs, _m) in loads) // PAGE * PAGE
    if prev_end - lo > MAX_SPAN:
        raise Bad("spans more than 256 MiB")
    if not any(f & PF_X and v <= entry < v + m for (f, _o, v, _fs, m) in loads):
        raise Bad("entry point is not in an executable segment")
    nrel = check_dynamic(data, dyn, loads, machine)
    check_dynsym(data, shoff, shentsize, shnum)
    return f"{MACHINES[machine]}, {len(loads)} segments, {nrel} RELATIVE relocations"


def vaddr_to_off(loads, va):
    for (_f, off, vaddr, filesz, _m) in loads:
        if vaddr <= va < vaddr + filesz:
            return off + (va - vaddr)
    raise Bad(f"dynamic data at {va:#x} is not in the file")


def check_dynamic(data, dyn, loads, machine):
    if dyn is None:
        return 0
    off, size = dyn
    tags = {}
    for i in range(size // 16):
        tag, val = struct.unpack_from("<qQ", data, off + i * 16)
        if tag == DT["NULL"]:
            break
        if tag == DT["NEEDED"]:
            raise Bad("has DT_NEEDED (shared libraries)")
        tags[tag] = val
    for name in ("REL", "RELSZ", "RELR", "RELRSZ", "JMPREL", "PLTRELSZ"):
        if tags.get(DT[name]):
            raise Bad(f"has DT_{name} (only RELA RELATIVE relocations are allowed)")
    if DT["TEXTREL"] in tags:
        raise Bad("has DT_TEXTREL")
    if DT["RELA"] not in tags:
        return 0
    if tags.get(DT["RELAENT"], 24) != 24:
        raise Bad("bad DT_RELAENT")
    start = vaddr_to_off(loads, tags[DT["RELA"]])
    count = tags.get(DT["RELASZ"], 0) // 24
    for i in range(count):
        r_off, info, _addend = struct.unpack_from("<QQq", data, start + i * 24)
        if info & 0xFFFFFFFF != RELATIVE[machine] or info >> 32:
            raise Bad(f"relocation {i} at {r_off:#x} is type {info & 0xFFFFFFFF} "
                      f"symbol {info >> 32}, not RELATIVE")
    return count


def check_dynsym(data, shoff, shentsize, shnum):
    """Only the null symbol and local section symbols (aarch64 ld emits those) may be
    in .dynsym: nothing global or weak, nothing to import or export."""
    if not shoff or shentsize != 64:
        return
    for i in range(shnum):
        (_name, stype, _flags, _addr, off, size, _link, _info, _align,
         entsize) = struct.unpack_from("<IIQQQQIIQQ", data, shoff + i * 64)
        if stype != SHT_DYNSYM or entsize != 24:
            continue
        for k in range(1, size // 24):
            name, info, _other, shndx = struct.unpack_from("<IBBH", data, off + k * 24)
            bind, kind = info >> 4, info & 15
            if bind != 0 or kind != 3:  # STB_LOCAL, STT_SECTION
                raise Bad(f"has a dynamic symbol (#{k}, bind {bind}, type {kind})")


def mutations(data):
    """Ways to spoil a good image, each of which the check must refuse."""
    (_t, _m, _v, _entry, phoff, _sh, _f, _eh, _pe, phnum, _se, _sn, _ss) = \
        struct.unpack_from("<HHIQQQIHHHHHH", data, 16)
    phdrs = [(phoff + i * 56,) + struct.unpack_from("<IIQQQQQQ", data, phoff + i * 56)
             for i in range(phnum)]
    loads = [p for p in phdrs if p[1] == PT_LOAD]

    def patched(off, fmt, value):
        d = bytearray(data)
        struct.pack_into(fmt, d, off, value)
        return bytes(d)

    yield "ET_EXEC", patched(16, "<H", 2)
    yield "machine 3", patched(18, "<H", 3)
    yield "entry outside code", patched(24, "<Q", 0)
    for (at, _ptype, flags, *_rest) in loads:
        if flags & PF_X:
            yield "W+X segment", patched(at + 4, "<I", flags | PF_W)
    if len(loads) > 1:  # the second segment moved into the first one's last page
        at, prev, off = loads[1][0], loads[0], loads[1][3]
        last_page = (prev[4] + prev[7] - 1) // PAGE * PAGE
        yield "shared page", patched(at + 16, "<Q", last_page + off % PAGE)
    yield "PT_TLS", patched(loads[-1][0], "<I", PT_TLS)
    for (at, ptype, flags, *_rest) in phdrs:
        if ptype == PT_GNU_STACK:
            yield "exec stack", patched(at + 4, "<I", flags | PF_X)
    for (at, ptype, _f, off, _va, _pa, filesz, *_rest) in phdrs:
        if ptype != PT_DYNAMIC:
            continue
        for i in range(filesz // 16):
            tag, val = struct.unpack_from("<qQ", data, off + i * 16)
            if tag == 0x15:  # DT_DEBUG: reuse the slot
                for name in ("NEEDED", "JMPREL", "RELR", "REL", "TEXTREL"):
                    d = bytearray(data)
                    struct.pack_into("<qQ", d, off + i * 16, DT[name], 0x40)
                    yield f"DT_{name}", bytes(d)
            if tag == DT["RELA"]:
                yield "a non-RELATIVE relocation", patched(vaddr_to_off(
                    [(0, o, v, fs, 0) for (_a, t, _fl, o, v, _p, fs, *_r) in loads], val) + 8,
                    "<Q", 1)


def self_test(path):
    """The check must pass the image and refuse every spoiled copy of it."""
    with open(path, "rb") as f:
        data = f.read()
    print(f"ok: {path}: {check(data)}")
    n = 0
    for what, bad in mutations(data):
        n += 1
        try:
            check(bad)
            print(f"FAILED: the check accepted the image with {what}")
            return 1
        except (Bad, struct.error) as e:
            print(f"ok: refused with {what}: {e}")
    if n < 8:
        print(f"FAILED: only {n} mutations applied")
        return 1
    return 0


def main(argv):
    if len(argv) == 2 and argv[0] == "--self-test":
        return self_test(argv[1])
    expect_fail = "--expect-fail" in argv
    paths = [a for a in argv if a != "--expect-fail"]
    if not paths:
        print(__doc__)
        return 2
    ok = True
    for path in paths:
        try:
            with open(path, "rb") as f:
                what = check(f.read())
            print(f"ok: {path}: {what}")
            ok = ok and not expect_fail
        except (Bad, struct.error, OSError) as e:
            print(f"{'refused (as expected)' if expect_fail else 'FAILED'}: {path}: {e}")
            ok = ok and expect_fail
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
