#!/usr/bin/env python3
"""Run a scripted shell session on a platform and check the transcript.

usage: run-scenario.py --scenario FILE [--timeout S] [--transcript OUT] [--settle]
                       [--seed N] [--nondeterministic] [--once] -- COMMAND...

When COMMAND is serviceos-sim the scenario runs deterministic (docs/sim.md): the
simulator gets `--deterministic --seed N` (N from --seed, else $SOS_SIM_SEED, else 1),
the input is piped whole (input reaches the guest a line per idle point, whatever the
timing), and the whole scenario runs twice, each time on a fresh disk: both runs must
give byte-identical transcripts and the same kernel trace hash (one more TAP case per
boot). A boot whose input has `@wait-for` lines (feedback: a line that must wait for
what a program prints) is typed with its waits under --record on the first run and
replayed from that recording on the second. A failure prints the seed and the command that
reproduces it. --nondeterministic keeps the old live mode (for what only it can test),
as do the options a deterministic run refuses (--isolate, --net other than none, --cpus N > 1,
--audio sdl); --once skips the second run.

--settle types `uptime --wait 60` before each boot's input: the session starts once
every service of the boot is ready, so nothing a late service prints at start lands
among the expected lines (QEMU without KVM boots slowly; the sim needs no such wait).

A scenario file (tests/scenarios/*.scn) has three parts:

    # comments
    input:
    <lines typed at the shell, sent to COMMAND's standard input>
    expect:
    <lines that must appear in the transcript, in this order>
    exit: <status>            (optional, default 0)

Matching is line by line after normalising both sides: runs of digits (times, ids,
counts) become '#', runs of spaces one space, and trailing spaces go. An expect line
may also be a regular expression written as /.../ (matched against the normalised
transcript line). Lines of the transcript that are not expected are ignored, so the
same scenario passes on every platform whose output agrees on the expected lines.
Every expect line is one TAP case; the exit status is one more.

An input line `@wait-for REGEX` is not typed: the lines after it are typed only once
the output since the previous typed line matches REGEX (Python syntax, searched in the
raw output; 20 s at most), as a person waits for a prompt. Without it the whole input
is there from the start, as when it is piped.

A scenario may boot more than once: each further `input:` after an `expect:` starts
another boot of the same COMMAND, in order, with the same disk (a power-off and a boot
again). The token @DISK@ in COMMAND is replaced by a fresh empty disk file made for
this run (removed afterwards), so scenarios never see each other's or the user's disk.

An expect line `@clock-of-day` matches the next line with `(N s since 1970)` (what the
shell's `date` prints) whose N is within CLOCK_SLACK_S of the host's clock when the
line reached this script (the guest's clock of day agrees with the host's).

    host: <program> <args...>  (in an expect part; optional, any number)

runs a program on the host after that boot, before the next, with @DISK@ in its
arguments replaced by the disk file and a relative program path taken from the source
tree (tests/sim/sfs-damage.py damages a store the way a failing disk would); its
failure fails the scenario. Scenarios that use it run in the simulator only.
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time

WAIT_FOR = "@wait-for "
SETTLE = "uptime --wait 60"
WAIT_FOR_S = 20
CLOCK = "@clock-of-day"
CLOCK_SLACK_S = 5
TRACE = re.compile(r"^serviceos-sim: deterministic run: .*$", re.M)


def normalise(line):
    line = line.replace("\r", "")
    line = re.sub(r"0x[0-9a-fA-F]+", "#", line)
    line = re.sub(r"\d+", "#", line)
    line = re.sub(r"#(\.#)+", "#", line)
    return re.sub(r"[ \t]+", " ", line).strip()


def parse(path):
    """A list of boots: (input lines, expect lines, exit status, host commands after)."""
    boots, section, inp, exp, status, host = [], None, [], [], 0, []
    for raw in open(path, encoding="utf-8").read().splitlines():
        if raw.startswith("#") and section != "input":
            continue
        if raw.strip() in ("input:", "expect:"):
            if raw.strip() == "input:" and section == "expect":
                boots.append((inp, exp, status, host))
                inp, exp, status, host = [], [], 0, []
            section = raw.strip()[:-1]
            continue
        if raw.startswith("exit:") and section == "expect":
            status = int(raw.split(":", 1)[1])
            continue
        if raw.startswith("host:") and section == "expect":
            host.append(raw.split(":", 1)[1].split())
            continue
        if section == "input":
            inp.append(raw)
        elif section == "expect" and raw.strip():
            exp.append(raw)
    boots.append((inp, exp, status, host))
    return boots


# QEMU's own messages share the console's stream (stderr with stdout) and may land in the
# middle of a console line: the audio's rate control when the host falls behind. Taken
# out whole, the line they cut is whole again.
QEMU_NOISE = re.compile(r"(?:audio: )?Resetting rate control \(\d+ samples\)\r?\n")


def without_noise(text):
    return QEMU_NOISE.sub("", text)


def run_typed(cmd, inp, timeout, stamps=None):
    """Run cmd typing inp line by line, pausing at @wait-for lines; (output, status).
    stamps, when given, gets (bytes of output so far, host time) at each read."""
    p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT)
    out, cond = bytearray(), threading.Condition()

    def reader():
        while True:
            b = os.read(p.stdout.fileno(), 4096)
            with cond:
                out.extend(b)
                if stamps is not None:
                    stamps.append((len(out), time.time()))
                cond.notify_all()
            if not b:
                return

    t = threading.Thread(target=reader, daemon=True)
    t.start()
    end, mark = time.monotonic() + timeout, 0
    try:
        for line in inp:
            if line.startswith(WAIT_FOR):
                rx = re.compile(line[len(WAIT_FOR):])
                with cond:
                    cond.wait_for(lambda: rx.search(without_noise(out[mark:].decode("utf-8", "replace"))
                                                    .replace("\r", "")) is not None,
                                  min(WAIT_FOR_S, max(0, end - time.monotonic())))
                continue
            with cond:
                mark = len(out)
            p.stdin.write((line + "\n").encode())
            p.stdin.flush()
        p.stdin.close()
        rc = p.wait(max(0, end - time.monotonic()))
    except (subprocess.TimeoutExpired, BrokenPipeError):
        p.kill()
        p.wait()
        rc = None if p.returncode is None or time.monotonic() >= end else p.returncode
    t.join(5)
    return without_noise(out.decode("utf-8", "replace")), rc


def run_host(argv, disk, n):
    """A host step between boots (one TAP case)."""
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    argv = [disk if a == "@DISK@" else a for a in argv]
    if not os.path.isabs(argv[0]):
        argv[0] = os.path.join(root, argv[0])
    p = subprocess.run([sys.executable] + argv if argv[0].endswith(".py") else argv,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    sys.stderr.write(p.stdout.decode("utf-8", "replace"))
    ok = p.returncode == 0
    print(f"{'ok' if ok else 'not ok'} {n} - host: {' '.join(argv[1:])}")
    return 0 if ok else 1


def clock_line(out, stamps, lines, pos):
    """The index of the first line from pos whose `(N s since 1970)` is within
    CLOCK_SLACK_S of the host's time when it arrived, else None."""
    raw = out.splitlines(keepends=True)
    offset = sum(len(l.encode("utf-8", "replace")) for l in raw[:pos])
    for i in range(pos, len(lines)):
        offset += len(raw[i].encode("utf-8", "replace"))
        m = re.search(r"\((\d+) s since 1970\)", raw[i])
        when = next((t for n, t in stamps if n >= offset), None)
        if m and when is not None:
            delta = int(m.group(1)) - when
            sys.stderr.write(f"run-scenario: the guest's clock of day is {delta:+.1f} s from the host's\n")
            if abs(delta) <= CLOCK_SLACK_S:
                return i
    return None


