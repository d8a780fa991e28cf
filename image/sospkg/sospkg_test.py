#!/usr/bin/env python3
"""image/sospkg/sospkg_test.py - the sospkg command line: build from a directory and
from PATH=SRC arguments, show, verify, repositories, and the errors (bad manifest, bad
service manifest, missing file, damaged package, one version twice), each with its exit
status and message. Prints TAP.

Layer: tests (host). Usage: sospkg_test.py SOSPKG
"""
import hashlib
import os
import subprocess
import sys
import tempfile

SOSPKG = sys.argv[1]
results = []


def run(*args):
    p = subprocess.run([SOSPKG, *args], capture_output=True, text=True)
    return p.returncode, p.stdout, p.stderr


def check(name, cond, detail=""):
    results.append((name, bool(cond), detail))


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())


INFO = "format=1\nname=hello\nversion={v}\narch=any\ndescription=Says hello\ndepends=base >=1\n"


def main():
    t = tempfile.mkdtemp(prefix="sospkg-test-")
    tree = os.path.join(t, "tree")
    write(f"{tree}/bin/hello", b"\x7fELF fake image " * 100)
    write(f"{tree}/manifests/hello.svc", "service=hello\nimage=bin/hello\n")
    write(f"{tree}/data/hello/greeting", "hello\n")
    write(f"{t}/extra", "hello\n")  # same content as the greeting: one object
    write(f"{t}/info1", INFO.format(v="1.0"))
    write(f"{t}/info2", INFO.format(v="1.1"))
    p1, p2 = f"{t}/hello-1.0.pkg", f"{t}/hello-1.1.pkg"

    rc, out, err = run("build", "-o", p1, "-i", f"{t}/info1", "-d", tree,
                       f"config/hello.conf={t}/extra:config")
    check("build from a directory and a PATH=SRC:KIND argument", rc == 0, err)
    rc, out, err = run("show", p1)
    check("show lists the manifest", rc == 0 and "name hello\nversion 1.0\n" in out
          and "depends base >=1\n" in out, out + err)
    check("show gives each file its kind from the path or the argument",
          "file executable" in out and "bin/hello" in out and "file manifest" in out
          and "file config" in out and "file data" in out, out)
    check("identical contents share one object", "4 files" not in out
          and "3 objects, all files verified" in out, out)
    rc2, _, _ = run("build", "-o", f"{t}/again.pkg", "-i", f"{t}/info1", "-d", tree,
                    f"config/hello.conf={t}/extra:config")
    same = open(p1, "rb").read() == open(f"{t}/again.pkg", "rb").read()
    check("the same inputs build the same bytes", rc2 == 0 and same)
    check("verify is silent on a good package", run("verify", p1)[:2] == (0, ""))

    write(f"{t}/withfiles", INFO.format(v="1") + "file=x data " + "0" * 64 + " 1\n")
    rc, out, err = run("build", "-o", f"{t}/x.pkg", "-i", f"{t}/withfiles", "-d", tree)
    check("file= lines in the given manifest are refused",
          rc == 1 and "file= lines are written by sospkg" in err, err)
    write(f"{t}/badinfo", "format=1\nname=hello\nversion=1.x\narch=any\n")
    rc, out, err = run("build", "-o", f"{t}/x.pkg", "-i", f"{t}/badinfo", "-d", tree)
    check("a bad version fails with its line", rc == 1 and "package.info:3: version" in err, err)
    write(f"{t}/bad.svc", "service=hello\nimage=bin/hello\nrestart=sometimes\n")
    rc, out, err = run("build", "-o", f"{t}/x.pkg", "-i", f"{t}/info1",
                       f"manifests/hello.svc={t}/bad.svc")
    check("a broken service manifest fails the build",
          rc == 1 and "manifests/hello.svc:3:" in err, err)
    rc, out, err = run("build", "-o", f"{t}/x.pkg", "-i", f"{t}/info1", f"bin/x={t}/nope")
    check("a missing input is an I/O error", rc == 3 and "cannot read" in err, err)
    check("no output is left by a failed build", not os.path.exists(f"{t}/x.pkg"))

    data = bytearray(open(p1, "rb").read())
    data[len(data) // 2] ^= 1
    write(f"{t}/damaged.pkg", bytes(data))
    rc, out, err = run("verify", f"{t}/damaged.pkg")
    check("a damaged package fails verify", rc == 1 and "digest mismatch" in err, err)

    rc, _, err = run("build", "-o", p2, "-i", f"{t}/info2", "-d", tree)
    repo = f"{t}/repo"
    rc, out, err = run("repo", "-o", repo, p2, p1)
    index = open(f"{repo}/index").read() if rc == 0 else ""
    sha1 = hashlib.sha256(open(p1, "rb").read()).hexdigest()
    check("repo writes both versions and an index in version order", rc == 0
          and index.index("hello 1.0 ") < index.index("hello 1.1 ")
          and os.path.exists(f"{repo}/packages/hello-1.1.pkg"), index + err)
    check("the index pins each package by SHA-256 and size",
          f"package=hello 1.0 any {sha1} {os.path.getsize(p1)} packages/hello-1.0.pkg\n"
          in index and "depends=hello base >=1\n" in index, index)
    rc, out, err = run("repo", "-o", repo, p1, f"{t}/again.pkg")
    check("one version twice is refused", rc == 1 and "are both hello 1.0" in err, err)
    rc, out, err = run("repo", "-o", repo, f"{t}/damaged.pkg")
    check("repo refuses a damaged package", rc == 1 and "digest mismatch" in err, err)
    check("usage errors exit 2", run("build")[0] == 2 and run("frob")[0] == 2)

    print(f"1..{len(results)}")
    for i, (name, ok, detail) in enumerate(results, 1):
        print(f"{'ok' if ok else 'not ok'} {i} - {name}")
        if not ok:
            for line in detail.splitlines()[:10]:
                print(f"# {line}")
    return 0 if all(ok for _, ok, _ in results) else 1


sys.exit(main())
