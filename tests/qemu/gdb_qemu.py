#!/usr/bin/env python3
"""gdb_qemu.py --arch x86_64|aarch64 --run RUN.SH --build-dir DIR [--gdb GDB]
- gdb on QEMU with scripts/gdb/serviceos.py.

One boot checks it all (TCG boots are slow): QEMU starts with its gdb stub and stopped
CPUs (-gdb tcp:127.0.0.1:PORT -S, what `serviceos-qemu --gdb` adds); gdb in batch mode
(gdb-multiarch for aarch64) loads the kernel's ELF (DIR is the build holding it and the
images: build/ for x86_64, build-aarch64/ for aarch64) and the script, sets `sos-break
shell cmd_echo` and `sos-break crashme crash_null` and continues. The shell's echo
command must stop gdb in the shell service (its backtrace through sh_run_line); then
`run crashme null` must stop it in crash_null in the crashme process with a backtrace
of crashme's functions (crash_null, main). gdb detaches; the program goes on to fault,
and the root manager's fault report (`logs`) names crash_null with its file and line
and the core file it kept; with --sfs-edit the core is copied off the data disk and gdb
opens it with the image: `bt` shows crash_null, then main. TAP output.
"""
import argparse
import os
import socket
import subprocess
import sys
import tempfile
import threading

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
INPUT = 'uptime --wait 120\necho hello\nrun crashme null\nlogs 12 --service rootmgr\npoweroff\n'


def free_port():
    s = socket.socket()
    s.bind(('127.0.0.1', 0))
    port = s.getsockname()[1]
    s.close()
    return port


def qemu_command(a, d, disk):
    """run.sh's command line without the gdb stub, or (None, why)."""
    if a.arch == 'aarch64':  # run.sh builds what is missing in SOS_AARCH64_BUILD
        return [a.run, '--disk', disk, '--timeout', '900', '--'], None
    img = os.path.join(d, 'boot.img')
    base = [a.run, '--no-build', '--build-dir', a.build_dir, '--headless']
    mk = subprocess.run(base + ['--image-only', img], capture_output=True, text=True)
    if mk.returncode:
        return None, 'build the disk image: ' + mk.stdout + mk.stderr
    return base + ['--image', img, '--data-disk', disk, '--timeout', '900', '--',
                   '-no-reboot'], None


def run(a, d):
    disk = os.path.join(d, 'data.img')
    open(disk, 'w').close()
    cmd, why = qemu_command(a, d, disk)
    if cmd is None:
        return None, why, None
    port = free_port()
    qemu = subprocess.Popen(cmd + ['-gdb', 'tcp:127.0.0.1:%d' % port, '-S'],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    qemu.stdin.write(INPUT)  # held by run.sh's relay until the kernel owns the UART
    qemu.stdin.flush()
    chunks = []
    reader = threading.Thread(target=lambda: chunks.append(qemu.stdout.read()), daemon=True)
    reader.start()
    gdb_cmd = [a.gdb, '-batch', '-nx', '-ex', 'set tcp connect-timeout 600',
               '-ex', 'file ' + os.path.join(a.build_dir, 'hal-%s/kernel.elf' % a.arch),
               '-x', os.path.join(ROOT, 'scripts/gdb/serviceos.py'),
               '-ex', 'target remote 127.0.0.1:%d' % port,
               '-ex', 'sos-break shell cmd_echo', '-ex', 'sos-break crashme crash_null',
               '-ex', 'continue', '-ex', 'bt 4', '-ex', 'delete', '-ex', 'continue', '-ex', 'bt 8',
               '-ex', 'info registers pc', '-ex', 'sos-images', '-ex', 'delete',
               '-ex', 'detach']
    try:
        g = subprocess.run(gdb_cmd, capture_output=True, text=True, timeout=a.timeout,
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


def open_core(a, d):
    """The core file copied off the data disk (sfs-edit --get), opened by gdb with the
    unstripped image: what a user does with a crash on QEMU."""
    if not a.sfs_edit:
        return ''
    core = os.path.join(d, 'crashme.core')
    get = subprocess.run([a.sfs_edit, os.path.join(d, 'data.img'), '--get',
                          '/state/_crash/crashme-0.core', core], capture_output=True, text=True)
    if get.returncode:
        return 'sfs-edit: ' + get.stdout + get.stderr
    g = subprocess.run([a.gdb, '-batch', '-nx', '-ex', 'bt 4',
                        os.path.join(a.build_dir, 'tests/progs/crashme'), core],
                       capture_output=True, text=True, timeout=120)
    return g.stdout + g.stderr


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--arch', choices=['x86_64', 'aarch64'], default='x86_64')
    ap.add_argument('--run', required=True)
    ap.add_argument('--build-dir', required=True)
    ap.add_argument('--gdb', default='gdb')
    ap.add_argument('--timeout', type=int, default=700, help='for gdb, from the connection')
    ap.add_argument('--sfs-edit', help='the host tool that copies the core off the data disk')
    a = ap.parse_args()
    if a.arch == 'aarch64':
        os.environ['SOS_AARCH64_BUILD'] = a.build_dir
    with tempfile.TemporaryDirectory(prefix='sos-gdb-%s-' % a.arch) as d:
        gdb_out, qemu_out, status = run(a, d)
        core_out = open_core(a, d) if gdb_out is not None else ''
    if gdb_out is None:
        print('1..1\nnot ok 1 - %s' % qemu_out)
        return 0
    checks = [
        (gdb_out, 'gdb stops in the shell service\'s echo command', 'cmd_echo (argc='),
        (gdb_out, 'its backtrace has the shell\'s functions', ' in sh_run_line ('),
        (gdb_out, 'the breakpoint is placed when crashme loads', 'breakpoint at crash_null in crashme'),
        (gdb_out, 'gdb stops in crash_null', 'crash_null () at ../tests/progs/crashme.c'),
        (gdb_out, 'the backtrace goes on to main', 'in main (argc='),
        (gdb_out, 'the hook saw the shell load', '/services/shell/shell'),
        (qemu_out, 'the report names the function and line',
         'in crash_null+'),
        (qemu_out, 'and walks to main', 'in main+'),
        (qemu_out, 'a core file is kept', 'core file /state/_crash/crashme-0.core'),
    ]
    if a.sfs_edit:
        checks += [(core_out, 'gdb opens the core: crash_null', ' in crash_null () at'),
                   (core_out, 'then main', ' in main (')]
    print('1..%d' % (len(checks) + 1))
    bad = 0
    for i, (out, what, needle) in enumerate(checks, 1):
        ok = needle in out
        bad += not ok
        print('%s %d - %s' % ('ok' if ok else 'not ok', i, what))
    print('%s %d - QEMU powered off with 0 (status %s)' % ('ok' if status == 0 else 'not ok',
                                                            len(checks) + 1, status))
    if bad or status != 0:
        for name, out in (('gdb', gdb_out), ('qemu', qemu_out), ('core', core_out)):
            sys.stdout.write(''.join('# %s: %s\n' % (name, l) for l in out.splitlines()[-60:]))
    return 0


if __name__ == '__main__':
    sys.exit(main())
