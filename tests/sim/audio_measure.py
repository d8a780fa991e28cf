"""Measuring captured sound (no numpy): raw S16LE frames or WAV files in, segments,
frequencies, levels and discontinuities out. Used by the audio tests of the sim
(SDL's disk driver) and of QEMU x86_64 and aarch64 (-audiodev wav), which also share
the session's rows (session_steps) and the checks of the whole capture
(check_session).

A segment is a run of sound between runs of at least `gap` all-zero frames: every
command of a test plays into its own segment, since the mixer ends each drained stream
with silence and the device plays silence while nothing plays.
"""
import math
import struct


def read_raw(path, channels=2):
    """Interleaved S16LE frames -> list of left-channel samples (and the right ones)."""
    data = open(path, "rb").read()
    n = len(data) // (2 * channels)
    s = struct.unpack("<%dh" % (n * channels), data[:n * 2 * channels])
    return [list(s[c::channels]) for c in range(channels)]


def read_wav(path):
    """A PCM S16 WAV (QEMU's capture) -> (rate, per-channel samples)."""
    data = open(path, "rb").read()
    pos, rate, ch, frames = 12, 0, 0, b""
    while pos + 8 <= len(data):
        tag, size = data[pos:pos + 4], struct.unpack("<I", data[pos + 4:pos + 8])[0]
        body = data[pos + 8:pos + 8 + size]
        if tag == b"fmt ":
            _, ch, rate = struct.unpack("<HHI", body[:8])
        elif tag == b"data":
            frames = body
        pos += 8 + size + (size & 1)
    n = len(frames) // (2 * ch)
    s = struct.unpack("<%dh" % (n * ch), frames[:n * 2 * ch])
    return rate, [list(s[c::ch]) for c in range(ch)]


def segments(x, gap=240):
    """[(start, end)] of the runs of sound separated by >= gap zero samples."""
    out, start, zeros = [], None, 0
    for i, v in enumerate(x):
        if v:
            if start is None:
                start = i
            zeros = 0
            last = i
        elif start is not None:
            zeros += 1
            if zeros >= gap:
                out.append((start, last + 1))
                start, zeros = None, 0
    if start is not None:
        out.append((start, last + 1))
    return out


def zero_cross_freq(x, rate):
    """Frequency from the first to the last rising zero crossing (interpolated)."""
    ups = []
    for i in range(1, len(x)):
        if x[i - 1] < 0 <= x[i]:
            ups.append(i - 1 + (-x[i - 1]) / (x[i] - x[i - 1]))
    if len(ups) < 2:
        return 0.0
    return (len(ups) - 1) * rate / (ups[-1] - ups[0])


def goertzel(x, rate, f):
    """Magnitude of x at frequency f, normalised to a sine's amplitude."""
    w = 2 * math.pi * f / rate
    c = 2 * math.cos(w)
    s1 = s2 = 0.0
    for v in x:
        s1, s2 = v + c * s1 - s2, s1
    power = s1 * s1 + s2 * s2 - c * s1 * s2
    return 2 * math.sqrt(max(power, 0.0)) / len(x)


def peak_near(x, rate, f, span=3.0, step=0.1):
    """(frequency, magnitude) of the largest Goertzel value within f +- span."""
    best = (f, -1.0)
    k = -span
    while k <= span + 1e-9:
        m = goertzel(x, rate, f + k)
        if m > best[1]:
            best = (f + k, m)
        k += step
    return best


def max_step(x):
    return max(abs(x[i] - x[i - 1]) for i in range(1, len(x))) if len(x) > 1 else 0


def sine_step_limit(amp, f, rate):
    """The largest sample-to-sample change a sine of amplitude amp at f can make."""
    return amp * 2 * math.sin(math.pi * f / rate) + 2


FULL = 32767


def check_tone(t, x, rate, f, amp, what):
    """A shell tone: f within 1 Hz, one second of frames, its level, no jump."""
    got = zero_cross_freq(x, rate)
    t.check(abs(got - f) <= 1.0, f"{what}: {got:.2f} Hz (want {f} +- 1)")
    t.check(abs(len(x) - rate) <= 4, f"{what}: {len(x)} frames (want {rate})")
    peak = max(abs(v) for v in x)
    if not t.check(abs(peak - amp * FULL) <= 0.01 * amp * FULL + 2,
                   f"{what}: peak {peak} (want {amp * FULL:.0f})"):
        print(f"#   peaks of its first 10 ms blocks: {[max(map(abs, x[i:i + rate // 100])) for i in range(0, 5 * rate // 100, rate // 100)]}")
    step, lim = max_step(x), sine_step_limit(amp * FULL, f, rate)
    t.check(step <= lim, f"{what}: largest step {step} (a sine allows {lim:.0f})")


