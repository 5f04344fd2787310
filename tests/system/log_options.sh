#!/usr/bin/env bash
# The -d log items of xqm-system (in_asm, out_asm, int, cpu_reset) on two bare-metal tests:
# hello.elf must still pass with -d in_asm,out_asm and its log must show the entry code's first
# instruction both as x86 (IN:) and as the MIPS it became (OUT:); reset.elf, which resets the
# machine four times ending with a triple fault, must log its #GP/#DF chain with -d int and one
# CPU state dump per reset with -d cpu_reset. Prints one PASS/FAIL line (system/log_options).
#
# Environment: QEMU_MIPS, QEMU_CPU, XQM_SYSTEM, BUILD, TIMEOUT as for tests/system/run.sh.
set -uo pipefail

cd "$(dirname "$0")/../.." || exit 1
TIMEOUT=${TIMEOUT:-60}
source tests/system/lib/runner.sh

tmp=$(mktemp -d "${TMPDIR:-/tmp}/xqm-log-options.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
reason=""
fail() { [ -n "$reason" ] || reason=$1; }

boot() {   # name items [-no-reboot]
    timeout -k 5 "$TIMEOUT" "${runner[@]}" -kernel "$BUILD/tests/system/$1.elf" -nographic ${3:-} \
        -device isa-debug-exit,iobase=0xf4,iosize=0x04 -d "$2" -D "$tmp/$1.log" </dev/null >"$tmp/$1.out" 2>&1
    local rc=$?
    [ "$rc" = 1 ] && grep -q '^PASS' "$tmp/$1.out" || fail "$1 with -d $2 did not pass (exit $rc)"
}

boot hello in_asm,out_asm -no-reboot
# The multiboot entry (tests/system/lib/crt0.S) starts by loading ESP.
grep -qE '^IN: tb [0-9]+ insns$' "$tmp/hello.log" || fail "in_asm: no 'IN:' block"
grep -qE '^0x[0-9a-f]{8}:  mov esp, 0x' "$tmp/hello.log" || fail "in_asm: no x86 instruction listed"
grep -qE '^OUT: 0x[0-9a-f]{8} mov esp, 0x' "$tmp/hello.log" || fail "out_asm: no 'OUT:' line"
grep -qE '^  0x[0-9a-f]+:  [0-9a-f]{8}  (lui|ori|addiu) ' "$tmp/hello.log" || fail "out_asm: no MIPS instruction listed"

boot reset int,cpu_reset
# The triple fault: int3 with an empty IDT (reset.c) -> #GP(0x1a: vector 3, IDT) -> #DF -> reset.
grep -qE '^xqm-system: int 3 at eip ' "$tmp/reset.log" || fail "int: the int3 is not logged"
grep -qE '^xqm-system: exception/irq 13 .* error 0x1a$' "$tmp/reset.log" || fail "int: #GP(0x1a) not logged"
grep -qE '^xqm-system: exception/irq 8 ' "$tmp/reset.log" || fail "int: #DF not logged"
grep -qE '^xqm-system: reset requested \(triple fault\)$' "$tmp/reset.log" || fail "cpu_reset: triple fault not logged"
n=$(grep -c '^xqm-system: CPU 0 reset; state before:$' "$tmp/reset.log")
[ "$n" = 5 ] || fail "cpu_reset: $n state dumps, expected 5 (power-up and four resets)"
grep -qE '^EIP=[0-9a-f]{8} EFL=[0-9a-f]{8} CPL=0$' "$tmp/reset.log" || fail "cpu_reset: no register dump"
grep -qE '^CR0=[0-9a-f]{8} CR2=[0-9a-f]{8} CR3=[0-9a-f]{8} CR4=[0-9a-f]{8}$' "$tmp/reset.log" ||
    fail "cpu_reset: no control registers"

if [ -z "$reason" ]; then
    echo "PASS system/log_options"
    exit 0
fi
echo "FAIL system/log_options ($reason)"
exit 1
