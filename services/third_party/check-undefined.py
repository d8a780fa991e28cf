#!/usr/bin/env python3
"""check-undefined.py LIB.a ALLOWED... - a freestanding library needs nothing else.
   check-undefined.py --skip REASON     - say TAP SKIP (the library is not built)

Runs `nm -u` on the static library and fails, naming them, when a symbol is undefined
that neither one of the library's own objects defines nor ALLOWED lists (the services'
runtime provides those), besides the linker's own _GLOBAL_OFFSET_TABLE_ (position-
independent code names it). Prints what it found either way.
"""
import subprocess
import sys


def symbols(lib, flag):
    out = subprocess.run(['nm', flag, '--format=posix', lib], check=True,
                         capture_output=True, text=True).stdout
    return {line.split()[0] for line in out.splitlines()
            if line and not line.endswith(':') and len(line.split()) >= 2}


def main():
    if len(sys.argv) == 3 and sys.argv[1] == '--skip':  # the library is not built
        print(f'1..0 # SKIP {sys.argv[2]}')
        return 0
    if len(sys.argv) < 2:
        print(__doc__)
        return 2
    lib, allowed = sys.argv[1], set(sys.argv[2:])
    defined = symbols(lib, '--defined-only')
    needed = symbols(lib, '-u') - defined - {'_GLOBAL_OFFSET_TABLE_'}
    extra = sorted(needed - allowed)
    print(f'{lib}: needs {" ".join(sorted(needed)) or "nothing"}')
    if extra:
        print(f'FAIL: not freestanding, also needs: {" ".join(extra)}')
        return 1
    print('ok: only the allowed symbols')
    return 0


if __name__ == '__main__':
    sys.exit(main())
