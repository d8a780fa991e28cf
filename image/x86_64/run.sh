#!/usr/bin/env bash
# image/x86_64/run.sh: boot ServiceOS on QEMU's q35 PC with UEFI (OVMF).
#
#   image/x86_64/run.sh [--display | --headless] [--kernel-test] [OPTIONS] [-- QEMU ARGS]
#   (what ./serviceos-qemu --arch x86_64 runs)
#
#   --display           a window (QEMU's, on DISPLAY or WAYLAND_DISPLAY; an error when
#                       neither is set) showing the screen, booted to the desktop unless
#                       --no-desktop, --cmdline or --init say otherwise; the serial
#                       console stays on the terminal. The default when there is a
#                       display to open it on
#   --headless          no window: serial console on the terminal only (the default
#                       when there is no display: neither DISPLAY nor WAYLAND_DISPLAY
#                       set). The machine keeps its screen (QEMU's standard VGA, the
#                       firmware's framebuffer), e.g. for QMP screendump. The last
#                       of --display and --headless counts
#   --kernel-test       boot the ktest image as init; exits with its result
#   --init ELF          boot this image as init instead
#   --kernel ELF        boot this kernel instead of the build's
#   --bootstore FILE    use this boot store bundle instead of the build's
#   --cmdline TEXT      kernel options [-- init arguments] (see docs/x86_64.md)
#   --no-desktop        with a window, boot to the console on the screen instead of
#                       the desktop (the default with a window and no --cmdline or
#                       --init: the init arguments are `start=desktop`)
#   --data-disk PATH    the persistent virtio-blk data disk (default: created on first
#                       use in ${XDG_DATA_HOME:-~/.local/share}/serviceos/; an empty file
#                       is grown to 256 MiB); "none": none. --disk is the same. Test
#                       boots (--kernel-test, --init) get none unless given one
#   --build-dir DIR     the meson build to use (default: build/, set up when missing)
#   --no-build          do not run meson/ninja; use what DIR holds
#   --image-only PATH   build the disk image at PATH and exit (no QEMU)
#   --image PATH        boot this disk image as it is (made with --image-only)
#   --timeout SECONDS   stop QEMU after this long (exit 124)
#   --smp N             CPUs (default 2)
#   --audio-file PATH   the sound card (Intel HDA) plays into this WAV file (48 kHz S16
#                       stereo, QEMU's wav audiodev); without it an interactive boot plays
#                       on the host's sound (PulseAudio, ALSA, or QEMU's silent 'none'
#                       backend when the host has neither) and a boot with piped input
#                       (tests) into a discarded WAV file, never on the host's sound
#   --audio none        no sound card
#   --net none|user|tap:IFNAME
#                       the network card (virtio-net-pci, device net0): none (default),
#                       user (QEMU's user-mode network, 10.0.2.15 by DHCP) or the
#                       existing TAP interface IFNAME (script=no)
#   --print-command     print the QEMU command line instead of running it
#
# The build's own output goes to DIR/x86_64-build.log (shown only when it fails), and
# with piped input the firmware's escape sequences are taken out of the transcript.
#
# The serial console is on stdin/stdout. The exit status is the guest's power-off
# status (hal_power_off writes status+1 to isa-debug-exit; QEMU exits 2*status+3).
# TCG is used unless KVM actually works here (SOS_QEMU_ACCEL=tcg|kvm forces one).
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)

