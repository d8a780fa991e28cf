#!/usr/bin/env python3
"""A stand-in for a QEMU boot whose own messages cut console lines: for each line read
it prints the shell's answer with QEMU's audio rate-control message written into its
middle (on the same stream, as QEMU's stderr shares the console's in run-scenario.py),
then exits 0. The scenario noise.scn expects the answers whole: run-scenario.py must
take the message out. Without that it fails."""
import sys

NOISE = "audio: Resetting rate control (4410 samples)\n"
for line in sys.stdin:
    word = line.strip()
    if not word:
        continue
    answer = f"serviceos> {word}: every service is ready\n"
    half = len(answer) // 2
    sys.stdout.write(answer[:half])
    sys.stdout.flush()
    sys.stderr.write(NOISE)
    sys.stderr.flush()
    sys.stdout.write(answer[half:])
    sys.stdout.flush()
