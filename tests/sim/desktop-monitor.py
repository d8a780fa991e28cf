#!/usr/bin/env python3
"""The monitor app on the desktop, under a private Xvfb, read back through `desktop dump`.

usage: desktop-monitor.py --sim SIM --bootstore FILE [--shot PNG]

Boots with --desktop and starts the monitor through the launcher's command (`desktop
launch monitor`: the root manager starts it); then checks by meaning what its window
says: every service the shell's `services` lists is there with the same phase (those
whose phase did not change in between), the processes with CPU and memory (the monitor
itself among them), the CPU and memory graphs holding a sample a second, and the IPC
graph: the messages the kernel carried per second, above 0 while the system talks (the
monitor's own calls to the root manager and the graphics service are such messages),
its scale the most over the window; the shell's `mem` shows the kernel's message count,
which grows between two `mem`s (the shell's output travels in messages). A click on
a service selects it; Restart is refused with a message saying why (the manifest grants
the root manager read only), and the service was not restarted. Closing the window stops
the monitor. --shot saves the screen with the monitor as a PNG. Without Xvfb, xdotool
or xwd: TAP SKIP.
"""
import os
import re
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from desktop_util import boot, centre, click, main, shot, xdo  # noqa: E402
from xwdpix import write_png  # noqa: E402

ROW = re.compile(r'^\s+text -?\d+,-?\d+ \d+x\d+ "([ >]) (\S+)\s+(\S+)"$', re.M)


def services(d):
    """name -> phase from the shell's `services`."""
    out = d.command("services", r"serviceos> $") or ""
    return dict(re.findall(r"^(\S+)\s+(dormant|waiting-dependencies|starting|ready|backoff|degraded|exited)\b",
                           out, re.M))


def ipc_messages(d):
    """The kernel's IPC message count as the shell's `mem` prints it, or None."""
    line = r"^ipc\s+messages (\d+)  bytes (\d+)  handles (\d+)\r?\n"
    m = re.search(line, d.command("mem", line) or "", re.M)
    return int(m.group(1)) if m else None


