"""host_http.py - the host side of the network scenarios' HTTP, HTTPS and file-server
cases (imported by run-dhcp.py --services).

In the test's work directory (which Python's http.server on :8080 serves) it puts
big.bin, 1 MiB of fresh random bytes (so no expected line can know its hash), and
hello.txt; it makes two certificate authorities with the `cryptography` package
(Debian python3-cryptography): the test CA, whose certificate is served as ca.pem
for the guest to fetch into its trust store, and an unknown one. Both sign a server
certificate for repo.test valid from 2026 to 2036, fixed dates, since ServiceOS has no
wall clock and the scenario gives it one (`config set network.tls.time 1800000000`,
January 2027). HTTPS servers (Python's ssl, TLS 1.2 or later) serve the same
directory: :8443 with the test CA's certificate, :8444 with the unknown one's. A
silent server on :7010 accepts connections and never answers (the client's timeout).

curl_client fetches big.bin from the guest's `net listen 8081 1 /big.bin` with curl;
check() reads the guest's transcript for what it printed and returns the cases.
"""
import datetime
import functools
import hashlib
import http.server
import os
import re
import shutil
import socket
import ssl
import subprocess
import threading
import time

BIG = 1 << 20
GUEST_FILE_URL = 'http://10.0.2.15:8081/big.bin'
HELLO = b'hello over https\n'


def have_cryptography():
    try:
        import cryptography.x509  # noqa: F401
        return True
    except ImportError:
        return False


def _cert(subject, issuer_name, issuer_key, key, ca, dns=None):
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)])
    b = (x509.CertificateBuilder().subject_name(name)
         .issuer_name(issuer_name or name).public_key(key.public_key())
         .serial_number(x509.random_serial_number())
         .not_valid_before(datetime.datetime(2026, 1, 1))
         .not_valid_after(datetime.datetime(2036, 1, 1))
         .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True))
    if ca:
        b = b.add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False),
                            critical=True)
    else:
        b = (b.add_extension(x509.SubjectAlternativeName([x509.DNSName(dns)]), critical=False)
             .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False))
    return b.sign(issuer_key or key, hashes.SHA256()), name


def make_pki(work, tag):
    """A CA (tag) and its server certificate for repo.test: (ca.pem, cert.pem, key.pem)."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    ca_key, key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    ca, ca_name = _cert(f'ServiceOS {tag} test CA', None, None, ca_key, True)
    srv, _ = _cert('repo.test', ca_name, ca_key, key, False, 'repo.test')
    paths = [os.path.join(work, f'{tag}-{n}.pem') for n in ('ca', 'cert', 'key')]
    pem = serialization.Encoding.PEM
    for path, data in zip(paths, (ca.public_bytes(pem), srv.public_bytes(pem),
                                  key.private_bytes(pem, serialization.PrivateFormat.PKCS8,
                                                    serialization.NoEncryption()))):
        with open(path, 'wb') as f:
            f.write(data)
    return paths


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def https_server(host, port, cert, key, directory):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    srv = http.server.ThreadingHTTPServer((host, port), functools.partial(_Quiet, directory=directory))
    srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return srv


def silent_server(host, port):
    srv = socket.create_server((host, port))
    held = []

    def serve():
        while True:
            conn, _ = srv.accept()
            held.append(conn)  # never answered, closed when the test ends
    threading.Thread(target=serve, daemon=True).start()
    return srv


def plain_server(host, port, directory):
    srv = http.server.ThreadingHTTPServer((host, port), functools.partial(_Quiet, directory=directory))
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return srv


def setup(work, host, tls, serve=None):
    """The files, and the HTTPS and silent servers when tls (TAP: the guest resolves
    repo.test there); a dict for check() and stop(). With serve (a repository), the HTTPS
    servers serve that directory and the scratch one (ca.pem) is on plain HTTP at :8079."""
    data = os.urandom(BIG)
    with open(os.path.join(work, 'big.bin'), 'wb') as f:
        f.write(data)
    with open(os.path.join(work, 'hello.txt'), 'wb') as f:
        f.write(HELLO)
    st = {'sha': hashlib.sha256(data).hexdigest(), 'servers': [], 'work': work}
    if tls:
        ca, cert, key = make_pki(work, 'trusted')
        shutil.copy(ca, os.path.join(work, 'ca.pem'))
        _, other_cert, other_key = make_pki(work, 'unknown')
        st['servers'] += [https_server(host, 8443, cert, key, serve or work),
                          https_server(host, 8444, other_cert, other_key, serve or work)]
        if serve:
            st['servers'].append(plain_server(host, 8079, work))
        st['servers'].append(silent_server(host, 7010))
    return st


def stop(st):
    for s in st['servers']:
        if isinstance(s, socket.socket):
            s.close()
        else:
            s.shutdown()
            s.server_close()


def curl_client(st, deadline):
    """curl the guest's file server until it answers (refused until it listens)."""
    out = os.path.join(st['work'], 'from-guest.bin')
    while time.monotonic() < deadline:
        r = subprocess.run(['curl', '-sS', '--max-time', '120', '-o', out, GUEST_FILE_URL],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        if r.returncode == 0:
            with open(out, 'rb') as f:
                st['curl_sha'] = hashlib.sha256(f.read()).hexdigest()
            return
        st['curl_error'] = r.stdout.strip()
        if r.returncode != 7:  # 7: could not connect (not listening yet)
            return
        time.sleep(0.3)


def check(st, out, curl):
    """(ok, text) for what the guest printed, and curl's fetch when curl."""
    sha, lines = st['sha'], [l.strip() for l in out.splitlines()]
    saved = re.compile(rf'net http: 200 OK, {BIG} bytes in [0-9.]+ s, sha256 {sha}, saved to /big.bin')
    stored = f'{sha}  /big.bin ({BIG} bytes)'
    cases = [(any(saved.fullmatch(l) for l in lines),
              f'the guest fetched big.bin ({BIG} random bytes) with the host\'s SHA-256 {sha}'),
             (lines.count(stored) == (2 if curl else 1),
              'and the file read back from its store has the same SHA-256' +
              (' (twice: also after a failed fetch to the same path)' if curl else ''))]
    if curl:
        got = st.get('curl_sha')
        cases.append((got == sha, f'curl fetched /big.bin from the guest\'s net listen 8081: '
                                  f'sha256 {got} {st.get("curl_error", "") if got != sha else ""}'))
    return cases
