#!/usr/bin/env python3
"""The software center on the desktop, under Xvfb, with repositories over HTTP (TAP).

usage: desktop-software.py --sim SIM --bootstore FILE --tap IFNAME [--shot PNG]

Run by tests/net/run-dhcp.py --services --serve build/tests/packages: a private network
namespace where repo.test:8080 serves the signed test repository and, under apps/, the
apps repository (tests/packages/apps: the desktop app hellowin). The simulator boots
the test boot store to the desktop on a private Xvfb, its network card on the TAP
device. The shell adds both repositories (the apps one trusted with the test root) and
installs hello 1.0. Then, as a person would, with clicks and keys read back through
`desktop dump`: the launcher starts the software center; its list shows hellowin
available and hello with an update; a search for "window" keeps hellowin only;
selecting it shows what the package service says (its repository and size) and the
trust state of its repository; Install shows the fetch's progress (from 0 bytes to all
of them, PKG_PROGRESS) and then the package installed with its provenance (the
repository, its root, who installed it); the launcher now lists hellowin, and a click
starts it: its window (a yellow square on blue) is on the screen. Update brings hello
to 1.1; Remove takes hellowin away again: its window goes and the launcher no longer
lists it. Installing shadow (which claims the boot store's log) is refused with the
reason on the status line. --shot saves the window with the software center and hellowin as a PNG.
Without Xvfb, xdotool or xwd: TAP SKIP.
"""
import os
import re
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from desktop_util import boot, centre, check_power_off, click, main, shot, window_at  # noqa: E402
from xwdpix import write_png  # noqa: E402
from xwindow import xdo  # noqa: E402

# what a service prints may land after the shell's prompt, on the prompt's line
AT = r"(?:^|serviceos> )"


def launch(d, env, w, app):
    """Open the launcher and click app in it; the button's centre, or None."""
    dump = d.dump()
    if not re.search(r"^launcher$", dump, re.M):
        click(env, w, centre(dump, "button", "Apps"))
        dump = d.wait_dump(r"^launcher$")
    button = centre(dump, "button", app)
    if button:
        click(env, w, button)
    return button


def scene_of(dump, owner):
    m = re.search(rf"^window \d+ {owner} [\s\S]*?(?=^window |^notification|\Z)", dump or "", re.M)
    return m.group(0) if m else ""


def setup(tap, d):
    out = d.command("net resolve repo.test", r"^repo\.test: \S|^net resolve: ", 60)
    added = d.command("pkg repo add test http://repo.test:8080/", r"^added repository|^pkg repo: ", 60)
    apps = d.command("pkg repo add apps http://repo.test:8080/apps/ /boot/etc/pkg/trust/test.root",
                     r"^added repository|^pkg repo: ", 60)
    hello = d.command("pkg install hello@1.0", r"^install hello|^pkg install: ", 60)
    tap.check(out and "10.0.2.2" in out and added and "added repository test" in added and
              apps and "added repository apps" in apps and hello and "install hello 1.0" in hello,
              "the shell adds the test and apps repositories over HTTP and installs hello 1.0",
              f"{out!r} {added!r} {apps!r} {hello!r}")


