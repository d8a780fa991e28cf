#!/usr/bin/env python3
"""The desktop shell and the terminal on the simulator's window, under Xvfb (TAP).

usage: desktop-window.py --sim SIM --bootstore FILE [--shot PNG]

Boots the system to the desktop (--desktop) in a private Xvfb and drives it as a person
would, reading back what the screen means through `desktop dump` (every window and
widget with its text and bounds): the desktop shows the panel (its "Apps" button and the time
of day, the host's UTC time within a minute); a click
on "Apps" opens the launcher, which lists the terminal (an app from its manifest); a
click on it starts the terminal through the root manager, and it gets a window with a
frame (title, minimise, maximise, close); a click in it and the keys `service terminal` and
Return run the command in the operator shell, whose output appears in the terminal's
own text (its scene, as the dump shows it) and not on the console: the terminal has a
shell session of its own. A line of its output dragged over is selected (inverted),
Ctrl+Shift+C copies it onto the desktop's clipboard and Ctrl+Shift+V types it in:
Return runs it. Every edge and corner of the frame resizes the window, the opposite
edges staying where they were. `config set
appearance.theme dark` and `light` change the terminal's background. Ctrl+Shift+N opens a second terminal window: a command typed
in one shows in that one only, a line copied in one is pasted in the other (and text
set by `desktop copy` too), and the console's session still answers on its own.
Dragging the title moves the window (and the dump shows its text where it is now);
minimise hides it and its task button brings it back; maximise moves it to the top
left and back; workspace 2 hides it, workspace 1 shows it; Alt+1/2 and Alt+F1; the desktop shell, killed, is
restarted and frames the surviving terminal again; a notification appears; the close
button stops the terminal and its window goes.
The launcher's entries carry their apps' icons and the close control is drawn as an X.
--shot saves the window (with the terminal showing the output) as a PNG, and the
launcher open as launcher.png in the same folder. Without Xvfb,
xdotool or xwd: TAP SKIP.
"""
import datetime
import os
import re
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from desktop_util import boot, centre, check_power_off, click, main, shot, window_at  # noqa: E402
from xwdpix import write_png  # noqa: E402
from xwindow import xdo  # noqa: E402


LIGHT, DARK = 0xfafafa, 0x1e1e22  # the terminal's background in the light and dark themes


def scenes(dump):
    """Each window's part of a dump: {surface id: its lines}."""
    parts = re.split(r"^(?=window \d+ )", dump or "", flags=re.M)
    return {int(p.split()[1]): p for p in parts if p.startswith("window ")}


def launcher_icons(tap, dump):
    """Every entry of the open launcher has an icon: the terminal's own, the others
    theirs or the generic one."""
    part = (dump or "").split("\nlauncher\n")[-1].split("\nlauncher hidden")[0]
    entries = re.findall(r'^\s+button -?\d+,-?\d+ \d+x\d+(?: icon=(\S+))? "([^"]*)"$', part, re.M)
    known = {"terminal": "terminal", "files": "files", "settings": "settings", "monitor": "monitor",
             "software": "software", "system-console": "console"}
    wrong = [(icon, name) for icon, name in entries if icon != known.get(name, "app")]
    tap.check(entries and ("terminal", "terminal") in entries and not wrong,
              "each launcher entry shows its app's icon (the generic one for others)",
              f"{entries} wrong {wrong}")


