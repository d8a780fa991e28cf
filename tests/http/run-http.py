#!/usr/bin/env python3
"""tests/http/run-http.py - the HTTP client and TLS transport of services/clients against
real servers on 127.0.0.1, through the host build of tests/http/http_get.c.

Plain HTTP: a server from Python's http.server (in a thread of this script) serves a
1 MiB+ file (Content-Length), the same bytes with chunked transfer coding (random chunk
sizes, chunk extensions, a trailer), a chain of redirects (301, 302, 303, 307, 308 with
relative, absolute-path and absolute Locations), a redirect loop and a 404; a socket
that accepts and never answers checks the deadline. TLS: the script makes a test CA, a
second unrelated CA and a server certificate for "localhost" with `openssl req/x509`,
runs `openssl s_server -WWW` on the file, and checks that the fetch succeeds when the
test CA is trusted, fails with "certificate not trusted" under the other CA, and fails
with "does not match host name" for another name. Every server listens on 127.0.0.1 only.

Usage: run-http.py HTTP_GET_BINARY      (prints TAP; SKIPs without openssl)
"""
import hashlib
import http.server
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import threading

BIG = (1 << 20) + 4321


class Handler(http.server.SimpleHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    redirects = {  # path: (status, Location)
        "/r/1": (301, "2"), "/r/2": (302, "/r/3"), "/r/3": (303, "http://localhost:{port}/r/4"),
        "/r/4": (307, "x/../5"), "/r/5": (308, "../big.bin"), "/loop": (302, "/loop"),
    }

    def log_message(self, fmt, *args):
        pass

    def do_GET(self):
        self.close_connection = True
        if self.path in self.redirects:
            status, loc = self.redirects[self.path]
            self.send_response(status)
            self.send_header("Location", loc.format(port=self.server.server_port))
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif self.path == "/chunked":
            self.send_chunked()
        else:
            super().do_GET()

    def send_chunked(self):
        data = open(os.path.join(self.directory, "big.bin"), "rb").read()
        self.send_response(200)
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        rng = random.Random(7)
        pos = 0
        while pos < len(data):
            n = min(rng.choice([1, 17, 1000, 4096, 65536, 100000]), len(data) - pos)
            ext = ";name=value" if rng.random() < 0.3 else ""
            self.wfile.write(b"%x%s\r\n" % (n, ext.encode()) + data[pos:pos + n] + b"\r\n")
            pos += n
        self.wfile.write(b"0\r\nX-Trailer: done\r\n\r\n")


def openssl(*args, cwd):
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True)


def make_certs(d):
    for ca in ("ca", "other"):
        openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-keyout", ca + ".key", "-out", ca + ".pem", "-days", "2",
                "-subj", "/CN=ServiceOS test " + ca, cwd=d)
    with open(os.path.join(d, "ext.cnf"), "w") as f:
        f.write("subjectAltName=DNS:localhost\nbasicConstraints=CA:FALSE\n"
                "keyUsage=digitalSignature\nextendedKeyUsage=serverAuth\n")
    openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
            "-keyout", "srv.key", "-out", "srv.csr", "-subj", "/CN=localhost", cwd=d)
    openssl("x509", "-req", "-in", "srv.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
            "-CAcreateserial", "-out", "srv.pem", "-days", "2", "-extfile", "ext.cnf", cwd=d)


def start_s_server(d):
    """openssl s_server -WWW on a free port; returns (process, port)."""
    for _ in range(5):
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
        s.close()
        p = subprocess.Popen(["openssl", "s_server", "-accept", "127.0.0.1:%d" % port,
                              "-cert", "srv.pem", "-key", "srv.key", "-WWW", "-quiet"],
                             cwd=d, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE)
        for _ in range(100):  # up to 5 s for it to listen
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                return p, port
            except OSError:
                if p.poll() is not None:
                    break
                threading.Event().wait(0.05)
        p.kill()
        p.wait()
    raise RuntimeError("openssl s_server did not start")


class Tap:
    def __init__(self):
        self.n = 0
        self.failed = 0

    def check(self, name, ok, detail=""):
        self.n += 1
        self.failed += 0 if ok else 1
        print("%s %d - %s" % ("ok" if ok else "not ok", self.n, name))
        if detail and not ok:
            print("# " + detail.replace("\n", "\n# "))


def main():
    if len(sys.argv) != 2:
        print(__doc__)
        return 2
    exe = sys.argv[1]
    if not shutil.which("openssl"):
        print("1..0 # SKIP openssl not installed (Debian package openssl)")
        return 0
    d = tempfile.mkdtemp(prefix="sos-http-")
    data = random.Random(1).randbytes(BIG)
    with open(os.path.join(d, "big.bin"), "wb") as f:
        f.write(data)
    want = "bytes=%d sha256=%s" % (BIG, hashlib.sha256(data).hexdigest())
    make_certs(d)

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0),
                                            lambda *a: Handler(*a, directory=d))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    port = httpd.server_port
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(4)  # accepts (in the kernel) and never answers
    tls, tport = start_s_server(d)

    def get(url, *args):
        r = subprocess.run([exe, *args, url], capture_output=True, text=True, timeout=60)
        return r.returncode, (r.stdout + r.stderr).strip()

    tap = Tap()
    print("1..11")
    try:
        base = "http://localhost:%d" % port
        rc, out = get(base + "/big.bin")
        tap.check("http: 1 MiB+ with Content-Length, SHA-256 matches", rc == 0 and want in out, out)
        rc, out = get(base + "/chunked")
        tap.check("http: chunked with extensions and a trailer, SHA-256 matches",
                  rc == 0 and want in out, out)
        rc, out = get(base + "/r/1")
        tap.check("http: 301 302 303 307 308, relative Locations, then the file",
                  rc == 0 and want in out and "redirects=5" in out and
                  out.endswith("url=%s/big.bin" % base), out)
        rc, out = get(base + "/r/1", "--redirects", "4")
        tap.check("http: the same chain with a bound of 4 fails",
                  rc == 1 and "too many redirects (more than 4)" in out, out)
        rc, out = get(base + "/loop")
        tap.check("http: a redirect loop stops", rc == 1 and "too many redirects" in out, out)
        rc, out = get(base + "/missing")
        tap.check("http: 404", rc == 1 and "server answered 404" in out, out)
        rc, out = get("http://localhost:%d/" % silent.getsockname()[1], "--timeout-ms", "300")
        tap.check("http: a server that never answers times out", rc == 1 and "timed out" in out, out)
        tbase = "https://localhost:%d" % tport
        rc, out = get(tbase + "/big.bin", "--ca", os.path.join(d, "ca.pem"))
        tap.check("https: trusted test CA, 1 MiB+, SHA-256 matches", rc == 0 and want in out, out)
        rc, out = get(tbase + "/big.bin", "--ca", os.path.join(d, "other.pem"))
        tap.check("https: another CA: certificate not trusted",
                  rc == 1 and "certificate not trusted" in out, out)
        rc, out = get("https://wrong.example:%d/big.bin" % tport, "--ca", os.path.join(d, "ca.pem"))
        tap.check("https: wrong host name", rc == 1 and "does not match host name" in out, out)
        rc, out = get(tbase + "/big.bin", "--ca", os.path.join(d, "srv.key"))
        tap.check("https: a trust store without certificates is refused",
                  rc == 1 and "no certificates" in out, out)
    finally:
        tls.kill()
        tls.wait()
        httpd.shutdown()
        silent.close()
        shutil.rmtree(d, ignore_errors=True)
    return 1 if tap.failed else 0


if __name__ == "__main__":
    sys.exit(main())
