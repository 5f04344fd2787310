#!/usr/bin/env bash
# The cross-check of the two modes (make crosscheck): the tests/user programs run natively, under
# xqm-user, and inside the Debian guest booted by xqm-system, with the same argv, environment,
# stdin and working directory as tests/run-all.sh gives them; stdout, stderr and the exit status
# of the three runs are compared. One line per program:
#   PASS crosscheck/NAME                      all three agree
#   FAIL crosscheck/NAME (system differs ...) only the run inside xqm-system differs from native
#   FAIL crosscheck/NAME (user differs ...)   only xqm-user differs
#   FAIL crosscheck/NAME (both differ ...)
# then `N passed, M failed`. The programs go into the guest's initramfs at the same absolute path
# they have here (argv[0] is the same), and all of them run in one boot; their outputs come back
# over the serial console, gzipped and base64-encoded (the console is slow under emulation).
#
# Usage: tests/system/crosscheck.sh [SUBSTRING...]   only programs whose name contains one of them
# Environment: as tests/run-all.sh (QEMU_MIPS, QEMU_CPU, XQM_USER, BUILD) and XQM_SYSTEM; TIMEOUT
#   is the whole boot's limit (default 3600 s), PROGRAM_TIMEOUT each program's (default 120 s).
set -uo pipefail

cd "$(dirname "$0")/../.." || exit 1
ROOT=$PWD
BUILD=${BUILD:-build}
TIMEOUT=${TIMEOUT:-3600}
PROGRAM_TIMEOUT=${PROGRAM_TIMEOUT:-120}
QEMU_MIPS=${QEMU_MIPS-qemu-mips64el-static}
QEMU_CPU=${QEMU_CPU:-Loongson-3A1000}
XQM_USER=${XQM_USER:-$BUILD/xqm-user}
XQM_SYSTEM=${XQM_SYSTEM:-$BUILD/xqm-system}
GUEST=$BUILD/guest
WORK=$(mktemp -d "${TMPDIR:-/tmp}/xqm-crosscheck.XXXXXX")   # the same path natively and in the guest
ARGS=(alpha "two words" "" --flag=3)
TEST_ENV=(PATH=/usr/local/bin:/usr/bin:/bin XQM_TEST_VAR=hello LC_ALL=C)
STDIN_FILE=$ROOT/tests/user/stdin.txt

if [ ! -f "$GUEST/vmlinuz" ] || [ ! -d "$GUEST/initramfs" ]; then
    GUEST_DIR=$GUEST bash tools/build-system-guest.sh >/dev/null || { echo "crosscheck: cannot build the guest" >&2; exit 1; }
fi

