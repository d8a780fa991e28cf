#!/usr/bin/env python3
"""Sound out of QEMU x86_64, measured: one boot of the full system with the Intel HDA
card playing into QEMU's wav audiodev (run.sh --audio-file, 48 kHz S16 stereo; never
the host's sound). The shell plays `audio tone 440 1`, the same at master volume 50,
and /boot/sounds/a660-22050.wav; the capture is measured as in the sim
(tests/sim/audio_measure.py): frequency within 1 Hz, length, level, no jumps, and the
22.05 kHz file at the right pitch and length on the 48 kHz endpoint.

usage: audio_x86.py RUN_SH [RUN_SH OPTIONS...] [-- QEMU ARGS...]   (TAP on stdout)

The boot runs on TCG with -icount (virtual time counts instructions): the card's clock
and the guest then advance together, so a busy host cannot starve the mixer into an
underrun and the capture is the same on any machine. (With KVM on a loaded host the
80 ms buffer can run dry, and a dry buffer is silence in the capture.)
"""
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../sim"))
import audio_measure as am  # noqa: E402
from audio_session import Session  # noqa: E402

RATE = 48000
BOOT_S = 600  # TCG


def main():
    args = sys.argv[1:]
    cut = args.index("--") if "--" in args else len(args)
    run, qemu = args[:cut], args[cut + 1:] + ["-icount", "shift=3,sleep=off"]
    os.environ["SOS_QEMU_ACCEL"] = "tcg"
    t = am.Tap()
    with tempfile.TemporaryDirectory() as d:
        capture, img = os.path.join(d, "capture.wav"), os.path.join(d, "boot.img")
        mk = subprocess.run(run + ["--data-disk", "none", "--image-only", img], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)  # our own image: tests may run at once
        if not t.check(mk.returncode == 0, "build the disk image"):
            print("# " + mk.stdout.decode("utf-8", "replace").replace("\n", "\n# "))
            return t.done()
        s = Session(run + ["--image", img, "--headless", "--data-disk", "none", "--timeout", str(BOOT_S + 120),
                           "--audio-file", capture, "--"] + qemu)
        t.check(bool(s.wait_for(r"hda: [^\n]*48000 Hz s16 stereo, line [1-9]", BOOT_S)),
                "the HAL found the HDA card and its output path, with an MSI line")
        t.check(bool(s.wait_for(r"serviceos> ", BOOT_S)), "the shell is up")
        steps = [
            ("audio endpoints", r"hda pin \d+ dac \d+ +48000 Hz +2 ch +s16"),
            ("audio tone 440 1", r"tone 440 Hz for 1 s: 48000 frames, 0 underruns"),
            ("audio volume 50", r"master volume 50"),
            ("audio tone 440 1", r"tone 440 Hz for 1 s: 48000 frames, 0 underruns"),
            ("audio volume 100", r"master volume 100"),
            ("audio play /boot/sounds/a660-22050.wav",
             r"played [^\n]*11025 frames \(500 ms\), 0 underruns"),
            ("audio tone 440 1", r"tone 440 Hz"),  # pushes the last sound out of the card
        ]
        for line, want in steps:
            t.check(bool(s.run(line, want, 120)), f"{line}")
        rc = s.finish(120)
        t.check(rc == 0, f"powered off (status {rc})")
        if t.failed:
            for line in s.out.splitlines()[-20:]:
                print(f"#   {line}")
        if not os.path.exists(capture):
            t.check(False, "QEMU wrote the capture")
            return t.done()
        if os.environ.get("SOS_AUDIO_KEEP"):  # a copy of the capture, for a closer look
            with open(capture, "rb") as f, open(os.environ["SOS_AUDIO_KEEP"], "wb") as g:
                g.write(f.read())
        rate, (left, right) = am.read_wav(capture)
        print(f"# captured {len(left)} frames at {rate} Hz")
        segs = [left[a:b] for a, b in am.segments(left)]
        if t.check(rate == RATE and len(segs) >= 3, f"{len(segs)} sounds at {rate} Hz (want 3+ at 48000)"):
            t.check(left == right, "both channels carry the same mono tone")
            am.check_tone(t, segs[0], RATE, 440, 0.5, "QEMU tone at volume 100")
            am.check_tone(t, segs[1], RATE, 440, 0.25, "QEMU tone at volume 50")
            am.check_wav_a660(t, segs[2], RATE)
    return t.done()


if __name__ == "__main__":
    sys.exit(main())
