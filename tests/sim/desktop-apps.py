#!/usr/bin/env python3
"""The settings and files apps on the desktop, under a private Xvfb, driven with the
mouse and the keyboard (xdotool) and read back through `desktop dump`, the shell and
the window's pixels.

usage: desktop-apps.py --sim SIM --bootstore FILE [--shot DIR]

Settings, opened from the launcher (a click on Apps, then on settings): its sections;
Dark in appearance sets appearance.theme, and the desktop shell (its dump says `theme
dark`), settings and files follow it (the window's background turns dark: a pixel
check); `config set` from the shell turns it back, which the apps follow too (the
config watch). A value config refuses (`wide` for the int display.width) shows config's
own reason and the key keeps its value; a good one typed with the keyboard is set.

Files, started with `desktop launch files`: only the places its manifest grants (/home
and /tmp, while the shell's `ls /` lists more); a file written with the shell's
`write` opened with two clicks, edited with the keyboard, saved (Ctrl+S: the atomic
replace leaves no .tmp), read back with `cat`; a folder made; a file copied, renamed,
and deleted through the confirmation (first the Delete key and Escape, which keep it); a name written with
a byte that is not UTF-8 (0xff) listed escaped and opened; a PNG (binary) and a
92 KB image (too large) refused with their reasons; a folder copied with what it
holds (and refused into itself); after a restart of storage, files lists, opens and
saves again (its places looked up anew); after a restart of config, files and
the shell still follow the theme (the watch made again); the monitor starts dark. Killing each app (the shell's `kill`):
the root manager starts it again (an operator's kill restarts), a new window comes,
the desktop shell goes on. --shot DIR saves the compositor's
screenshots (`gfx screenshot`) with each app (settings.png, files.png, files-browser.png):
the simulator's disk (always a new one of the test's own, in a temporary folder) is then
in DIR, and the pictures are taken out of it with sfs-edit after power-off. Without Xvfb, xdotool or xwd: TAP SKIP.
"""
import os
import re
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from desktop_util import boot, centre, main, shot, window_at  # noqa: E402
from desktop_util import click as click_at  # noqa: E402
from xwindow import xdo  # noqa: E402

LIGHT, DARK = 0xf4f4f4, 0x1e1e22  # the themes' background (tk_theme_light, tk_theme_dark)


def row(dump, name):
    """The centre of the files row of that name (folder or file)."""
    m = re.search(rf'^\s+text (\d+),(\d+) (\d+)x(\d+) "[ >] {re.escape(name)}(?:/|  \d+ bytes)"$', dump or "", re.M)
    if not m:
        return None
    x, y, w, h = map(int, m.groups())
    return x + 40, y + h // 2


def click(env, w, at):
    """A click there; nothing when the widget was not found (the check after it fails)."""
    if at:
        click_at(env, w, at)


