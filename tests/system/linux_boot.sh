#!/usr/bin/env bash
# Boots the Debian i386 kernel with the busybox initramfs (tools/build-system-guest.sh builds both
# into build/guest/) under xqm-system and checks what /init prints: the marker, uname, cpuinfo, a
# shell loop, an md5sum of data read from /dev/zero, and the final reboot, which -no-reboot turns
# into exit status 0. Prints PASS or FAIL with the reason, the boot time, and keeps the guest's
# console log in build/guest/boot.log.
#
# Environment: TIMEOUT (seconds, default 900), QEMU_MIPS, QEMU_CPU, XQM_SYSTEM, BUILD as for
# tests/system/run.sh; APPEND adds kernel command-line words.
set -uo pipefail

cd "$(dirname "$0")/../.." || exit 1
TIMEOUT=${TIMEOUT:-900}
source tests/system/lib/runner.sh
GUEST=$BUILD/guest

if [ ! -f "$GUEST/vmlinuz" ] || [ ! -f "$GUEST/initrd.gz" ]; then
    GUEST_DIR=$GUEST bash tools/build-system-guest.sh || { echo "FAIL system/linux (cannot build the guest)"; exit 1; }
fi

log=$GUEST/boot.log
# tsc=reliable: the TSC counts host nanoseconds and is exact, but under slow emulation the timer
# ticks the clocksource watchdog compares it with arrive late, so the watchdog would reject it.
cmdline="console=ttyS0 acpi=off noapic tsc=reliable ${APPEND:-}"
start=$(date +%s.%N)
timeout -k 5 "$TIMEOUT" "${runner[@]}" -m 256 -kernel "$GUEST/vmlinuz" -initrd "$GUEST/initrd.gz" \
    -append "$cmdline" -nographic -no-reboot </dev/null >"$log" 2>&1
rc=$?
end=$(date +%s.%N)
seconds=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }')

out=$(tr -d '\r' <"$log")
reason=""
expect() {   # what pattern
    [ -n "$reason" ] && return
    grep -qE -- "$2" <<<"$out" || reason="$1"
}
expect "no init marker" '^XQM-GUEST: init running$'
expect "uname -a" '^Linux \(none\) [0-9.]+-[0-9]+-686.* i686 GNU/Linux$'
expect "cpuinfo vendor" '^vendor_id[[:space:]]*: GenuineIntel$'
expect "cpuinfo flags" '^flags[[:space:]]*:.* cmov '
# SEP: the vDSO's __kernel_vsyscall then enters the kernel with sysenter.
expect "cpuinfo flag sep" '^flags[[:space:]]*:.* sep '
for i in 0 1 2 3 4; do
    expect "shell loop" "^XQM-GUEST: loop $i\$"
done
expect "md5sum of 1 MiB of zeros" '^XQM-GUEST: md5 b6d81b360a5672d80c27430f39153e2c  -$'
expect "end marker" '^XQM-GUEST: done$'
expect "reboot" 'reboot: Restarting system'
if [ -z "$reason" ] && [ "$rc" != 0 ]; then
    reason="exit status $rc"
fi
[ "$rc" = 124 ] && reason="timeout after ${TIMEOUT}s (${reason:-})"
if [ -z "$reason" ]; then
    echo "PASS system/linux (boot to reboot in ${seconds}s; log in $log)"
    exit 0
fi
echo "FAIL system/linux ($reason; ${seconds}s; log in $log)"
grep -m1 -A3 -E 'BUG|Oops|panic|iret exception' <<<"$out" | sed 's/^/    /'
exit 1
