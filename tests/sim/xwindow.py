"""Helpers for the window tests (input-window.py, display-window.py): a child whose
output is read by line, TAP output, a private Xvfb, xdotool, finding the window, and
running checks under a fresh Xvfb (or TAP SKIP without the tools)."""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time


class Proc:
    """A child whose output is collected by a thread, so it can be waited on by line."""

    def __init__(self, cmd, env=None, stdin=subprocess.DEVNULL, stderr=subprocess.STDOUT):
        self.p = subprocess.Popen(cmd, stdin=stdin, stdout=subprocess.PIPE,
                                  stderr=stderr, env=env)
        self.out = ""
        self.lock = threading.Lock()
        self.t = threading.Thread(target=self._read, daemon=True)
        self.t.start()

    def _read(self):
        for chunk in iter(lambda: self.p.stdout.read1(4096), b""):
            with self.lock:
                self.out += chunk.decode("utf-8", "replace")

    def text(self):
        with self.lock:
            return self.out.replace("\r", "")

    def wait_for(self, pattern, timeout):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if re.search(pattern, self.text(), re.M):
                return True
            if self.p.poll() is not None:
                self.t.join(1)
                return bool(re.search(pattern, self.text(), re.M))
            time.sleep(0.05)
        return False

    def finish(self, timeout):
        try:
            rc = self.p.wait(timeout)
        except subprocess.TimeoutExpired:
            self.p.kill()
            rc = self.p.wait()
        self.t.join(2)
        return rc


class Tap:
    def __init__(self):
        self.n = 0
        self.failed = 0

    def check(self, ok, what, detail=""):
        self.n += 1
        if not ok:
            self.failed += 1
        # a detail of several lines goes on as TAP comments ("# "), not as stray lines
        detail = str(detail).replace("\n", "\n# ")
        print(f"{'ok' if ok else 'not ok'} {self.n} - {what}" + ("" if ok else f": {detail}"))
        sys.stdout.flush()

    def skip(self, what, why):
        self.n += 1
        print(f"ok {self.n} - {what} # SKIP {why}")


def start_xvfb():
    r, w = os.pipe()
    x = subprocess.Popen(["Xvfb", "-displayfd", str(w), "-screen", "0", "1280x1024x24",
                          "-nolisten", "tcp"], pass_fds=(w,), stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL)
    os.close(w)
    num = b""
    end = time.monotonic() + 10
    while time.monotonic() < end and not num.endswith(b"\n"):
        c = os.read(r, 1)
        if not c:
            break
        num += c
    os.close(r)
    if not num.strip():
        x.kill()
        x.wait()
        return None, None
    return x, ":" + num.decode().strip()


def xdo(env, *args):
    return subprocess.run(["xdotool"] + [str(a) for a in args], env=env, timeout=20,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT).stdout.decode()


def find_window(env):
    out = xdo(env, "search", "--sync", "--onlyvisible", "--name", "^ServiceOS$")
    ids = out.split()
    return ids[-1] if ids else None


def under_xvfb(tap, what, tools, fn):
    """Run fn(env) with a private Xvfb and SDL on it; TAP SKIP when the tools or the
    server are missing. XDG_DATA_HOME is a fresh directory, so no user disk is used."""
    missing = [t for t in tools if not shutil.which(t)]
    if missing:
        tap.skip(what, " and ".join(missing) + " not installed")
        return
    xvfb, display = start_xvfb()
    if not xvfb:
        tap.skip(what, "Xvfb did not start")
        return
    env = dict(os.environ, DISPLAY=display, SDL_VIDEODRIVER="x11")
    env.pop("WAYLAND_DISPLAY", None)
    env["XDG_DATA_HOME"] = tempfile.mkdtemp(prefix="sos-window-")
    try:
        fn(env)
    finally:
        xvfb.terminate()
        try:
            xvfb.wait(5)
        except subprocess.TimeoutExpired:
            xvfb.kill()
        shutil.rmtree(env["XDG_DATA_HOME"], ignore_errors=True)