headless=auto ktest=0 init="" cmdline="" cmdline_set=0 desktop=1 data="" build="$root/build" nobuild=0
image_only="" image="" tmo="" kernel_arg="" bootstore_arg="" smp=2 print=0 net=none
audio_file="" audio=1
qemu_extra=()
while [ $# -gt 0 ]; do
    case "$1" in
    --headless) headless=1 ;;
    --display) headless=0 ;;
    --kernel-test) ktest=1 ;;
    --init) init=$2; shift ;;
    --kernel) kernel_arg=$2; shift ;;
    --bootstore) bootstore_arg=$2; shift ;;
    --cmdline) cmdline=$2; cmdline_set=1; shift ;;
    --no-desktop) desktop=0 ;;
    --data-disk|--disk) data=$2; shift ;;
    --build-dir) build=$2; shift ;;
    --no-build) nobuild=1 ;;
    --image-only) image_only=$2; shift ;;
    --image) image=$2; shift ;;
    --timeout) tmo=$2; shift ;;
    --smp) smp=$2; shift ;;
    --audio-file) audio_file=$2; shift ;;
    --audio) [ "${2:-}" = none ] || { echo "run.sh: --audio takes 'none' (see --audio-file)" >&2; exit 2; }
             audio=0; shift ;;
    --net) net=$2; shift ;;
    --print-command) print=1 ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    --) shift; qemu_extra=("$@"); break ;;
    *) echo "run.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
    esac
    shift
done

die() { echo "run.sh: $*" >&2; exit 2; }

# a window: asked for (--display), or by default when there is a display to open it on
have_display=0
[ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] && have_display=1
window=$have_display
[ "$headless" = 0 ] && window=1
[ "$headless" = 1 ] && window=0
if [ $window = 1 ] && [ $have_display = 0 ] && [ -z "$image_only" ]; then
    die "--display: no display to open the window on (DISPLAY and WAYLAND_DISPLAY are unset); --headless boots without one"
fi

# ---- build what is missing
[ -n "$image" ] && nobuild=1
targets=(hal-x86_64/kernel.elf hal-x86_64/BOOTX64.EFI tests/qemu/x86_64/x86init.elf)
if [ $nobuild = 0 ]; then
    if [ -f "$root/scripts/deps.sh" ]; then
        . "$root/scripts/deps.sh"
        sos_ensure_pkgs build qemu >&2 || exit 2
    fi
    if [ ! -f "$build/build.ninja" ]; then
        echo "run.sh: configuring $build" >&2
        meson setup "$build" "$root" >/dev/null || die "meson setup $build failed"
    fi
    want=("${targets[@]}")
    [ $ktest = 1 ] && want+=(tests/ktest/ktest)
    [ -z "$init" ] && want+=(image/bootstore/bootstore.bin)
    # targets this build does not define (yet) are simply skipped
    have=$(ninja -C "$build" -t targets all 2>/dev/null | cut -d: -f1)
    list=()
    for t in "${want[@]}"; do
        echo "$have" | grep -qx "$t" && list+=("$t")
    done
    # the build's lines would land in the console transcript: they go to a log
    ninja -C "$build" "${list[@]}" >"$build/x86_64-build.log" 2>&1 ||
        { tail -40 "$build/x86_64-build.log" >&2; die "the build failed (see $build/x86_64-build.log)"; }
fi
if [ -z "$image" ]; then
kernel=${kernel_arg:-"$build/hal-x86_64/kernel.elf"}
loader="$build/hal-x86_64/BOOTX64.EFI"
[ -f "$kernel" ] || die "no kernel at $kernel (build $build first)"
[ -f "$loader" ] || die "no UEFI loader at $loader (clang and lld are needed)"

# ---- what runs: the service graph from the boot store (the kernel starts its root
# manager), or an init image (--init, --kernel-test; the ring-3 test image when no
# boot store is built)
bootstore=$bootstore_arg
for b in "$build/image/bootstore/bootstore.bin" "$build/image/bootstore.bin"; do
    [ -z "$bootstore" ] && [ -f "$b" ] && bootstore=$b
done
if [ $ktest = 1 ] && [ -z "$init" ]; then
    init="$build/tests/ktest/ktest"
    [ -f "$init" ] || die "the ktest image is not built ($init)"
fi
if [ -z "$init" ] && [ -z "$bootstore" ]; then
    init="$build/tests/qemu/x86_64/x86init.elf"
fi
[ -z "$init" ] || [ -f "$init" ] || die "no init image at $init"

