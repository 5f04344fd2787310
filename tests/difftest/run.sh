#!/usr/bin/env bash
# The differential tester's runner: random IA-32 sequences, run natively and under xqm-user, compared.
#
#   tests/difftest/run.sh [OPTS] SEED COUNT      sequences 0..COUNT-1 of SEED: summary, coverage,
#                                                a report per mismatch; exit 1 on any mismatch
#   tests/difftest/run.sh [OPTS] --check SEED COUNT
#                                                the same, printing only `PASS difftest ...` or
#                                                `FAIL difftest (...)` (for make check)
#   tests/difftest/run.sh [OPTS] --one SEED INDEX
#                                                one sequence: listing, both results, differences
#   tests/difftest/run.sh [OPTS] --minimize SEED INDEX
#                                                drops groups of a mismatching sequence while it
#                                                still mismatches; prints the smallest one found
#   tests/difftest/run.sh [OPTS] --self SEED COUNT
#                                                runs the native side twice instead (checks the
#                                                tester: the runs must agree)
#
# OPTS (passed to dtgen; a report's reproduce line repeats them; tests/difftest/README.md says
# more): --extra (the issue's further instructions: rcl/rcr, BCD, xlat, pushf/popf, pusha/popa,
# enter/leave, lock prefixes, call/ret, segment registers, encodings the assembler never picks),
# --faults (divisions with random operands, ud2, int3, int n, hlt, into, lock on a non-lockable
# instruction: sequences that raise signals), --fp (x87/MMX/SSE/SSE2 sequences from a random FPU
# state, the final fxsave image compared), --fp-faults (--fp with exceptions unmasked: SIGFPE),
# --fp-trans (--fp plus the x87 transcendentals), --groups=N (N groups a sequence), --only=NAME,... and --skip=NAME,... (template names,
# see the table in insns_misc.c), --avoid=PATTERN,... (instruction forms, as fnmatch patterns of the
# coverage kinds `build/tests/difftest/dtgen coverage 1 0 100 -v` lists, e.g.
# --avoid='rep*/16,shld/*16': to look past a known bug), --code=FILE (FILE's lines, one instruction
# a line, replace the random code and all flags are compared: for hand-made reproducers, e.g.
# `run.sh --code=repro.s --one 1 0` runs it from sequence 0's initial state)
#
# Sequences are split into batches of BATCH (default 250), one static i386 program per batch, run
# JOBS (default 2) at a time. A faulting sequence raises a signal the harness catches; if the xqm
# run dies instead (no guest signal delivery, or an xqm crash), the runner records the death of the
# sequence after the last line printed and resumes the batch after it. A death by the signal the
# native run raised there counts as agreement, with the state not compared.
# Environment: QEMU_MIPS (default qemu-mips64el-static; empty runs xqm-user directly), QEMU_CPU
# (default Loongson-3A1000), XQM_USER (default build/xqm-user; may carry options), BUILD (build),
# TIMEOUT (seconds per xqm run, default 120), MAX_REPORTS (full reports printed, default 10),
# KEEP_TMP=1 keeps the work directory.
set -uo pipefail

cd "$(dirname "$0")/../.."
ROOT=$PWD
export BUILD=${BUILD:-build}
export DT=$BUILD/tests/difftest
export JOBS=${JOBS:-2} BATCH=${BATCH:-250} TIMEOUT=${TIMEOUT:-120} MAX_REPORTS=${MAX_REPORTS:-10}
export QEMU_MIPS=${QEMU_MIPS-qemu-mips64el-static}
export QEMU_CPU=${QEMU_CPU:-Loongson-3A1000}
export XQM_USER=${XQM_USER:-$BUILD/xqm-user}
export GUEST_CC=${GUEST_CC:-i686-linux-gnu-gcc}
ulimit -c 0

