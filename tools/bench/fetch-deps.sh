#!/usr/bin/env bash
# Fetches the two foreign-architecture programs `make bench` runs, from Debian's archive, into
# build/bench (nothing is installed system-wide and nothing is committed):
#   build/bench/qemu-mips64el/usr/bin/qemu-i386-static  QEMU's own i386 translator built for
#                                                       mips64el (package qemu-user-static:mips64el)
#   build/bench/busybox/bin/busybox                     Debian's static i386 busybox
#                                                       (package busybox-static:i386)
# The packages are fetched with `apt-get download` and unpacked with `dpkg -x`, which needs the
# package's architecture in dpkg's list: one that is missing is added for the download and removed
# again afterwards, leaving apt as it was (run as root or with sudo). Debian's i386 security index
# has been seen mid-sync for long stretches, making every `apt-get update` fail while i386 is
# listed, so it stays listed only as long as needed.
# The host-side tools (qemu-user, gcc) come from tools/setup-deps.sh. Idempotent: a finished
# unpack leaves a .complete stamp and is not fetched again.
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT=${BENCH_DIR:-build/bench}
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo

# fetch PKG:ARCH DEST [PATH...]: download one package and unpack it into DEST, or only the
# given paths of it (as the package's tar names them, e.g. ./usr/bin/x).
fetch() {
    local pkg=$1 dest=$2
    shift 2
    [ -f "$dest/.complete" ] && return 0
    local arch=${pkg#*:} added=""
    if [ "$arch" != "$(dpkg --print-architecture)" ] &&
       ! dpkg --print-foreign-architectures | grep -qx "$arch"; then
        $SUDO dpkg --add-architecture "$arch"
        added=$arch
        # An index that is mid-sync makes apt-get update fail as a whole; the download below
        # says so clearly if the package really cannot be had.
        $SUDO apt-get update -qq >/dev/null 2>&1 ||
            echo "fetch-deps: apt-get update reported errors (going on)" >&2
    fi
    local dl="$OUT/debs" st=0
    mkdir -p "$dl"
    chmod 777 "$dl"  # apt-get download runs as _apt when it can
    rm -f "$dl/${pkg%%:*}"_*"_$arch.deb"
    (cd "$dl" && apt-get download -qq "$pkg") || st=$?
    if [ -n "$added" ]; then
        $SUDO dpkg --remove-architecture "$added"
        $SUDO apt-get update -qq >/dev/null 2>&1 || true
    fi
    [ "$st" = 0 ] || { echo "fetch-deps: cannot download $pkg" >&2; exit 1; }
    rm -rf "$dest"
    mkdir -p "$dest"
    if [ $# -gt 0 ]; then
        dpkg --fsys-tarfile "$dl/${pkg%%:*}"_*"_$arch.deb" | tar -x -C "$dest" "$@"
    else
        dpkg -x "$dl/${pkg%%:*}"_*"_$arch.deb" "$dest"
    fi
    dpkg-deb -f "$dl/${pkg%%:*}"_*"_$arch.deb" Version > "$dest/.version"
    rm -f "$dl/${pkg%%:*}"_*"_$arch.deb"
    touch "$dest/.complete"
    echo "fetch-deps: $pkg $(cat "$dest/.version") unpacked in $dest"
}

fetch qemu-user-static:mips64el "$OUT/qemu-mips64el" ./usr/bin/qemu-i386-static
fetch busybox-static:i386 "$OUT/busybox"
