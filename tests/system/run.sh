#!/usr/bin/env bash
# Boots every bare-metal test (build/tests/system/*.elf) under xqm-system and checks its verdict:
# the serial output must end with a PASS line and contain no FAIL line, and the guest must leave
# through isa-debug-exit with value 0 (exit status 1). Builds nothing: `make check-system` does.
# Tests run with -no-reboot, except those whose image holds the string XQM-TEST-REBOOT.
#
# Output: one `PASS system/NAME` or `FAIL system/NAME (reason)` line per test with the tail of the
# guest's output for failures, then `N passed, M failed`; the exit status is non-zero iff M > 0.
#
# Usage: tests/system/run.sh [SUBSTRING...]   runs only the tests whose name contains one of them
#        tests/system/run.sh --one FILE.elf    runs one test, prints its line (tests/run-all.sh uses this)
# Environment: TIMEOUT (seconds per test, default 60), QEMU_MIPS (default qemu-mips64el-static;
#   empty runs xqm-system directly), QEMU_CPU (default Loongson-3A1000), XQM_SYSTEM (default
#   build/xqm-system, may carry options such as "-d int"), BUILD (default build).
set -uo pipefail

cd "$(dirname "$0")/../.." || exit 1
TIMEOUT=${TIMEOUT:-60}
source tests/system/lib/runner.sh
read -ra xqm <<<"$XQM_SYSTEM"

if [ ! -x "${xqm[0]}" ]; then
    echo "run.sh: ${xqm[0]} does not exist (run make)" >&2
    exit 1
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/xqm-system-tests.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# Boots one test; prints its PASS/FAIL line and returns 0 if it passed.
run_one() {
    local elf=$1 name out rc reason=""
    name=system/$(basename "$elf" .elf)
    out=$tmp/$(basename "$elf").out
    # A test that resets the machine on purpose says so with a marker string in its image.
    local reboot=(-no-reboot)
    grep -qa XQM-TEST-REBOOT "$elf" && reboot=()
    timeout -k 5 "$TIMEOUT" "${runner[@]}" -kernel "$elf" -nographic "${reboot[@]}" \
        -device isa-debug-exit,iobase=0xf4,iosize=0x04 </dev/null >"$out" 2>&1
    rc=$?
    if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
        reason="timeout after ${TIMEOUT}s"
    elif grep -q '^FAIL' "$out"; then
        reason="$(grep -m1 '^FAIL' "$out" | tr -d '\r' | cut -c1-120)"
    elif ! tr -d '\r' <"$out" | grep -q '^PASS'; then
        reason="no PASS line (exit status $rc)"
    elif [ "$rc" != 1 ]; then
        reason="exit status $rc instead of 1"
    fi
    if [ -z "$reason" ]; then
        echo "PASS $name"
        return 0
    fi
    echo "FAIL $name ($reason)"
    tail -n 8 "$out" | tr -d '\r' | cut -c1-160 | sed 's/^/    /'
    return 1
}

if [ "${1:-}" = --one ]; then
    run_one "$2"
    exit $?
fi

passed=0 failed=0
for elf in "$BUILD"/tests/system/*.elf; do
    [ -e "$elf" ] || continue
    name=system/$(basename "$elf" .elf)
    if [ $# -gt 0 ]; then
        keep=0
        for f in "$@"; do case $name in *"$f"*) keep=1 ;; esac; done
        [ $keep = 1 ] || continue
    fi
    if run_one "$elf"; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
    fi
done
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
