"""A scripted shell session on a running system: send a line, wait for output.

The system's output is collected by a thread; wait_for() waits (with a deadline) for
a regular expression to appear after the last match, so a test reacts to what the
system said instead of sleeping a guessed time.
"""
import re
import subprocess
import threading
import time


class Session:
    def __init__(self, cmd, env=None):
        self.p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT, env=env)
        self.out, self.pos = "", 0
        self.lock = threading.Lock()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for chunk in iter(lambda: self.p.stdout.read1(4096), b""):
            with self.lock:
                self.out += chunk.decode("utf-8", "replace")

    def send(self, line):
        self.p.stdin.write((line + "\n").encode())
        self.p.stdin.flush()

    def wait_for(self, pattern, timeout):
        """The match object, or None at the deadline."""
        until = time.monotonic() + timeout
        while time.monotonic() < until:
            with self.lock:
                m = re.compile(pattern).search(self.out, self.pos)
                if m:
                    self.pos = m.end()
                    return m
            if self.p.poll() is not None:
                time.sleep(0.1)
                with self.lock:
                    m = re.compile(pattern).search(self.out, self.pos)
                if m:
                    self.pos = m.end()
                return m
            time.sleep(0.02)
        return None

    def run(self, line, pattern, timeout=30):
        self.send(line)
        return self.wait_for(pattern, timeout)

    def finish(self, timeout=60):
        try:
            self.send("poweroff")
            self.p.stdin.close()
        except OSError:
            pass
        try:
            return self.p.wait(timeout)
        except subprocess.TimeoutExpired:
            self.p.kill()
            return None

    def wait_background_tone(self, polls=100):
        """Ask `audio streams` until the shell's background tone is done (or gone)."""
        for _ in range(polls):
            time.sleep(0.1)
            m = self.run("audio streams", r"background tone \d+ Hz \d+ s: (done|playing)[^\n]*\n", 10)
            if not m or m.group(1) == "done":
                return