def det_boot(cmd, inp, det):
    """A deterministic boot's command and input. Piped input needs no waits (it reaches
    the guest a line per idle point); a boot typed with waits (feedback: a line that
    must wait for what a program prints) is recorded on the first pass, typed as a
    person would, and replayed from the recording on the second."""
    if not any(l.startswith(WAIT_FOR) for l in inp):
        return cmd, inp
    i = cmd.index("--deterministic")
    if det["pass"] == 1:
        return cmd[:i] + ["--record", det["rec"]] + cmd[i + 1:], inp
    j = cmd.index("--seed")  # the recording has it
    rest = [c for k, c in enumerate(cmd) if k not in (i, j, j + 1)]
    return rest[:1] + ["--replay", det["rec"]] + rest[1:], []


def run_boot(cmd, inp, exp, want_status, timeout, n, transcript, det=None):
    """One boot; returns (cases so far, failures)."""
    t0, stamps = time.monotonic(), []
    if det:
        cmd, inp = det_boot(cmd, inp, det)
    if any(l.startswith(WAIT_FOR) for l in inp) or CLOCK in exp:
        out, rc = run_typed(cmd, inp, timeout, stamps)
    else:
        try:
            p = subprocess.run(cmd, input=("\n".join(inp) + "\n").encode(), stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, timeout=timeout)
            out, rc = without_noise(p.stdout.decode("utf-8", "replace")), p.returncode
        except subprocess.TimeoutExpired as e:
            out, rc = without_noise((e.stdout or b"").decode("utf-8", "replace")), None
    took = time.monotonic() - t0
    sys.stderr.write(out)
    if transcript is not None:
        transcript.append(out)
    return check_boot(out, rc, exp, want_status, took, n, stamps)


