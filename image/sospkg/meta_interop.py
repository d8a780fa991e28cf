#!/usr/bin/env python3
"""image/sospkg/meta_interop.py - signed metadata between sospkg (signify-openbsd's
Ed25519, common/pkg pkg_meta) and Debian's python3-nacl (libsodium), both ways:

  - a timestamp file signed by two keys with python3-nacl verifies with sospkg
    meta-verify (threshold 2), and is refused with one byte changed or one signature
    removed;
  - the same body signed by sospkg meta-sign verifies with python3-nacl, signature by
    signature, over exactly the bytes before the first signature= line;
  - keys made by sospkg keygen sign what python3-nacl verifies with the printed key;
  - a repository made by sospkg repo and signed by sospkg tuf passes sospkg tuf-verify
    (TUF's update procedure), python3-nacl verifies its timestamp, and a changed index
    or a time past the expiry is refused by name.

Usage: meta_interop.py SOSPKG ed25519|none. Prints TAP (SKIP without python3-nacl or
without sospkg's Ed25519). Layer: tests (host).
"""
import os
import subprocess
import sys
import tempfile

try:
    import nacl.signing
except ImportError:
    # Debian's python3-nacl belongs to the system interpreter.
    if sys.executable != "/usr/bin/python3" and os.path.exists("/usr/bin/python3"):
        os.execv("/usr/bin/python3", ["/usr/bin/python3"] + sys.argv)
    print("1..0 # SKIP python3-nacl is not installed (apt-get install python3-nacl)")
    sys.exit(0)

SOSPKG, HAVE = sys.argv[1], sys.argv[2]
if HAVE != "ed25519":
    print("1..0 # SKIP sospkg has no Ed25519 (run scripts/fetch-sources.sh)")
    sys.exit(0)

SEEDS = ["9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
         "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb"]
BODY = b"format=1\nrole=timestamp\nversion=7\nexpires=4000000000\nmeta=snapshot 3\n"
results = []


def check(name, cond, detail=""):
    results.append((name, bool(cond), detail))


def keyid(pub):
    import hashlib
    return hashlib.sha256(pub).digest()[:8].hex()


def run(*args):
    p = subprocess.run([SOSPKG, *args], capture_output=True, text=True)
    return p.returncode, p.stdout + p.stderr


def tuf_checks(t):
    tree, repo = os.path.join(t, "tree"), os.path.join(t, "repo")
    os.makedirs(os.path.join(tree, "data"))
    open(os.path.join(tree, "data", "x"), "w").write("x\n")
    info = os.path.join(t, "info")
    open(info, "w").write("format=1\nname=x\nversion=1\narch=any\n")
    pkg = os.path.join(t, "x-1.pkg")
    run("build", "-o", pkg, "-i", info, "-d", tree)
    run("repo", "-o", repo, pkg)
    kf = os.path.join(t, "repo-key")
    rc, pub = run("keygen", "-o", kf)
    rc, out = run("tuf", "-o", repo, "-k", kf, "-e", "4000000000")
    root = os.path.join(repo, "root.1")
    rc, out = run("tuf-verify", "-r", root, repo)
    check("a repository signed by sospkg tuf passes tuf-verify", rc == 0 and
          out.startswith("ok: root 1, timestamp 1"), out)
    ts = open(os.path.join(repo, "timestamp"), "rb").read()
    body = ts[:ts.index(b"signature=")]
    sig = ts.decode().splitlines()[-1].split()[1]
    try:
        nacl.signing.VerifyKey(bytes.fromhex(pub.strip())).verify(body, bytes.fromhex(sig))
        good = True
    except Exception:
        good = False
    check("python3-nacl verifies the repository's timestamp", good)
    rc, out = run("tuf-verify", "-r", root, "-n", "4000000001", repo)
    check("past the expiry: freeze attack", rc == 1 and "freeze attack" in out, out)
    with open(os.path.join(repo, "index"), "a") as f:
        f.write("depends=x evil >=1\n")
    rc, out = run("tuf-verify", "-r", root, repo)
    check("an index grown after signing is refused", rc == 1 and
          "index: not the file the targets role signed" in out, out)


def main():
    t = tempfile.mkdtemp(prefix="meta-interop-")
    keys = [nacl.signing.SigningKey(bytes.fromhex(s)) for s in SEEDS]
    pubs = [k.verify_key.encode().hex() for k in keys]

    text = BODY
    for k in keys:
        sig = k.sign(BODY).signature
        text += f"signature={keyid(k.verify_key.encode())} {sig.hex()}\n".encode()
    path = os.path.join(t, "timestamp")
    open(path, "wb").write(text)
    rc, out = run("meta-verify", "-r", "timestamp", "-t", "2", path, *pubs)
    check("python3-nacl's signatures verify with sospkg", rc == 0 and out.startswith("ok"), out)
    open(path, "wb").write(text.replace(b"snapshot 3", b"snapshot 4"))
    rc, out = run("meta-verify", "-r", "timestamp", "-t", "2", path, *pubs)
    check("a changed byte is refused", rc == 1 and "0 valid signatures of the 2" in out, out)
    open(path, "wb").write(text[:text.rindex(b"signature=")])
    rc, out = run("meta-verify", "-r", "timestamp", "-t", "2", path, *pubs)
    check("one signature of two is refused", rc == 1 and "1 valid signature of the 2" in out, out)

    open(path, "wb").write(BODY)
    for i, seed in enumerate(SEEDS):
        kf = os.path.join(t, f"key{i}")
        open(kf, "w").write(seed + pubs[i] + "\n")
        rc, out = run("meta-sign", "-k", kf, path)
        check(f"sospkg signs with key {i}", rc == 0, out)
    signed = open(path, "rb").read()
    body = signed[:signed.index(b"signature=")]
    lines = [l for l in signed.decode().splitlines() if l.startswith("signature=")]
    ok = body == BODY and len(lines) == 2
    for i, line in enumerate(lines):
        kid, sig = line[len("signature="):].split()
        try:
            keys[i].verify_key.verify(body, bytes.fromhex(sig))
            ok = ok and kid == keyid(keys[i].verify_key.encode())
        except Exception:
            ok = False
    check("sospkg's signatures verify with python3-nacl", ok, signed.decode())

    kf = os.path.join(t, "fresh")
    rc, out = run("keygen", "-o", kf)
    pub = out.strip()
    open(path, "wb").write(BODY)
    rc2, out2 = run("meta-sign", "-k", kf, path)
    signed = open(path, "rb").read()
    sig = signed.decode().splitlines()[-1].split()[1]
    try:
        nacl.signing.VerifyKey(bytes.fromhex(pub)).verify(BODY, bytes.fromhex(sig))
        fresh = True
    except Exception:
        fresh = False
    check("a key from sospkg keygen signs what python3-nacl verifies",
          rc == 0 and rc2 == 0 and fresh, out + out2)

    tuf_checks(t)

    print(f"1..{len(results)}")
    for i, (name, good, detail) in enumerate(results, 1):
        print(f"{'ok' if good else 'not ok'} {i} - {name}")
        if not good:
            for line in detail.splitlines()[:8]:
                print(f"# {line}")
    return 0 if all(g for _, g, _ in results) else 1


sys.exit(main())
