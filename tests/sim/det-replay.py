#!/usr/bin/env python3
"""Record an interactive-style session and replay it (docs/sim.md, record and replay).

usage: det-replay.py [--net] -- SIM ARGS...  (ARGS without --disk: the test makes its own)

1. A session typed with pauses (a file written to the disk, read back, a listing) runs
   with --record on a fresh disk; the disk's first state is kept aside.
2. --replay on a copy of that first state: exit 0, the same trace hash, the same
   console output, "the same N events as recorded".
3. The same replay with the hidden --test-det-jitter (the clock nudged at random at
   every jump): caught at the first idle point the clock jumps from, exit 72.
4. A replay on the disk as the recording left it is refused (another disk), a
   truncated record file too, and --record with two vCPUs.
5. On a terminal (a pty: raw mode, keys one at a time, Enter as a carriage return):
   recorded key by key, replayed to the same hash.

--net: the session runs on slirp (inside a private network namespace: in-netns.py):
the DHCP lease and pings of the gateway are frames recorded as they came; the replay
touches no host network (its card's frames come from the file) and reaches the same
hash. The disk cases are left out (no disk).
"""
import os
import pty
import re
import select
import shutil
import subprocess
import sys
import tempfile
import threading
import time

TYPED = ["write /notes hello from the recording", "cat /notes", "uptime", "services", "poweroff"]
NET_TYPED = ["net ping 10.0.2.2", "poweroff"]
NET = sys.argv[1:2] == ["--net"]
if NET:
    TYPED = NET_TYPED
TRACE = re.compile(r"trace hash ([0-9a-f]{16})")
n = failed = 0


def case(ok, what):
    global n, failed
    n += 1
    failed += not ok
    print(f"{'ok' if ok else 'not ok'} {n} - {what}")


def run(cmd, stdin=subprocess.DEVNULL, timeout=120):
    p = subprocess.run(cmd, stdin=stdin, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       timeout=timeout)
    out = p.stdout.decode("utf-8", "replace")
    sys.stderr.write(out)
    return out, p.returncode