def check_boot(out, rc, exp, want_status, took, n, stamps=()):
    """The TAP cases of one boot's transcript; returns (cases so far, failures)."""
    lines = [normalise(l) for l in out.splitlines()]
    pos, failed = 0, 0
    for e in exp:
        n += 1
        if e == CLOCK:
            found = clock_line(out, stamps, lines, pos)
            print(f"{'ok' if found is not None else 'not ok'} {n} - the clock of day within "
                  f"{CLOCK_SLACK_S} s of the host's")
            failed += found is None
            pos = found + 1 if found is not None else pos
            continue
        if e.startswith("/") and e.endswith("/") and len(e) > 1:
            rx = re.compile(e[1:-1])
            match = lambda l: rx.search(l) is not None
        else:
            want = normalise(e)
            match = lambda l: l == want
        found = next((i for i in range(pos, len(lines)) if match(lines[i])), None)
        if found is None:
            failed += 1
            print(f"not ok {n} - expected, in order: {e}")
        else:
            pos = found + 1
            print(f"ok {n} - {e}")
    n += 1
    if rc == want_status:
        print(f"ok {n} - exit status {rc} in {took:.2f} s")
    else:
        failed += 1
        what = "timed out" if rc is None else f"exit status {rc}"
        print(f"not ok {n} - {what}, wanted {want_status}")
    return n, failed


def run_all(a, cmd, boots, transcript, n, det):
    """Every boot of the scenario on a fresh disk; (cases, failures, transcripts). det:
    None, or the pass (1, 2) and a directory for recordings."""
    disk = None
    if "@DISK@" in cmd:
        fd, disk = tempfile.mkstemp(prefix="sos-scenario-", suffix=".img")
        os.close(fd)
        cmd = [disk if c == "@DISK@" else c for c in cmd]
    failed, outs = 0, []
    try:
        for k, (inp, exp, status, host) in enumerate(boots):
            if a.settle:
                inp = [SETTLE] + inp
            outs.append([])
            d = det and {"pass": det[0], "rec": os.path.join(det[1], f"boot{k + 1}.rec")}
            n, f = run_boot(cmd, inp, exp, status, a.timeout, n, outs[-1], d)
            failed += f
            for h in host:
                n += 1
                failed += run_host(h, disk, n)
    finally:
        if disk:
            os.unlink(disk)
    if transcript is not None:
        transcript.extend(o[0] for o in outs)
    return n, failed, [o[0] for o in outs]


