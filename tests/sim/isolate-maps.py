#!/usr/bin/env python3
"""What a --isolate stub process holds, read from the host's /proc (TAP).

usage: isolate-maps.py -- SIM_COMMAND...   (the command gets --isolate from the caller)

Boots the simulator to the shell prompt, then for every stub process (the simulator's
children) checks what docs/sim.md promises for --isolate:
  - its mappings are only its own image, its two control pages, the arena (user pages)
    and anonymous PROT_NONE reservations: no simulator binary, no libc, no heap, no
    stack or vDSO of Linux's (the legacy [vsyscall] page cannot be removed; its
    emulated calls go through seccomp like any other);
  - its user pages all lie in one 4 GiB window, and no two stubs share a window;
  - none of its mappings overlaps the simulator's own executable;
  - both of its threads (the one vCPU's runner, the mapper) run under seccomp;
  - its open files are exactly fds 3..6 (arena, control pages, answer pipe, its image).
Then powers off and checks every stub is gone.
"""
import os
import re
import subprocess
import sys
import time

WINDOW = 4 << 30
ALLOWED = {"/memfd:serviceos-ram (deleted)", "/memfd:serviceos-stub-ctl (deleted)",
           "/memfd:serviceos-stub (deleted)", "", "[vsyscall]"}
STUB_IMAGE_END = 0x10100000  # the stub is linked at 0x10000000 and is a few pages long

results = []


def check(ok, what):
    results.append((bool(ok), what))


def maps(pid):
    out = []
    for line in open("/proc/%d/maps" % pid):
        parts = line.split(None, 5)
        lo, hi = (int(x, 16) for x in parts[0].split("-"))
        out.append((lo, hi, parts[1], parts[5].strip() if len(parts) > 5 else ""))
    return out


def children(pid):
    kids = []
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            stat = open("/proc/%s/stat" % d).read()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            kids.append(int(d))
    return kids


def alive(pid):
    try:  # a zombie waiting for a reaper is gone for this purpose
        return open("/proc/%d/stat" % pid).read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def check_stub(pid, sim_ranges, windows):
    m = maps(pid)
    odd = [p for _, _, _, p in m if p not in ALLOWED]
    check(not odd, "stub %d maps nothing but its image, control pages and user pages %s"
          % (pid, odd[:3]))
    user = [(lo, hi) for lo, hi, _, p in m
            if p == "/memfd:serviceos-ram (deleted)" or (p == "" and lo >= STUB_IMAGE_END)]
    lo, hi = min(u[0] for u in user), max(u[1] for u in user)
    check(hi - lo <= WINDOW, "stub %d: its user pages lie in one 4 GiB window" % pid)
    check(all(not (lo < w_hi and w_lo < hi) for w_lo, w_hi in windows),
          "stub %d: its window is no other stub's" % pid)
    windows.append((lo, hi))
    check(all(not (a < s_hi and s_lo < b) for a, b, _, _ in m for s_lo, s_hi in sim_ranges),
          "stub %d: nothing where the simulator's executable is" % pid)
    tasks = os.listdir("/proc/%d/task" % pid)
    sec = [re.search(r"^Seccomp:\s*(\d)", open("/proc/%d/task/%s/status" % (pid, t)).read(),
                     re.M).group(1) for t in tasks]
    check(len(tasks) == 2 and sec == ["2", "2"], "stub %d: two threads, both under a seccomp "
          "filter (%s)" % (pid, sec))
    fds = sorted(int(f) for f in os.listdir("/proc/%d/fd" % pid))
    check(fds == [3, 4, 5, 6], "stub %d: open files are fds 3..6 only (%s)" % (pid, fds))


def main():
    cmd = sys.argv[sys.argv.index("--") + 1:]
    sim = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT)
    # once every service of the boot is ready and the shell waits, no process starts or
    # ends: no stub read below is half set up or gone
    sim.stdin.write(b"uptime --wait 60\n")
    sim.stdin.flush()
    out, deadline = b"", time.time() + 60
    os.set_blocking(sim.stdout.fileno(), False)
    while out.count(b"serviceos> ") < 2 and time.time() < deadline and sim.poll() is None:
        out += sim.stdout.read() or b""
        time.sleep(0.05)
    check(b"every service ready" in out and out.count(b"serviceos> ") >= 2,
          "the shell prompt under --isolate, every service ready")
    exe = os.path.realpath("/proc/%d/exe" % sim.pid)
    sim_ranges = [(lo, hi) for lo, hi, _, p in maps(sim.pid) if p == exe]
    stubs = children(sim.pid)
    check(len(stubs) >= 5, "one stub per process: %d stubs" % len(stubs))
    windows = []
    for pid in stubs:
        try:
            check_stub(pid, sim_ranges, windows)
        except (OSError, ValueError) as e:
            check(False, "stub %d readable (%s)" % (pid, e))
    sim.stdin.write(b"poweroff\n")
    sim.stdin.close()
    try:
        status = sim.wait(timeout=30)
    except subprocess.TimeoutExpired:
        sim.kill()
        status = sim.wait()
    check(status == 0, "powered off with status 0 (%d)" % status)
    deadline = time.time() + 10  # the kill is sent as the simulator exits; dying takes a moment
    while time.time() < deadline and [p for p in stubs if alive(p)]:
        time.sleep(0.05)
    left = [p for p in stubs if alive(p)]
    check(not left, "every stub is gone after the power-off %s" % left)
    print("1..%d" % len(results))
    for i, (ok, what) in enumerate(results, 1):
        print("%s %d - %s" % ("ok" if ok else "not ok", i, what))
    return 0 if all(ok for ok, _ in results) else 1


if __name__ == "__main__":
    sys.exit(main())
