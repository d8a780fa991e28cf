#!/usr/bin/env python3
"""Sound out of QEMU, measured, on x86_64 (q35) or aarch64 (virt): one boot of the full
system with the Intel HDA card playing into QEMU's wav audiodev (run.sh --audio-file,
48 kHz S16 stereo; never the host's sound). The shell runs the rows the sim's test runs
(tests/sim/audio_measure.py session_steps): `audio tone 440 1`, the same at master
volume 50, `audio tone 440 2 &` with `audio tone 660 1` over it, and
/boot/sounds/a660-22050.wav; the capture is measured by the same code (check_session):
frequency within 1 Hz, length, level, no jumps, both tones at once, and the 22.05 kHz
file at the right pitch and length on the 48 kHz endpoint.

usage: audio_qemu.py --arch x86_64|aarch64 RUN_SH [RUN_SH OPTIONS...] [-- QEMU ARGS...]
(TAP on stdout)

The boot runs on TCG with -icount (virtual time counts instructions): the card's clock
and the guest then advance together, so a busy host cannot starve the mixer into an
underrun and the capture is the same on any machine. (With KVM on a loaded host the
80 ms buffer can run dry, and a dry buffer is silence in the capture.) With
sleep=off an idle guest's clock jumps ahead, so the two tones are typed in one write:
the second starts while the first plays, whatever the host's speed.
"""
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "../sim"))
import audio_measure as am  # noqa: E402
from audio_session import Session  # noqa: E402

RATE = 48000
BOOT_S = 900  # TCG, and aarch64's TCG is slower
# arch -> (what the HAL says when it has the card, run.sh options of the boot)
ARCHES = {
    "x86_64": (r"hda: [^\n]*48000 Hz s16 stereo, line [1-9]", ["--headless", "--data-disk", "none"]),
    "aarch64": (r"hda: pci [^\n]*48000 Hz s16 stereo, line [1-9]\d* \(INTx\)", ["--disk", "none"]),
}


def boot_args(arch, run, t, d):
    """run.sh's options for this machine; x86_64 boots an image of its own (tests may run
    at once), aarch64 its kernel8.img. None when the image cannot be made."""
    opts = list(ARCHES[arch][1])
    if arch == "x86_64":
        img = os.path.join(d, "boot.img")
        mk = subprocess.run(run + ["--data-disk", "none", "--image-only", img], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)
        if not t.check(mk.returncode == 0, "build the disk image"):
            print("# " + mk.stdout.decode("utf-8", "replace").replace("\n", "\n# "))
            return None
        opts += ["--image", img]
    return opts


def play(s, t):
    """The session's rows; each reply checked."""
    for line, want in am.session_steps(r"hda pin \d+ dac \d+"):
        t.check(bool(s.run(line, want, 120)), line)
    t.check(bool(s.run(am.OVERLAP[0] + "\n" + am.OVERLAP_660[0], am.OVERLAP_660[1], 120)),
            "audio tone 440 2 & with audio tone 660 1 over it")
    s.wait_background_tone(600)
    t.check(bool(s.run(*am.PLAY_A660, 120)), am.PLAY_A660[0])
    t.check(bool(s.run("audio tone 440 1", r"tone 440 Hz", 120)), "a last tone pushes the WAV out")


def main():
    args = sys.argv[1:]
    if args[:1] != ["--arch"] or len(args) < 3 or args[1] not in ARCHES:
        print("usage: audio_qemu.py --arch x86_64|aarch64 RUN_SH [OPTIONS...] [-- QEMU ARGS...]",
              file=sys.stderr)
        return 2
    arch, args = args[1], args[2:]
    cut = args.index("--") if "--" in args else len(args)
    run, qemu = args[:cut], args[cut + 1:] + ["-icount", "shift=3,sleep=off"]
    os.environ["SOS_QEMU_ACCEL"] = "tcg"
    t = am.Tap()
    with tempfile.TemporaryDirectory() as d:
        capture = os.path.join(d, "capture.wav")
        opts = boot_args(arch, run, t, d)
        if opts is None:
            return t.done()
        s = Session(run + opts + ["--timeout", str(BOOT_S + 300), "--audio-file", capture, "--"] + qemu)
        t.check(bool(s.wait_for(ARCHES[arch][0], BOOT_S)),
                "the HAL found the HDA card and its output path, with an interrupt line")
        t.check(bool(s.wait_for(r"serviceos> ", BOOT_S)), "the shell is up")
        play(s, t)
        rc = s.finish(120)
        t.check(rc == 0, f"powered off (status {rc})")
        if t.failed:
            for line in s.out.splitlines()[-20:]:
                print(f"#   {line}")
        if not t.check(os.path.exists(capture), "QEMU wrote the capture"):
            return t.done()
        if os.environ.get("SOS_AUDIO_KEEP"):  # a copy of the capture, for a closer look
            with open(capture, "rb") as f, open(os.environ["SOS_AUDIO_KEEP"], "wb") as g:
                g.write(f.read())
        rate, (left, right) = am.read_wav(capture)
        print(f"# captured {len(left)} frames at {rate} Hz")
        if t.check(rate == RATE, f"the capture is at {rate} Hz (want {RATE})"):
            am.check_session(t, left, right, RATE, True, f"QEMU {arch}")
    return t.done()


if __name__ == "__main__":
    sys.exit(main())