def record(sim, rec, disk):
    """Type the session with pauses, as a person would; (output, status). On the
    network, `net ifaces` is typed again every half second until the lease shows (a
    loaded host may take a while), as a person would look again."""
    p = subprocess.Popen(sim + ["--record", rec, "--disk", disk], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    out = bytearray()

    def read():
        for chunk in iter(lambda: p.stdout.read1(4096), b""):
            out.extend(chunk)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()

    def typed(line, pause):
        p.stdin.write((line + "\n").encode())
        p.stdin.flush()
        time.sleep(pause)

    time.sleep(0.5)
    for _ in range(60 if NET else 0):
        typed("net ifaces", 0.5)
        if b"(dhcp)" in out:
            break
    for line in TYPED:
        typed(line, 1 if NET else 0.3)
    p.stdin.close()
    rc = p.wait(60)
    reader.join(10)
    text = out.decode("utf-8", "replace")
    sys.stderr.write(text)
    return text, rc


def console(out):
    """The guest's output: without the simulator's own closing lines."""
    return "\n".join(l for l in out.splitlines() if not l.startswith("serviceos-sim: "))


def tty_case(sim, tmp):
    """Keys typed one at a time on a terminal, recorded and replayed."""
    rec = os.path.join(tmp, "tty.rec")
    pid, fd = pty.fork()
    if pid == 0:
        os.execv(sim[0], sim + ["--record", rec, "--disk", "none"])
    out = bytearray()

    def pump(seconds):
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            if select.select([fd], [], [], 0.05)[0]:
                try:
                    out.extend(os.read(fd, 65536))
                except OSError:
                    return

    pump(0.5)
    for line in ["echo typed key by key", "poweroff"]:
        for ch in line:
            os.write(fd, ch.encode())
            pump(0.03)
        os.write(fd, b"\r")
        pump(0.5)
    pump(3)
    rc = os.waitpid(pid, 0)[1] >> 8
    text = out.decode("utf-8", "replace")
    sys.stderr.write(text)
    h = TRACE.search(text)
    rout, rrc = run(sim + ["--replay", rec, "--disk", "none"])
    rh = TRACE.search(rout)
    case(rc == 0 and h and "typed key by key" in text and rrc == 0 and rh and
         rh.group(1) == h.group(1), "a session typed key by key on a terminal replays to the "
         f"same trace hash {h.group(1) if h else '?'}")


def net_main(sim, tmp):
    rec = os.path.join(tmp, "session.rec")
    out, rc = record(sim + ["--net", "slirp"], rec, "none")
    h = TRACE.search(out)
    case(rc == 0 and h and "reply from 10.0.2.2" in out and "(dhcp)" in out,
         "recorded a session on slirp: a DHCP lease, pings answered")
    rout, rrc = run(sim + ["--replay", rec, "--net", "slirp", "--disk", "none"])
    rh = TRACE.search(rout)
    case(rrc == 0 and rh and h and rh.group(1) == h.group(1) and "as recorded" in rout,
         f"replayed to the same trace hash {h.group(1) if h else '?'}")
    case(console(rout) == console(out), "the replay's console output is the recording's")
    nout, nrc = run(sim + ["--replay", rec, "--disk", "none"])
    case(nrc == 2 and "something else" in nout, "a replay without the card is refused")
    dout, drc = run(sim + ["--deterministic", "--net", "slirp", "--disk", "none"])
    case(drc == 2 and "--net none" in dout, "--deterministic with a live network is refused")


def main():
    args = sys.argv[2:] if NET else sys.argv[1:]
    sim = args[1:] if args[:1] == ["--"] else args
    tmp = tempfile.mkdtemp(prefix="sos-det-replay-")
    try:
        if NET:
            net_main(sim, tmp)
            return finish()
        rec, disk, first = (os.path.join(tmp, f) for f in ("session.rec", "disk.img", "first.img"))
        open(disk, "wb").close()
        out, rc = run(sim + ["--deterministic", "--disk", disk], subprocess.DEVNULL)
        shutil.copy(disk, first)  # a formatted store: the state the recording starts from
        out, rc = record(sim, rec, disk)
        h = TRACE.search(out)
        case(rc == 0 and h and "hello from the recording" in out, "recorded a session on a disk")
        shutil.copy(first, disk + ".replay")
        rout, rrc = run(sim + ["--replay", rec, "--disk", disk + ".replay"])
        rh = TRACE.search(rout)
        case(rrc == 0 and rh and h and rh.group(1) == h.group(1) and "as recorded" in rout,
             f"replayed to the same trace hash {h.group(1) if h else '?'}")
        case(console(rout) == console(out), "the replay's console output is the recording's")
        shutil.copy(first, disk + ".replay")
        jout, jrc = run(sim + ["--replay", rec, "--disk", disk + ".replay", "--test-det-jitter"])
        m = re.search(r"diverged at event (\d+) \(virtual time [\d.]+ s\): the recording has "
                      r"idle at virtual time (\d+) ns, this run idle at virtual time (\d+) ns", jout)
        case(jrc == 72 and m and m.group(2) != m.group(3),
             "injected clock jitter is caught at the first diverging event"
             + (f" (event {m.group(1)})" if m else ""))
        dout, drc = run(sim + ["--replay", rec, "--disk", disk])
        case(drc == 2 and "another disk" in dout, "a replay on another disk is refused")
        with open(rec, "rb") as f:
            data = f.read()
        with open(rec + ".cut", "wb") as f:
            f.write(data[:len(data) // 2])
        tout, trc = run(sim + ["--replay", rec + ".cut", "--disk", "none"])
        case(trc == 2 and "not a usable record file" in tout, "a truncated record file is refused")
        cout, crc = run(sim + ["--record", rec, "--cpus", "2", "--disk", "none"])
        case(crc == 2 and "one vCPU" in cout, "--record with two vCPUs is refused")
        tty_case(sim, tmp)
    finally:
        shutil.rmtree(tmp)
    return finish()


def finish():
    print(f"1..{n}")
    return 1 if failed else 0


sys.exit(main())
