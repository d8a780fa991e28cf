#!/usr/bin/env python3
"""Count test cases across meson test logs and print 'N passed, N failed'.

A meson test that speaks TAP counts as its individual cases (cmocka's TAP output, the
sim and QEMU scenario runners); any other test counts as one case.
"""
import json
import re
import sys

passed = failed = skipped = 0
for path in sys.argv[1:]:
    try:
        lines = open(path, encoding="utf-8").read().splitlines()
    except OSError:
        print(f"count-results: no log {path}", file=sys.stderr)
        failed += 1
        continue
    for line in lines:
        t = json.loads(line)
        out = t.get("stdout") or ""
        cases_ok = len(re.findall(r"^ok \d+", out, re.M))
        cases_bad = len(re.findall(r"^not ok \d+", out, re.M))
        cases_skip = len(re.findall(r"^ok \d+ .*# SKIP", out, re.M | re.I))
        result = t.get("result")
        if cases_ok + cases_bad:
            passed += cases_ok - cases_skip
            skipped += cases_skip
            failed += cases_bad
            if result not in ("OK", "EXPECTEDFAIL", "SKIP") and cases_bad == 0:
                failed += 1  # the program itself failed (crash, timeout)
        elif result == "SKIP":
            skipped += 1
        elif result in ("OK", "EXPECTEDFAIL"):
            passed += 1
        else:
            failed += 1
line = f"{passed} passed, {failed} failed"
if skipped:
    line += f", {skipped} skipped"
print(line)
sys.exit(1 if failed else 0)
