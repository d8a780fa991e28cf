#!/usr/bin/env python3
"""Build the fuzz targets with clang (libFuzzer, ASan, UBSan) and run each for a while.

    tests/fuzz/run-fuzz.py                     every target, 60 s each
    tests/fuzz/run-fuzz.py syscalls -s 600     one target, 10 minutes
    tests/fuzz/run-fuzz.py --long              every target, an hour each
    tests/fuzz/run-fuzz.py --merge syscalls    fold new finds into the committed corpus

The clang build is this project configured again in its own directory (default
build-fuzz; the meson test 'fuzz' uses <builddir>/fuzz-clang) with
-fsanitize=fuzzer-no-link in c_args, which makes tests/fuzz/meson.build link the
targets with libFuzzer. Only the fuzz executables are built there.

Each target fuzzes from its committed seeds (tests/fuzz/corpus/<name>/, read only) and
a work corpus in the build directory (new finds go there). A crash leaves its input in
<builddir>/artifacts/; add it to the seed corpus with a unit test before fixing it.

Prints TAP, one line per target: runs, seconds, and whether anything crashed.
SOS_FUZZ_SECONDS overrides the time per target; with --ci (what the meson test
passes) the whole run also stays under SOS_FUZZ_TOTAL seconds (default 210).
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time

SRC = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FUZZ_DIR = os.path.join(SRC, "tests", "fuzz")
C_ARGS = "-fsanitize=fuzzer-no-link -fno-sanitize-recover=all -fno-omit-frame-pointer"
# Kernel threads switch stacks under ASan (the test HAL announces them as fibers): no
# fake stacks. No symbolizer while fuzzing: forking it from a big fuzzing process can
# fail and hang the crash report; a crash's input is re-run afterwards with one.
ASAN_BASE = "detect_stack_use_after_return=0:abort_on_error=1"
SANITIZER_ENV = {
    "ASAN_OPTIONS": ASAN_BASE + ":symbolize=0",
    "UBSAN_OPTIONS": "print_stacktrace=1:halt_on_error=1:symbolize=0",
}
SYMBOLIZED_ENV = {
    "ASAN_OPTIONS": ASAN_BASE + ":symbolize=1",
    "UBSAN_OPTIONS": "print_stacktrace=1:halt_on_error=1:symbolize=1",
    "FZ_TRACE": "1",
}
GRACE = 300  # seconds past -max_total_time before a run counts as hung


def sources_present():
    names = []
    for f in sorted(os.listdir(FUZZ_DIR)):
        m = re.fullmatch(r"fuzz_([a-z0-9_]+)\.c", f)
        if m and m.group(1) != "replay":
            names.append(m.group(1))
    return names


def targets_defined(builddir):
    """The fuzz-<name> executables tests/fuzz/meson.build defines in the clang build."""
    r = subprocess.run(["meson", "introspect", "--targets", builddir],
                       capture_output=True, text=True)
    if r.returncode:
        return []
    names = []
    for t in json.loads(r.stdout):
        m = re.fullmatch(r"fuzz-([a-z0-9_]+)", t["name"])
        if m and t["type"] == "executable":
            names.append(m.group(1))
    return sorted(names)


def log_tail(path, n=30):
    try:
        with open(path, errors="replace") as f:
            return f.read().splitlines()[-n:]
    except OSError:
        return []


def diag(lines):
    for line in lines:
        print("# " + line)


def have_libfuzzer():
    clang = shutil.which("clang")
    if not clang:
        return None, "clang not found (install clang and libclang-rt-14-dev)"
    probe = subprocess.run(
        [clang, "-fsanitize=fuzzer", "-x", "c", "-", "-o", os.devnull],
        input="#include <stdint.h>\n#include <stddef.h>\n"
        "int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { return 0; }\n",
        capture_output=True, text=True)
    if probe.returncode:
        return None, "clang cannot link libFuzzer (install libclang-rt-14-dev)"
    return clang, None


def configure(builddir, clang):
    """Set the clang build up (once); raises with the log's path."""
    configured = os.path.exists(os.path.join(builddir, "build.ninja"))
    if not configured and os.path.isdir(builddir):
        shutil.rmtree(builddir)  # a setup that failed half way
    os.makedirs(builddir, exist_ok=True)
    log = os.path.join(builddir, "fuzz-build.log")
    env = dict(os.environ, CC=clang)
    with open(log, "w") as out:
        cmd = ["meson", "setup", builddir, SRC, "--buildtype=debugoptimized",
               "-Db_sanitize=address,undefined", "-Db_lundef=false", "-Dc_args=" + C_ARGS]
        if configured:  # picks up new meson.build lines
            cmd = ["meson", "setup", "--reconfigure", builddir, SRC]
        if subprocess.run(cmd, stdout=out, stderr=subprocess.STDOUT, env=env).returncode:
            raise RuntimeError(log)