def close_icon(tap, env, w, dump):
    """The frame's close control is drawn as the close icon: an X across the middle of
    its box (its diagonals in the button's text colour, the straight lines from the
    centre in the button's colour, a sixth of the box from it), not the small text
    glyph "x" (off-centre, its arms shorter)."""
    m = re.search(r'^\s+button (-?\d+),(-?\d+) (\d+)x(\d+) icon=close "x"$', dump or "", re.M)
    img = shot(env, w) if m else None
    if not img:
        tap.check(False, "the close control has the close icon", (dump or "")[-800:])
        return
    x, y, bw, bh = map(int, m.groups())
    cx, cy, k = x + bw // 2, y + bh // 2, min(bw, bh) // 6  # the X's arms reach 1/4 of the box
    diag = [min((img.rgb(cx + dx * k + e, cy + dy * k) for e in (-1, 0, 1)),
                key=lambda p: max((p >> 16) & 255, (p >> 8) & 255, p & 255))
            for dx in (-1, 1) for dy in (-1, 1)] + [img.rgb(cx, cy)]
    straight = [img.rgb(cx + dx, cy + dy) for dx, dy in ((k, 0), (-k, 0), (0, k), (0, -k))]
    dark = all(max((p >> 16) & 255, (p >> 8) & 255, p & 255) < 0x50 for p in diag)
    fill = all(abs(((p >> 16) & 255) - 0x72) + abs(((p >> 8) & 255) - 0x9f) + abs((p & 255) - 0xcf) < 40
               for p in straight)
    tap.check(dark and fill, "the close control is drawn as an X icon across its box",
              f"box {x},{y} {bw}x{bh}: diagonals {[hex(p) for p in diag]}, "
              f"straight {[hex(p) for p in straight]}")


def free_point(win, others):
    """A point inside win (id, x, y, w, h) outside every other window and its frame."""
    _, x, y, ww, wh = win
    for px, py in ((x + ww - 12, y + wh - 12), (x + 12, y + wh - 12), (x + ww - 12, y + 12)):
        if not any(o[1] - 6 <= px <= o[1] + o[3] + 6 and o[2] - 32 <= py <= o[2] + o[4] + 6 for o in others):
            return px, py
    return None


def type_in(env, w, at, text):
    click(env, w, at)
    time.sleep(0.5)
    xdo(env, "type", "--window", w, "--delay", "60", text)
    xdo(env, "key", "--window", w, "Return")


