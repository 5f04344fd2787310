#!/usr/bin/env bash
# Installs everything xqm needs on a fresh Debian 12 machine (run as root, idempotent):
# the mips64el and i686 cross compilers, qemu-user, gcc (for `make bench`'s QEMU plugin), and a
# mips64el sysroot under build/sysroot made from Debian's mips64el -dev packages. Multiarch
# installation fails on version skew between the amd64 and mips64el archives, so the packages are
# fetched with `apt-get download` and unpacked with `dpkg -x` instead. On a native mips64el host
# the native -dev packages are installed. (`make bench` fetches its foreign programs itself, with
# tools/bench/fetch-deps.sh.)
set -euo pipefail
cd "$(dirname "$0")/.."
SYSROOT=${SYSROOT:-build/sysroot}
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo

host_pkgs="gcc-mips64el-linux-gnuabi64 gcc-i686-linux-gnu qemu-user-static qemu-user gcc
           libcapstone-dev libc6-dev make python3 xz-utils cpio"
dev_pkgs="libcapstone-dev libcapstone4 libelf-dev libelf1 zlib1g-dev zlib1g libglib2.0-dev
          libglib2.0-0 libpcre2-dev libpcre2-8-0 libzstd-dev libzstd1"

need_install=""

# A partial failure of the index refresh (one architecture's index mid-sync on the mirror, seen
# for i386) must not end the setup: the installs and downloads after it fail clearly if what they
# need is really missing.
apt_update() {
    $SUDO apt-get update -qq || echo "setup-deps: apt-get update reported errors; going on" >&2
}
for p in $host_pkgs; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || need_install="$need_install $p"
done

# Debian's busybox-static for i386, unpacked (not installed) into build/busybox.
setup_busybox() {
    local dir=build/busybox
    [ -x "$dir/bin/busybox" ] && return 0
    if ! dpkg --print-foreign-architectures | grep -qx i386; then
        $SUDO dpkg --add-architecture i386
        apt_update
    fi
    local dl=build/debs-busybox
    rm -rf "$dl" "$dir"
    mkdir -p "$dl" "$dir"
    chmod 777 "$dl"  # apt-get download runs as _apt when it can
    if ! (cd "$dl" && apt-get download -qq busybox-static:i386); then
        apt_update
        (cd "$dl" && apt-get download -qq busybox-static:i386)
    fi
    dpkg -x "$dl"/busybox-static_*.deb "$dir"
    rm -rf "$dl"
    echo "setup-deps: busybox ready in $dir"
}

if [ "$(dpkg --print-architecture)" = mips64el ]; then
    # shellcheck disable=SC2086
    $SUDO apt-get install -y gcc $dev_pkgs
    mkdir -p "$SYSROOT" && touch "$SYSROOT/.native"
    setup_busybox
    exit 0
fi

if [ -n "$need_install" ]; then
    export DEBIAN_FRONTEND=noninteractive
    apt_update
    # shellcheck disable=SC2086
    $SUDO apt-get install -y -qq $need_install >/dev/null
fi

setup_busybox
if [ -f "$SYSROOT/.complete" ]; then
    exit 0
fi
if ! dpkg --print-foreign-architectures | grep -qx mips64el; then
    $SUDO dpkg --add-architecture mips64el
    apt_update
fi
dl=build/debs
rm -rf "$dl" "$SYSROOT"
mkdir -p "$dl" "$SYSROOT"
chmod 777 "$dl"  # apt-get download runs as _apt when it can
(
    cd "$dl"
    for p in $dev_pkgs; do
        apt-get download -qq "$p:mips64el"
    done
)
for d in "$dl"/*.deb; do
    dpkg -x "$d" "$SYSROOT"
done
touch "$SYSROOT/.complete"
echo "setup-deps: sysroot ready in $SYSROOT"