def browse(tap, sim, d, env, w):
    """The software center from the launcher: the list, a search, a selection."""
    launch(d, env, w, "software")
    dump = d.wait_dump(r'^\s+text .* "  hellowin  1  available"$', 30)
    sw = scene_of(dump, "software")
    tap.check(sw and re.search(r'"  hello  1\.0  update to 1\.1"$', sw, re.M),
              "the launcher starts the software center: hellowin is available, hello has an update",
              (sw or sim.text())[-1500:])
    m = re.search(r"^\s*field (\d+),(\d+) (\d+)x(\d+)$", dump or "", re.M)  # empty: no text
    field = (int(m.group(1)) + int(m.group(3)) // 2, int(m.group(2)) + int(m.group(4)) // 2) if m else None
    mark = len(sim.text())
    if field:
        click(env, w, field)
        xdo(env, "type", "--window", w, "--delay", "60", "window")
        xdo(env, "key", "--window", w, "Return")
    searched = sim.wait_for(AT + r"software: \d+ packages match window$", 20)
    # the desktop hears of the new list one way: the dump may take a moment to have it
    dump = d.wait_dump(r'"Packages \(click to select\)"\n\s+text [^\n]*"  hellowin  1  available"$', 20) \
        if searched and "match window" in sim.text()[mark:] else None
    sw = scene_of(dump, "software")
    tap.check(sw and '"  hellowin  1  available"' in sw and '"  hello  1.0' not in sw,
              "typing 'window' and Return searches: hellowin only", sw[-1500:])
    row = centre(dump, "text", "  hellowin  1  available")
    if row:
        click(env, w, row)
    dump = d.wait_dump(r'"trust of its repository:"', 20)
    sw = scene_of(dump, "software")
    tap.check(sw and '"> hellowin  1  available"' in sw and re.search(r'"hellowin 1 in apps \(\d+ bytes\)"', sw) and
              '"apps  http://repo.test:8080/apps/"' in sw and re.search(r'"  last verified: snapshot 1, 1 packages', sw),
              "a click selects it: what the package service says and its repository's trust state",
              sw[-2000:])
    return dump


def install(tap, sim, d, env, w, dump):
    mark = len(sim.text())
    button = centre(dump, "button", "Install")
    if button:
        click(env, w, button)
    done = sim.wait_for(AT + r"software: install hellowin: install hellowin 1 \(generation \d+\)$", 60)
    out = sim.text()[mark:]
    steps = [(int(a), int(b)) for a, b in
             re.findall(AT + r"software: install hellowin: fetching packages/hellowin-1\.pkg: (\d+) of (\d+) bytes$",
                        out, re.M)]
    tap.check(done and len(steps) >= 2 and steps[0][0] == 0 and steps[-1][0] == steps[-1][1] > 0 and
              all(a[0] <= b[0] for a, b in zip(steps, steps[1:])),
              f"Install: the fetch's progress from 0 to all {steps[-1][1] if steps else '?'} bytes, then installed",
              out[-1500:])
    dump = d.wait_dump(r'"> hellowin  1  installed"', 20)
    sw = scene_of(dump, "software")
    tap.check(sw and re.search(r'"  from apps \(http://repo.test:8080/apps/\), root version 1, keys ', sw) and
              re.search(r'installed in generation \d+ by software', sw) and
              re.search(r'^\s+button \d+,\d+ 300x16$', sw, re.M) and
              re.search(r'"install hellowin 1 \(generation \d+\); an app opens from the launcher', sw),
              "installed: its provenance (repository, root, who), the bar full, the status says so",
              sw[-2000:])


def run_app(tap, sim, d, env, w, a):
    launch(d, env, w, "hellowin")
    ready = sim.wait_for(AT + r"hellowin: ready: surface \d+", 30)
    dump = d.wait_dump(r'^window \d+ hellowin [\s\S]*"hellowin: a yellow square on blue"', 20) if ready else None
    win = window_at(dump, "hellowin")
    time.sleep(0.5)
    img = shot(env, w)
    centre_px = img.rgb(win[1] + win[3] // 2, win[2] + win[4] // 2) if img and win else None
    tap.check(win and centre_px == 0xfce94f,
              "the launcher lists hellowin, installed from the package, and a click starts it: its "
              "window is on the screen", f"{win} {centre_px} {sim.text()[-400:]}")
    if img and a.shot:
        write_png(img, a.shot)


def act(d, env, w, dump, row_text, button):
    """Select the list's row (a click; its "> " mark seen) and click a button."""
    row = centre(dump, "text", "  " + row_text)
    if row:
        click(env, w, row)
        dump = d.wait_dump(r'"> ' + re.escape(row_text) + '"', 20)
        click(env, w, centre(dump, "button", button))


def update_and_remove(tap, sim, d, env, w):
    dump = d.dump()
    click(env, w, centre(dump, "button", "All"))
    dump = d.wait_dump(r'"  hello  1\.0  update to 1\.1"', 20)
    act(d, env, w, dump, "hello  1.0  update to 1.1", "Update")
    ok = sim.wait_for(AT + r"software: update hello: update hello 1\.0 -> 1\.1 \(generation \d+\)$", 60)
    dump = d.wait_dump(r'"> hello  1\.1  installed"', 20) if ok else None
    tap.check(dump is not None, "Update brings hello from 1.0 to 1.1", sim.text()[-800:])
    act(d, env, w, dump, "hellowin  1  installed", "Remove")
    ok = sim.wait_for(AT + r"software: remove hellowin: remove hellowin 1 \(generation \d+\)$", 60)
    gone = d.wait_dump(r"^window \d+ hellowin ", 20, present=False) if ok else None
    click(env, w, centre(d.dump(), "button", "Apps"))
    dump = d.wait_dump(r"^launcher$")
    tap.check(gone and dump and centre(dump, "button", "software") and not centre(dump, "button", "hellowin"),
              "Remove takes hellowin away: its window goes, the launcher no longer lists it",
              sim.text()[-800:])


def refused(tap, sim, d, env, w):
    """A package the root manager refuses (shadow claims the boot store's log): the
    status line says why, nothing is installed."""
    xdo(env, "key", "--window", w, "alt+F1")  # the launcher closes: the list is under it
    dump = d.wait_dump(r"^launcher hidden$")
    act(d, env, w, dump, "shadow  1  available", "Install")
    said = sim.wait_for(AT + r"software: install shadow: .*log", 60)
    dump = d.wait_dump(r'"install shadow refused: .*log', 20) if said else None
    sw = scene_of(dump, "software")
    tap.check(sw and '"> shadow  1  available"' in sw,
              "a package the root manager refuses: the status line says why, it stays available",
              (sw or sim.text())[-1200:])


def run(tap, a, env):
    if not a.tap:
        tap.check(False, "--tap names the network interface", "")
        return
    booted = boot(tap, a, env, "the test boot store boots to the desktop with the network on the TAP device",
                  ("--disk", "none", "--net", f"tap:{a.tap}"))
    if not booted:
        return
    sim, d, w = booted
    setup(tap, d)
    dump = browse(tap, sim, d, env, w)
    install(tap, sim, d, env, w, dump)
    run_app(tap, sim, d, env, w, a)
    update_and_remove(tap, sim, d, env, w)
    refused(tap, sim, d, env, w)
    # power-off with the desktop running: it is stopped before graphics, session and
    # status, which it looks up (manifest_stop_order), so nothing is killed
    d.say("poweroff")
    rc = sim.finish(30)
    sys.stderr.write(sim.text())
    tap.check(rc == 0, "poweroff ends the simulator with 0", f"status {rc}")
    check_power_off(tap, sim.text())


sys.exit(main(run, "the software center under Xvfb"))
