# scripts/deps.sh - the Debian packages ServiceOS needs, and a function that installs
# them (as root) or names exactly what is missing. Sourced by serviceos-sim,
# serviceos-test, serviceos-qemu and .ci/run.

SOS_PKGS_BUILD="meson ninja-build pkg-config gcc binutils libc6-dev python3 zlib1g-dev dpkg-dev libstb-dev fonts-dejavu-core"
SOS_PKGS_SIM="libsdl2-dev libuv1-dev libslirp-dev kbd"
SOS_PKGS_TEST="libcmocka-dev gdb clang libclang-rt-14-dev xvfb xauth xdotool x11-apps dnsmasq-base iproute2 openssl python3-nacl python3-cryptography curl python3-scapy nmap iputils-ping"
SOS_PKGS_QEMU="clang lld gdb-multiarch qemu-system-x86 qemu-system-arm qemu-system-gui qemu-utils ovmf qemu-efi-aarch64 mtools dosfstools gcc-aarch64-linux-gnu binutils-aarch64-linux-gnu device-tree-compiler zlib1g-dev:arm64"

sos_missing_pkgs() {
    local missing=""
    for p in "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
            missing="$missing $p"
    done
    echo "$missing"
}

# sos_ensure_pkgs GROUP...: install the groups' packages when root, else say what is missing.
sos_ensure_pkgs() {
    local want=""
    for g in "$@"; do
        case "$g" in
        build) want="$want $SOS_PKGS_BUILD" ;;
        sim) want="$want $SOS_PKGS_SIM" ;;
        test) want="$want $SOS_PKGS_TEST" ;;
        qemu) want="$want $SOS_PKGS_QEMU" ;;
        esac
    done
    local missing
    missing=$(sos_missing_pkgs $want)
    [ -z "$missing" ] && return 0
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        echo "serviceos: installing:$missing" >&2
        local need_update=0
        # the aarch64 images link Debian's arm64 zlib: a multiarch package
        case "$missing" in *:arm64*)
            if ! dpkg --print-foreign-architectures | grep -qx arm64; then
                dpkg --add-architecture arm64
                need_update=1
            fi ;;
        esac
        if [ $need_update = 1 ] || [ -z "$(ls /var/lib/apt/lists/ 2>/dev/null | grep -v -e lock -e partial)" ]; then
            apt-get update -qq >&2 || true
        fi
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >&2 || {
            apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >&2
        } || { echo "serviceos: could not install:$missing" >&2; return 1; }
        return 0
    fi
    echo "serviceos: missing Debian packages:$missing" >&2
    case "$missing" in *:arm64*)
        echo "serviceos: (arm64 packages need: sudo dpkg --add-architecture arm64 && sudo apt-get update)" >&2 ;;
    esac
    echo "serviceos: install them with: sudo apt-get install$missing" >&2
    return 1
}

# sos_ensure_sources: the Debian source packages built freestanding (lwIP, BearSSL; see
# scripts/fetch-sources.sh) - fetched into the cache when root, else only reported. Never
# fails the caller: without them the build leaves the network parts out and says so.
sos_ensure_sources() {
    scripts/fetch-sources.sh --check 2>/dev/null && return 0
    if [ "$(id -u)" = 0 ]; then
        scripts/fetch-sources.sh || echo "serviceos: building without the network stack" >&2
    else
        echo "serviceos: lwIP/BearSSL sources not cached: run scripts/fetch-sources.sh" \
             "(no root needed) for the network parts" >&2
    fi
    return 0
}