def drag(env, w, start, dx, dy, steps=6):
    xdo(env, "mousemove", "--window", w, start[0], start[1])
    xdo(env, "mousedown", "--window", w, 1)
    for step in range(1, steps + 1):
        xdo(env, "mousemove", "--window", w, start[0] + dx * step // steps, start[1] + dy * step // steps)
        time.sleep(0.1)
    xdo(env, "mouseup", "--window", w, 1)


def resize(tap, sim, d, env, w):
    """Dragging the frame's bottom-right corner asks the terminal for a new size: it
    snaps it to whole cells and resizes its surface, the frame follows, the screen shows
    the new size whole (the old area is the desktop again), and the shell's lines wrap
    at the new width; dragging back out grows it again."""
    win = window_at(d.dump(), "terminal")
    if not win:
        tap.check(False, "a terminal window to resize", "")
        return
    wid, x, y, ww, wh = win
    cw, ch = (ww - 12) // 100, (wh - 12) // 30  # 100 x 30 cells and 6 pixels around
    drag(env, w, (x + ww + 2, y + wh + 2), -300, -200)
    cols, rows = (ww - 300 - 12) // cw, (wh - 200 - 12) // ch
    want = (cols * cw + 12, rows * ch + 12)
    dump = d.wait_dump(rf"^window {wid} terminal -?\d+,-?\d+ {want[0]}x{want[1]} ")
    tap.check(dump is not None and sim.wait_for(rf"terminal: surface {wid} now {cols}x{rows} cells", 5),
              f"dragging the corner 300x200 pixels in resizes the terminal to whole cells: {cols}x{rows}",
              (window_at(d.dump(), "terminal"), sim.text()[-400:]))
    frame = re.search(rf"^window {wid} terminal [^\n]*\n  frame\nbox (-?\d+),(-?\d+) (\d+)x(\d+)", dump or "", re.M)
    tap.check(frame and (int(frame.group(3)), int(frame.group(4))) == (want[0] + 8, want[1] + 34),
              "the frame follows the new size", frame.group(0) if frame else (dump or "")[-400:])
    time.sleep(0.5)
    img = shot(env, w)
    inside = img.rgb(x + want[0] - 3, y + want[1] - 3) if img else None
    gone = img.rgb(x + want[0] + 40, y + want[1] + 40) if img else None
    tap.check(inside == LIGHT and gone not in (LIGHT, None),
              "the screen shows the new size whole: the terminal's corner is drawn, the area it "
              "left is the desktop again", f"corner {inside}, outside {gone}")
    line = "echo " + "r" * 100
    type_in(env, w, (x + 40, y + 40), line)
    dump = d.wait_dump(r'"r+"$', 20)
    wrapped = ("serviceos> " + line)[:cols]
    tap.check(dump is not None and f'"{wrapped}"' in scenes(dump).get(wid, ""),
              f"the shell's line wraps at the new width ({cols} columns)", (dump or "")[-1200:])
    drag(env, w, (x + want[0] + 2, y + want[1] + 2), ww - want[0], wh - want[1])
    dump = d.wait_dump(rf"^window {wid} terminal -?\d+,-?\d+ {ww}x{wh} ")
    tap.check(dump is not None and sim.wait_for(rf"terminal: surface {wid} now 100x30 cells", 5),
              "dragging it back out gives the terminal its 100x30 cells again",
              (window_at(d.dump(), "terminal"), sim.text()[-300:]))


def select(env, w, dump, wid, text, skip=0):
    """Drag over the terminal row that says text (its place from the window's scene in
    the dump), from the middle of its cell `skip` to the middle of its last; whether it
    was found."""
    m = re.search(rf'^\s+text (-?\d+),(-?\d+) \d+x(\d+) "{re.escape(text)}"$', scenes(dump).get(wid, ""), re.M)
    if m:
        tx, ty, th = map(int, m.groups())
        drag(env, w, (tx + 8 * skip + 4, ty + th // 2), 8 * (len(text) - 1 - skip), 0, 2)
    return m is not None


def combo(env, w, key):
    """Ctrl+Shift+key, the modifiers held on their own (the simulator reads them when it
    handles the key, by which time a quick ctrl+shift+key of xdotool has let them go)."""
    xdo(env, "keydown", "--window", w, "ctrl")
    xdo(env, "keydown", "--window", w, "shift")
    time.sleep(0.3)
    xdo(env, "key", "--window", w, key)
    time.sleep(0.3)
    xdo(env, "keyup", "--window", w, "shift")
    xdo(env, "keyup", "--window", w, "ctrl")


def copy_paste(tap, sim, d, env, w):
    """Dragging over a line of output selects it (drawn inverted); Ctrl+Shift+C copies
    it, Ctrl+Shift+V types it into the session and Return runs it."""
    win = window_at(d.dump(), "terminal")
    if not win:
        tap.check(False, "a terminal window to select in", "")
        return
    _, x, y, ww, wh = win
    cw = (ww - 12) // 100
    type_in(env, w, (x + ww // 2, y + wh // 2), "echo echo pasted-and-ran")
    dump = d.wait_dump(r'^\s+text .* "echo pasted-and-ran"$', 20)
    scene = scenes(dump).get(win[0], "").split("\n  scene\n")[-1]  # one text node a row
    rows = re.findall(r'^\s+text -?\d+,(-?\d+) \d+x\d+(?: "(.*)")?$', scene, re.M)
    row = next((i for i, r in enumerate(rows) if r[1] == "echo pasted-and-ran"), None)
    tap.check(row is not None, "the output to select is in the terminal's text", (dump or "")[-800:])
    if row is None:
        return
    tx, ty, th = x + 6, y + 6 + row * 18, 18  # the cell's place on the screen
    mark = len(sim.text())
    select(env, w, dump, win[0], "echo pasted-and-ran")
    time.sleep(0.5)
    img = shot(env, w)
    cell = img.rgb(tx + 1, ty) if img else None  # above the glyphs: the cell's background
    after = img.rgb(tx + 19 * cw + 1, ty) if img else None
    tap.check(cell == 0x202020 and after == LIGHT,
              "the dragged-over cells are drawn inverted (the text's colour behind), the next not",
              f"selected {cell}, after {after}")
    combo(env, w, "c")
    copied = d.wait_dump(r"^clipboard 19 bytes$", 10, every=0.2)
    out = d.command("desktop paste", r"^echo pasted-and-ran$") if copied else None
    tap.check(out is not None and "terminal: copied" not in sim.text()[mark:],
              "Ctrl+Shift+C copies the selection (19 bytes) into the desktop's clipboard "
              "(desktop paste prints it; nothing on the console)", sim.text()[mark:][-300:])
    combo(env, w, "v")
    xdo(env, "key", "--window", w, "Return")
    dump = d.wait_dump(r'^\s+text .* "pasted-and-ran"$', 20)
    tap.check(dump is not None and re.search(r'^\s+text .* "serviceos> echo pasted-and-ran"$', dump, re.M),
              "Ctrl+Shift+V types the copied text into the session: Return runs it, its output shows",
              (dump or d.dump())[-1000:])


def edges(tap, sim, d, env, w):
    """Every edge and corner of the frame resizes; the opposite ones stay where they
    were, the client keeps at least 160x80 and the window stays below the panel and on
    the screen. The terminal snaps what it is asked to whole cells (8x18, 6 around)."""
    win = window_at(d.dump(), "terminal")
    if not win:
        tap.check(False, "a terminal window to resize by its edges", "")
        return
    snap = lambda v, c: (v - 12) // c * c + 12  # noqa: E731
    # (where on the frame, from its left/top or right/bottom; the pointer's motion; the
    # edges that move): the frame is the client and 4 pixels around, a 30-pixel title
    cases = (("top-left corner", (1, 1), (64, 54), "lt"),
             ("bottom-left corner", (1, -2), (-40, 36), "lb"),
             ("top-right corner", (-2, 1), (-24, -18), "rt"),
             ("left edge, out past the screen's left", (1, 120), (-900, 0), "l"),
             ("top edge, up past the panel", (300, 1), (0, -700), "t"),
             ("top-left corner, back to about where it was", (1, 1), (144, 54), "lt"))
    for what, (fx, fy), (dx, dy), moves in cases:
        _, x, y, ww, wh = win
        left, top, right, bottom = x - 4, y - 30, x + ww + 4, y + wh + 4
        at = (left + fx if fx > 0 else right + fx, top + fy if fy > 0 else bottom + fy)
        dx, dy = max(dx, -at[0]), max(dy, -at[1])  # "past": to the window's edge (xdotool takes no negatives)
        drag(env, w, at, dx, dy, 3)
        nw = ww - dx if "l" in moves else ww + dx if "r" in moves else ww
        nh = wh - dy if "t" in moves else wh + dy if "b" in moves else wh
        nw, nh = min(nw, x + ww - 4), min(nh, y + wh - 62)  # not past the screen, below the panel
        nw, nh = snap(nw, 8), snap(nh, 18)
        nx = x + ww - nw if "l" in moves else x
        ny = y + wh - nh if "t" in moves else y
        dump = d.wait_dump(rf"^window {win[0]} terminal {nx},{ny} {nw}x{nh} ", every=0.2)
        got = window_at(dump or d.dump(), "terminal")
        tap.check(dump is not None,
                  f"the {what} resizes the terminal: {ww}x{wh} at {x},{y} to {nw}x{nh} at {nx},{ny}",
                  f"{win} -> {got}")
        win = got or win


def follows_theme(tap, sim, d, env, w):
    """The terminal follows appearance.theme: dark and back to light."""
    win = window_at(d.dump(), "terminal")
    if not win:
        tap.check(False, "a terminal window for the theme", "")
        return
    _, x, y, ww, wh = win
    seen = []
    for theme, want in (("dark", DARK), ("light", LIGHT)):
        d.command(f"config set appearance.theme {theme}", rf"^appearance.theme = {theme}$")
        end = time.monotonic() + 10
        px = None
        while time.monotonic() < end and px != want:
            time.sleep(0.3)
            img = shot(env, w)
            px = img.rgb(x + ww - 3, y + wh - 3) if img else None
        seen.append((theme, px))
    tap.check(seen == [("dark", DARK), ("light", LIGHT)],
              "config set appearance.theme dark, then light: the terminal's background follows",
              seen)


def two_terminals(tap, sim, d, env, w):
    """Ctrl+Shift+N opens a second terminal window with a session of its own: a command
    typed in one shows in that one only, and not on the console, whose own session
    still answers."""
    first = window_at(d.dump(), "terminal")
    if first:
        click(env, w, free_point(first, []))
        time.sleep(0.3)
    combo(env, w, "n")
    dump = d.wait_dump(r"^window \d+ terminal [\s\S]*^window \d+ terminal ")
    wins = [tuple(map(int, m)) for m in
            re.findall(r"^window (\d+) terminal (-?\d+),(-?\d+) (\d+)x(\d+)", dump or "", re.M)]
    second = next((x for x in wins if first and x[0] != first[0]), None)
    tap.check(second is not None, "Ctrl+Shift+N opens a second terminal window", (dump or "")[-600:])
    if not second:
        return
    mark = len(sim.text())
    at2 = free_point(second, [first])
    if at2:
        type_in(env, w, at2, "echo only-in-the-second")
    dump = d.wait_dump(r'"only-in-the-second"$', 20)
    sc = scenes(dump)
    tap.check(dump is not None and "only-in-the-second" in sc.get(second[0], "") and
              "only-in-the-second" not in sc.get(first[0], "x only-in-the-second") and
              not re.search(r"^(serviceos> echo )?only-in-the-second$", sim.text()[mark:], re.M),
              "a command typed in the second terminal shows there only: not in the first, not on the console",
              (dump or sim.text())[-1500:])
    at1 = free_point(first, [second])
    if at1:
        type_in(env, w, at1, "echo only-in-the-first")
    dump = d.wait_dump(r'"only-in-the-first"$', 20)
    sc = scenes(dump)
    tap.check(dump is not None and "only-in-the-first" in sc.get(first[0], "") and
              "only-in-the-first" not in sc.get(second[0], "x only-in-the-first"),
              "and one typed in the first shows in the first only", (dump or "")[-1500:])
    clipboard_between(tap, sim, d, env, w, first, second)
    out = d.command("echo the-console-answers", r"^the-console-answers$")
    dump = d.dump()
    tap.check(out is not None and "the-console-answers" not in dump.split("\npanel")[0].replace(
              "serviceos> desktop dump", ""),
              "the console's session is its own too: it answers, and no terminal shows it",
              (out or sim.text())[-400:])


def clipboard_between(tap, sim, d, env, w, first, second):
    """The clipboard is the desktop's: copied in the second terminal window, pasted in
    the first; and set from the shell (desktop copy), pasted in a terminal."""
    at1, at2 = free_point(first, [second]), free_point(second, [first])
    if not at1 or not at2:
        tap.check(False, "two terminal windows to copy between", f"{first} {second}")
        return
    click(env, w, at2)  # raised: the first may cover it
    time.sleep(0.3)
    # the command typed in the second, from its `echo` on (the prompt is 11 cells)
    found = select(env, w, d.dump(), second[0], "serviceos> echo only-in-the-second", 11)
    combo(env, w, "c")
    copied = d.wait_dump(r"^clipboard 23 bytes$", 10, every=0.2)
    click(env, w, at1)
    time.sleep(0.3)
    combo(env, w, "v")
    xdo(env, "key", "--window", w, "Return")
    end, sc = time.monotonic() + 20, {}
    while time.monotonic() < end and not re.search(r'"only-in-the-second"$', sc.get(first[0], ""), re.M):
        time.sleep(0.3)
        dump = d.dump()
        sc = scenes(dump)
    tap.check(found and copied and re.search(r'"serviceos> echo only-in-the-second"$', sc.get(first[0], ""), re.M) and
              re.search(r'"only-in-the-second"$', sc.get(first[0], ""), re.M),
              "copied in one terminal window (Ctrl+Shift+C), pasted in the other (Ctrl+Shift+V): it runs there",
              (dump or "")[-1500:])
    out = d.command("desktop copy echo set-by-the-shell", r"^copied 21 bytes$")
    combo(env, w, "v")
    xdo(env, "key", "--window", w, "Return")
    dump = d.wait_dump(r'^\s+text .* "set-by-the-shell"$', 20)
    tap.check(out is not None and dump is not None and
              re.search(r'"serviceos> echo set-by-the-shell"$', scenes(dump).get(first[0], ""), re.M),
              "desktop copy from the shell sets the clipboard a terminal pastes", (out, (dump or "")[-800:]))


def console_window(tap, sim, d, env, w):
    """The launcher's system-console: a window on the console's own session (the way to
    the text console once the desktop has the screen): typed there, a command runs on
    the console's session and shows on the text console too."""
    xdo(env, "key", "--window", w, "alt+F1")
    dump = d.wait_dump(r'^launcher$[\s\S]*button .* "system-console"')
    button = centre(dump, "button", "system-console")
    tap.check(button is not None, "the launcher lists system-console", (dump or "")[-600:])
    if not button:
        return
    click(env, w, button)
    dump = d.wait_dump(r"^window \d+ system-console ")
    win = window_at(dump, "system-console")
    others = [tuple(map(int, m)) for m in
              re.findall(r"^window (\d+) terminal (-?\d+),(-?\d+) (\d+)x(\d+)", dump or "", re.M)]
    at = free_point(win, others) if win else None
    mark = len(sim.text())
    if at:
        type_in(env, w, at, "echo typed-in-the-console-window")
    seen = sim.wait_for(r"^serviceos> echo typed-in-the-console-window\n", 20) and \
        re.search(r"^typed-in-the-console-window$", sim.text()[mark:], re.M)
    tap.check(win is not None and seen,
              "system-console opens a window on the console's session: what is typed there runs "
              "on the text console", sim.text()[mark:][-600:])
    d.command("stop system-console", r"serviceos> ")


def run(tap, a, env):
    booted = boot(tap, a, env, "with a window the system boots to the desktop (no --desktop given)")
    if not booted:
        return
    sim, d, w = booted
    out = d.command("desktop start", r"^desktop running$")
    tap.check(out is not None, "desktop start finds it running", sim.text()[-300:])
    dump = d.wait_dump(r'^  button .* "Apps"$')
    apps = centre(dump, "button", "Apps")
    clock = re.search(r'^  text .* "(\d\d):(\d\d) UTC"$', dump or "", re.M)
    now = datetime.datetime.now(datetime.timezone.utc)
    off = (int(clock.group(1)) * 60 + int(clock.group(2)) - now.hour * 60 - now.minute) % 1440 if clock else None
    tap.check(apps is not None and off in (0, 1, 1439),
              "the panel has the Apps button and the time of day (HH:MM UTC, the host's within a minute)",
              f"{clock.group(0) if clock else (dump or '')[-600:]} at {now:%H:%M} UTC")
    health = re.search(r'^  text .* "system (\w+)"$', dump or "", re.M)
    tap.check(health and health.group(1) in ("healthy", "dormant", "recovering", "restarting",
                                             "degraded", "failing"),
              "the panel shows the system's health from the status service", (dump or "")[-600:])
    out = d.command("desktop apps", r"^terminal\s")
    tap.check(out is not None and re.search(r"^terminal\s+dormant", out, re.M),
              "desktop apps lists the terminal (app in its manifest)", sim.text()[-300:])
    if apps:
        click(env, w, apps)
    dump = d.wait_dump(r'^launcher$[\s\S]*button .* "terminal"')
    term_button = centre(dump, "button", "terminal")
    tap.check(term_button is not None, "a click on Apps opens the launcher listing the terminal",
              (dump or "")[-600:])
    launcher_icons(tap, dump)
    img = shot(env, w) if a.shot and term_button else None
    if img:  # the launcher open, with its icons, beside the other picture
        write_png(img, os.path.join(os.path.dirname(a.shot), "launcher.png"))
    if term_button:
        click(env, w, term_button)
    started = sim.wait_for(r"^terminal: ready: surface \d+", 30)
    dump = d.wait_dump(r"^window \d+ terminal ") if started else None
    win = window_at(dump, "terminal")
    tap.check(started and win is not None and "launch terminal: started" in sim.text(),
              "a click in the launcher starts the terminal through the root manager; it has a window",
              sim.text()[-500:])
    tap.check(dump is not None and re.search(r'^\s+button .* "x"$', dump, re.M) and
              re.search(r'^\s+button .* "_"$', dump, re.M) and re.search(r'^\s+text .* "terminal"$', dump, re.M),
              "the window has a frame: title, minimise, close", (dump or "")[-800:])
    close_icon(tap, env, w, dump)
    tap.check(dump is not None and re.search(r'^launcher hidden$', dump, re.M),
              "the launcher closes after a launch", (dump or "")[-300:])
    mark = len(sim.text())
    if win:
        _, wx, wy, ww, wh = win
        click(env, w, (wx + ww // 2, wy + wh // 2))
        time.sleep(0.5)
        xdo(env, "type", "--window", w, "--delay", "60", "service terminal")
        xdo(env, "key", "--window", w, "Return")
    # the terminal has a shell session of its own: the output is in its text only (the
    # console shows it inside dumps only, quoted)
    # (`service terminal`, not `services`: the list of every service is taller than the
    # terminal's 30 rows, and its command line would scroll away)
    ran = d.wait_dump(r'^\s+text .* "\s*detail\s+ready"', 30)
    tap.check(ran is not None and not re.search(r"^serviceos> service terminal$", sim.text()[mark:], re.M),
              "the terminal's session is its own: the command and its output are not on the console",
              sim.text()[mark:][-800:])
    img = shot(env, w)  # the terminal with the output (before a dump scrolls it)
    if img and a.shot:
        write_png(img, a.shot)
    dump = d.dump() if ran else None
    tap.check(dump is not None and re.search(r'^\s+text .* "serviceos> service terminal"$', dump, re.M),
              "keys typed in the terminal reach the shell: the command line is in its text",
              (dump or sim.text())[-1500:])
    tap.check(dump is not None and re.search(r'^\s+text .* "\s*detail\s+ready"$', dump, re.M),
              "the output of service terminal is in the terminal's text", (dump or "")[-1500:])
    title = centre(dump, "text", "terminal")
    if title and win:
        xdo(env, "mousemove", "--window", w, title[0], title[1])
        xdo(env, "mousedown", "--window", w, 1)
        for step in range(1, 6):
            xdo(env, "mousemove", "--window", w, title[0] + 10 * step, title[1] + 8 * step)
            time.sleep(0.1)
        xdo(env, "mouseup", "--window", w, 1)
        time.sleep(0.5)
    moved = window_at(d.wait_dump(r"^window \d+ terminal "), "terminal")
    tap.check(win and moved and (moved[1], moved[2]) == (win[1] + 50, win[2] + 40),
              "dragging the title moves the window by as much as the pointer",
              f"from {win} to {moved}")
    scene = scenes(d.dump()).get(moved[0], "").split("\n  scene\n")[-1] if moved else ""
    first = re.match(r"box (-?\d+),(-?\d+) (\d+)x(\d+)\n\s+text (-?\d+),(-?\d+) ", scene)
    tap.check(moved and first and tuple(map(int, first.groups())) == (
              moved[1], moved[2], moved[3], moved[4], moved[1] + 6, moved[2] + 6),
              "after the move the dump shows the terminal's text where the window is now",
              f"window {moved}, its scene {scene[:200]!r}")
    dump = d.dump()
    minimise = centre(dump, "button", "_")
    if minimise:
        click(env, w, minimise)
    dump = d.wait_dump(r"^window \d+ terminal .* minimised workspace 1$")
    task = centre(dump, "button", "(terminal)")
    tap.check(task is not None, "minimise hides the window; its task button says so",
              (dump or "")[-600:])
    if task:
        click(env, w, task)
    dump = d.wait_dump(r"^window \d+ terminal .*\d$")
    tap.check(dump is not None and centre(dump, "button", "terminal"),
              "the task button brings the window back", (dump or "")[-600:])
    maximise = centre(dump, "button", "[]")
    if maximise:
        click(env, w, maximise)
    # the terminal is asked to fill the screen below the panel (1016x702 pixels) and
    # takes whole cells of 8x18 pixels with 6 around: 125x38 cells
    full = f"{(1016 - 12) // 8 * 8 + 12}x{(702 - 12) // 18 * 18 + 12}"
    dump = d.wait_dump(rf"^window \d+ terminal 4,62 {full} maximised workspace 1$")
    maximise = centre(dump, "button", "[]")
    if maximise:
        click(env, w, maximise)
    back = window_at(d.wait_dump(rf"^window \d+ terminal {moved[1]},{moved[2]} {moved[3]}x{moved[4]} workspace 1$")
                     if moved else None, "terminal")
    tap.check(dump is not None and back == moved,
              f"maximise puts the window at the top left below the panel at {full} (the terminal fills "
              "the screen in whole cells), and back again at its place and size", f"{moved} -> {back}")
    two = centre(dump, "button", "2")
    if two:
        click(env, w, two)
    dump = d.wait_dump(r"^window \d+ terminal .* workspace 1 hidden$")
    panel = (dump or "").split("\nlauncher")[0]
    tap.check(dump is not None and centre(panel, "button", "[2]") and not centre(panel, "button", "terminal"),
              "the panel's button 2 shows workspace 2: the terminal (on 1) is hidden, no task button",
              (dump or "")[-600:])
    one = centre(dump, "button", "1")
    if one:
        click(env, w, one)
    dump = d.wait_dump(r"^window \d+ terminal .* workspace 1$")
    tap.check(dump is not None and centre(dump, "button", "terminal"),
              "button 1 shows workspace 1 and the terminal again", (dump or "")[-600:])
    xdo(env, "key", "--window", w, "alt+2")
    ok2 = d.wait_dump(r"^workspace 2 of 2$")
    xdo(env, "key", "--window", w, "alt+1")
    ok1 = d.wait_dump(r"^workspace 1 of 2$")
    xdo(env, "key", "--window", w, "alt+F1")
    shown = d.wait_dump(r"^launcher$")
    xdo(env, "key", "--window", w, "alt+F1")
    hidden = d.wait_dump(r"^launcher hidden$")
    tap.check(ok2 and ok1 and shown and hidden,
              "keyboard shortcuts: Alt+2 and Alt+1 switch workspaces, Alt+F1 opens and closes the launcher",
              f"alt+2 {bool(ok2)}, alt+1 {bool(ok1)}, alt+F1 {bool(shown)} {bool(hidden)}")
    resize(tap, sim, d, env, w)
    copy_paste(tap, sim, d, env, w)
    edges(tap, sim, d, env, w)
    follows_theme(tap, sim, d, env, w)
    two_terminals(tap, sim, d, env, w)
    console_window(tap, sim, d, env, w)
    kept = d.command("desktop copy kept over a restart", r"^copied 19 bytes$")
    d.say("kill desktop")
    again = sim.wait_for(r"desktop: ready: screen[\s\S]*desktop: ready: screen", 30)
    dump = d.wait_dump(r"^window \d+ terminal [\s\S]*^  scene\n[\s\S]*\"serviceos>") if again else None
    tap.check(dump is not None and centre(dump, "button", "x"),
              "the desktop shell killed: the root manager restarts it, the terminal's window "
              "survives and is framed again, its text still there", sim.text()[-600:])
    out = d.command("desktop paste", r"^kept over a restart$") if again else None
    tap.check(kept is not None and out is not None,
              "the clipboard outlives the desktop shell's restart (its state page)", (kept, out))
    d.say("desktop notify build finished")
    dump = d.wait_dump(r'^notification "build finished" shown$')
    tap.check(dump is not None, "desktop notify shows a notification", sim.text()[-300:])
    close = centre(dump, "button", "x")
    if close:
        click(env, w, close)
    gone = sim.wait_for(r"desktop: closing terminal$", 20)
    dump = d.wait_dump(r"^window \d+ terminal ", 20, present=False) if gone else None
    tap.check(dump is not None, "the close button stops the terminal and its window goes",
              sim.text()[-500:])
    d.say("poweroff")
    rc = sim.finish(30)
    sys.stderr.write(sim.text())
    tap.check(rc == 0, "poweroff ends the simulator with 0", f"status {rc}")
    check_power_off(tap, sim.text())


sys.exit(main(run, "the desktop under Xvfb"))
