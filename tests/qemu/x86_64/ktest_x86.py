#!/usr/bin/env python3
"""ktest_x86.py - ktest on QEMU x86_64, and the same case list as in the sim.

    ktest_x86.py --run-ktest tests/sim/run-ktest.py --timeout S [--sim SIM --ktest IMG]
                 -- RUN.SH ARGS...

Boots ktest through image/x86_64/run.sh (run-ktest.py turns its case lines into TAP),
then, when the sim is given, boots the same ktest image in serviceos-sim and adds one
TAP case: the two platforms ran exactly the same cases.
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--run-ktest', required=True)
    ap.add_argument('--timeout', default='300')
    ap.add_argument('--sim')
    ap.add_argument('--ktest')
    ap.add_argument('cmd', nargs=argparse.REMAINDER)
    a = ap.parse_args()
    cmd = a.cmd[1:] if a.cmd and a.cmd[0] == '--' else a.cmd
    d = tempfile.mkdtemp(prefix='sos-ktest-')
    qemu_cases, sim_cases = os.path.join(d, 'qemu'), os.path.join(d, 'sim')
    # this test's own disk image, so parallel runs never share one
    img = os.path.join(d, 'ktest.img')
    qargs = cmd.index('--', 1) if '--' in cmd[1:] else len(cmd)
    mk = subprocess.run(cmd[:qargs] + ['--image-only', img], stdout=subprocess.PIPE,
                        stderr=subprocess.STDOUT)
    if mk.returncode:
        print('not ok 1 - ktest: build the disk image\n# ' + mk.stdout.decode() + '\n1..1')
        return 1
    cmd = cmd[:qargs] + ['--image', img] + cmd[qargs:]
    r = subprocess.run([sys.executable, a.run_ktest, '--timeout', a.timeout, '--cases-file',
                        qemu_cases, '--'] + cmd, stdout=subprocess.PIPE)
    tap = [l for l in r.stdout.decode().splitlines() if not l.startswith('1..')]
    n = sum(1 for l in tap if l.startswith(('ok ', 'not ok ')))
    ok = r.returncode == 0
    if a.sim and a.ktest:
        s = subprocess.run([sys.executable, a.run_ktest, '--timeout', '120', '--cases-file',
                            sim_cases, '--', a.sim, '--headless', '--init', a.ktest],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        same = (os.path.exists(qemu_cases) and os.path.exists(sim_cases) and
                open(qemu_cases).read() == open(sim_cases).read())
        n += 1
        why = '' if same else ' (sim exit %d; lists differ or a run failed)' % s.returncode
        tap.append('%s %d - ktest: the same case list as in serviceos-sim%s' %
                   ('ok' if same else 'not ok', n, why))
        ok = ok and same
    print('\n'.join(tap))
    print('1..%d' % n)
    shutil.rmtree(d, ignore_errors=True)
    return 0 if ok else 1


sys.exit(main())
