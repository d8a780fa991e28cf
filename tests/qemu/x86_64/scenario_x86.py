#!/usr/bin/env python3
"""scenario_x86.py - a sim scenario (tests/scenarios/*.scn) on QEMU x86_64.

    scenario_x86.py --run-scenario tests/sim/run-scenario.py --scenario FILE
                    [--timeout S] [--settle] -- RUN.SH ARGS... [-- QEMU ARGS]

Builds this test's own disk image (run.sh --image-only), so tests running in parallel
never share one, then lets run-scenario.py drive run.sh with it: the same input, the
same expected lines and exit status as in the sim.
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--run-scenario', required=True)
    ap.add_argument('--scenario', required=True)
    ap.add_argument('--timeout', default='120')
    ap.add_argument('--settle', action='store_true')
    ap.add_argument('cmd', nargs=argparse.REMAINDER)
    a = ap.parse_args()
    cmd = a.cmd[1:] if a.cmd and a.cmd[0] == '--' else a.cmd
    d = tempfile.mkdtemp(prefix='sos-scn-')
    try:
        img = os.path.join(d, 'boot.img')
        qargs = cmd.index('--', 1) if '--' in cmd[1:] else len(cmd)
        mk = subprocess.run(cmd[:qargs] + ['--image-only', img], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)
        if mk.returncode:
            print('not ok 1 - build the disk image\n# ' + mk.stdout.decode() + '\n1..1')
            return 1
        cmd = cmd[:qargs] + ['--image', img] + cmd[qargs:]
        return subprocess.run([sys.executable, a.run_scenario, '--scenario', a.scenario,
                               '--timeout', a.timeout] + (['--settle'] if a.settle else []) +
                              ['--'] + cmd).returncode
    finally:
        shutil.rmtree(d, ignore_errors=True)


sys.exit(main())
