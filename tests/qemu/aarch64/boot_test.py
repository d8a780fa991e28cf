#!/usr/bin/env python3
"""tests/qemu/aarch64/boot_test.py: boot kernel8.img under QEMU virt and check it (TAP).

    boot_test.py [--status N] [--expect REGEX]... [--forbid REGEX]...
                 [--input TEXT --after REGEX] [--timeout S] [--transcript FILE]
                 -- RUN.SH ARGS...

Runs image/aarch64/run.sh (which builds what is missing), feeds TEXT to the serial
console once REGEX has appeared (when given), and checks the transcript (\\r removed):
every --expect pattern appears in order, no --forbid pattern appears, and the exit
status (the guest's power-off status) is N. Prints one TAP line per check, so a
failure names what went wrong; the transcript goes to --transcript or stderr.
"""
import argparse
import os
import re
import select
import subprocess
import sys
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..', '..'))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--status', type=int, default=0)
    ap.add_argument('--expect', action='append', default=[])
    ap.add_argument('--forbid', action='append', default=[])
    ap.add_argument('--input', default=None)
    ap.add_argument('--after', default=None)
    ap.add_argument('--timeout', type=float, default=120)
    ap.add_argument('--transcript', default=None)
    ap.add_argument('run_args', nargs='*')
    a = ap.parse_args()

    env = dict(os.environ, SOS_QEMU_TIMEOUT=str(int(a.timeout)))
    cmd = [os.path.join(ROOT, 'image', 'aarch64', 'run.sh')] + a.run_args
    t0 = time.monotonic()
    p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, env=env, cwd=ROOT)
    out = b''
    sent = a.input is None
    deadline = t0 + a.timeout + 600  # run.sh may build first; QEMU has its own timeout
    while True:
        if time.monotonic() > deadline:
            p.kill()
            break
        r, _, _ = select.select([p.stdout], [], [], 0.5)
        if r:
            chunk = os.read(p.stdout.fileno(), 65536)
            if not chunk:
                break
            out += chunk
        if not sent and re.search(a.after or '', out.decode('utf-8', 'replace')):
            p.stdin.write(a.input.encode())
            p.stdin.flush()
            sent = True
    status = p.wait()
    p.stdin.close()
    text = out.decode('utf-8', 'replace').replace('\r', '')
    if a.transcript:
        with open(a.transcript, 'w') as f:
            f.write(text)

    checks = []
    pos = 0
    for pat in a.expect:
        m = re.compile(pat, re.M).search(text, pos)
        checks.append((m is not None, 'transcript has /%s/' % pat))
        if m:
            pos = m.end()
    for pat in a.forbid:
        checks.append((re.search(pat, text, re.M) is None, 'transcript lacks /%s/' % pat))
    checks.append((status == a.status, 'exit status %d (want %d)' % (status, a.status)))

    print('1..%d' % len(checks))
    for i, (ok, what) in enumerate(checks, 1):
        print('%s %d - %s' % ('ok' if ok else 'not ok', i, what))
    if not all(ok for ok, _ in checks):
        sys.stderr.write('---- transcript (%.1f s) ----\n%s\n' % (time.monotonic() - t0, text))
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