# Programs whose correct result depends on the kernel they run under, so they stay in the
# native-vs-xqm-user tests (tests/run-all.sh reads this list too):
# - exec_fault needs execute-disable page protection: the guest's non-PAE 686 kernel cannot use NX
#   (as on real hardware), so a call into a PROT_READ|PROT_WRITE page runs there (the Debian 6.1
#   686-pae kernel drops NX from user PTEs too: docs/system.md);
# - kernel_answers prints what the reference machine's kernel reports for smsw/sgdt/sidt/sldt/str
#   (UMIP emulation; the guest CPU has no UMIP, so the guest kernel's real tables show) and int1.
HOST_ONLY="exec_fault kernel_answers"
progs=()
for p in "$BUILD"/tests/user/*.O0 "$BUILD"/tests/user/*.O2; do
    [ -x "$p" ] || continue
    name=$(basename "$p")
    case " $HOST_ONLY " in *" ${name%.*} "*) continue ;; esac
    if [ $# -gt 0 ]; then
        keep=0
        for f in "$@"; do case $name in *"$f"*) keep=1 ;; esac; done
        [ $keep = 1 ] || continue
    fi
    progs+=("$ROOT/$p")
done
if [ ${#progs[@]} = 0 ]; then
    echo "crosscheck: no programs in $BUILD/tests/user (run make tests-user)" >&2
    exit 1
fi

OUT=$ROOT/$BUILD/crosscheck
rm -rf "$OUT" && mkdir -p "$OUT"/{native,user,system}

# --- the guest run: every program in one boot, outputs framed and base64-encoded on the console ---
tree=$GUEST/crosscheck-root
rm -rf "$tree"
cp -a "$GUEST/initramfs" "$tree"
mkdir -p "$tree$ROOT/$BUILD/tests/user" "$tree$ROOT/tests/user"
cp "$STDIN_FILE" "$tree$STDIN_FILE"
{
    echo '#!/bin/sh'
    for p in "${progs[@]}"; do
        cp "$p" "$tree$p"
        name=$(basename "$p")
        printf 'echo "XQM-CC-BEGIN %s"\n' "$name"
        printf 'rm -rf %s/%s; mkdir -p %s/%s; cd %s/%s\n' "$WORK" "$name" "$WORK" "$name" "$WORK" "$name"
        # The subshell execs the program, so that the shell's own report of a fatal signal
        # ("Segmentation fault") goes to the console, not into the program's stderr.
        printf '( exec <%q >/tmp/cc.out 2>/tmp/cc.err; exec timeout %s env -i' "$STDIN_FILE" "$PROGRAM_TIMEOUT"
        printf ' %q' "${TEST_ENV[@]}" "TMPDIR=$WORK/$name" "$p" "${ARGS[@]}"
        printf ' )\nrc=$?\ncd /\n'
        printf 'echo XQM-CC-OUT; gzip -c /tmp/cc.out | base64; echo XQM-CC-ERR; gzip -c /tmp/cc.err | base64\n'
        printf 'echo "XQM-CC-RC $rc"\n'
    done
} >"$tree/extra/run.sh"
chmod 755 "$tree/extra/run.sh"
# Uncompressed: the guest kernel would spend minutes in gunzip under emulation.
(cd "$tree" && find . | cpio -o -H newc --quiet) >"$GUEST/initrd-crosscheck.cpio"

runner=()
if [ -n "$QEMU_MIPS" ]; then
    read -ra runner <<<"$QEMU_MIPS"
    runner+=(-cpu "$QEMU_CPU")
fi
read -ra sysq <<<"$XQM_SYSTEM"
echo "crosscheck: ${#progs[@]} programs; booting the guest under xqm-system"
start=$SECONDS
timeout -k 5 "$TIMEOUT" "${runner[@]}" "${sysq[@]}" -m 512 -kernel "$GUEST/vmlinuz" \
    -initrd "$GUEST/initrd-crosscheck.cpio" -append "console=ttyS0 acpi=off noapic tsc=reliable quiet" \
    -nographic -no-reboot </dev/null >"$OUT/console.log" 2>&1
echo "crosscheck: guest finished (exit $?) after $((SECONDS - start)) s; console in $OUT/console.log"

# Splits the console log into system/NAME.{out,err,rc}.
tr -d '\r' <"$OUT/console.log" | awk -v dir="$OUT/system" '
    /^XQM-CC-BEGIN / { name = $2; part = ""; next }
    /^XQM-CC-OUT$/ { part = "out"; printf "" > (dir "/" name ".out.b64"); next }
    /^XQM-CC-ERR$/ { part = "err"; printf "" > (dir "/" name ".err.b64"); next }
    /^XQM-CC-RC / { print $2 > (dir "/" name ".rc"); part = ""; next }
    part != "" && name != "" { print > (dir "/" name "." part ".b64") }
'
for f in "$OUT"/system/*.b64; do
    [ -e "$f" ] || continue
    base64 -d <"$f" 2>/dev/null | gzip -dc >"${f%.b64}" 2>/dev/null
done

# --- the native and xqm-user runs, in the same working directory ---
# Under qemu, xqm-user gets -exec-prefix so that a guest execve of an i386 program starts xqm-user
# (a MIPS binary) through qemu again, as tests/run-all.sh does.
user_cmd=()
read -ra q <<<"$XQM_USER"
case ${q[0]} in /*) ;; *) q[0]=$ROOT/${q[0]} ;; esac
if [ -n "$QEMU_MIPS" ]; then
    read -ra qm <<<"$QEMU_MIPS"
    qm[0]=$(command -v "${qm[0]}" || printf '%s' "${qm[0]}")
    user_cmd=("${qm[@]}" -cpu "$QEMU_CPU" "${q[0]}" -exec-prefix "${qm[*]} -cpu $QEMU_CPU" "${q[@]:1}")
else
    user_cmd=("${q[@]}")
fi
run_here() {   # dir-of-results name command...
    local dir=$1 name=$2
    shift 2
    rm -rf "${WORK:?}/$name" && mkdir -p "$WORK/$name"
    # bash's own note on a program killed by a signal goes to /dev/null, not into the results.
    (cd "$WORK/$name" && timeout "$PROGRAM_TIMEOUT" env -i "${TEST_ENV[@]}" TMPDIR="$WORK/$name" "$@" "${ARGS[@]}" \
        <"$STDIN_FILE" >"$dir/$name.out" 2>"$dir/$name.err") 2>/dev/null
    echo $? >"$dir/$name.rc"
}

passed=0 failed=0
for p in "${progs[@]}"; do
    name=$(basename "$p")
    run_here "$OUT/native" "$name" "$p"
    run_here "$OUT/user" "$name" "${user_cmd[@]}" "$p"
    sed -i -E '/^qemu: uncaught target signal [0-9]+ \(.*\) - (core dumped|no core)$/d' "$OUT/user/$name.err"
    same() {   # mode
        [ -f "$OUT/$1/$name.rc" ] && cmp -s "$OUT/native/$name.out" "$OUT/$1/$name.out" &&
            cmp -s "$OUT/native/$name.err" "$OUT/$1/$name.err" &&
            [ "$(cat "$OUT/native/$name.rc")" = "$(cat "$OUT/$1/$name.rc")" ]
    }
    sys_ok=0 user_ok=0
    same system && sys_ok=1
    same user && user_ok=1
    if [ $sys_ok = 1 ] && [ $user_ok = 1 ]; then
        echo "PASS crosscheck/$name"
        passed=$((passed + 1))
        continue
    fi
    failed=$((failed + 1))
    if [ ! -f "$OUT/system/$name.rc" ]; then
        why="no result from the guest"
    else
        why="exit native $(cat "$OUT/native/$name.rc"), user $(cat "$OUT/user/$name.rc"), system $(cat "$OUT/system/$name.rc")"
    fi
    if [ $sys_ok = 0 ] && [ $user_ok = 0 ]; then
        echo "FAIL crosscheck/$name (both differ; $why)"
    elif [ $sys_ok = 0 ]; then
        echo "FAIL crosscheck/$name (system differs; $why)"
    else
        echo "FAIL crosscheck/$name (user differs; $why)"
    fi
done
rm -rf "${WORK:?}"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
