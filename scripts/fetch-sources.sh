#!/usr/bin/env bash
# scripts/fetch-sources.sh - fetch the pinned Debian source packages that the build
# compiles freestanding (lwIP for the network service, BearSSL for TLS, the Ed25519 and
# SHA-512 of signify-openbsd for package signatures), check them and
# unpack them into a cache outside git: ${XDG_CACHE_HOME:-~/.cache}/serviceos/sources/
# <pkg>-<version>/ (the unpacked tree) with the .dsc and tarballs beside it.
#
# apt-get runs through a PRIVATE configuration made from the system's own deb lines
# (/etc/apt/sources.list, sources.list.d/*.list and deb822 *.sources): deb-src
# equivalents go into the cache's apt/ folder together with their own package lists and
# apt caches, and every apt-get call names them with -o options. The system's apt configuration and
# lists are never changed, and nothing here needs root. dpkg-source (dpkg-dev) checks
# every file's size and hashes against the .dsc when it unpacks; dscverify (devscripts)
# also checks the .dsc's signature when it is installed.
#
# Usage: scripts/fetch-sources.sh [--check] [PKG...]   (default: all pinned packages)
#   --check  only report whether each package is in the cache (exit 1 if one is not)
# Exit status 0 when every asked-for package is unpacked in the cache; otherwise it
# prints what is missing and how to fix it.
set -u

# name=version (Debian source version; the unpacked folder drops the Debian revision)
SOS_SOURCES="lwip=2.1.3+dfsg1 bearssl=0.6+dfsg.1 speexdsp=1.2.1 signify-openbsd=31"

cache="${XDG_CACHE_HOME:-$HOME/.cache}/serviceos/sources"
say() { echo "fetch-sources: $*" >&2; }

# The folder a package unpacks into: <pkg>-<upstream version>.
src_dir() { echo "$cache/$1-$2"; }

check_only=0
want=""
for a in "$@"; do
    case "$a" in
    --check) check_only=1 ;;
    -h | --help) sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) say "unknown option $a"; exit 2 ;;
    *) want="$want $a" ;;
    esac
done
[ -z "$want" ] && want=$(for p in $SOS_SOURCES; do echo "${p%%=*}"; done)

version_of() {
    for p in $SOS_SOURCES; do [ "${p%%=*}" = "$1" ] && { echo "${p#*=}"; return 0; }; done
    return 1
}

missing=""
for pkg in $want; do
    ver=$(version_of "$pkg") || { say "no pinned version for '$pkg' (known: $SOS_SOURCES)"; exit 2; }
    [ -f "$(src_dir "$pkg" "$ver")/.sos-unpacked" ] || missing="$missing $pkg"
done
if [ -z "$missing" ]; then
    [ $check_only = 1 ] || say "all in $cache"
    exit 0
fi
if [ $check_only = 1 ]; then
    say "not in $cache:$missing (run scripts/fetch-sources.sh)"
    exit 1
fi

for tool in apt-get:apt dpkg-source:dpkg-dev; do
    if ! command -v "${tool%%:*}" >/dev/null; then
        say "missing ${tool%%:*}: install it with: sudo apt-get install ${tool#*:}"
        exit 1
    fi
done

# ---- the private apt configuration: deb-src lines from the system's deb lines
apt_dir="$cache/apt"
mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial" || exit 1
list="$apt_dir/sources.list"

# One-line sources: keep the `deb` lines, as `deb-src`.
from_list() {
    sed -n 's/^[[:space:]]*deb[[:space:]]\+/deb-src /p' "$1"
}

