#!/usr/bin/env python3
"""Write a test sound for the boot store: a sine as a PCM WAV file.

usage: mkwav.py OUT RATE FREQ SECONDS [AMPLITUDE]

16-bit mono PCM at RATE Hz, FREQ Hz, starting at phase 0, AMPLITUDE of full scale
(default 0.5). `audio play /boot/sounds/...` plays it; tests/sim/audio-tone.py
measures what comes out.
"""
import math
import struct
import sys


def main():
    out, rate, freq, secs = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
    amp = float(sys.argv[5]) if len(sys.argv) > 5 else 0.5
    n = int(round(rate * secs))
    data = b"".join(struct.pack("<h", int(round(amp * 32767 * math.sin(2 * math.pi * freq * i / rate))))
                    for i in range(n))
    fmt = struct.pack("<HHIIHH", 1, 1, rate, rate * 2, 2, 16)
    riff = b"WAVE" + b"fmt " + struct.pack("<I", len(fmt)) + fmt + b"data" + struct.pack("<I", len(data)) + data
    with open(out, "wb") as f:
        f.write(b"RIFF" + struct.pack("<I", len(riff)) + riff)


if __name__ == "__main__":
    main()
