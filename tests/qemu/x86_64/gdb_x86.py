#!/usr/bin/env python3
"""gdb_x86.py --run RUN.SH --build-dir DIR - gdb on QEMU x86_64 with scripts/gdb/serviceos.py.

One boot checks it all (TCG boots are slow): QEMU starts with its gdb stub and stopped
CPUs (-gdb tcp:127.0.0.1:PORT -S, what `serviceos-qemu --gdb` adds); gdb in batch mode
loads the kernel's ELF and the script, sets `sos-break crashme crash_null` and
continues. The shell types `run crashme null`: gdb must stop in crash_null in the
crashme process with a backtrace of crashme's functions (crash_null, main), then
detaches; the program goes on to fault, and the root manager's fault report (`logs`)
names crash_null with its file and line and the core file it kept. TAP output.
"""
import argparse
import os
import socket
import subprocess
import sys
import tempfile
import threading

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
INPUT = 'uptime --wait 120\nrun crashme null\nlogs 12 --service rootmgr\npoweroff\n'


def free_port():
    s = socket.socket()
    s.bind(('127.0.0.1', 0))
    port = s.getsockname()[1]
    s.close()
    return port


def run(a, d):
    img, disk = os.path.join(d, 'boot.img'), os.path.join(d, 'data.img')
    base = [a.run, '--no-build', '--build-dir', a.build_dir, '--headless']
    mk = subprocess.run(base + ['--image-only', img], capture_output=True, text=True)
    if mk.returncode:
        return None, 'build the disk image: ' + mk.stdout + mk.stderr, None
    open(disk, 'w').close()
    port = free_port()
    qemu = subprocess.Popen(base + ['--image', img, '--data-disk', disk, '--timeout', '900',
                                    '--', '-no-reboot', '-gdb', 'tcp:127.0.0.1:%d' % port, '-S'],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    qemu.stdin.write(INPUT)  # held by run.sh's relay until the kernel owns the UART
    qemu.stdin.flush()
    chunks = []
    reader = threading.Thread(target=lambda: chunks.append(qemu.stdout.read()), daemon=True)
    reader.start()
    gdb_cmd = ['gdb', '-batch', '-nx', '-ex', 'set tcp connect-timeout 120',
               '-ex', 'file ' + os.path.join(a.build_dir, 'hal-x86_64/kernel.elf'),
               '-x', os.path.join(ROOT, 'scripts/gdb/serviceos.py'),
               '-ex', 'target remote 127.0.0.1:%d' % port,
               '-ex', 'sos-break crashme crash_null', '-ex', 'continue', '-ex', 'bt 8',
               '-ex', 'info registers rip', '-ex', 'sos-images', '-ex', 'delete',
               '-ex', 'detach']
    try:
        g = subprocess.run(gdb_cmd, capture_output=True, text=True, timeout=700,
                           stdin=subprocess.DEVNULL)
        gdb_out = g.stdout + g.stderr
    except subprocess.TimeoutExpired as e:
        gdb_out = (e.stdout or b'').decode(errors='replace') + '\n(gdb timed out)'
    try:
        qemu.wait(timeout=400)
    except subprocess.TimeoutExpired:
        qemu.kill()
        qemu.wait()
        chunks.append('\n(QEMU timed out)')
    qemu.stdin.close()
    reader.join(10)
    qemu_out = ''.join(c for c in chunks if c)
    return gdb_out, qemu_out, qemu.returncode


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--run', required=True)
    ap.add_argument('--build-dir', required=True)
    a = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix='sos-gdb-x86-') as d:
        gdb_out, qemu_out, status = run(a, d)
    if gdb_out is None:
        print('1..1\nnot ok 1 - %s' % qemu_out)
        return 0
    checks = [
        (gdb_out, 'the breakpoint is placed when crashme loads', 'breakpoint at crash_null in crashme'),
        (gdb_out, 'gdb stops in crash_null', 'crash_null () at ../tests/progs/crashme.c'),
        (gdb_out, 'the backtrace goes on to main', 'in main (argc='),
        (gdb_out, 'the hook saw the shell load', '/services/shell/shell'),
        (qemu_out, 'the report names the function and line',
         'in crash_null+'),
        (qemu_out, 'and walks to main', 'in main+'),
        (qemu_out, 'a core file is kept', 'core file /state/crash/crashme-0.core'),
    ]
    print('1..%d' % (len(checks) + 1))
    bad = 0
    for i, (out, what, needle) in enumerate(checks, 1):
        ok = needle in out
        bad += not ok
        print('%s %d - %s' % ('ok' if ok else 'not ok', i, what))
    print('%s %d - QEMU powered off with 0 (status %s)' % ('ok' if status == 0 else 'not ok',
                                                            len(checks) + 1, status))
    if bad or status != 0:
        for name, out in (('gdb', gdb_out), ('qemu', qemu_out)):
            sys.stdout.write(''.join('# %s: %s\n' % (name, l) for l in out.splitlines()[-60:]))
    return 0


if __name__ == '__main__':
    sys.exit(main())
