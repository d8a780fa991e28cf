#!/usr/bin/env python3
"""tests/sim/crash-core.py DISK - the core files of scenario crash-report, on the host.

After the scenario's five crashes of crashme (null, badframe, overflow, null, null)
/state/_crash keeps the last three: crashme-2 (overflow), -3 and -4 (null); -0 and -1
are gone. Each is copied out of the store (sfs-edit --get) and opened by gdb with the
unstripped image: the null one's backtrace is crash_null, then main; the overflow's
starts in crash_overflow_at. Needs SOS_SFS_EDIT and SOS_CRASHME (the image's path).
"""
import os
import subprocess
import sys
import tempfile


def get(disk, name, out):
    return subprocess.run([os.environ['SOS_SFS_EDIT'], disk, '--get', '/state/_crash/' + name,
                           out], capture_output=True, text=True).returncode == 0


def backtrace(core):
    r = subprocess.run(['gdb', '-batch', '-nx', '-ex', 'bt 6', '-ex', 'info registers rip rsp',
                        os.environ['SOS_CRASHME'], core],
                       capture_output=True, text=True, timeout=120)
    return r.returncode, r.stdout + r.stderr


def main():
    disk, ok = sys.argv[1], True
    with tempfile.TemporaryDirectory() as d:
        for gone in ('crashme-0.core', 'crashme-1.core'):
            if get(disk, gone, os.path.join(d, 'x')):
                print('crash-core: %s is still there (only the last three are kept)' % gone)
                ok = False
        want = {'crashme-4.core': ['#0 ', 'in crash_null () at', '#1 ', 'in main ('],
                'crashme-3.core': ['in crash_null () at'],
                'crashme-2.core': ['#0 ', 'in crash_overflow_at (', '#1 ']}
        for name, needles in want.items():
            core = os.path.join(d, name)
            if not get(disk, name, core):
                print('crash-core: %s is missing' % name)
                ok = False
                continue
            rc, out = backtrace(core)
            missing = [n for n in needles if n not in out]
            if rc != 0 or missing:
                print('crash-core: gdb on %s (status %d) lacks %s:\n%s' % (name, rc, missing, out))
                ok = False
            else:
                print('crash-core: %s: gdb shows %s' % (name, ', '.join(needles)))
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main())
