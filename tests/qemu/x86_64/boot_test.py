#!/usr/bin/env python3
"""boot_test.py - boot ServiceOS on QEMU x86_64 (TCG) and check the serial transcript.

    boot_test.py --run image/x86_64/run.sh --build-dir BUILD --name NAME
                 [--init ELF] [--cmdline TEXT] [--input TEXT] [--timeout S]
                 [--expect REGEX]... [--status N] [--guest-tap PREFIX] [--data-disk]

Prints TAP for meson: one case for reaching the kernel, one per --expect line (in
order), the guest's own "PREFIX ok - ..." lines as cases when --guest-tap is given, and
one for the exit status. Also prints the boot times it measured (QEMU start to the
kernel's entry line = firmware and loader; kernel entry to the first line of init).
"""
import argparse
import os
import shutil
import re
import subprocess
import sys
import tempfile
import threading
import time

KERNEL_ENTRY = 'ServiceOS x86_64: kernel entry'


def type_keys(sock_path, text):
    import socket
    s = socket.socket(socket.AF_UNIX)
    s.connect(sock_path)
    s.settimeout(2)
    for k in list(text) + ['ret']:
        s.sendall(('sendkey %s\n' % k).encode())
        time.sleep(0.1)
    try:
        s.recv(65536)
    except OSError:
        pass
    s.close()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--run', required=True)
    ap.add_argument('--build-dir', required=True)
    ap.add_argument('--name', required=True)
    ap.add_argument('--init')
    ap.add_argument('--cmdline')
    ap.add_argument('--input', default='')
    ap.add_argument('--input-after', default='', help='send --input after this regex')
    ap.add_argument('--timeout', type=float, default=120)
    ap.add_argument('--expect', action='append', default=[])
    ap.add_argument('--first-init-line', default='')
    ap.add_argument('--status', type=int, default=0)
    ap.add_argument('--guest-tap', default='')
    ap.add_argument('--data-disk', action='store_true')
    ap.add_argument('--smp', default='2')
    ap.add_argument('--keys', default='', help='type this and Enter on the keyboard (QEMU monitor) after --input-after')
    ap.add_argument('--bad-kernel', action='store_true', help='boot a truncated kernel')
    ap.add_argument('--no-entry', action='store_true', help='the kernel must not start')
    ap.add_argument('--bad-bootstore', action='store_true', help='boot a damaged boot store')
    a = ap.parse_args()

    tmp = tempfile.mkdtemp(prefix='sos-boot-')
    img = os.path.join(tmp, 'disk.img')
    base = [a.run, '--no-build', '--build-dir', a.build_dir]
    extra = []
    if a.init:
        extra += ['--init', a.init]
    if a.cmdline is not None:
        extra += ['--cmdline', a.cmdline]
    if a.bad_kernel:
        good = os.path.join(a.build_dir, 'hal-x86_64', 'kernel.elf')
        bad = os.path.join(tmp, 'kernel.elf')
        with open(good, 'rb') as f, open(bad, 'wb') as g:
            g.write(f.read(4096))  # the headers survive, the segments do not
        extra += ['--kernel', bad]
    if a.bad_bootstore:
        good = os.path.join(a.build_dir, 'image', 'bootstore', 'bootstore.bin')
        data = bytearray(open(good, 'rb').read())
        data[len(data) // 2] ^= 0x55  # one byte: the digest no longer matches
        bad = os.path.join(tmp, 'bootstore.bin')
        open(bad, 'wb').write(bytes(data))
        extra += ['--bootstore', bad]
    r = subprocess.run(base + extra + ['--image-only', img], stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT)
    if r.returncode:
        print('1..1\nnot ok 1 - %s: build the disk image\n# %s' % (a.name, r.stdout.decode()))
        return 1
    data = ['--data-disk', os.path.join(tmp, 'data.img')] if a.data_disk else ['--data-disk', 'none']
    mon = os.path.join(tmp, 'mon.sock')
    qextra = ['-no-reboot'] + (['-monitor', 'unix:%s,server,nowait' % mon] if a.keys else [])
    cmd = base + ['--image', img, '--headless', '--smp', a.smp] + data + ['--timeout', str(int(a.timeout)), '--'] + qextra
    env = dict(os.environ, SOS_QEMU_ACCEL='tcg')
    t0 = time.monotonic()
    p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, env=env)
    lines = []  # (time, text)

    def reader():
        for raw in p.stdout:
            lines.append((time.monotonic() - t0, raw.decode(errors='replace').rstrip('\r\n')))

    th = threading.Thread(target=reader, daemon=True)
    th.start()
    sent = not a.input and not a.keys
    if a.input and not a.input_after:
        p.stdin.write(a.input.encode())
        p.stdin.flush()
        sent = True
    while p.poll() is None:
        if not sent and any(re.search(a.input_after, t) for _, t in lines):
            time.sleep(0.5)
            if a.keys:
                type_keys(mon, a.keys)
            else:
                p.stdin.write(a.input.encode())
                p.stdin.flush()
            sent = True
        time.sleep(0.05)
    th.join(5)
    rc = p.returncode

    clean = [re.sub(r'\x1b\[[0-9;=?]*[A-Za-z]', '', t) for _, t in lines]
    results = []
    entry = next((i for i, t in enumerate(clean) if KERNEL_ENTRY in t), None)
    if a.no_entry:
        results.append((entry is None, 'the kernel is not entered'))
    else:
        results.append((entry is not None, 'firmware and loader reach the kernel'))
    pos = entry or 0
    if a.no_entry:
        pos = 0
    for ex in a.expect:
        hit = next((i for i in range(pos, len(clean)) if re.search(ex, clean[i])), None)
        results.append((hit is not None, 'transcript shows /%s/' % ex))
        if hit is not None:
            pos = hit
    if a.guest_tap:
        pat = re.compile(re.escape(a.guest_tap) + r' (ok|not ok) - (.*)')
        for t in clean:
            m = pat.search(t)
            if m:
                results.append((m.group(1) == 'ok', 'guest: ' + m.group(2)))
    results.append((rc == a.status, 'exit status %d (want %d)' % (rc, a.status)))

    print('1..%d' % len(results))
    for i, (ok, what) in enumerate(results, 1):
        print('%s %d - %s: %s' % ('ok' if ok else 'not ok', i, a.name, what))
    if entry is not None:
        t_entry = lines[entry][0]
        first = None
        if a.first_init_line:
            first = next((lines[i][0] for i in range(entry, len(clean))
                          if re.search(a.first_init_line, clean[i])), None)
        msg = '# boot: QEMU start to kernel entry %.2f s (TCG)' % t_entry
        if first is not None:
            msg += '; kernel entry to first init output %.2f s' % (first - t_entry)
        print(msg)
    if not all(ok for ok, _ in results):
        print('# --- serial transcript ---')
        for t in clean[-200:]:
            print('# ' + t)
    shutil.rmtree(tmp, ignore_errors=True)
    return 0 if all(ok for ok, _ in results) else 1


sys.exit(main())