def empty_field(dump):
    """The centre of the first empty text field (the files app's name field)."""
    m = re.search(r'^\s+field (\d+),(\d+) (\d+)x(\d+)$', dump or "", re.M)
    return (int(m.group(1)) + 20, int(m.group(2)) + int(m.group(4)) // 2) if m else None


def background(env, w, owner, dump):
    """The window's background pixel (inside its padding, bottom left)."""
    place = window_at(dump, owner)
    img = shot(env, w)
    return img.rgb(place[1] + 4, place[2] + place[4] - 4) & 0xffffff if place and img else None


def keys(env, w, *names):
    for k in names:
        xdo(env, "key", "--window", w, k)
        time.sleep(0.05)


def typed(env, w, text):
    xdo(env, "type", "--window", w, "--delay", "60", text)


def open_row(env, d, w, dump, name, shown):
    """Two clicks on the row `name` (a regex): the editor on it (its dump, or None)."""
    at = row(dump, name)
    click(env, w, at)
    time.sleep(0.3)
    click(env, w, at)
    return d.wait_dump(rf'"Editing /home/{shown}"$')


def ctrl_key(env, w, key):
    """Ctrl+key. Ctrl held on its own: the simulator reads the modifiers when it handles
    the key, by which time a quick ctrl+s of xdotool has released Ctrl again."""
    xdo(env, "keydown", "--window", w, "ctrl")
    time.sleep(0.3)
    keys(env, w, key)
    time.sleep(0.3)
    xdo(env, "keyup", "--window", w, "ctrl")


def ctrl_s(env, w):
    ctrl_key(env, w, "s")


def save_shot(d, a, name):
    """With --shot: the compositor's screenshot of the screen (`gfx screenshot`) into
    /data/shots (out of the files app's reach), taken out of the disk after power-off."""
    if a.shot:
        d.command(f"gfx screenshot /data/shots/{name}", rf"^/data/shots/{re.escape(name)}: PNG of the screen")


def take_out_shots(a, disk, sim):
    """Copy the screenshots out of the disk with sfs-edit (SOS_SFS_EDIT, or beside the
    simulator in the build tree)."""
    tool = os.environ.get("SOS_SFS_EDIT") or os.path.join(os.path.dirname(a.sim), "..", "tests", "sfs-edit")
    for name in re.findall(r"^/data/shots/(\S+): PNG of the screen", sim.text(), re.M):
        subprocess.run([tool, disk, "--get", f"/data/shots/{name}", os.path.join(a.shot, name)], check=True)


def settings(tap, a, env, sim, d, w):
    out = d.command("desktop apps", r"^terminal\s")
    tap.check(out and re.search(r"^settings\s+dormant", out, re.M) and re.search(r"^files\s+dormant", out, re.M),
              "desktop apps lists settings and files", out)
    click(env, w, centre(d.dump(), "button", "Apps"))
    dump = d.wait_dump(r'^launcher$')
    at = centre(dump, "button", "settings")
    if at:
        click(env, w, at)
    dump = d.wait_dump(r'button .* "\[display\]"$', 30) if sim.wait_for(r"settings: ready: surface \d+", 30) else None
    tap.check(dump and re.search(r"^window \d+ settings ", dump, re.M) and
              re.search(r'field .* "1024"$', dump, re.M) and re.search(r'"display.width"$', dump, re.M),
              "the launcher starts settings: a framed window, the display section's keys", (dump or d.dump())[-1500:])
    before = background(env, w, "settings", dump)
    click(env, w, centre(dump, "button", "appearance"))
    dump = d.wait_dump(r'button .* "Dark"$')
    click(env, w, centre(dump, "button", "Dark"))
    dump = d.wait_dump(r'^theme dark$[\s\S]*field .* "dark"$[\s\S]*"appearance.theme = dark"$')
    tap.check(dump and sim.wait_for(r"settings: theme dark", 5),
              "Dark: appearance.theme is set, the desktop shell and settings follow it",
              "\n".join(re.findall(r"^settings: .*$", sim.text(), re.M)) + d.dump()[-900:])
    time.sleep(0.5)
    after = background(env, w, "settings", dump)
    tap.check(before == LIGHT and after == DARK, "the window turns dark (a pixel check)",
              f"before {before and hex(before)} after {after and hex(after)}")
    save_shot(d, a, "settings.png")
    out = d.command("config set appearance.theme light", r"^appearance.theme = light$")
    dump = d.wait_dump(r'^theme light$')
    time.sleep(0.5)
    back = background(env, w, "settings", dump)
    tap.check(out and dump and back == LIGHT and sim.wait_for(r"settings: theme light", 5),
              "config set from the shell: the watchers follow it back to light", f"{back and hex(back)}")
    click(env, w, centre(dump, "button", "display"))
    dump = d.wait_dump(r'"\[display\]"$')
    click(env, w, centre(dump, "field", "1024"))
    keys(env, w, *["BackSpace"] * 4)
    typed(env, w, "wide")
    keys(env, w, "Return")
    dump = d.wait_dump(r'"refused: display.width is an int: \'wide\' does not fit"$')
    out = d.command("config get display.width", r"^display.width = ")
    tap.check(dump and re.search(r'field .* "1024"$', dump, re.M) and out and "display.width = 1024" in out,
              "a value config refuses: its reason in the window, the key unchanged", (dump or d.dump())[-700:])
    dump = d.dump()
    click(env, w, centre(dump, "field", "768"))
    keys(env, w, *["BackSpace"] * 3)
    typed(env, w, "600")
    keys(env, w, "Return")
    dump = d.wait_dump(r'"display.height = 600"$')
    out = d.command("config get display.height", r"^display.height = ")
    tap.check(dump and out and "display.height = 600" in out, "a good value typed and entered is set", out)


def files(tap, a, env, sim, d, w):
    d.command("write /home/notes.txt hello from the shell", r"serviceos> $")
    d.command("cp /boot/bin/files /home/big.bin", r"serviceos> $")
    sim.p.stdin.write(b"write /home/odd\xffname.txt odd bytes\n")  # a name that is not UTF-8
    sim.p.stdin.flush()
    # (the raw write's prompt may come after `ls /` is typed: wait for ls's own lines)
    ls_root = d.command("ls /", r"^\s*backups\b[\s\S]*serviceos> $") or ""
    d.say("desktop launch files")
    m = sim.wait_for(r"files: ready: surface (\d+)", 30)
    dump = d.wait_dump(r'"  notes.txt  21 bytes"$') if m else None
    places = re.findall(r'^\s+button .* "\[?(/[^"\]]*)\]?"$', dump or "", re.M)
    tap.check(dump and places == ["/home", "/tmp"] and all(n in ls_root for n in ("config", "state", "backups")),
              "files shows only its granted places (/home, /tmp) while the store has more",
              f"places {places}\nls / {ls_root}")
    surface = re.search(r"files: ready: surface (\d+)", sim.text()).group(1) if m else "0"
    out = d.command(f"gfx screenshot /home/shot.png {surface}", r"PNG of a surface, \d+ bytes$")
    click(env, w, centre(d.dump(), "button", "Up"))  # the listing again (Up at the top stays there)
    dump = d.wait_dump(r'"  shot.png  \d+ bytes"$')
    for name, why in (("shot.png", r"byte 0x89 at offset 0 is not UTF-8: not text"),
                      ("big.bin", r"\d+ bytes: too large to open here \(at most 65536\)")):
        at = row(dump, name)
        click(env, w, at)
        time.sleep(0.3)
        click(env, w, at)
        dump = d.wait_dump(rf'"cannot open /home/{re.escape(name)}: {why}"$')
        tap.check(dump is not None, f"{name} is refused with its reason, files goes on", d.dump()[-500:])
    dump = open_row(env, d, w, dump, r"odd\xffname.txt", r"odd\\xffname.txt")
    tap.check(dump and re.search(r'text .* "odd bytes"$', dump, re.M),
              "a name with a byte that is not UTF-8 is listed as odd\\xffname.txt and opens", d.dump()[-600:])
    keys(env, w, "Escape")
    dump = d.wait_dump(r'"Folder /home: \d+ entries"$')
    dump = open_row(env, d, w, dump, "notes.txt", "notes.txt")
    tap.check(dump and re.search(r'text .* "hello from the shell"$', dump, re.M),
              "two clicks open the file written from the shell in the editor", (dump or d.dump())[-600:])
    keys(env, w, "End")
    typed(env, w, " and the editor")
    keys(env, w, "Return")
    typed(env, w, "line 2")
    ctrl_s(env, w)
    dump = d.wait_dump(r'"saved /home/notes.txt: 43 bytes"$')
    save_shot(d, a, "files.png")
    out = d.command("cat /home/notes.txt", r"^line 2$")
    ls = d.command("ls /home", r"serviceos> $") or ""
    tap.check(dump and out and "hello from the shell and the editor\nline 2" in out and ".tmp" not in ls,
              "edited with the keyboard, saved (Ctrl+S), read back with cat; no .tmp left", f"{out}\n{ls}")
    keys(env, w, "Escape")
    dump = d.wait_dump(r'"Folder /home: \d+ entries"$')
    click(env, w, empty_field(dump))
    typed(env, w, "docs")
    click(env, w, centre(dump, "button", "New folder"))
    dump = d.wait_dump(r'"> docs/"$')
    ls = d.command("ls /home", r"serviceos> $") or ""
    tap.check(dump and re.search(r"^docs/", ls, re.M), "New folder makes /home/docs", f"{ls}\n{d.dump()[-900:]}")
    keys(env, w, "Down", "Down")  # the keyboard: from docs/ past big.bin to notes.txt
    dump = d.wait_dump(r'"> notes.txt  43 bytes"$')
    tap.check(dump is not None, "Down, Down: the selection moves to notes.txt", d.dump()[-500:])
    ops = (("copy.txt", "Copy", "notes.txt", r"copied notes.txt to copy.txt"),
           ("renamed.txt", "Rename", "copy.txt", r"renamed copy.txt to renamed.txt"))
    for name, button, source, said in ops:
        if not re.search(rf'"> {re.escape(source)}  \d+ bytes"$', dump or "", re.M):
            click(env, w, row(dump, source))  # (a click on the selected one would open it)
        dump = d.wait_dump(rf'"> {re.escape(source)}  \d+ bytes"$')
        click(env, w, empty_field(dump))
        typed(env, w, name)
        click(env, w, centre(dump, "button", button))
        dump = d.wait_dump(rf'"{said}"$')
    save_shot(d, a, "files-browser.png")
    out = d.command("cat /home/renamed.txt", r"^line 2$")
    ls = d.command("ls /home", r"serviceos> $") or ""
    tap.check(dump and out and "hello from the shell and the editor" in out and "copy.txt" not in ls,
              "Copy then Rename: /home/renamed.txt holds the text, copy.txt is gone", f"{out}\n{ls}")
    for answer, said in (("Cancel", r"kept renamed.txt"), ("Delete", r"deleted renamed.txt")):
        if answer == "Cancel":  # with the keyboard: the Delete key, then Escape
            keys(env, w, "Delete")
        else:
            click(env, w, centre(dump, "button", "Delete"))
        dump = d.wait_dump(r'"Delete /home/renamed.txt\?"$')
        tap.check(dump is not None, f"Delete asks first ({answer})", d.dump()[-400:])
        if answer == "Cancel":
            keys(env, w, "Escape")
        else:
            click(env, w, centre(dump, "button", answer))
        dump = d.wait_dump(rf'"{said}"$')
        ls = d.command("ls /home", r"serviceos> $") or ""
        tap.check(dump and ("renamed.txt" in ls) == (answer == "Cancel"),
                  f"{answer} in the confirmation: {said.replace(chr(92), '')}", ls)
        if answer == "Cancel":  # the file kept is still the one selected
            dump = d.wait_dump(r'"> renamed.txt  \d+ bytes"$')
    copy_folder(tap, env, sim, d, w)
    storage_restart(tap, env, sim, d, w)
    # config keeps no watchers across a restart: the watchers make their watch again
    d.say("kill config")
    ready = d.command("uptime --wait 30", r"serviceos> $", 40)
    d.command("config set appearance.theme dark", r"^appearance.theme = dark$")
    dump = d.wait_dump(r"^theme dark$")
    tap.check(ready and dump and sim.wait_for(r"files: theme dark", 10),
              "config killed and back: files and the desktop shell still follow the theme", sim.text()[-300:])
    d.say("desktop launch monitor")
    dump = d.wait_dump(r"^window \d+ monitor ") if sim.wait_for(r"monitor: ready", 30) else None
    time.sleep(0.5)
    bg = background(env, w, "monitor", dump)
    tap.check(bg == DARK, "the monitor starts in the theme set (dark)", f"{bg and hex(bg)}")


def copy_with_name(env, d, w, source, name):
    """Select `source` in the listing shown, type `name` and press Copy."""
    dump = d.dump()
    if not re.search(rf'"> {re.escape(source)}/?(?:  \d+ bytes)?"$', dump or "", re.M):
        click(env, w, row(dump, source))
    dump = d.wait_dump(rf'"> {re.escape(source)}/?(?:  \d+ bytes)?"$')
    click(env, w, empty_field(dump))  # (a copy that worked emptied it)
    typed(env, w, name)
    click(env, w, centre(dump, "button", "Copy"))


def copy_folder(tap, env, sim, d, w):
    """A folder copied with what it holds (into a sibling and into a folder below); a
    copy into itself refused, nothing made (last: a refused name stays in the field)."""
    for line in ("write /home/docs/a.txt first", "mkdir /home/docs/sub", "write /home/docs/sub/b.txt deep one"):
        d.command(line, r"serviceos> $")
    click(env, w, centre(d.dump(), "button", "Up"))  # the listing again
    d.wait_dump(r'"Folder /home: \d+ entries"$')
    copy_with_name(env, d, w, "docs", "docs2")
    dump = d.wait_dump(r'"copied folder docs to docs2: 1 folder, 2 files"$')
    out = d.command("cat /home/docs2/sub/b.txt", r"^deep one$")
    ls = d.command("ls /home/docs2", r"serviceos> $") or ""
    tap.check(dump and out and "a.txt" in ls and "sub/" in ls,
              "Copy on a folder copies it with its files and folders (docs to docs2)", f"{ls}\n{d.dump()[-500:]}")
    copy_with_name(env, d, w, "docs", "docs2/docs")
    dump = d.wait_dump(r'"copied folder docs to docs2/docs: 1 folder, 2 files"$')
    out = d.command("cat /home/docs2/docs/a.txt", r"^first$")
    tap.check(dump and out, "a folder copied into another folder (docs into docs2/docs)", d.dump()[-500:])
    copy_with_name(env, d, w, "docs", "docs/inner")
    dump = d.wait_dump(r'"cannot copy the folder docs into itself \(docs/inner is inside it\)"$')
    ls = d.command("ls /home/docs", r"serviceos> $") or ""
    tap.check(dump and "inner" not in ls, "a folder copied into itself is refused, nothing made",
              f"{ls}\n{d.dump()[-500:]}")


def storage_restart(tap, env, sim, d, w):
    """Storage restarted while files is open: its places' handles are looked up again,
    and browsing, opening and saving go on."""
    ok = d.command("restart storage", r"serviceos> $", 40)
    click(env, w, centre(d.dump(), "button", "/tmp"))
    dump = d.wait_dump(r'"Folder /tmp: \d+ entries"$')
    tap.check(ok is not None and dump and not re.search(r'"cannot list', dump, re.M),
              "storage restarted: files lists /tmp again", d.dump()[-500:])
    click(env, w, centre(d.dump(), "button", "/home"))
    dump = d.wait_dump(r'"  notes.txt  43 bytes"$')
    dump = open_row(env, d, w, dump, "notes.txt", "notes.txt")
    tap.check(dump and re.search(r'text .* "line 2"$', dump, re.M),
              "storage restarted: files opens /home/notes.txt", d.dump()[-500:])
    keys(env, w, "Down", "End")
    typed(env, w, "!")
    ctrl_s(env, w)
    dump = d.wait_dump(r'"saved /home/notes.txt: 44 bytes"$')
    out = d.command("cat /home/notes.txt", r"^line 2!$")
    tap.check(dump and out, "storage restarted: files saves /home/notes.txt (cat reads it back)",
              f"{out}\n{d.dump()[-500:]}")
    # the desktop's clipboard pasted into the editor: text the shell put there
    d.command("desktop copy ' pasted'", r"serviceos> $")
    ctrl_key(env, w, "v")
    dump = d.wait_dump(r'text .* "line 2! pasted"$')
    ctrl_key(env, w, "s")
    saved = d.wait_dump(r'"saved /home/notes.txt: 51 bytes"$')
    out = d.command("cat /home/notes.txt", r"^line 2! pasted$")
    tap.check(dump and saved and out, "Ctrl+V pastes the desktop's clipboard (desktop copy) at the cursor; saved",
              f"{out}\n{d.dump()[-500:]}")
    keys(env, w, "Escape")
    d.wait_dump(r'"Folder /home: \d+ entries"$')


def kill(tap, sim, d, app):
    """An operator's kill: the root manager starts the app again (a new window)."""
    before = window_at(d.dump(), app)
    seen = len(re.findall(rf"^{app}: ready: ", sim.text(), re.M))
    d.say(f"kill {app}")
    end = time.monotonic() + 30
    while time.monotonic() < end and len(re.findall(rf"^{app}: ready: ", sim.text(), re.M)) == seen:
        time.sleep(0.2)
    dump = d.wait_dump(rf"^window (?!{before[0] if before else -1} )\d+ {app} ", 20)
    out = d.command("services", r"serviceos> $") or ""
    tap.check(before and dump and re.search(r"^desktop\s+ready", out, re.M) and
              re.search(rf"^{app}\s+ready .* restarts 1 ", out, re.M) and
              not re.search(rf"^window {before[0]} ", dump, re.M),
              f"kill {app}: the root manager starts it again, a new window; the desktop goes on",
              f"{sim.text()[-400:]}\n{out}")


def run_on(tap, a, env, disk):
    booted = boot(tap, a, env, "the desktop shell is on the display", ("--disk", disk))
    if not booted:
        return
    sim, d, w = booted
    if a.shot:
        d.command("mkdir /data/shots", r"serviceos> $")
    settings(tap, a, env, sim, d, w)
    files(tap, a, env, sim, d, w)
    kill(tap, sim, d, "settings")
    kill(tap, sim, d, "files")
    d.say("poweroff")
    rc = sim.finish(30)
    sys.stderr.write(sim.text())
    tap.check(rc == 0, "poweroff ends the simulator with 0", f"status {rc}")
    if a.shot:
        take_out_shots(a, disk, sim)


def run(tap, a, env):
    # a disk of our own (a store kept in memory is lost when storage restarts); with
    # --shot in DIR, to take the screenshots out of
    where = a.shot or tempfile.mkdtemp(prefix="desktop-apps-")
    os.makedirs(where, exist_ok=True)
    disk = os.path.join(where, "disk.img")
    if os.path.exists(disk):
        os.remove(disk)
    try:
        run_on(tap, a, env, disk)
    finally:
        if os.path.exists(disk):
            os.remove(disk)
        if not a.shot:
            os.rmdir(where)


sys.exit(main(run, "the settings and files apps under Xvfb"))
