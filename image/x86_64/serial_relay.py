#!/usr/bin/env python3
"""serial_relay.py MARKER -- QEMU ARGS...: run QEMU with its serial console on stdio,
but hold back our stdin until the guest printed MARKER.

Used by run.sh when stdin is not a terminal (`printf 'services\\npoweroff\\n' | ...`):
the firmware reads the serial port while it boots and would swallow piped input, so the
bytes are passed on only once the kernel owns the UART. QEMU's own flow control then
keeps the rest until the guest reads it. Exits with QEMU's exit status.
"""
import os
import signal
import subprocess
import sys
import threading


def main():
    marker = sys.argv[1].encode()
    cmd = sys.argv[3:] if sys.argv[2] == '--' else sys.argv[2:]
    p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, bufsize=0)
    for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(s, lambda n, f: p.send_signal(signal.SIGTERM))
    ready = threading.Event()

    def feed():
        ready.wait()
        try:
            while True:
                data = os.read(0, 4096)
                if not data:
                    break
                p.stdin.write(data)
                p.stdin.flush()
        except (OSError, ValueError):
            pass
        try:
            p.stdin.close()
        except OSError:
            pass

    threading.Thread(target=feed, daemon=True).start()
    seen = b''
    out = sys.stdout.buffer
    while True:
        data = os.read(p.stdout.fileno(), 4096)
        if not data:
            break
        out.write(data)
        out.flush()
        if not ready.is_set():
            seen = (seen + data)[-4096:]
            if marker in seen:
                ready.set()
    return p.wait()


sys.exit(main())
