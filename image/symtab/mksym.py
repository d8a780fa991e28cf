#!/usr/bin/env python3
"""image/symtab/mksym.py - the compact symbol table of one image, for crash reports.

usage: mksym.py [--nm NM] [--readelf READELF] IMAGE OUT

Reads the unstripped image's function symbols (nm) and its line table (readelf
--debug-dump=decodedline) and writes the table the root manager symbolizes fault
records with (services/rootmgr/symtab.c reads it; docs/debugging.md):

    "SOSSYM1\\0"  u32 nfuncs  u32 lines_len  u32 str_len  u32 0
    nfuncs x { u32 addr, u32 size, u32 name offset }    sorted by addr
    lines_len bytes of line program                      (below)
    str_len bytes of NUL-terminated strings

The line program is a sequence of rows, each an unsigned LEB128 v: v & 1 sets the
current file to the string at offset v >> 1; otherwise the address advances by
v >> 1 and a zigzag LEB128 follows, the change of line. Each row (addr, line, file)
holds from its address to the next row's. Addresses are the image's own (its first
segment at 0), all little-endian. Only rows that change the line or file are kept.
"""
import os
import re
import struct
import subprocess
import sys


def uleb(v):
    out = bytearray()
    while True:
        b = v & 0x7f
        v >>= 7
        out.append(b | (0x80 if v else 0))
        if not v:
            return bytes(out)


def functions(nm, image):
    out = subprocess.run([nm, '-S', '--defined-only', image], check=True,
                         capture_output=True, text=True).stdout
    funcs = {}
    for line in out.splitlines():
        f = line.split()
        if len(f) == 4 and f[2] in 'tTwW':
            addr, size = int(f[0], 16), int(f[1], 16)
            if size and (addr not in funcs or funcs[addr][0] < size):
                funcs[addr] = (size, f[3])
    return sorted((a, s, n) for a, (s, n) in funcs.items())


ROW = re.compile(r'^(\S+)\s+(\d+)\s+(0x[0-9a-f]+)')


def line_rows(readelf, image):
    out = subprocess.run([readelf, '--debug-dump=decodedline', image], check=True,
                         capture_output=True, text=True).stdout
    rows = []
    for line in out.splitlines():
        m = ROW.match(line)
        if m:
            rows.append((int(m.group(3), 16), int(m.group(2)), os.path.basename(m.group(1))))
        elif re.match(r'^\S+\s+-\s+0x', line):  # end of a sequence: no line from here
            rows.append((int(line.split()[2], 16), 0, ''))
    rows.sort(key=lambda r: r[0])
    kept, last = [], None
    for r in rows:
        if kept and kept[-1][0] == r[0]:
            kept[-1] = r  # the last row at an address is the one that holds
        elif last is None or (r[1], r[2]) != last:
            kept.append(r)
        last = (kept[-1][1], kept[-1][2])
    return kept


def build(funcs, rows):
    strings = bytearray(b'\0')
    index = {'': 0}

    def intern(s):
        if s not in index:
            index[s] = len(strings)
            strings.extend(s.encode() + b'\0')
        return index[s]

    ftab = b''.join(struct.pack('<III', a, s, intern(n)) for a, s, n in funcs)
    prog, addr, line, file = bytearray(), 0, 0, None
    for a, ln, f in rows:
        if f != file:
            prog += uleb(intern(f) << 1 | 1)
            file = f
        prog += uleb((a - addr) << 1)
        d = ln - line
        prog += uleb((d << 1) ^ (d >> 63) if d >= 0 else ((-d) << 1) - 1)
        addr, line = a, ln
    head = b'SOSSYM1\0' + struct.pack('<IIII', len(funcs), len(prog), len(strings), 0)
    return head + ftab + bytes(prog) + bytes(strings)


def main(argv):
    nm, readelf = 'nm', 'readelf'
    while argv and argv[0] in ('--nm', '--readelf'):
        if argv[0] == '--nm':
            nm = argv[1]
        else:
            readelf = argv[1]
        argv = argv[2:]
    if len(argv) != 2:
        sys.exit(__doc__.split('\n\n')[1])
    data = build(functions(nm, argv[0]), line_rows(readelf, argv[0]))
    with open(argv[1], 'wb') as f:
        f.write(data)


if __name__ == '__main__':
    main(sys.argv[1:])