def build(builddir, clang, names):
    """Returns the path of each target's executable, or raises with the log's path."""
    log = os.path.join(builddir, "fuzz-build.log")
    env = dict(os.environ, CC=clang)
    with open(log, "a") as out:
        exes = ["tests/fuzz/fuzz-" + n for n in names]
        r = subprocess.run(["ninja", "-C", builddir, "-j2"] + exes,
                           stdout=out, stderr=subprocess.STDOUT, env=env)
        if r.returncode:
            raise RuntimeError(log)
    return {n: os.path.join(builddir, "tests", "fuzz", "fuzz-" + n) for n in names}


def fuzz_one(name, exe, seconds, builddir, merge=False):
    """Run one target; returns (ok, summary, log path)."""
    seeds = os.path.join(FUZZ_DIR, "corpus", name)
    work = os.path.join(builddir, "corpus", name)
    arts = os.path.join(builddir, "artifacts")
    logs = os.path.join(builddir, "logs")
    for d in (seeds, work, arts, logs):
        os.makedirs(d, exist_ok=True)
    log = os.path.join(logs, name + ".log")
    env = dict(os.environ, **SANITIZER_ENV)
    if merge:
        cmd = [exe, "-merge=1", "-max_len=4096", seeds, work]
    else:
        cmd = [exe, "-max_total_time=%d" % seconds, "-timeout=30", "-max_len=4096",
               "-rss_limit_mb=4096", "-print_final_stats=1",
               "-artifact_prefix=" + os.path.join(arts, name + "-"), work, seeds]
    start = time.monotonic()
    with open(log, "w") as out:
        try:
            r = subprocess.run(cmd, stdout=out, stderr=subprocess.STDOUT, env=env,
                               timeout=seconds + GRACE)
        except subprocess.TimeoutExpired:
            return False, "still running %d s past its time: hung" % GRACE, log
    took = time.monotonic() - start
    text = "\n".join(log_tail(log, 400))
    if merge:
        return r.returncode == 0, "merged into %s" % seeds, log
    runs = re.findall(r"stat::number_of_executed_units:\s*(\d+)", text)
    runs = runs[-1] if runs else "?"
    speed = re.findall(r"stat::average_exec_per_sec:\s*(\d+)", text)
    speed = (", %s/s" % speed[-1]) if speed else ""
    if r.returncode == 0 and "Done " in text:
        return True, "%s runs in %.0f s%s, no crash" % (runs, took, speed), log
    art = re.findall(r"Test unit written to (\S+)", text)
    where = ("; input kept in " + art[-1]) if art else ""
    if art:  # once more, alone, with a trace of each call and a symbolized stack
        replay = os.path.join(logs, name + "-crash.log")
        with open(replay, "w") as out:
            try:
                subprocess.run([exe, art[-1]], stdout=out, stderr=subprocess.STDOUT,
                               env=dict(os.environ, **SYMBOLIZED_ENV), timeout=120)
            except subprocess.TimeoutExpired:
                pass
        log = replay
    return False, "crashed after %.0f s (exit %d)%s" % (took, r.returncode, where), log


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("targets", nargs="*", help="target names (default: every fuzz_*.c)")
    ap.add_argument("--builddir", default=os.path.join(SRC, "build-fuzz"))
    ap.add_argument("-s", "--seconds", type=int, help="time per target")
    ap.add_argument("--long", action="store_true", help="an hour per target")
    ap.add_argument("--ci", action="store_true", help="keep the total under SOS_FUZZ_TOTAL")
    ap.add_argument("--merge", action="store_true",
                    help="minimise the work corpus into the committed seeds")
    a = ap.parse_args()

    clang, why = have_libfuzzer()
    if not clang:
        print("1..0 # SKIP " + why)
        return 0
    try:
        configure(a.builddir, clang)
    except RuntimeError as e:
        print("1..1\nnot ok 1 - fuzz: configuring the clang build failed (%s)" % e)
        diag(log_tail(str(e)))
        return 1
    defined = targets_defined(a.builddir)
    names = a.targets or defined
    for n in sources_present():
        if n not in defined:
            print("# tests/fuzz/fuzz_%s.c is not in fuzz_targets (tests/fuzz/meson.build)" % n)
    seconds = a.seconds or int(os.environ.get("SOS_FUZZ_SECONDS", 3600 if a.long else 60))
    if a.ci and names:
        total = int(os.environ.get("SOS_FUZZ_TOTAL", 210))
        seconds = max(5, min(seconds, total // len(names)))
    print("1..%d" % len(names))
    sys.stdout.flush()
    missing = [n for n in names if n not in defined]
    try:
        exes = build(a.builddir, clang, [n for n in names if n in defined])
    except RuntimeError as e:
        for i, n in enumerate(names, 1):
            print("not ok %d - %s: the clang fuzz build failed (%s)" % (i, n, e))
        diag(log_tail(str(e)))
        return 1
    failed = 0
    for i, n in enumerate(names, 1):
        if n in missing:
            print("not ok %d - %s: no such target in tests/fuzz/meson.build" % (i, n))
            failed += 1
            continue
        ok, summary, log = fuzz_one(n, exes[n], seconds, a.builddir, a.merge)
        print("%s %d - %s: %s" % ("ok" if ok else "not ok", i, n, summary))
        if not ok:
            failed += 1
            diag(["log: " + log] + log_tail(log))
        sys.stdout.flush()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
