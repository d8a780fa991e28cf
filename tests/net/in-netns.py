#!/usr/bin/env python3
"""in-netns.py -- COMMAND... : run COMMAND inside a private network namespace of its own.

For the tests that boot the simulator on its slirp backend: slirp's NAT opens real
sockets on the host, so such a test runs where the host has no route anywhere. The
script re-runs itself under `unshare -n` (root and a working unshare needed: else
`1..0 # SKIP` with the reason), brings up lo (its only interface), refuses to go on if
any route other than lo's exists, then runs COMMAND there. COMMAND's output (TAP) and
exit status pass through unchanged.
"""
import os
import shutil
import subprocess
import sys

MARK = 'SOS_IN_NETNS'


def skip(reason):
    print(f'1..0 # SKIP {reason}')
    sys.exit(0)


def main():
    argv = sys.argv[1:]
    if argv[:1] == ['--']:
        argv = argv[1:]
    if not argv:
        print('usage: in-netns.py -- COMMAND...', file=sys.stderr)
        return 2
    if os.environ.get(MARK) != '1':
        if os.geteuid() != 0:
            skip('needs root for a private network namespace (unshare -n)')
        if not shutil.which('unshare') or not shutil.which('ip'):
            skip('needs unshare (util-linux) and ip (iproute2)')
        env = dict(os.environ, **{MARK: '1'})
        try:
            p = subprocess.run(['unshare', '-n', sys.executable, os.path.abspath(__file__), '--']
                               + argv, env=env)
        except OSError as e:
            skip(f'unshare -n failed: {e}')
        return p.returncode
    subprocess.run(['ip', 'link', 'set', 'lo', 'up'], check=True)
    routes = subprocess.run(['ip', '-o', 'route', 'show', 'table', 'all'], capture_output=True,
                            text=True).stdout.splitlines()
    if any(' dev ' in r and ' dev lo ' not in r for r in routes):
        print('not ok 1 - the namespace has a route off this machine: refusing to run')
        print('1..1')
        return 1
    return subprocess.run(argv).returncode


if __name__ == '__main__':
    sys.exit(main())
