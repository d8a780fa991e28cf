#!/usr/bin/env python3
"""The audio service killed while a stream plays: the shell plays a tone in the
background (`audio tone 440 3 &`), the operator runs `kill audio`; the root manager
restarts the service, the player's stream reports PEER_CLOSED, the player opens a new
stream on the new instance and plays the rest of the tone to its end, and no other
service restarted. The capture (SDL's disk driver) holds 440 Hz throughout and all of
the tone but what the killed instance had taken and not played.

usage: audio-kill.py -- SIM_COMMAND...   (TAP on stdout)
"""
import os
import re
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import audio_measure as am  # noqa: E402
from audio_session import Session  # noqa: E402


def main():
    args = sys.argv[1:]
    cmd = args[1:] if args[:1] == ["--"] else args
    t = am.Tap()
    with tempfile.TemporaryDirectory() as d:
        capture = os.path.join(d, "capture.raw")
        env = dict(os.environ, SDL_AUDIODRIVER="disk", SDL_DISKAUDIOFILE=capture)
        s = Session(cmd + ["--audio", "sdl"], env)
        t.check(bool(s.run("audio tone 440 3 &", r"in the background")), "a background tone starts")
        playing = s.run("audio streams", r"\n1 shell +running[^\n]*played (\d+)", 10)
        t.check(bool(playing), "its stream is running")
        t.check(bool(s.run("kill audio", r"killed audio")), "kill audio")
        done = None
        for _ in range(100):  # 20 s at most; the tone has under 3 s left
            time.sleep(0.2)
            m = s.run("audio streams", r"background tone 440 Hz 3 s: (done|playing)([^\n]*)\n", 10)
            if m and m.group(1) == "done":
                done = m
                break
        t.check(bool(done) and done.group(2) == ", reopened 1 times",
                "the player saw its stream close, reopened it and played to the end: "
                + (done.group(0).strip() if done else "still playing"))
        svc = s.run("services", r"storage[^\n]*\n", 10)
        table = s.out[s.out.rfind("SERVICE"):]
        restarts = dict(re.findall(r"\n(\w+) +\w+ +\S+ +restarts (\d+)", table))
        t.check(restarts.get("audio") == "1", f"audio restarted once ({restarts.get('audio')})")
        others = {k: v for k, v in restarts.items() if k != "audio" and v != "0"}
        t.check(bool(svc) and restarts and not others, f"no other service restarted {others or ''}")
        rc = s.finish()
        t.check(rc == 0, f"powered off cleanly (status {rc})")
        left, _ = am.read_raw(capture) if os.path.exists(capture) else ([], [])
        segs = [left[a:b] for a, b in am.segments(left)]
        freqs = [round(am.zero_cross_freq(x, 48000), 1) for x in segs if len(x) > 4800]
        total = sum(len(x) for x in segs) / 48000
        t.check(freqs and all(abs(f - 440) <= 1 for f in freqs), f"440 Hz throughout: {freqs}")
        # what the dead instance had taken but not played is lost: at most the stream's
        # ring (the shell's hold 500 ms) and the device's queue (30 ms)
        t.check(2.45 <= total <= 3.01, f"{total:.3f} s of the 3 s tone came out")
        if t.failed:
            for line in s.out.splitlines()[-25:]:
                print(f"#   {line}")
    return t.done()


if __name__ == "__main__":
    sys.exit(main())
