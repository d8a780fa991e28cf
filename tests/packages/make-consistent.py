#!/usr/bin/env python3
"""Make the consistent-snapshot variant of the test repository.

usage: make-consistent.py SOSPKG REPO KEY OUTDIR STAMP

Copies REPO's index and packages/ into a fresh OUTDIR, signs it with
`sospkg tuf -c` (root.1 with consistent_snapshot=true, 1.targets, 1.snapshot,
timestamp; the index and the package files renamed to <sha256>.index and
packages/<sha256>.<file>), and touches STAMP. No file there has its fixed name but the
timestamp and root.1, so a client that ignored consistent_snapshot finds nothing.
"""
import os
import shutil
import subprocess
import sys


def main():
    sospkg, repo, key, out, stamp = sys.argv[1:6]
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(os.path.join(out, "packages"))
    shutil.copy(os.path.join(repo, "index"), os.path.join(out, "index"))
    for f in os.listdir(os.path.join(repo, "packages")):
        shutil.copy(os.path.join(repo, "packages", f), os.path.join(out, "packages", f))
    subprocess.run([sospkg, "tuf", "-o", out, "-k", key, "-v", "1", "-e", "4102444800", "-c"],
                   check=True, stdout=subprocess.DEVNULL)
    open(stamp, "w").close()


if __name__ == "__main__":
    main()
