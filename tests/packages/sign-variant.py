#!/usr/bin/env python3
"""Sign a variant of the test repository's metadata for the attack tests.

usage: sign-variant.py SOSPKG INDEX KEY ROOT|- VERSION EXPIRES OUTPREFIX

Copies INDEX (and ROOT, unless '-': then sospkg makes a new root.1 for KEY) into a
scratch directory, runs `sospkg tuf -k KEY -v VERSION -e EXPIRES` there and writes
OUTPREFIX.root.1, OUTPREFIX.timestamp, OUTPREFIX.snapshot and OUTPREFIX.targets
(OUTPREFIX ending in '/': OUTPREFIX/root.1 ..., the test repository itself, whose root.1
is then always KEY's): e.g. version 2 of the same repository (rollback and
mix-and-match tests) or metadata signed by a key the repository's root does not name
(arbitrary installation), or a later version that expired long ago (freeze).
"""
import os
import shutil
import subprocess
import sys
import tempfile


def main():
    sospkg, index, key, root, version, expires, prefix = sys.argv[1:8]
    with tempfile.TemporaryDirectory() as d:
        shutil.copy(index, os.path.join(d, "index"))
        if root != "-":
            shutil.copy(root, os.path.join(d, "root.1"))
        subprocess.run([sospkg, "tuf", "-o", d, "-k", key, "-v", version, "-e", expires],
                       check=True, stdout=subprocess.DEVNULL)
        for f in ("root.1", "timestamp", "snapshot", "targets"):
            shutil.copy(os.path.join(d, f), prefix + ("" if prefix.endswith("/") else ".") + f)


if __name__ == "__main__":
    main()