# ---- the disk image (rebuilt when an input or the command line changed)
imgdir="$build/x86_64-image"
mkdir -p "$imgdir" || die "cannot create $imgdir"
img=${image_only:-"$imgdir/$( [ $ktest = 1 ] && echo ktest || echo boot ).img"}
stamp="$img.inputs"
args=(--loader "$loader" --kernel "$kernel")
[ -n "$init" ] && args+=(--init "$init")
[ -n "$bootstore" ] && args+=(--bootstore "$bootstore")
# with a window, the root manager starts the desktop at boot (docs/desktop.md)
if [ $desktop = 1 ] && [ $window = 1 ] &&
   [ -z "$init" ] && [ $cmdline_set = 0 ] && [ -n "$bootstore" ]; then
    cmdline="-- start=desktop" cmdline_set=1
fi
[ $cmdline_set = 1 ] && args+=(--cmdline "$cmdline")
desc="${args[*]}"
fresh=1
if [ -f "$img" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$desc" ]; then
    for f in "$loader" "$kernel" ${init:+"$init"} ${bootstore:+"$bootstore"} "$here/mkimage.py"; do
        [ "$f" -nt "$img" ] && fresh=0
    done
else
    fresh=0
fi
if [ $fresh = 0 ]; then
    python3 "$here/mkimage.py" -o "$img" "${args[@]}" || exit 2
    printf '%s' "$desc" >"$stamp"
fi
[ -n "$image_only" ] && exit 0
else
    [ -f "$image" ] || die "no disk image at $image"
    img=$image
fi

# ---- firmware, accelerator, disks
command -v qemu-system-x86_64 >/dev/null || die "qemu-system-x86_64 is missing (Debian: qemu-system-x86)"
code="" vars=""
for pair in "OVMF_CODE_4M.fd OVMF_VARS_4M.fd" "OVMF_CODE.fd OVMF_VARS.fd"; do
    set -- $pair
    if [ -f "/usr/share/OVMF/$1" ] && [ -f "/usr/share/OVMF/$2" ]; then
        code=/usr/share/OVMF/$1 vars=/usr/share/OVMF/$2
        break
    fi
done
[ -n "$code" ] || die "OVMF firmware is missing (Debian: ovmf)"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/sos-qemu.XXXXXX") || die "mktemp failed"
trap 'rm -rf "$tmp"' EXIT
cp "$vars" "$tmp/vars.fd"

# KVM is used only when it really runs guest code here: a 64 KiB firmware that does
# an x87 instruction in real mode and exits through isa-debug-exit (status 33). Some
# nested setups open /dev/kvm fine and then fail on exactly such code. The answer is
# cached per host kernel and QEMU binary.
kvm_works() {
    [ -r /dev/kvm ] && [ -w /dev/kvm ] || return 1
    local cache="${XDG_CACHE_HOME:-$HOME/.cache}/serviceos"
    local key
    key="$(uname -r) $(stat -c %Y "$(command -v qemu-system-x86_64)")"
    if [ -f "$cache/kvm-probe" ] && [ "$(head -1 "$cache/kvm-probe")" = "$key" ]; then
        [ "$(sed -n 2p "$cache/kvm-probe")" = ok ]
        return
    fi
    python3 - "$tmp/probe.bin" <<'PY'
import sys
b = bytearray(b'\xf4' * 65536)
code = bytes([0xdb, 0xe3, 0x9b, 0xb0, 0x10, 0xe6, 0xf4, 0xf4])  # fninit fwait; out 0xf4, 0x10
b[0xfff0:0xfff0 + len(code)] = code
open(sys.argv[1], 'wb').write(b)
PY
    timeout 5 qemu-system-x86_64 -accel kvm -M q35 -bios "$tmp/probe.bin" -display none \
        -nodefaults -device isa-debug-exit,iobase=0xf4,iosize=0x04 >/dev/null 2>&1
    local rc=$? verdict=broken
    [ $rc = 33 ] && verdict=ok
    mkdir -p "$cache" 2>/dev/null && printf '%s\n%s\n' "$key" "$verdict" >"$cache/kvm-probe"
    [ $verdict = ok ]
}
accel=${SOS_QEMU_ACCEL:-}
if [ -z "$accel" ]; then
    accel=tcg
    kvm_works && accel=kvm
fi
if [ "$accel" = kvm ]; then
    machine=(-accel kvm -cpu host)
else
    machine=(-accel tcg -cpu max)
fi

# test boots never touch the user's saved data
[ -z "$data" ] && { [ $ktest = 1 ] || [ -n "$init" ]; } && data=none
if [ "$data" != none ]; then
    if [ -z "$data" ]; then
        dir="${XDG_DATA_HOME:-$HOME/.local/share}/serviceos"
        [ $print = 1 ] || mkdir -p "$dir" || die "cannot create $dir"
        data="$dir/x86_64-data.img"
    fi
    # a missing or empty file becomes a blank 256 MiB disk (the storage service
    # formats it at boot); anything else is used as it is
    if [ ! -s "$data" ] && [ $print = 0 ]; then
        echo "run.sh: creating the data disk $data (256 MiB)" >&2
        truncate -s 256M "$data" || die "cannot create $data"
    fi
    disks=(-drive "file=$data,format=raw,if=none,id=data,cache=writeback"
           -device virtio-blk-pci,drive=data,disable-legacy=on)
else
    disks=()
fi

if [ "$headless" = auto ] && [ $have_display = 0 ]; then
    echo "run.sh: no display (DISPLAY and WAYLAND_DISPLAY are unset): no window, the serial console only" >&2
fi

case "$net" in
none) nic=() ;;
user) nic=(-netdev user,id=net0) ;;
tap:?*) nic=(-netdev "tap,id=net0,ifname=${net#tap:},script=no,downscript=no") ;;
*) die "--net takes none, user or tap:IFNAME, not '$net'" ;;
esac
[ ${#nic[@]} = 0 ] || nic+=(-device virtio-net-pci,netdev=net0,disable-legacy=on,romfile=)

if [ $window = 0 ]; then
    display=(-display none)
else
    display=(-vga std)
fi

# The sound card: Intel HDA with one output codec (image/qemu-sound.sh).
. "$here/../qemu-sound.sh"
sos_qemu_sound "$audio" "$audio_file" "$tmp/audio.wav"

cmd=(qemu-system-x86_64 -M q35 -m 512M -smp "$smp" "${machine[@]}" -name ServiceOS
     -drive "if=pflash,format=raw,readonly=on,file=$code"
     -drive "if=pflash,format=raw,file=$tmp/vars.fd"
     -drive "file=$img,format=raw,if=none,id=boot,snapshot=on"
     -device ide-hd,drive=boot,bootindex=0
     "${disks[@]}"
     -device virtio-keyboard-pci,disable-legacy=on -device virtio-tablet-pci,disable-legacy=on
     -device isa-debug-exit,iobase=0xf4,iosize=0x04 "${sound[@]}"
     -nic none "${nic[@]}" -serial stdio -monitor none "${display[@]}" "${qemu_extra[@]}")
# piped input waits until the kernel owns the UART (the firmware would eat it)
if [ ! -t 0 ]; then
    cmd=(python3 "$here/serial_relay.py" "ServiceOS x86_64: kernel entry" -- "${cmd[@]}")
fi
if [ $print = 1 ]; then
    [ -n "$tmo" ] && cmd=(timeout "$tmo" "${cmd[@]}")
    printf '%q ' "${cmd[@]}"
    echo
    exit 0
fi
if [ -n "$tmo" ]; then
    timeout "$tmo" "${cmd[@]}"
else
    "${cmd[@]}"
fi
rc=$?
case $rc in
0) exit 0 ;;                       # ACPI power-off or the window closed
124) echo "run.sh: timed out" >&2; exit 124 ;;
1) echo "run.sh: QEMU failed" >&2; exit 1 ;;
*) if [ $((rc % 2)) = 1 ] && [ $rc -lt 256 ]; then exit $(((rc - 3) / 2)); fi
   exit $rc ;;
esac
