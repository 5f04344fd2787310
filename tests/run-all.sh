#!/usr/bin/env bash
# Runs every test and holds xqm to the real CPU. Builds nothing: `make check` builds first.
#
# - tests/user: each build/tests/user/NAME.O0 and NAME.O2 (fp_*: also NAME.sse2, NAME.O3v) runs natively (this x86 machine runs i386
#   programs) and under `qemu-mips64el-static -cpu Loongson-3A1000 build/xqm-user`, both with the
#   same fixed argv, environment (env -i), stdin (tests/user/stdin.txt) and an empty scratch working
#   directory (also $TMPDIR). stdout, stderr and the exit status must match byte for byte. A program
#   whose native run cannot execute or times out is a broken test and fails.
# - tests/user/*.sh: each script runs as `build/busybox/bin/busybox sh SCRIPT` (Debian's static
#   i386 busybox, fetched by tools/setup-deps.sh), natively and under xqm, compared the same way.
# - tests/system: each bare-metal guest build/tests/system/NAME.elf boots under xqm-system and passes
#   when it prints PASS and exits through isa-debug-exit (tests/system/run.sh --one does the run).
# - system/log_options: xqm-system's -d items (tests/system/log_options.sh).
# - crosscheck/NAME (tests/system/crosscheck.sh): each tests/user program's -O0 and -O2 build
#   natively, under xqm-user and inside the Debian guest under xqm-system, all in one boot; the
#   line says which mode differs. CROSSCHECK=O2 runs the -O2 builds only, CROSSCHECK=0 none.
# - system/linux: the Debian kernel with the busybox initramfs (build/guest, `make guest`) boots
#   under xqm-system and its /init's outputs are checked (tests/system/linux_boot.sh).
# - tests/unit: each executable in build/tests/unit/ runs once (MIPS ones under qemu) and passes when
#   it exits 0; it prints its own details.
#
# Output: one `PASS name` or `FAIL name (reasons)` line per test, with a short diff for failures,
# then exactly `N passed, M failed`. The exit status is non-zero iff M > 0.
#
# Usage: tests/run-all.sh [SUBSTRING...]   runs only the tests whose name contains one of them
# Environment: JOBS (parallel runs, default 2), TIMEOUT (seconds per run, default 120; the Linux
#   boot's is LINUX_TIMEOUT, default 900, the whole cross-check's CROSSCHECK_TIMEOUT, default 3600),
#   QEMU_MIPS (default qemu-mips64el-static; empty runs xqm-user directly, e.g. on a MIPS host),
#   QEMU_CPU (default Loongson-3A1000), XQM_USER (default build/xqm-user; may carry options, e.g.
#   "build/xqm-user -d unimp"), BUILD (default build), KEEP_TMP=1 keeps the outputs of every run.
set -uo pipefail

cd "$(dirname "$0")/.." || exit 1
ROOT=$PWD
export ROOT
export BUILD=${BUILD:-build}
export JOBS=${JOBS:-2}
export TIMEOUT=${TIMEOUT:-120}
export QEMU_MIPS=${QEMU_MIPS-qemu-mips64el-static}
export QEMU_CPU=${QEMU_CPU:-Loongson-3A1000}
export XQM_USER=${XQM_USER:-$BUILD/xqm-user}
export STDIN_FILE=$ROOT/tests/user/stdin.txt

# The fixed argument list and environment every user test gets (TMPDIR is added per test).
ARGS=(alpha "two words" "" --flag=3)
TEST_ENV=(PATH=/usr/local/bin:/usr/bin:/bin XQM_TEST_VAR=hello LC_ALL=C)

ulimit -c 0

# Absolute form of a command word: paths relative to the repository, bare names through PATH.
absolute_cmd() {
    case $1 in
    /*) printf '%s' "$1" ;;
    */*) printf '%s' "$ROOT/$1" ;;
    *) command -v "$1" || printf '%s' "$1" ;;
    esac
}

# Indented excerpt of a unified diff between two files, at most 10 lines of 160 characters.
diff_excerpt() {
    diff -a -u --label "native $3" --label "xqm $3" "$1" "$2" | sed -n '3,12p' | cut -c1-160 |
        sed 's/^/    /'
}

