#!/usr/bin/env python3
"""The QEMU launch scripts without a boot: ./serviceos-qemu and image/<arch>/run.sh are
run with --print-command (they print the QEMU command line and exit), and
image/x86_64/serial_relay.py with a stand-in for QEMU. Checks what a user sees before
the guest runs: --help, the options both architectures take, the fall-back to no
window when there is no display, that test boots never get the user's data disk, that
build chatter stays out of the console transcript and that the firmware's escape
sequences are taken out of it.

usage: launch_test.py SOURCE_DIR [BUILD_DIR]   (TAP on stdout)
"""
import os
import subprocess
import sys
import tempfile

SRC = os.path.abspath(sys.argv[1])
BUILD = os.path.abspath(sys.argv[2]) if len(sys.argv) > 2 else None
results = []


def case(name, ok, detail=""):
    results.append((name, bool(ok), detail))


def run(args, env_extra=None, drop=(), stdin=subprocess.DEVNULL):
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env.update(env_extra or {})
    p = subprocess.run(args, cwd=SRC, env=env, stdin=stdin, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=300)
    return p.returncode, p.stdout.decode(errors="replace"), p.stderr.decode(errors="replace")


def main():
    tmp = tempfile.mkdtemp(prefix="sos-launch-")
    home = os.path.join(tmp, "home")
    os.makedirs(home)
    fake_img = os.path.join(tmp, "boot.img")
    open(fake_img, "wb").close()
    fake_a64 = os.path.join(tmp, "build-aarch64")
    os.makedirs(os.path.join(fake_a64, "hal-aarch64"))
    open(os.path.join(fake_a64, "hal-aarch64", "kernel8.img"), "wb").close()
    user = {"HOME": home, "SOS_AARCH64_BUILD": fake_a64, "SOS_QEMU_ACCEL": "tcg"}
    nodisplay = ("DISPLAY", "WAYLAND_DISPLAY", "XDG_DATA_HOME")

    rc, out, err = run(["./serviceos-qemu", "--help"])
    lines = out.rstrip("\n").splitlines()
    case("--help exits 0 and ends with the usage text, not a script line",
         rc == 0 and lines and not any(l.strip() == "set -u" for l in lines) and "--arch" in out,
         lines[-1] if lines else "(no output)")

    rc, out, err = run(["./serviceos-qemu", "--arch", "x86_64", "--image", fake_img,
                        "--print-command"], user, nodisplay)
    case("x86_64 with no display: no window (-display none), and a note says so",
         rc == 0 and "-display none" in out and "no display" in err, out + err)

    rc, out, err = run(["./serviceos-qemu", "--arch", "x86_64", "--image", fake_img,
                        "--print-command"], dict(user, DISPLAY=":99"), ("WAYLAND_DISPLAY",))
    case("x86_64 with a display: a window (no -display none)",
         rc == 0 and "-display none" not in out and "-vga std" in out, out + err)

    rc, out, err = run(["./serviceos-qemu", "--arch", "x86_64", "--image", fake_img, "--display",
                        "--print-command"], dict(user, DISPLAY=":99"), ("WAYLAND_DISPLAY",))
    case("x86_64 --display: a window on the display (-vga std, no -display none)",
         rc == 0 and "-display none" not in out and "-vga std" in out, out + err)
    rc, out, err = run(["./serviceos-qemu", "--arch", "x86_64", "--image", fake_img, "--display",
                        "--print-command"], user, nodisplay)
    case("x86_64 --display with no display: refused with the reason (status 2), no fall-back",
         rc == 2 and not out and "--display" in err and "DISPLAY" in err, out + err)
    rc, out, err = run(["./serviceos-qemu", "--arch", "x86_64", "--image", fake_img, "--display",
                        "--headless", "--print-command"], dict(user, DISPLAY=":99"), ("WAYLAND_DISPLAY",))
    case("x86_64 --display --headless: the last one counts (no window)",
         rc == 0 and "-display none" in out, out + err)

    rc, out, err = run(["./serviceos-qemu", "--arch", "x86_64", "--image", fake_img,
                        "--kernel-test", "--print-command"], user, nodisplay)
    made = os.path.exists(os.path.join(home, ".local/share/serviceos"))
    case("x86_64 --kernel-test gets no data disk (the user's saved data is never touched)",
         rc == 0 and "data.img" not in out and "id=data" not in out and not made, out + err)

    wav = os.path.join(tmp, "out.wav")
    rc, out, err = run(["./serviceos-qemu", "--arch", "x86_64", "--image", fake_img, "--net", "user",
                        "--audio-file", wav, "--print-command"], user, nodisplay)
    case("x86_64 takes --net and --audio-file together: a network card and a sound card",
         rc == 0 and "virtio-net-pci" in out and "intel-hda" in out and wav in out, out + err)
    rc, out, err = run(["./serviceos-qemu", "--arch", "x86_64", "--image", fake_img,
                        "--audio", "none", "--print-command"], user, nodisplay)
    case("x86_64 --audio none: no sound card; no --net: no network card",
         rc == 0 and "intel-hda" not in out and "virtio-net-pci" not in out, out + err)

    disk = os.path.join(tmp, "mine.img")
    for arch, opt in (("x86_64", "--disk"), ("aarch64", "--data-disk")):
        extra = ["--image", fake_img] if arch == "x86_64" else ["--no-build"]
        rc, out, err = run(["./serviceos-qemu", "--arch", arch, *extra, opt, disk, "--headless",
                            "--timeout", "30", "--print-command"], user, nodisplay)
        case(f"{arch} takes --headless, --timeout and {opt} like the other architecture",
             rc == 0 and disk in out and "timeout" in out, out + err)

    base = ["./serviceos-qemu", "--arch", "aarch64", "--no-build", "--disk", "none", "--print-command"]
    rc, out, err = run(base, user, nodisplay)
    case("aarch64 by default: no GPU, the serial console only (-nographic)",
         rc == 0 and "virtio-gpu" not in out and "-nographic" in out, out + err)
    rc, out, err = run(base + ["--gpu"], user, nodisplay)
    case("aarch64 --gpu with no display: a virtio-gpu-pci (gpu0) and a ramfb, no window, a note says so",
         rc == 0 and "virtio-gpu-pci,id=gpu0" in out.replace("\\", "")
         and "ramfb,id=ramfb0" in out.replace("\\", "")
         and "-display none" in out and "-nographic" not in out and "no display" in err, out + err)
    rc, out, err = run(base + ["--gpu"], dict(user, DISPLAY=":99"), ("WAYLAND_DISPLAY",))
    case("aarch64 --gpu with a display: a window, the serial console on the terminal",
         rc == 0 and "virtio-gpu-pci" in out and "-display none" not in out
         and "mon:stdio" in out, out + err)

    rc, out, err = run(base + ["--display"], dict(user, DISPLAY=":99"), ("WAYLAND_DISPLAY",))
    flat = out.replace("\\", "")
    case("aarch64 --display: the GPU in a window, a virtio keyboard and tablet, booted to the desktop",
         rc == 0 and "virtio-gpu-pci,id=gpu0" in flat and "-display none" not in out and
         "virtio-keyboard-device" in out and "virtio-tablet-device" in out and
         "-- start=desktop" in flat, out + err)
    rc, out, err = run(base + ["--display", "--no-desktop"], dict(user, DISPLAY=":99"), ("WAYLAND_DISPLAY",))
    case("aarch64 --display --no-desktop: the window without the desktop",
         rc == 0 and "virtio-gpu-pci" in out and "start=desktop" not in out, out + err)
    rc, out, err = run(base + ["--display"], user, nodisplay)
    case("aarch64 --display with no display: refused with the reason (status 2)",
         rc == 2 and not out and "--display" in err and "DISPLAY" in err, out + err)

    # --gdb[=PORT]: QEMU's stub on localhost with the CPUs stopped, on either architecture,
    # after QEMU arguments the user gave; a port that is not a number is refused
    for arch, extra in (("x86_64", ["--image", fake_img]), ("aarch64", ["--no-build"])):
        rc, out, err = run(["./serviceos-qemu", "--arch", arch, *extra, "--disk", "none",
                            "--gdb=1240", "--print-command", "--", "-no-reboot"], user, nodisplay)
        case(f"{arch} --gdb=1240: -gdb tcp:127.0.0.1:1240 -S after the user's QEMU arguments",
             rc == 0 and "-no-reboot -gdb tcp:127.0.0.1:1240 -S" in out.replace("\\", "")
             and "waiting for gdb" in err, out + err)
    rc, out, err = run(["./serviceos-qemu", "--arch", "x86_64", "--image", fake_img, "--gdb",
                        "--print-command"], user, nodisplay)
    case("x86_64 --gdb: port 1234", rc == 0 and "tcp:127.0.0.1:1234 -S" in out, out + err)
    rc, out, err = run(["./serviceos-qemu", "--arch", "x86_64", "--gdb=12a"], user, nodisplay)
    case("--gdb=12a is refused with a reason", rc == 2 and "port number" in err, out + err)

    # the firmware's escape sequences before the kernel's first line are taken out
    fake_qemu = ("printf '\\033[2J\\033[01;01H\\033[=3h\\033[0m\\033[40mBdsDxe: loading\\r\\n"
                 "ServiceOS x86_64: kernel entry\\r\\nserviceos> \\033[K\\n'")
    p = subprocess.run([sys.executable, os.path.join(SRC, "image/x86_64/serial_relay.py"),
                        "ServiceOS x86_64: kernel entry", "--", "sh", "-c", fake_qemu],
                       stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, timeout=30)
    out = p.stdout.decode(errors="replace")
    before, _, after = out.partition("ServiceOS x86_64: kernel entry")
    case("serial_relay: no escape sequence before the kernel entry, the guest's own kept",
         p.returncode == 0 and "\x1b" not in before and "BdsDxe: loading" in before
         and "\x1b[K" in after, repr(out))

    if BUILD and os.path.exists(os.path.join(BUILD, "hal-x86_64", "kernel.elf")):
        rc, out, err = run(["image/x86_64/run.sh", "--build-dir", BUILD, "--print-command"],
                           user, nodisplay)
        chatter = [l for l in (out + err).splitlines() if l.startswith("ninja:") or l.startswith("[")]
        case("x86_64: the build's ninja lines stay out of the transcript",
             rc == 0 and not chatter, "\n".join(chatter[:5]) or err)
        # the image's command line: the desktop with a window (--display), not without
        for opt, want in (("--display", True), ("--headless", False)):
            img = os.path.join(tmp, f"img{opt}.img")
            rc, out, err = run(["image/x86_64/run.sh", "--build-dir", BUILD, "--no-build", opt,
                                "--image-only", img], user, nodisplay)
            inputs = open(img + ".inputs").read() if os.path.exists(img + ".inputs") else ""
            case(f"x86_64 {opt}: the image {'boots' if want else 'does not boot'} to the desktop "
                 "(init argument start=desktop)",
                 rc == 0 and ("-- start=desktop" in inputs) == want, inputs + out + err)
    else:
        results.append(("x86_64 build chatter # SKIP no x86_64 kernel in the build", True, ""))

    for i, (name, ok, detail) in enumerate(results, 1):
        print(f"{'ok' if ok else 'not ok'} {i} - {name}")
        if not ok:
            for l in detail.splitlines()[-15:]:
                print(f"#   {l}")
    print(f"1..{len(results)}")
    subprocess.run(["rm", "-rf", tmp])
    return 0 if all(ok for _, ok, _ in results) else 1


sys.exit(main())