def check_wav_a660(t, x, rate):
    """/boot/sounds/a660-22050.wav (0.5 s of 660 Hz at 22050 Hz) played at `rate`.

    A windowed-sinc resampler (speexdsp) rings for its filter's length where the sine
    starts and stops abruptly (the band limit): pitch and smoothness are measured
    5 ms in from each end, and the length may grow by the filter's span (64 frames).
    """
    trim = rate // 200
    mid = x[trim:-trim]
    got = zero_cross_freq(mid, rate)
    t.check(abs(got - 660) <= 1.0, f"22050 Hz WAV at {rate} Hz: {got:.2f} Hz (want 660 +- 1)")
    want = rate // 2
    t.check(want - want // 1000 <= len(x) <= want + 64,
            f"22050 Hz WAV at {rate} Hz: {len(x)} frames (want {want}, + the filter's 64)")
    step, lim = max_step(mid), sine_step_limit(0.5 * FULL, 660, rate)
    t.check(step <= lim, f"22050 Hz WAV: largest step {step} (a sine allows {lim:.0f})")


def check_overlap(t, both, rate):
    """`audio tone 440 2 &` under `audio tone 660 1`: both peaks, nothing between."""
    f1, m1 = peak_near(both, rate, 440)
    f2, m2 = peak_near(both, rate, 660)
    m3 = goertzel(both, rate, 550)
    t.check(abs(f1 - 440) <= 1 and abs(f2 - 660) <= 1 and min(m1, m2) > 20 * m3,
            f"two tones at once: peaks at {f1:.1f} Hz ({m1:.0f}) and {f2:.1f} Hz ({m2:.0f}), "
            f"550 Hz {m3:.0f}")
    t.check(max(abs(v) for v in both) <= FULL, "two tones at once: within full scale")


TONE_440 = r"tone 440 Hz for 1 s: 48000 frames, 0 underruns"
OVERLAP = ("audio tone 440 2 &", r"in the background")
OVERLAP_660 = ("audio tone 660 1", r"tone 660 Hz for 1 s: 48000 frames, 0 underruns")
PLAY_A660 = ("audio play /boot/sounds/a660-22050.wav",
             r"played [^\n]*11025 frames \(500 ms\), 0 underruns")


def session_steps(endpoint):
    """The rows every measured session starts with: (shell line, what it must answer).
    Then, where the device has a clock, OVERLAP and OVERLAP_660; then PLAY_A660."""
    return [
        ("audio endpoints", endpoint + r" +48000 Hz +2 ch +s16"),
        ("audio tone 440 1", TONE_440),
        ("audio volume 50", r"master volume 50"),
        ("audio tone 440 1", TONE_440),
        ("audio volume 100", r"master volume 100"),
    ]


def check_session(t, left, right, rate, overlap, where):
    """The capture of session_steps (+ the overlap) + PLAY_A660 (+ a last sound)."""
    segs = segments(left)
    print("# sounds at frames " + ", ".join(f"{a}-{b}" for a, b in segs))
    want = 4 if overlap else 3  # the last sound only pushes the WAV out: not counted
    t.check(len(segs) >= want, f"{where}: {len(segs)} sounds in the capture (want {want} or more)")
    if len(segs) < want:
        return
    x = [left[a:b] for a, b in segs]
    t.check(left == right, f"{where}: both channels carry the same mono tone")
    check_tone(t, x[0], rate, 440, 0.5, f"{where} tone at volume 100")
    check_tone(t, x[1], rate, 440, 0.25, f"{where} tone at volume 50")
    if overlap:
        check_overlap(t, x.pop(2), rate)
    check_wav_a660(t, x[2], rate)


class Tap:
    """TAP output: ok/not ok lines with the measured values as the description."""

    def __init__(self):
        self.n, self.failed = 0, 0

    def check(self, ok, what):
        self.n += 1
        self.failed += 0 if ok else 1
        print(f"{'ok' if ok else 'not ok'} {self.n} - {what}", flush=True)
        return ok

    def done(self):
        print(f"1..{self.n}")
        return 0 if not self.failed else 1