# Runs one program with the fixed stdin and environment in the empty directory $1, its stdout and
# stderr going to $2.out and $2.err (messages of the runner's own tools to $2.runner), killing it
# after $TIMEOUT seconds. Sets the globals RC and TIMED_OUT.
capture() {
    local wd=$1 pfx=$2 start=$SECONDS
    shift 2
    rm -rf "$wd" && mkdir -p "$wd"
    # The inner bash applies the redirections and execs, so timeout's own messages stay out of the
    # program's stderr and no shell sits between timeout and the program. The subshell keeps bash's
    # "Segmentation fault" style notes out of the runner's output too, and a file size limit keeps
    # a runaway program from filling the disk (it then dies of SIGXFSZ).
    (
        ulimit -f 262144
        timeout -k 5 "$TIMEOUT" bash -c 'cd "$1" || exit 125; i=$2 o=$3 e=$4; shift 4; exec "$@" <"$i" >"$o" 2>"$e"' \
            run "$wd" "$STDIN_FILE" "$pfx.out" "$pfx.err" env -i "${TEST_ENV[@]}" TMPDIR="$wd" "$@"
        exit $?
    ) 2>>"$pfx.runner"
    RC=$?
    TIMED_OUT=0
    if [ "$RC" = 124 ] || { [ "$RC" = 137 ] && [ $((SECONDS - start)) -ge "$TIMEOUT" ]; }; then
        TIMED_OUT=1
    fi
}

