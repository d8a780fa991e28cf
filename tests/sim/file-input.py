#!/usr/bin/env python3
"""Standard input that is a regular file larger than the console ring (64 KiB) is read
whole, in order, without crashing the host (regression: when the ring filled, the room
the vCPUs made could start a second read of the file while one was still in flight, and
libuv's workers crashed at pc 0 in most runs).

usage: file-input.py KIB RUNS -- COMMAND...

Writes a file of about KIB KiB: 16 KiB chunks, each a line `echo chunk N` and then a
line of spaces too long for the console (refused with a message: it makes the console
read and edit the bulk of the flood), then `poweroff`.
Runs COMMAND with that file as standard input RUNS times; each run is one TAP case:
every chunk must come back once, in order, no process may fault, and the simulator must
exit 0 (regression: an async signal landing in a signal handler was redirected into the
core on the shared signal stack, and under this flood the console service crashed in
about one run in five on a loaded machine).
"""
import os
import subprocess
import sys
import tempfile

LINE = 16 * 1024


def main():
    args = sys.argv[1:]
    sep = args.index("--")
    kib, runs = int(args[0]), int(args[1])
    cmd = args[sep + 1:]
    chunks = max(1, kib * 1024 // LINE)
    with tempfile.NamedTemporaryFile("wb", prefix="file-input-", suffix=".txt", delete=False) as f:
        for i in range(chunks):
            head = f"echo chunk {i}\n".encode()
            f.write(head + b" " * (LINE - len(head) - 1) + b"\n")
        f.write(b"poweroff\n")
        path = f.name
    size = os.path.getsize(path)
    failed = 0
    try:
        for r in range(1, runs + 1):
            with open(path, "rb") as inp:
                try:
                    p = subprocess.run(cmd, stdin=inp, stdout=subprocess.PIPE,
                                       stderr=subprocess.STDOUT, timeout=120)
                    out, rc = p.stdout.decode("utf-8", "replace"), p.returncode
                except subprocess.TimeoutExpired as e:
                    out, rc = (e.stdout or b"").decode("utf-8", "replace"), "timeout"
            seen = [l.strip() for l in out.replace("\r", "").split("\n")
                    if l.strip().startswith("chunk ")]
            whole = seen == [f"chunk {i}" for i in range(chunks)]
            faults = [l.strip() for l in out.splitlines() if " faulted" in l]
            ok = whole and not faults and rc == 0
            failed += not ok
            print(f"{'ok' if ok else 'not ok'} {r} - run {r}: a {size}-byte file as standard "
                  f"input: {len(seen)} of {chunks} chunks in order, exit {rc}")
            if not ok:
                print(f"# chunks seen: {' '.join(c.split()[1] for c in seen)}")
                for l in faults[:5]:
                    print("# " + l)
                for l in out.splitlines()[-15:]:
                    print("# " + l)
    finally:
        os.unlink(path)
    print(f"1..{runs}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