def run(tap, a, env):
    booted = boot(tap, a, env, "--desktop: the desktop shell is on the display")
    if not booted:
        return
    sim, d, w = booted
    out = d.command("desktop apps", r"^monitor\s")
    tap.check(out is not None and re.search(r"^monitor\s+dormant", out, re.M),
              "desktop apps lists the monitor (app in its manifest)", sim.text()[-300:])
    d.say("desktop launch monitor")
    started = sim.wait_for(r"monitor: ready: surface \d+", 30)
    dump = d.wait_dump(r'"CPU \d+% of one core \(last (?:[3-9]|[1-9]\d+) s\)"', 30) if started else None
    tap.check(dump is not None and re.search(r"^window \d+ monitor ", dump, re.M) and
              re.search(r'^\s+button .* "x"$', dump, re.M),
              "desktop launch monitor: started through the root manager, a framed window",
              (dump or "no dump matched; the last:\n" + d.dump())[:1500])
    rows = dict((n, p) for _, n, p in ROW.findall(dump or ""))
    listed = services(d)
    dump2 = d.dump()
    rows2 = dict((n, p) for _, n, p in ROW.findall(dump2))
    # more services than rows: the last row counts those below (the wheel scrolls to them)
    hidden = [n for n in listed if n not in rows and n not in rows2]
    more = re.search(r'"\s*\((\d+) more below, (\d+) above', dump2)
    steady = {n: p for n, p in listed.items() if n not in hidden and rows.get(n) == rows2.get(n)}
    wrong = {n: (p, rows.get(n)) for n, p in steady.items() if rows.get(n) != p}
    tap.check(len(listed) >= 10 and len(steady) >= 10 and not wrong and rows.get("desktop") == "ready"
              and rows.get("monitor") == "ready"
              and (int(more.group(1)) if more else 0) == len(hidden),
              f"the monitor lists the services with their phases as `services` says ({len(steady)} "
              f"compared, {len(hidden)} below the list, counted)",
              f"services {listed}\nmonitor {rows}\nwrong {wrong}\nhidden {hidden} more {more}")
    procs = re.findall(r'^\s+text .* "\s*(\d+) (\S+)\s+(\d+\.\d)% +(\d+\.\d) MB"$', dump2, re.M)
    names = [p[1] for p in procs]
    tap.check("monitor" in names and "init" in names and "desktop" in names and
              all(float(p[3]) > 0 and 0 <= float(p[2]) <= 200 for p in procs),
              f"the processes with CPU and memory ({len(procs)} rows, the monitor among them)", dump2[-1500:])
    cpu = re.search(r'^\s+graph \d+,\d+ (\d+)x(\d+) "CPU (\d+)% of one core \(last (\d+) s\)"$', dump2, re.M)
    mem = re.search(r'^\s+graph \d+,\d+ (\d+)x(\d+) "memory (\d+\.\d) MB mapped \(scale (\d+) MB\)"$', dump2, re.M)
    tap.check(cpu and mem and int(cpu.group(4)) >= 3 and 0 < float(mem.group(3)) <= int(mem.group(4)),
              "the CPU and memory graphs hold a sample a second", dump2[-600:])
    ipc = re.search(r'^\s+graph \d+,(\d+) (\d+)x\d+ "IPC (\d+) msg/s \(max (\d+)\)"$', dump2, re.M)
    cpu_y = re.search(r'^\s+graph \d+,(\d+) \d+x\d+ "CPU ', dump2, re.M)
    tap.check(ipc and cpu_y and ipc.group(1) == cpu_y.group(1) and int(ipc.group(2)) > 0 and
              0 < int(ipc.group(3)) <= int(ipc.group(4)),
              "the IPC graph beside the others: the messages per second, above 0, no more than its "
              "scale (the most over the window)", dump2[-600:])
    counts = [ipc_messages(d) for _ in range(2)]
    tap.check(None not in counts and 0 < counts[0] < counts[1],
              f"mem shows the kernel's IPC message count, and it grows ({counts})", sim.text()[-600:])
    log_row = re.search(r'^\s+text (\d+),(\d+) (\d+)x(\d+) "[ >] log\s', dump2, re.M)
    if log_row:
        x, y, wd, ht = map(int, log_row.groups())
        click(env, w, (x + 20, y + ht // 2))
    dump = d.wait_dump(r'"> log\s+ready"')
    tap.check(dump is not None, "a click on a service selects it", (dump2 or "")[-800:])
    before = d.command("services", r"serviceos> $") or ""
    restart = centre(dump, "button", "Restart")
    if restart:
        click(env, w, restart)
    dump = d.wait_dump(r'"restart log refused: this app may only read the root manager"')
    after = d.command("services", r"serviceos> $") or ""
    line = re.compile(r"^log\s.*$", re.M)
    tap.check(dump is not None and sim.wait_for(r"monitor: restart log refused", 5) and
              line.search(before) and line.search(before).group(0) == (line.search(after) or [None])[0],
              "Restart without manage on the root manager: refused with a clear message; log not restarted",
              f"{(dump or '')[-400:]}\nbefore {line.search(before)}\nafter {line.search(after)}")
    if a.shot:  # a picture: some history in the graphs first (the shell's commands are load)
        for i in range(24):
            d.command("ps" if i % 3 else "services", r"serviceos> $")
            time.sleep(0.5 + (i % 4) * 0.25)
    img = shot(env, w)  # with log selected and the refusal
    if img and a.shot:
        write_png(img, a.shot)
    if hidden and log_row:  # the wheel over the list brings the last service into view
        for _ in range(3):
            xdo(env, "click", "--window", w, 5)
            time.sleep(0.1)
        last = sorted(listed)[-1]
        dump = d.wait_dump(rf'"[ >] {re.escape(last)}\s+\S+"$')
        tap.check(dump is not None and re.search(r'"\s*\(0 more below, [1-9]\d* above', dump),
                  f"the wheel scrolls the list: {last}, below it at first, is shown", (dump or d.dump())[-800:])
    close = centre(dump or d.dump(), "button", "x")
    if close:
        click(env, w, close)
    dump = d.wait_dump(r"^window \d+ monitor ", 20, present=False)
    tap.check(dump is not None and sim.wait_for(r"desktop: closing monitor$", 5),
              "the close button stops the monitor and its window goes", sim.text()[-500:])
    d.say("poweroff")
    rc = sim.finish(30)
    sys.stderr.write(sim.text())
    tap.check(rc == 0, "poweroff ends the simulator with 0", f"status {rc}")


sys.exit(main(run, "the monitor under Xvfb"))