# The command that runs a guest program under xqm, into the array named $1. Under qemu, xqm-user
# gets -exec-prefix so that a guest execve of an i386 program can start xqm-user (a MIPS binary)
# again through qemu: this host has no binfmt_misc entry for MIPS.
xqm_command() {
    local -n out=$1
    local q prefix=()
    out=()
    if [ -n "$QEMU_MIPS" ]; then
        read -ra q <<<"$QEMU_MIPS"
        q[0]=$(absolute_cmd "${q[0]}")
        prefix=("${q[@]}" -cpu "$QEMU_CPU")
        out=("${prefix[@]}")
    fi
    read -ra q <<<"$XQM_USER"
    q[0]=$(absolute_cmd "${q[0]}")
    out+=("${q[0]}")
    if [ ${#prefix[@]} -gt 0 ]; then
        out+=(-exec-prefix "${prefix[*]}")
    fi
    out+=("${q[@]:1}")
}

report() {   # name status message
    printf '%s\n' "$3"
    printf '%s\n' "$2" >"$RESULTS/${1//\//_}"
}

run_user() {
    local bin base
    bin=$(absolute_cmd "$1")
    base=$(basename "$bin")
    if [ ! -f "$bin" ]; then
        report "user/$base" fail "FAIL user/$base (broken test: $1 is missing; run make tests-user)"
        return
    fi
    compare_runs "user/$base" "$base" "$bin" "${ARGS[@]}"
}

# A shell script run by Debian's static i386 busybox (build/busybox, from tools/setup-deps.sh):
# `busybox sh SCRIPT` natively and under xqm.
run_script() {
    local script base bb=$ROOT/$BUILD/busybox/bin/busybox
    script=$(absolute_cmd "$1")
    base=$(basename "$script")
    if [ ! -x "$bb" ]; then
        report "user/$base" fail "FAIL user/$base (broken test: $BUILD/busybox/bin/busybox is missing; run tools/setup-deps.sh)"
        return
    fi
    compare_runs "user/$base" "$base" "$bb" sh "$script"
}

# Runs a guest command line natively and under xqm and reports whether the runs match.
compare_runs() {   # name key program args...
    local name=$1 base=$2
    shift 2
    local wd=$TMPROOT/work/$base pfx=$TMPROOT/out/$base

    capture "$wd" "$pfx.native" "$@"
    local nrc=$RC
    if [ "$TIMED_OUT" = 1 ]; then
        report "$name" fail "FAIL $name (broken test: native run timed out after ${TIMEOUT}s)"
        return
    fi
    if [ "$nrc" = 126 ] || [ "$nrc" = 127 ] || [ "$nrc" = 125 ]; then
        local why
        why=$(head -c 300 "$pfx.native.err" "$pfx.native.runner" 2>/dev/null | grep -v '^==>' | grep . | head -n 1)
        report "$name" fail "FAIL $name (broken test: native run could not execute, exit $nrc: ${why:-no message})"
        return
    fi

    local xqm=()
    xqm_command xqm
    capture "$wd" "$pfx.xqm" "${xqm[@]}" "$@"
    local xrc=$RC
    if [ -n "$QEMU_MIPS" ]; then
        # qemu's own note that its guest (xqm-user) died of a signal; the exit status tells that.
        sed -i -E '/^qemu: uncaught target signal [0-9]+ \(.*\) - (core dumped|no core)$/d' "$pfx.xqm.err"
    fi
    rm -rf "$wd"

    if [ "$TIMED_OUT" = 1 ]; then
        report "$name" fail "FAIL $name (timeout after ${TIMEOUT}s under xqm)"
        return
    fi
    local reasons=() details=""
    if ! cmp -s "$pfx.native.out" "$pfx.xqm.out"; then
        reasons+=("stdout differs")
        details+=$'\n'$(diff_excerpt "$pfx.native.out" "$pfx.xqm.out" stdout)
    fi
    if ! cmp -s "$pfx.native.err" "$pfx.xqm.err"; then
        reasons+=("stderr differs")
        details+=$'\n'$(diff_excerpt "$pfx.native.err" "$pfx.xqm.err" stderr)
    fi
    if [ "$nrc" != "$xrc" ]; then
        reasons+=("exit $nrc vs $xrc")
    fi
    if [ ${#reasons[@]} = 0 ]; then
        report "$name" pass "PASS $name"
    else
        local joined
        joined=$(printf ', %s' "${reasons[@]}")
        report "$name" fail "FAIL $name (${joined:2})$details"
    fi
}

run_system() {
    local elf name out
    elf=$(absolute_cmd "$1")
    name=system/$(basename "$elf" .elf)
    if out=$(bash "$ROOT/tests/system/run.sh" --one "$elf" 2>&1); then
        report "$name" pass "PASS $name"
    else
        report "$name" fail "$out"
    fi
}

# The Debian kernel boot; the guest's console log stays in $BUILD/guest/boot.log.
run_linux() {
    local out
    if out=$(TIMEOUT=${LINUX_TIMEOUT:-900} bash "$ROOT/tests/system/linux_boot.sh" 2>&1); then
        report system/linux pass "$(printf '%s\n' "$out" | grep -m1 '^PASS' || echo "PASS system/linux")"
    else
        report system/linux fail "$(printf '%s\n' "$out" | tail -n 20)"
    fi
}

# The cross-check of the two modes: every selected tests/user program natively, under xqm-user and
# inside the Debian guest under xqm-system, in one boot (tests/system/crosscheck.sh). Its lines
# become the results of the tests crosscheck/NAME; a program it says nothing about fails.
run_crosscheck() {
    local out line name log=$TMPROOT/out/crosscheck.log
    TIMEOUT=${CROSSCHECK_TIMEOUT:-3600} bash "$ROOT/tests/system/crosscheck.sh" "$@" >"$log" 2>&1
    while IFS= read -r line; do
        case $line in
        "PASS crosscheck/"*) name=${line#PASS } ; report "$name" pass "$line" ;;
        "FAIL crosscheck/"*)
            name=${line#FAIL }
            name=${name%% *}
            report "$name" fail "$line"
            ;;
        esac
    done <"$log"
    # Whatever the script said about a program it could not run (guest build, boot).
    out=$(grep -v -e '^PASS crosscheck/' -e '^FAIL crosscheck/' -e '^[0-9]* passed, [0-9]* failed$' "$log" | tail -n 5)
    [ -n "$out" ] && printf '%s\n' "$out" | sed 's/^/  /'
    return 0
}

# The -d log items of xqm-system on two bare-metal tests.
run_log_options() {
    local out
    if out=$(bash "$ROOT/tests/system/log_options.sh" 2>&1); then
        report system/log_options pass "$out"
    else
        report system/log_options fail "$out"
    fi
}

# The differential tester's fixed budgets (tests/difftest, `make difftest-check`): seeded random
# instruction sequences run natively and under xqm, every register, flag and buffer byte compared
# (with --fp also the whole FPU/SSE state). $1: the test's name, the rest: run.sh's arguments.
DIFFTEST_BUDGETS=("difftest/seed1:1 2000" "difftest/fp:--fp 1 2000" "difftest/fp-faults:--fp-faults 1 600")
run_difftest() {
    local name=$1 out
    shift
    if out=$(bash "$ROOT/tests/difftest/run.sh" --check "$@" 2>&1); then
        report "$name" pass "$(printf '%s\n' "$out" | grep -m1 '^PASS' || echo "PASS $name")"
    else
        report "$name" fail "$(printf '%s\n' "$out" | tail -n 20)"
    fi
}

run_unit() {
    local bin base name
    bin=$(absolute_cmd "$1")
    base=$(basename "$bin")
    name=unit/$base
    local log=$TMPROOT/out/unit-$base.log cmd=("$bin") start=$SECONDS
    # ELF e_machine 8 is MIPS: such a unit test runs under qemu unless this host is MIPS itself.
    local machine
    machine=$(od -An -tu2 -j18 -N2 "$bin" 2>/dev/null | tr -d ' ')
    if [ "$machine" = 8 ] && [ -n "$QEMU_MIPS" ] && [ "$(uname -m)" != mips64 ]; then
        local q
        read -ra q <<<"$QEMU_MIPS"
        cmd=("${q[@]}" -cpu "$QEMU_CPU" "$bin")
    fi
    (
        timeout -k 5 "$TIMEOUT" "${cmd[@]}" </dev/null >"$log" 2>&1
        exit $?
    ) 2>>"$log"
    local rc=$?
    if [ "$rc" = 0 ]; then
        report "$name" pass "PASS $name"
        return
    fi
    local why="exit $rc" tail
    if [ "$rc" = 124 ] || { [ "$rc" = 137 ] && [ $((SECONDS - start)) -ge "$TIMEOUT" ]; }; then
        why="timeout after ${TIMEOUT}s"
    fi
    tail=$(tail -n 15 "$log" | cut -c1-160 | sed 's/^/    /')
    report "$name" fail "FAIL $name ($why)${tail:+$'\n'$tail}"
}

# Worker mode, one test per invocation (started by xargs below).
if [ "${1:-}" = --one ]; then
    case $2 in
    user:*) run_user "${2#user:}" ;;
    script:*) run_script "${2#script:}" ;;
    unit:*) run_unit "${2#unit:}" ;;
    system:*) run_system "${2#system:}" ;;
    difftest:*)
        for b in "${DIFFTEST_BUDGETS[@]}"; do
            # shellcheck disable=SC2086  # the budget's words are run.sh's arguments
            [ "${b%%:*}" = "${2#difftest:}" ] && run_difftest "${b%%:*}" ${b#*:}
        done
        ;;
    linux) run_linux ;;
    log_options) run_log_options ;;
    "crosscheck "*)
        read -ra cc <<<"${2#crosscheck }"
        run_crosscheck "${cc[@]}"
        ;;
    esac
    exit 0
