#!/usr/bin/env python3
"""Make the metadata of the attacks scenario-packages-tuf plays that sign-variant.py
cannot: signed with `sospkg meta-sign` over bodies written here.

usage: make-attacks.py SOSPKG INDEX KEY V2SNAPSHOT K2KEY OUTDIR

  OUTDIR/ff.timestamp   fast-forward: a timestamp (version 4, signed by KEY, the test
                        repository's key) announcing snapshot version 9 with the hash and
                        length of V2SNAPSHOT, which is version 2
  OUTDIR/k2/            a repository whose root.1 gives every role the two keys KEY and
                        K2KEY with threshold 2: root.1, targets and snapshot signed by both,
                        timestamp signed by KEY alone (a key compromise below the
                        threshold), timestamp.both signed by both, and INDEX as index
"""
import hashlib
import os
import shutil
import subprocess
import sys

EXPIRES = 4102444800


def pub_and_id(keyfile):
    pub = open(keyfile).read().strip()[64:128]
    return pub, hashlib.sha256(bytes.fromhex(pub)).hexdigest()[:16]


def signed(sospkg, path, body, keys):
    with open(path, "w") as f:
        f.write(body)
    for k in keys:
        subprocess.run([sospkg, "meta-sign", "-k", k, path], check=True, stdout=subprocess.DEVNULL)


def pin(path):
    data = open(path, "rb").read()
    return hashlib.sha256(data).hexdigest(), len(data)


def head(role, version):
    return f"format=1\nrole={role}\nversion={version}\nexpires={EXPIRES}\n"


def main():
    sospkg, index, key, v2snap, key2, out = sys.argv[1:7]
    os.makedirs(out, exist_ok=True)
    sha, size = pin(v2snap)
    signed(sospkg, os.path.join(out, "ff.timestamp"),
           head("timestamp", 4) + f"meta=snapshot 9 {sha} {size}\n", [key])
    k2 = os.path.join(out, "k2")
    shutil.rmtree(k2, ignore_errors=True)
    os.makedirs(k2)
    (p1, i1), (p2, i2) = pub_and_id(key), pub_and_id(key2)
    roles = "".join(f"role_keys={r} 2 {i1},{i2}\n" for r in ("root", "targets", "snapshot", "timestamp"))
    both = [key, key2]
    signed(sospkg, os.path.join(k2, "root.1"), head("root", 1) + f"key={p1}\nkey={p2}\n" + roles, both)
    shutil.copy(index, os.path.join(k2, "index"))
    sha, size = pin(os.path.join(k2, "index"))
    signed(sospkg, os.path.join(k2, "targets"), head("targets", 1) + f"target=index {sha} {size}\n", both)
    sha, size = pin(os.path.join(k2, "targets"))
    signed(sospkg, os.path.join(k2, "snapshot"), head("snapshot", 1) + f"meta=targets 1 {sha} {size}\n", both)
    sha, size = pin(os.path.join(k2, "snapshot"))
    body = head("timestamp", 1) + f"meta=snapshot 1 {sha} {size}\n"
    signed(sospkg, os.path.join(k2, "timestamp"), body, [key])
    signed(sospkg, os.path.join(k2, "timestamp.both"), body, both)


if __name__ == "__main__":
    main()
    open(os.path.join(sys.argv[6], "attacks.stamp"), "w").close()
