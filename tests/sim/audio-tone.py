#!/usr/bin/env python3
"""Sound out of the simulator, measured: the shell plays tones and a WAV file through
the audio service into SDL's disk driver (SDL_AUDIODRIVER=disk, raw 48 kHz S16 stereo
into a temporary file), and the capture is measured:

  - `audio tone 440 1`: 440 Hz within 1 Hz (zero crossings), 1 s of frames, amplitude
    half of full scale (the tone's level at master volume 100), no sample-to-sample jump
    larger than such a sine makes (a gap, a click or a lost block would);
  - the same at master volume 50: a quarter of full scale;
  - a background `audio tone 440 2 &` with `audio tone 660 1` over it: both frequencies
    measure within 1 Hz (Goertzel scan) and 550 Hz does not;
  - `audio play /boot/sounds/a660-22050.wav` (0.5 s at 22050 Hz) on the 48 kHz
    endpoint: 660 Hz within 1 Hz and 24000 frames within 0.1 %.

usage: audio-tone.py [--delay MS] -- SIM_COMMAND...   (TAP on stdout)
--delay sets SDL_DISKAUDIODELAY, the milliseconds SDL waits between two device periods
of 512 frames (default: SDL's real-time pacing, 10). With --delay 0 the device takes
frames as fast as the mixer makes them, so a background tone is over before the next
command is typed: the two-tone part needs the clock and is left out. A longer delay
(40: a clock four times slower) keeps the mixer busy writing a sound's end when the
next command comes.
"""
import os
import re
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import audio_measure as am  # noqa: E402
from audio_session import Session  # noqa: E402

RATE = 48000


def session(cmd, capture, delay):
    env = dict(os.environ, SDL_AUDIODRIVER="disk", SDL_DISKAUDIOFILE=capture)
    if delay is not None:
        env["SDL_DISKAUDIODELAY"] = delay
    s = Session(cmd + ["--audio", "sdl", "--audio-stats"], env)
    overlap = delay != "0"
    steps = am.session_steps("sim-audio")
    if overlap:
        steps += [am.OVERLAP, am.OVERLAP_660]
    said = [bool(s.run(line, want)) for line, want in steps]
    if overlap:  # the background tone ends a second later
        s.wait_background_tone()
    said.append(bool(s.run(*am.PLAY_A660)))
    said.append(bool(s.run("audio tone 440 1", r"tone 440 Hz")))  # pushes the last sound out
    rc = s.finish()
    return all(said) and rc == 0, s.out, overlap


def main():
    args = sys.argv[1:]
    delay = None
    if args[:1] == ["--delay"]:
        delay, args = args[1], args[2:]
    cmd = args[1:] if args[:1] == ["--"] else args
    t = am.Tap()
    with tempfile.TemporaryDirectory() as d:
        capture = os.path.join(d, "capture.raw")
        ok, out, overlap = session(cmd, capture, delay)
        if not t.check(ok, "the session ran every command and powered off"):
            for line in out.splitlines()[-20:]:
                print(f"#   {line}")
        m = re.search(r"audio: (\d+) writes, write to output median (\d+) ms, p99 (\d+) ms, max (\d+) ms", out)
        if t.check(bool(m) and int(m.group(1)) > 0, "the device measured its latency"):
            print(f"# write to output: median {m.group(2)} ms, p99 {m.group(3)} ms, max {m.group(4)} ms "
                  f"over {m.group(1)} writes")
        if os.path.exists(capture):
            left, right = am.read_raw(capture)
            print(f"# captured {len(left)} frames")
            am.check_session(t, left, right, RATE, overlap, "sim")
        else:
            t.check(False, "SDL's disk driver wrote the capture")
    return t.done()


if __name__ == "__main__":
    sys.exit(main())