fi

selected() {
    [ ${#FILTERS[@]} = 0 ] && return 0
    local f
    for f in "${FILTERS[@]}"; do
        case $1 in *"$f"*) return 0 ;; esac
    done
    return 1
}

FILTERS=("$@")
items=() names=()
# The Linux boot and the cross-check are the longest tests: first, so that the others run beside
# them. CROSSCHECK=O2 limits the cross-check to the -O2 builds, CROSSCHECK=0 leaves it out.
if selected system/linux; then
    items+=("linux")
    names+=("system/linux")
fi
CROSSCHECK=${CROSSCHECK:-all}
cc_progs=()
if [ "$CROSSCHECK" != 0 ]; then
    cc_opts=(O0 O2)
    [ "$CROSSCHECK" = O2 ] && cc_opts=(O2)
    host_only=$(sed -n 's/^HOST_ONLY="\(.*\)"$/\1/p' tests/system/crosscheck.sh)
    for src in tests/user/*.c; do
        [ -e "$src" ] || continue
        case " $host_only " in *" $(basename "$src" .c) "*) continue ;; esac
        for opt in "${cc_opts[@]}"; do
            base=$(basename "$src" .c).$opt
            selected "crosscheck/$base" || continue
            cc_progs+=("$base")
            names+=("crosscheck/$base")
        done
    done
fi
for src in tests/user/*.c; do
    [ -e "$src" ] || continue
    base=$(basename "$src" .c)
    opts=(O0 O2)
    case $base in fp_*) opts+=(sse2 O3v) ;; esac     # tests/user/tests.mk builds these too
    for opt in "${opts[@]}"; do
        selected "user/$base.$opt" || continue
        items+=("user:$BUILD/tests/user/$base.$opt")
        names+=("user/$base.$opt")
    done
done
for src in tests/user/*.sh; do
    [ -e "$src" ] || continue
    base=$(basename "$src")
    selected "user/$base" || continue
    items+=("script:$src")
    names+=("user/$base")
done
for elf in "$BUILD"/tests/system/*.elf; do
    [ -e "$elf" ] || continue
    base=$(basename "$elf" .elf)
    selected "system/$base" || continue
    items+=("system:$elf")
    names+=("system/$base")
done
if [ -e "$BUILD/tests/system/reset.elf" ] && selected system/log_options; then
    items+=("log_options")
    names+=("system/log_options")
fi
for b in "${DIFFTEST_BUDGETS[@]}"; do
    [ -x "$BUILD/tests/difftest/dtgen" ] && selected "${b%%:*}" || continue
    items+=("difftest:${b%%:*}")
    names+=("${b%%:*}")
done
if [ -d "$BUILD/tests/unit" ]; then
    while IFS= read -r -d '' bin; do
        base=$(basename "$bin")
        selected "unit/$base" || continue
        items+=("unit:$bin")
        names+=("unit/$base")
    done < <(find "$BUILD/tests/unit" -maxdepth 1 -type f -perm -u+x -print0 | sort -z)
fi

TMPROOT=$(mktemp -d "${TMPDIR:-/tmp}/xqm-check.XXXXXX")
export TMPROOT RESULTS=$TMPROOT/results
mkdir -p "$RESULTS" "$TMPROOT/out" "$TMPROOT/work"
if [ "${KEEP_TMP:-0}" = 1 ]; then
    echo "run-all: keeping every run's output in $TMPROOT"
else
    trap 'rm -rf "$TMPROOT"' EXIT
fi

runner="${QEMU_MIPS:+$QEMU_MIPS -cpu $QEMU_CPU }$XQM_USER"
if [ ! -x "${XQM_USER%% *}" ] && [ ! -x "$ROOT/${XQM_USER%% *}" ]; then
    echo "run-all: warning: ${XQM_USER%% *} does not exist; every user test will fail (run make)" >&2
fi

# One worker runs the whole cross-check (one guest boot for all its programs): its item carries
# the program names, and xargs gives every item its own worker.
work=()
if [ ${#cc_progs[@]} -gt 0 ]; then
    work+=("crosscheck $(printf '%s ' "${cc_progs[@]}")")
fi
work+=("${items[@]}")
echo "run-all: ${#names[@]} tests, $JOBS at a time; guest programs run natively and under: $runner"
if [ ${#work[@]} -gt 0 ]; then
    printf '%s\0' "${work[@]}" | xargs -0 -n 1 -P "$JOBS" bash "$ROOT/tests/run-all.sh" --one
fi

passed=0 failed=0
for name in "${names[@]}"; do
    case $(cat "$RESULTS/${name//\//_}" 2>/dev/null) in
    pass) passed=$((passed + 1)) ;;
    fail) failed=$((failed + 1)) ;;
    *)
        echo "FAIL $name (the runner recorded no result)"
        failed=$((failed + 1))
        ;;
    esac
done
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