# ---- one batch (run by xargs): generate, link, run natively and under xqm, compare ----
if [ "${1:-}" = --batch ]; then
    first=$2 n=$3
    opts=()
    while IFS= read -r o; do [ -n "$o" ] && opts+=("$o"); done <<<"$DT_OPTS"
    b=$WORK/b$first
    if ! "$DT/dtgen" gen "$SEED" "$first" "$n" "${opts[@]}" >"$b.s" 2>"$b.err" ||
        ! "$GUEST_CC" -static -o "$b" "$DT/harness.o" "$DT/entry.o" "$b.s" 2>>"$b.err"; then
        { echo "MISMATCH batch $first..$((first + n - 1)): the batch did not build (tester bug):"
          sed 's/^/    /' "$b.err" | head -n 20; } >"$b.report"
        echo "$n 0 $n 0 0 $n" >"$b.summary"
        exit 0
    fi
    timeout -k 5 120 "$b" >"$b.native" 2>>"$b.err"
    # The emulated side; with --self the native program again.
    if [ "$RUN_MODE" = self ]; then
        cmd=("$b")
    else
        cmd=()
        if [ -n "$QEMU_MIPS" ]; then read -ra cmd <<<"$QEMU_MIPS"; cmd+=(-cpu "$QEMU_CPU"); fi
        read -ra x <<<"$XQM_USER"
        case ${x[0]} in */*) x[0]=$(realpath "${x[0]}") ;; esac
        cmd+=("${x[@]}" "$b")
    fi
    # Run from position pos; when the run ends early, the sequence after the last line printed
    # is the one that killed it: record why and go on after it.
    pos=0
    : >"$b.xqm"
    while [ "$pos" -lt "$n" ]; do
        # (the braces keep bash's "Segmentation fault" notices out of the output)
        { timeout -k 5 "$TIMEOUT" "${cmd[@]}" "$pos" >"$b.part" 2>"$b.perr"; } 2>/dev/null
        rc=$?
        cat "$b.part" >>"$b.xqm"
        cat "$b.perr" >>"$b.xerr"
        # What xqm said last, for the report (qemu's own death notice left out).
        said=$(grep -v '^qemu: uncaught target signal' "$b.perr" | tail -n 2 | tr '\n' ' ' | cut -c1-300)
        last=$(grep -v '^#' "$b.part" | tail -n 1 | cut -d' ' -f1)
        done_to=$pos
        [ -n "$last" ] && done_to=$((last - first + 1))
        [ "$done_to" -ge "$n" ] && break
        idx=$((first + done_to))
        if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
            echo "$idx timeout 0 $said" >>"$b.xqm"
        elif [ "$rc" -gt 128 ]; then
            echo "$idx died $((rc - 128)) $said" >>"$b.xqm"
        else
            echo "$idx exit $rc $said" >>"$b.xqm"
        fi
        pos=$((done_to + 1))
    done
    rm -f "$b.part" "$b.perr"
    "$DT/dtgen" compare "$SEED" "$first" "$n" "$b.native" "$b.xqm" "$b.summary" "${opts[@]}" \
        ${REPORT_ALL:+--report-all} >"$b.report"
    exit 0
fi

usage() {
    sed -n '2,/^set -uo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2
    exit 2
}

RUN_MODE=run
OPTS=()
while [ $# -gt 0 ]; do
    case $1 in
    --extra | --faults | --fp | --fp-faults | --fp-trans | --groups=* | --only=* | --skip=* | --avoid=*) OPTS+=("$1") ;;
    --code=*) OPTS+=("--code=$(realpath "${1#--code=}")") ;;
    --check) RUN_MODE=check ;;
    --one) RUN_MODE=one ;;
    --minimize) RUN_MODE=minimize ;;
    --self) RUN_MODE=self ;;
    -h | --help) usage ;;
    -*) usage ;;
    *) break ;;
    esac
    shift
done
[ $# = 2 ] || usage
# dtgen's options for the batch workers, one a line (patterns may hold spaces).
DT_OPTS=$(printf '%s\n' "${OPTS[@]}")
export SEED=$1 RUN_MODE DT_OPTS
N=$2

# Only this folder's make fragment: the tools must build whatever the rest of the tree is doing.
if ! make -s -f tests/difftest/difftest.mk BUILD="$BUILD" difftest-tools >/dev/null; then
    echo "FAIL difftest (the tester's tools did not build)"
    exit 1
fi
if [ "$RUN_MODE" != self ] && [ ! -x "${XQM_USER%% *}" ] && ! command -v "${XQM_USER%% *}" >/dev/null; then
    echo "FAIL difftest (${XQM_USER%% *} does not exist; run make)"
    exit 1
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/xqm-difftest.XXXXXX")
export WORK
if [ "${KEEP_TMP:-0}" = 1 ]; then
    echo "difftest: keeping the work directory $WORK" >&2
else
    trap 'rm -rf "$WORK"' EXIT
fi

# Runs sequences [$1, $1+$2) in batches; leaves the totals in TOTAL (count ok bad exact death broken).
run_range() {
    local first=$1 count=$2 start end
    rm -f "$WORK"/b*.summary "$WORK"/b*.report
    for ((start = first; start < first + count; start += BATCH)); do
        end=$((start + BATCH))
        [ "$end" -gt $((first + count)) ] && end=$((first + count))
        echo "$start $((end - start))"
    done | xargs -P "$JOBS" -L 1 bash "$ROOT/tests/difftest/run.sh" --batch
    TOTAL=$(cat "$WORK"/b*.summary 2>/dev/null |
        awk '{for (i = 1; i <= 6; i++) t[i] += $i} END {printf "%d %d %d %d %d %d", t[1], t[2], t[3], t[4], t[5], t[6]}')
}

# Prints the reports of the last run_range, full ones for the first MAX_REPORTS mismatches.
print_reports() {
    local shown=0 f
    for f in $(ls "$WORK"/b*.report 2>/dev/null | sort -V); do
        [ -s "$f" ] || continue
        if [ "$shown" -lt "$MAX_REPORTS" ]; then
            awk -v max=$((MAX_REPORTS - shown)) '/^(MISMATCH|RESULT) /{n++} n <= max' "$f"
        fi
        shown=$((shown + $(grep -c '^MISMATCH ' "$f")))
    done
    if [ "$shown" -gt "$MAX_REPORTS" ]; then
        echo "... and $((shown - MAX_REPORTS)) more mismatches:"
        cat "$WORK"/b*.report | grep '^MISMATCH ' | tail -n +$((MAX_REPORTS + 1)) | cut -c1-160
    fi
}

case $RUN_MODE in
run | self | check)
    run_range 0 "$N"
    read -r count ok bad exact death broken <<<"$TOTAL"
    line="difftest: $count sequences, $bad mismatches (seed $SEED${OPTS:+ ${OPTS[*]}}"
    [ "$exact" -gt 0 ] && line+="; $exact faults compared exactly"
    [ "$death" -gt 0 ] && line+="; $death faults matched by process death, state not compared"
    [ "$broken" -gt 0 ] && line+="; $broken TESTER ERRORS"
    [ "$RUN_MODE" = self ] && line+="; native against native"
    line+=")"
    if [ "$RUN_MODE" = check ]; then
        log=$DT/check-seed$SEED$(printf -- "%s" "${OPTS[@]}" | tr -c "a-z0-9\n" "_").log
        { print_reports; echo "$line"; } >"$log"
        if [ "$bad" = 0 ] && [ "$count" = "$N" ]; then
            echo "PASS difftest ($count sequences, seed $SEED${OPTS:+ ${OPTS[*]}})"
        else
            echo "FAIL difftest ($bad mismatches in $N sequences, seed $SEED; details in $log)"
            grep '^MISMATCH ' "$log" | head -n 5 | cut -c1-160 | sed 's/^/    /'
        fi
    else
        print_reports
        "$DT/dtgen" coverage "$SEED" 0 "$N" "${OPTS[@]}"
        echo "$line"
    fi
    [ "$bad" = 0 ] && [ "$count" = "$N" ]
    ;;
one)
    BATCH=1 REPORT_ALL=1 run_range "$N" 1
    cat "$WORK"/b*.report
    read -r count ok bad exact death broken <<<"$TOTAL"
    [ "$bad" = 0 ]
    ;;
minimize)
    ngroups=$("$DT/dtgen" groups "$SEED" "$N" "${OPTS[@]}")
    keep=$(printf '%x' $(((1 << ngroups) - 1)))
    # still_bad KEEP: the sequence, with only those groups, is still a mismatch (and valid).
    still_bad() {
        "$DT/dtgen" groups "$SEED" "$N" "${OPTS[@]}" --keep="$1" >/dev/null || return 1
        DT_OPTS="$DT_OPTS"$'\n'"--keep=$1" BATCH=1 run_range "$N" 1
        local count ok bad exact death broken
        read -r count ok bad exact death broken <<<"$TOTAL"
        [ "$bad" -gt 0 ] && [ "$broken" = 0 ]
    }
    if ! still_bad "$keep"; then
        echo "difftest: seed $SEED sequence $N does not mismatch"
        exit 0
    fi
    changed=1
    while [ "$changed" = 1 ]; do
        changed=0
        for ((g = 0; g < ngroups; g++)); do
            [ $(((0x$keep >> g) & 1)) = 1 ] || continue
            try=$(printf '%x' $((0x$keep & ~(1 << g))))
            [ "$try" = 0 ] && continue
            if still_bad "$try"; then
                keep=$try
                changed=1
                echo "difftest: dropped group $g (keep=$keep)" >&2
            fi
        done
    done
    still_bad "$keep"
    cat "$WORK"/b*.report
    ;;
esac
