#!/usr/bin/env bash
# Builds the Debian test guest for xqm-system from Debian packages, into build/guest/ (nothing of
# it is committed):
#   build/guest/vmlinuz     the i386 kernel of linux-image-686 (or -686-pae with GUEST_FLAVOUR=686-pae;
#                           GUEST_DIR names another output directory)
#   build/guest/initrd.gz   an initramfs: Debian's busybox-static:i386 and an /init that brings up
#                           the loopback interface, prints a marker, runs a few commands and ends
#                           the machine with `reboot -f`
#                           (boot with -no-reboot so that this ends xqm-system)
# Packages come with `apt-get download` and are unpacked with `dpkg -x`: nothing is installed.
# The i386 architecture is added to dpkg if it is missing, and the apt index refreshed whenever a
# look-up or a download fails (a fresh machine may have no index yet, a kept one an index naming
# kernel versions the archive has since dropped), as tools/setup-deps.sh does.
#
# Usage: tools/build-system-guest.sh [extra-file...]   extra files are copied into the initramfs's
#   /extra directory (the cross-check packs test programs this way); /init runs /extra/run.sh if
#   one of them is named run.sh.
set -euo pipefail

cd "$(dirname "$0")/.."
OUT=${GUEST_DIR:-build/guest}
FLAVOUR=${GUEST_FLAVOUR:-686}
DL=$OUT/debs
mkdir -p "$DL"
chmod 777 "$DL"     # apt-get download runs as _apt when it can

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo
apt_updated=0
apt_update() {
    [ $apt_updated = 1 ] && return 1
    apt_updated=1
    echo "build-system-guest: refreshing the apt index" >&2
    # A partial failure (one architecture's index mid-sync on the mirror) must not end the
    # script: the downloads below say clearly if what they need is still missing.
    $SUDO apt-get update -qq >&2 || echo "build-system-guest: apt-get update reported errors; going on" >&2
}
if ! dpkg --print-foreign-architectures | grep -qx i386 && [ "$(dpkg --print-architecture)" != i386 ]; then
    $SUDO dpkg --add-architecture i386
    apt_update
fi

fetch() {   # package[:arch] -> the .deb's path
    local pkg=$1 name=${1%%:*}
    local deb
    deb=$(ls "$DL"/"${name}"_*.deb 2>/dev/null | head -n 1 || true)
    if [ -z "$deb" ]; then
        until (cd "$DL" && apt-get download -qq "$pkg") >&2; do
            apt_update || { echo "build-system-guest: cannot download $pkg" >&2; exit 1; }
        done
        deb=$(ls "$DL"/"${name}"_*.deb | head -n 1)
    fi
    printf '%s\n' "$deb"
}

# The kernel: linux-image-686 is a metapackage naming the versioned image package.
meta=linux-image-$FLAVOUR:i386
resolve() { apt-cache depends "$meta" 2>/dev/null | sed -n 's/^ *Depends: \(linux-image-[^ ]*\).*/\1/p' | head -n 1; }
image_pkg=$(resolve)
if [ -z "$image_pkg" ] && apt_update; then
    image_pkg=$(resolve)
fi
if [ -z "$image_pkg" ]; then
    echo "build-system-guest: cannot resolve $meta in the apt index" >&2
    exit 1
fi
# A kept download of another version (the index moved on) is replaced.
for deb in "$DL"/linux-image-*.deb; do
    case $deb in "$DL/${image_pkg%%:*}_"* | "$DL/linux-image-*.deb") ;; *) rm -f "$deb" ;; esac
done
image_deb=$(fetch "$image_pkg")
rm -rf "$OUT/kernel-pkg"
dpkg -x "$image_deb" "$OUT/kernel-pkg"
cp "$(ls "$OUT"/kernel-pkg/boot/vmlinuz-* | head -n 1)" "$OUT/vmlinuz"

# busybox: reuse the copy tools/setup-deps.sh unpacked for the user-mode tests, else fetch it.
bb=build/busybox/bin/busybox
if [ ! -x "$bb" ]; then
    bb_deb=$(fetch busybox-static:i386)
    rm -rf "$OUT/busybox-pkg"
    dpkg -x "$bb_deb" "$OUT/busybox-pkg"
    bb=$OUT/busybox-pkg/bin/busybox
fi

root=$OUT/initramfs
rm -rf "$root"
mkdir -p "$root"/{bin,sbin,dev,proc,sys,tmp,extra}
cp "$bb" "$root/bin/busybox"
for f in "$@"; do
    cp "$f" "$root/extra/"
done
cat >"$root/init" <<'EOF'
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
ip link set lo up
echo "XQM-GUEST: init running"
uname -a
cat /proc/cpuinfo
i=0
while [ $i -lt 5 ]; do
    echo "XQM-GUEST: loop $i"
    i=$((i + 1))
done
echo "XQM-GUEST: md5 $(dd if=/dev/zero bs=1024 count=1024 2>/dev/null | md5sum)"
if [ -x /extra/run.sh ]; then
    /extra/run.sh
fi
echo "XQM-GUEST: done"
reboot -f
EOF
chmod 755 "$root/init"
(cd "$root" && find . | cpio -o -H newc --quiet) | gzip -9 >"$OUT/initrd.gz"
echo "build-system-guest: $OUT/vmlinuz ($image_pkg) and $OUT/initrd.gz ready"
echo "run: qemu-mips64el-static -cpu Loongson-3A1000 build/xqm-system -m 256 -kernel $OUT/vmlinuz \\"
echo "       -initrd $OUT/initrd.gz -append 'console=ttyS0 acpi=off noapic' -nographic -no-reboot"