def canon(t):
    """A transcript with a recorded or replayed run's closing lines said as a
    deterministic run's."""
    t = re.sub(r"^serviceos-sim: (recorded|replayed) run:", "serviceos-sim: deterministic run:",
               t, flags=re.M)
    return re.sub(r"^serviceos-sim: replay of .*: the same \d+ events as recorded\n", "", t,
                  flags=re.M)


def compare_runs(first, second, n):
    """One TAP case per boot: the second run's transcript and trace are the first's."""
    failed = 0
    for i, (x, y) in enumerate(zip(map(canon, first), map(canon, second))):
        n += 1
        hx, hy = TRACE.search(x), TRACE.search(y)
        if x == y:
            what = hx.group(0)[15:] if hx else "no power-off (no trace hash)"
            print(f"ok {n} - boot {i + 1} again: the same transcript, {what}")
            continue
        failed += 1
        xl, yl = x.splitlines(), y.splitlines()
        k = next((j for j in range(min(len(xl), len(yl))) if xl[j] != yl[j]), min(len(xl), len(yl)))
        why = f"line {k + 1} differs: {xl[k] if k < len(xl) else '<end>'!r} then {yl[k] if k < len(yl) else '<end>'!r}"
        print(f"not ok {n} - boot {i + 1} again: not deterministic: {why}")
    return n, failed


def is_sim(cmd):
    return bool(cmd) and os.path.basename(cmd[0]) == "serviceos-sim"


def live_only(cmd):
    """Why COMMAND cannot run deterministic (docs/sim.md), or None."""
    for opt, ok in (("--net", "none"), ("--cpus", "1"), ("--audio", "none")):
        if opt in cmd[:-1] and cmd[cmd.index(opt) + 1] != ok:
            return f"{opt} {cmd[cmd.index(opt) + 1]}"
    if "--isolate" in cmd:  # a deterministic run is one host process
        return "--isolate"
    return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--scenario", required=True)
    ap.add_argument("--timeout", type=float, default=60)
    ap.add_argument("--transcript")
    ap.add_argument("--settle", action="store_true")
    ap.add_argument("--seed", type=int, default=int(os.environ.get("SOS_SIM_SEED", "1")))
    ap.add_argument("--nondeterministic", action="store_true")
    ap.add_argument("--once", action="store_true")
    ap.add_argument("cmd", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    cmd = a.cmd[1:] if a.cmd and a.cmd[0] == "--" else a.cmd
    det = is_sim(cmd) and not a.nondeterministic and not live_only(cmd)
    if is_sim(cmd) and not det:
        print(f"# live mode (not deterministic): {live_only(cmd) or '--nondeterministic'}")
    if det:
        cmd = cmd[:1] + ["--deterministic", "--seed", str(a.seed)] + cmd[1:]
    boots = parse(a.scenario)
    transcript = [] if a.transcript else None
    recs = tempfile.mkdtemp(prefix="sos-scenario-rec-") if det else None
    try:
        n, failed, first = run_all(a, cmd, boots, transcript, 0, det and (1, recs))
        if det and not a.once:
            sys.stderr.write("# run-scenario: the same scenario again, same seed\n")
            n, f, second = run_all(a, cmd, boots, None, n, (2, recs))
            n, f2 = compare_runs(first, second, n)
            failed += f + f2
    finally:
        if recs:
            shutil.rmtree(recs)
    if a.transcript:
        with open(a.transcript, "w") as f:
            f.write("".join(transcript))
    print(f"1..{n}")
    if failed and det:
        inp = "\\n".join(l for l in boots[0][0] if not l.startswith(WAIT_FOR))
        print(f"# deterministic run with seed {a.seed}; reproduce (first boot) with:")
        print(f"#   printf '{inp}\\n' | {' '.join(cmd)}")
        print(f"# (@DISK@: a fresh empty file; other seeds: SOS_SIM_SEED=N)")
    return 1 if failed else 0


sys.exit(main())