# deb822 stanzas: Types/URIs/Suites/Components/Signed-By -> one deb-src line per URI
# and suite. Disabled stanzas (Enabled: no) are skipped.
from_sources() {
    awk '
    function flush() {
        if (types ~ /(^| )deb( |$)/ && enabled != "no")
            for (i = 1; i <= nu; i++) for (j = 1; j <= ns; j++)
                printf "deb-src %s%s %s %s\n", opts, u[i], s[j], comps
        types = ""; nu = 0; ns = 0; comps = ""; opts = ""; enabled = ""
    }
    /^[[:space:]]*#/ { next }
    /^[[:space:]]*$/ { flush(); next }
    /^[[:space:]]/ { next }  # a continuation line (an inline key of Signed-By)
    {
        key = tolower($1); sub(/:$/, "", key); $1 = ""; sub(/^ +/, "")
        if (key == "types") types = $0
        else if (key == "uris") nu = split($0, u, " ")
        else if (key == "suites") ns = split($0, s, " ")
        else if (key == "components") comps = $0
        else if (key == "enabled") enabled = tolower($0)
        else if (key == "signed-by" && $0 ~ /^\//) opts = "[signed-by=" $0 "] "
    }
    END { flush() }' "$1"
}

{
    [ -f /etc/apt/sources.list ] && from_list /etc/apt/sources.list
    for f in /etc/apt/sources.list.d/*.list; do [ -f "$f" ] && from_list "$f"; done
    for f in /etc/apt/sources.list.d/*.sources; do [ -f "$f" ] && from_sources "$f"; done
} | sort -u >"$list.new"
if [ ! -s "$list.new" ]; then
    say "no deb lines in /etc/apt/sources.list or /etc/apt/sources.list.d/: cannot find the archive"
    say "add a Debian mirror to your apt sources, or unpack the sources yourself into $cache/"
    exit 1
fi
mv "$list.new" "$list"

apt_opts=(-o "Dir::Etc::sourcelist=$list" -o "Dir::Etc::sourceparts=/nonexistent"
          -o "Dir::State::Lists=$apt_dir/lists" -o "Dir::Cache=$apt_dir/cache"
          -o "Dir::State::status=/var/lib/dpkg/status" -o "Debug::NoLocking=1"
          -o "APT::Sandbox::User=$(id -un)")

say "updating the private source lists ($list)"
if ! apt-get "${apt_opts[@]}" -qq update >"$apt_dir/update.log" 2>&1; then
    cat "$apt_dir/update.log" >&2
    say "apt-get update failed for the deb-src lines above (is the archive reachable?)"
    exit 1
fi

fetch_one() { # pkg version
    local pkg=$1 ver=$2 work="$cache/.work-$1"
    rm -rf "$work" && mkdir -p "$work" || return 1
    say "fetching $pkg $ver"
    # the pinned upstream version with whatever Debian revision the archive carries
    local full
    full=$(apt-cache "${apt_opts[@]}" showsrc "$pkg" 2>/dev/null |
           sed -n 's/^Version: //p' | grep -F -- "$ver-" | head -1)
    if [ -z "$full" ]; then
        say "the archive in $list has no source of $pkg $ver-*"
        say "(versions there: $(apt-cache "${apt_opts[@]}" showsrc "$pkg" 2>/dev/null | sed -n 's/^Version: //p' | tr '\n' ' '))"
        return 1
    fi
    (cd "$work" && apt-get "${apt_opts[@]}" -qq source --download-only "$pkg=$full") \
        >"$work/fetch.log" 2>&1 || { cat "$work/fetch.log" >&2; say "download of $pkg=$full failed"; return 1; }
    local dsc
    dsc=$(ls "$work"/*.dsc 2>/dev/null | head -1)
    [ -n "$dsc" ] || { say "no .dsc for $pkg downloaded"; return 1; }
    if command -v dscverify >/dev/null; then
        dscverify --keyring /usr/share/keyrings/debian-archive-keyring.gpg \
            --keyring /usr/share/keyrings/debian-keyring.gpg "$dsc" >"$work/verify.log" 2>&1 &&
            say "dscverify: signature good" ||
            say "dscverify could not check the signature (see $work/verify.log); hashes are checked by dpkg-source and apt"
    fi
    local dest
    dest=$(src_dir "$pkg" "$ver")
    rm -rf "$dest"
    # dpkg-source checks every file's size and checksums against the .dsc
    (cd "$work" && dpkg-source --no-copy --skip-patches -x "$(basename "$dsc")" src) \
        >"$work/unpack.log" 2>&1 || { cat "$work/unpack.log" >&2; say "unpacking $dsc failed"; return 1; }
    # apply Debian's patches too, so the tree is the one Debian builds
    if [ -f "$work/src/debian/patches/series" ] && command -v patch >/dev/null; then
        while read -r p; do
            case "$p" in '' | \#*) continue ;; esac
            (cd "$work/src" && patch -p1 -s <"debian/patches/${p%% *}") ||
                { say "Debian patch $p of $pkg does not apply"; return 1; }
        done <"$work/src/debian/patches/series"
    fi
    mv "$work/src" "$dest" && mv "$work"/*.dsc "$work"/*.tar.* "$cache/" 2>/dev/null
    echo "$full" >"$dest/.sos-unpacked"
    rm -rf "$work"
    say "$pkg $full -> $dest"
}

fail=""
for pkg in $missing; do
    fetch_one "$pkg" "$(version_of "$pkg")" || fail="$fail $pkg"
done
if [ -n "$fail" ]; then
    say "could not fetch:$fail"
    say "the network parts of the build are skipped until: scripts/fetch-sources.sh succeeds"
    exit 1
fi
say "a build directory configured before this picks them up with: meson setup --reconfigure DIR"
exit 0
