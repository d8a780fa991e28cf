#!/usr/bin/env python3
"""tests/qemu/aarch64/boot_time.py [RUNS]: boot under TCG and print how long it takes.

kernel8-testinit.img: host wall clock from starting QEMU to the kernel's first line, to
the init image's first line and to QEMU's exit, plus the guest's own counter readings
(kernel entry, hal_main) from the banner. kernel8.img: to the root manager's first line
and to the shell prompt of the service graph. The median of RUNS boots (default 5)."""
import os
import re
import statistics
import subprocess
import sys
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..', '..'))


def one():
    run = os.path.join(ROOT, 'image', 'aarch64', 'run.sh')
    t0 = time.monotonic()
    p = subprocess.Popen([run, '--no-build', '--testinit'], stdin=subprocess.DEVNULL,
                         stdout=subprocess.PIPE, cwd=ROOT)
    marks = {}
    for line in iter(p.stdout.readline, b''):
        now = (time.monotonic() - t0) * 1000
        s = line.decode('utf-8', 'replace')
        if 'ServiceOS aarch64 HAL' in s:
            marks.setdefault('first kernel line', now)
        if s.startswith('testinit:'):
            marks.setdefault('first init line', now)
        m = re.search(r'kernel entry at (\d+) us, MMU on and hal_main at (\d+) us', s)
        if m:
            marks['guest: kernel entry'] = int(m.group(1)) / 1000
            marks['guest: hal_main'] = int(m.group(2)) / 1000
    p.wait()
    marks['QEMU exit'] = (time.monotonic() - t0) * 1000
    return marks


def graph():
    run = os.path.join(ROOT, 'image', 'aarch64', 'run.sh')
    t0 = time.monotonic()
    p = subprocess.Popen([run, '--no-build', '--disk', 'none'], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         cwd=ROOT)
    marks, buf = {}, b''
    while b'serviceos> ' not in buf:
        chunk = os.read(p.stdout.fileno(), 4096)
        if not chunk:
            break
        buf += chunk
        if b'rootmgr:' in buf:
            marks.setdefault('graph: rootmgr line', (time.monotonic() - t0) * 1000)
    marks['graph: shell prompt'] = (time.monotonic() - t0) * 1000
    p.stdin.write(b'poweroff\n')
    p.stdin.flush()
    p.wait()
    return marks


def main():
    run = os.path.join(ROOT, 'image', 'aarch64', 'run.sh')
    subprocess.run([run, '--build-only', '--testinit'], check=True, cwd=ROOT)
    subprocess.run([run, '--build-only'], check=True, cwd=ROOT)
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    runs = [one() for _ in range(n)]
    graphs = [graph() for _ in range(n)]
    for i in range(n):
        runs[i].update(graphs[i])
    for k in runs[0]:
        vals = [r[k] for r in runs if k in r]
        print('%-20s median %7.1f ms  (min %.1f, max %.1f)' % (k, statistics.median(vals),
                                                               min(vals), max(vals)))


if __name__ == '__main__':
    main()
