#!/usr/bin/env python3
"""tests/sim/gdb-sim.py SIM BOOTSTORE - gdb on the simulator with scripts/gdb/serviceos.py.

gdb in batch mode runs the simulator with the script and sets two breakpoints before the
boot, both pending until their image loads: `sos-break shell cmd_echo` (the shell's
echo command, typed first) and `sos-break crashme crash_null` (crashme is loaded only
when `run crashme null` is typed). It must stop in the shell service on a vCPU thread
(named vcpuN) with the shell's functions in the backtrace (cmd_echo, sh_run_line, the
runtime's server loop), then in crashme (crash_null, main, __sl_start); `sos-load` then finds every
running process's image from the kernel's list, and `sos-images` lists the loads the
hook saw. TAP output, one case per check.
"""
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def main():
    sim, store = sys.argv[1], sys.argv[2]
    script = os.path.join(ROOT, 'scripts/gdb/serviceos.py')
    cmd = ['gdb', '-batch', '-nx', '-x', script, '-ex', 'sos-break shell cmd_echo',
           '-ex', 'sos-break crashme crash_null', '-ex', 'run', '-ex', 'bt',
           # a timer interrupt while gdb steps over the breakpoint returns to it, a second
           # report of the same call (docs/debugging.md): the shell's goes first
           '-ex', 'delete', '-ex', 'continue',
           '-ex', 'bt', '-ex', 'info threads', '-ex', 'sos-load',
           '-ex', 'sos-images', '-ex', 'kill',
           '--args', sim, '--headless', '--disk', 'none', '--bootstore', store]
    try:
        r = subprocess.run(cmd, input='echo hello\nrun crashme null\npoweroff\n', capture_output=True,
                           text=True, timeout=240)
        out, status = r.stdout + r.stderr, r.returncode
    except subprocess.TimeoutExpired as e:
        out, status = (e.stdout or b'').decode(errors='replace'), 'timeout'
    checks = [
        ('the shell breakpoint waits for the shell', 'shell cmd_echo: pending until shell loads'),
        ('gdb stops in the shell service on a vCPU',
         re.compile(r'Thread \d+ "vcpu\d+" hit Breakpoint \d+, cmd_echo \(argc=2')),
        ('its backtrace has the shell\'s functions', re.compile(r'#\d+ .* in sh_run_line \(')),
        ('down to the service loop', ' in sl_server_run ('),
        ('the breakpoint waits for crashme', 'crashme crash_null: pending until crashme loads'),
        ('it is placed when crashme loads', 'serviceos.py: breakpoint at crash_null in crashme'),
        ('gdb stops there on a vCPU', re.compile(r'Thread \d+ "vcpu\d+" hit Breakpoint \d+, crash_null \(\) at')),
        ('frame 0 is crash_null', '#0  crash_null () at ../tests/progs/crashme.c'),
        ('frame 1 is main', 'in main (argc='),
        ('then the runtime', '__sl_start (sb='),
        ('vCPU threads are named', '"vcpu0"'),
        ('sos-load reads the process list', ' with symbols'),
        ('sos-images lists the shell', '/services/shell/shell'),
    ]
    print('1..%d' % (len(checks) + 1))
    n = 0
    for i, (what, needle) in enumerate(checks, 1):
        found = needle.search(out) if hasattr(needle, 'search') else needle in out
        n += not found
        print('%s %d - %s' % ('ok' if found else 'not ok', i, what))
    print('%s %d - gdb ended by itself (status %s)' % ('ok' if status == 0 else 'not ok',
                                                        len(checks) + 1, status))
    if n or status != 0:
        sys.stdout.write(''.join('# ' + line + '\n' for line in out.splitlines()[-80:]))
    return 0


if __name__ == '__main__':
    sys.exit(main())
