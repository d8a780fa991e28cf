#!/usr/bin/env python3
"""serial_relay.py MARKER -- QEMU ARGS...: run QEMU with its serial console on stdio,
but hold back our stdin until the guest printed MARKER.

Used by run.sh when stdin is not a terminal (`printf 'services\\npoweroff\\n' | ...`):
the firmware reads the serial port while it boots and would swallow piped input, so the
bytes are passed on only once the kernel owns the UART. QEMU's own flow control then
keeps the rest until the guest reads it. Until MARKER, the firmware's terminal escape
sequences (screen clears, cursor moves, colours) are taken out of the output, so that a
transcript holds only its text. Exits with QEMU's exit status.
"""
import os
import signal
import subprocess
import sys
import threading


class Unescape:
    """Drops ANSI escape sequences (ESC [ ... final, ESC ( x, ESC x) from a byte stream
    that arrives in pieces: a sequence may be cut between two of them."""

    def __init__(self):
        self.state = 0  # 0 text, 1 after ESC, 2 in ESC [, 3 one byte more (ESC ( x)

    def __call__(self, data):
        out = bytearray()
        for b in data:
            if self.state == 0:
                if b == 0x1b:
                    self.state = 1
                else:
                    out.append(b)
            elif self.state == 1:
                self.state = 2 if b == 0x5b else 3 if b in b'()*+' else 0
            elif self.state == 2:
                if 0x40 <= b <= 0x7e:
                    self.state = 0
            else:
                self.state = 0
        return bytes(out)


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
    unescape = Unescape()
    while True:
        data = os.read(p.stdout.fileno(), 4096)
        if not data:
            break
        if not ready.is_set():
            at = (seen + data).find(marker)
            if at < 0:
                seen = (seen + data)[-len(marker):]
                data = unescape(data)
            else:  # the guest's own output, from the marker on, stays as it is
                cut = at + len(marker) - len(seen)
                data = unescape(data[:cut]) + data[cut:]
                ready.set()
        out.write(data)
        out.flush()
    return p.wait()


sys.exit(main())
