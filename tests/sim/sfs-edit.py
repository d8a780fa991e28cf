#!/usr/bin/env python3
"""Run the sfs-edit host tool (tests/sim/sfs_edit.c) from a scenario's host: step.

usage: sfs-edit.py DISK PATH OLD NEW

The tool is built into the build directory; meson test names it in SOS_SFS_EDIT.
"""
import os
import subprocess
import sys

tool = os.environ.get("SOS_SFS_EDIT")
if not tool:
    sys.exit("sfs-edit.py: SOS_SFS_EDIT is not set (run through meson test)")
sys.exit(subprocess.run([tool] + sys.argv[1:]).returncode)
