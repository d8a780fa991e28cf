#!/usr/bin/env bash
# image/aarch64/run.sh: build what is missing, then boot kernel8.img on QEMU's virt
# machine (Cortex-A76, GICv2 like the Pi 5's GIC-400, 512 MiB) with the serial console
# on this terminal. The exit status is the guest's power-off status.
#
#   image/aarch64/run.sh [--kernel-test | --testinit | --init ELF] [--args "WORDS"]
#                        [--cmdline OPTS] [--disk FILE] [--net NET] [--gpu | --gpu-mmio] [--audio-file PATH]
#                        [--audio none] [--build-only] [--no-build] [--display | --headless]
#                        [--no-desktop] [--timeout SECONDS] [--print-command] [-- QEMU ARGS]
#
#   --kernel-test   boot the kernel test image (ktest) as init
#   --testinit      boot kernel8-testinit.img (image/aarch64/testinit as init)
#   --init ELF      boot ELF as the init image (given to the kernel as the initrd)
#   --build-init T  build the cross build's target T (e.g. services/nettest/nettest) and boot
#                   it as the init image
#   --args WORDS    the init image's argv (after "--" on the kernel command line)
#   --cmdline OPTS  more kernel options (e.g. sos.blktest: read block 0 of the disk)
#   --disk FILE     the persistent data disk, a raw file attached as virtio-blk
#                   (virtio-mmio); default: created on first use in
#                   ${XDG_DATA_HOME:-~/.local/share}/serviceos/aarch64-data.img; a
#                   missing or empty FILE is made a blank 256 MiB disk; "none": no disk
#                   (the test images get none unless --disk names one); --data-disk
#                   is the same option (as on x86_64)
#   --net NET       the network card (virtio-net on virtio-mmio, device net0): none
#                   (default), user (QEMU's user-mode network, 10.0.2.15 by DHCP) or
#                   tap:IFNAME (the existing TAP interface IFNAME, script=no)
#   --audio-file PATH  the sound card (Intel HDA on PCIe) plays into this WAV file (48 kHz
#                   S16 stereo, QEMU's wav audiodev); without it an interactive boot plays
#                   on the host's sound (PulseAudio, ALSA, or QEMU's silent 'none'
#                   backend) and a boot with piped input (tests) into /dev/null, never on
#                   the host's sound
#   --audio none    no sound card
#   --build-only    configure and build the cross build, do not boot (kernel8.img and
#                   the Raspberry Pi 5 boot folder build-aarch64/hal-aarch64/sdboot/)
#   --no-build      boot what is built
#   --gpu           add the display: a virtio-gpu-pci (id gpu0) on the PCIe bus, and a
#                   ramfb (id ramfb0) that shows the boot console until the graphics
#                   service takes the GPU; in a QEMU window (its first console is the
#                   ramfb, the GPU is the second: View menu or ctrl-alt-2) unless
#                   --headless or there is no display (DISPLAY and WAYLAND_DISPLAY
#                   unset); the serial console stays on the terminal. Without --gpu
#                   (the default) there is no display.
#   --gpu-mmio      the same with the GPU on virtio-mmio (virtio-gpu-device)
#   --headless      no window (with --gpu the GPU is still there, e.g. for QMP
#                   screendump); without --gpu there is none anyway
#   --display       the screen in a window, as a person uses it: --gpu (a virtio-gpu-pci)
#                   with a virtio keyboard and tablet (virtio-mmio), booted to the
#                   desktop (the init argument start=desktop, unless --no-desktop,
#                   --args or a test or init image say otherwise); refused when there
#                   is no display (DISPLAY and WAYLAND_DISPLAY unset). The last of
#                   --display and --headless counts
#   --no-desktop    with --display, boot to the shell on the serial console
#   --timeout S     stop QEMU after S seconds (exit 124; as SOS_QEMU_TIMEOUT)
#   --print-command print the QEMU command line instead of running it
#
# Environment: SOS_AARCH64_BUILD (the cross build directory, default build-aarch64),
# SOS_QEMU_TIMEOUT (seconds; default none), SOS_QEMU_MEM (default 512M).
#
# Exit status: the guest's status through semihosting SYS_EXIT_EXTENDED (the kernel
# is told so with sos.exit=semihosting); 125 = kernel panic or kernel fault;
# 124 = SOS_QEMU_TIMEOUT expired; 2 = bad usage or nothing to boot.
set -u
cd "$(dirname "$0")/../.."
root=$PWD
build=${SOS_AARCH64_BUILD:-build-aarch64}
case "$build" in /*) ;; *) build="$root/$build" ;; esac

ktest=0 build_only=0 no_build=0 init="" args="" image=kernel8.img kopts="" disk="" print=0 init_target="" net=none gpu=0 gpu_dev=virtio-gpu-pci headless=0
display=0 desktop=1
audio=1 audio_file=""
qemu_extra=()
while [ $# -gt 0 ]; do
    case "$1" in
    --kernel-test) ktest=1; shift ;;
    --testinit) image=kernel8-testinit.img; shift ;;
    --init) init="${2:-}"; shift 2 ;;
    --build-init) init_target="${2:-}"; shift 2 ;;
    --args) args="${2:-}"; shift 2 ;;
    --cmdline) kopts="${2:-}"; shift 2 ;;
    --disk|--data-disk) disk="${2:-}"; shift 2 ;;
    --headless) headless=1; display=0; shift ;;
    --display) display=1; headless=0; gpu=1; shift ;;
    --no-desktop) desktop=0; shift ;;
    --gpu) gpu=1; shift ;;
    --gpu-mmio) gpu=1; gpu_dev=virtio-gpu-device; shift ;;
    --timeout) SOS_QEMU_TIMEOUT="${2:-}"; shift 2 ;;
    --print-command) print=1; shift ;;
    --net) net="${2:-}"; shift 2 ;;
    --audio-file) audio_file="${2:-}"; shift 2 ;;
    --audio) [ "${2:-}" = none ] || { echo "run.sh: --audio takes 'none' (see --audio-file)" >&2; exit 2; }
             audio=0; shift 2 ;;
    --build-only) build_only=1; shift ;;
    --no-build) no_build=1; shift ;;
    --) shift; qemu_extra=("$@"); break ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) echo "run.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
    esac
done

if [ $display = 1 ] && [ $build_only = 0 ] && [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
    echo "run.sh: --display: no display to open the window on (DISPLAY and WAYLAND_DISPLAY are unset); --headless boots without one" >&2
    exit 2
fi

need() {
    command -v "$1" >/dev/null && return 0
    if [ -f scripts/deps.sh ]; then
        . scripts/deps.sh
        sos_ensure_pkgs qemu build >&2 || true
    fi
    command -v "$1" >/dev/null || { echo "run.sh: $1 is missing (package $2)" >&2; exit 2; }
}

build_kernel() {
    need aarch64-linux-gnu-gcc gcc-aarch64-linux-gnu
    need meson meson
    need ninja ninja-build
    mkdir -p "$build"
    # One builder at a time: parallel boot tests share this directory.
    exec 9>"$build/.run.lock"
    flock 9
    if [ ! -f "$build/build.ninja" ]; then
        meson setup "$build" --cross-file image/aarch64/cross-aarch64.ini \
            >"$build.setup.log" 2>&1 || { cat "$build.setup.log" >&2; exit 2; }
    fi
    # only what booting needs: other images being broken must not stop a boot
    local extra=()
    [ $ktest = 1 ] && extra+=(tests/ktest/ktest)
    # the Raspberry Pi 5 boot folder (hal-aarch64/sdboot/) comes with kernel8.img
    [ "$image" = kernel8.img ] && extra+=(hal-aarch64/sdboot.stamp)
    [ -n "$init_target" ] && extra+=("$init_target")
    ninja -C "$build" "hal-aarch64/$image" "hal-aarch64/$image.checked" "${extra[@]}" \
        >"$build.build.log" 2>&1 || { tail -40 "$build.build.log" >&2; exit 2; }
    flock -u 9
}

[ $ktest = 1 ] && image=kernel8-testinit.img
[ -n "$init_target" ] && init="$build/$init_target"
[ $no_build = 1 ] || build_kernel
[ $build_only = 1 ] && exit 0

kernel="$build/hal-aarch64/$image"
[ -f "$kernel" ] || { echo "run.sh: $kernel is not built" >&2; exit 2; }

if [ $ktest = 1 ]; then
    init=""
    for f in "$build/tests/ktest/ktest" "$build/tests/ktest/ktest.elf"; do
        [ -f "$f" ] && init=$f
    done
    if [ -z "$init" ]; then
        echo "run.sh: the kernel test image is not built for aarch64 (tests/ktest)" >&2
        exit 2
    fi
fi

need qemu-system-aarch64 qemu-system-arm
# the service graph gets the per-user data disk unless told otherwise; the test
# images (ktest, testinit) only the one they are given
if [ -z "$disk" ] && [ "$image" = kernel8.img ] && [ -z "$init" ]; then
    dir="${XDG_DATA_HOME:-$HOME/.local/share}/serviceos"
    [ $print = 1 ] || mkdir -p "$dir" || { echo "run.sh: cannot create $dir" >&2; exit 2; }
    disk="$dir/aarch64-data.img"
fi
[ "$disk" = none ] && disk=""
if [ -n "$disk" ] && [ ! -s "$disk" ] && [ $print = 0 ]; then
    echo "run.sh: creating the data disk $disk (256 MiB)" >&2
    truncate -s 256M "$disk" || { echo "run.sh: cannot create $disk" >&2; exit 2; }
fi
# with the window, the root manager starts the desktop at boot (docs/desktop.md)
if [ $display = 1 ] && [ $desktop = 1 ] && [ -z "$args" ] && [ -z "$init" ] &&
   [ "$image" = kernel8.img ]; then
    args="start=desktop"
fi
cmdline="sos.exit=semihosting${kopts:+ $kopts}"
[ -n "$args" ] && cmdline="$cmdline -- $args"
if [ $gpu = 1 ] && [ $headless = 0 ] && [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
    echo "run.sh: no display (DISPLAY and WAYLAND_DISPLAY are unset): the GPU without a window" >&2
    headless=1
fi
# Without a GPU -nographic; with one the serial console (and the monitor, ctrl-a c)
# stays on the terminal and the GPU gets a window, or none when headless.
screen=(-nographic)
if [ $gpu = 1 ]; then
    screen=(-serial mon:stdio -device ramfb,id=ramfb0 -device "$gpu_dev,id=gpu0")
    [ $headless = 1 ] && screen+=(-display none)
fi
[ $display = 1 ] && screen+=(-device virtio-keyboard-device -device virtio-tablet-device)
qemu=(qemu-system-aarch64 -M virt -cpu cortex-a76 -m "${SOS_QEMU_MEM:-512M}"
      "${screen[@]}" -no-reboot
      -global virtio-mmio.force-legacy=false
      -semihosting-config enable=on,target=native
      -kernel "$kernel" -append "$cmdline")
qemu+=(-nic none)
case "$net" in
none) ;;
user) qemu+=(-netdev user,id=net0 -device virtio-net-device,netdev=net0) ;;
tap:?*) qemu+=(-netdev "tap,id=net0,ifname=${net#tap:},script=no,downscript=no"
               -device virtio-net-device,netdev=net0) ;;
*) echo "run.sh: --net takes none, user or tap:IFNAME, not '$net'" >&2; exit 2 ;;
esac
. image/qemu-sound.sh # the sound card: Intel HDA on the PCIe bus
sos_qemu_sound "$audio" "$audio_file" /dev/null
qemu+=("${sound[@]}")
[ -n "$init" ] && qemu+=(-initrd "$init")
[ -n "$disk" ] && qemu+=(-drive "file=$disk,if=none,format=raw,id=disk0"
                         -device virtio-blk-device,drive=disk0)
qemu+=("${qemu_extra[@]}")

if [ -n "${SOS_QEMU_TIMEOUT:-}" ]; then
    qemu=(timeout --foreground -k 5 "$SOS_QEMU_TIMEOUT" "${qemu[@]}")
fi
if [ $print = 1 ]; then
    printf '%q ' "${qemu[@]}"
    echo
    exit 0
fi
exec "${qemu[@]}"
