/*
 * The differential tester's harness: a static i386 program linked with entry.S and one generated
 * batch (dt_batch, from dtgen). For each sequence it derives the initial state from the sequence's
 * seed (dtstate.h), runs the sequence through dt_enter, and prints one line:
 *
 *   INDEX HASH SIGNAL LINE eax ecx edx ebx esp ebp esi edi eflags [OFF:BYTES ...]
 *
 * HASH is dt_state_hash of the initial state; SIGNAL is 0, or the signal the sequence raised, with
 * LINE the generated line it was raised at (-1: no signal, the line count: after the last line,
 * -2: outside the sequence) and the registers from the signal context; OFF:BYTES (hex) are the runs
 * of scratch-area bytes that differ from their initial value; with --fp (dt_fp_mode), then
 * `FX:HEX`, the 512-byte fxsave image at the end of the sequence (FXF: from the signal frame of a
 * faulting one; dt_fx_out starts as 0xa5 bytes, so bytes fxsave leaves alone show as a5). Each line is written with one write()
 * so that a run killed by a signal (an emulator that does not deliver it) leaves whole lines only.
 *
 * Usage: harness [FIRST]   runs the batch's sequences from position FIRST on (default 0).
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ucontext.h>
#include <unistd.h>
#include "tests/difftest/dtfpstate.h"
#include "tests/difftest/dtstate.h"

/* One row of the generated dt_batch table. */
struct dt_entry {
    uint32_t index, seed_lo, seed_hi, base;
    const uint8_t *code;
    const uint32_t *lines;      /* pairs (address, line number), ascending; the last is the end */
    uint32_t nlines;
};

extern const uint32_t dt_batch[];
extern const uint32_t dt_fp_mode;   /* 0: integer, 1: --fp, 2: --fp-faults (gen.c) */
/* entry.S: fxrstor of dt_fx_in before a --fp sequence, fxsave to dt_fx_out after every one. */
uint8_t dt_fx_in[FX_SIZE] __attribute__((aligned(16)));
uint8_t dt_fx_out[FX_SIZE] __attribute__((aligned(16)));
static int fx_from_frame;
void dt_enter(const void *code);

/* The scratch area between two guard zones that no sequence may touch (a generator check). */
#define GUARD 1024
static struct {
    uint8_t lo[GUARD], area[DT_AREA_SIZE], hi[GUARD];
} space __attribute__((aligned(64), used));
__asm__(".globl dt_area\n\t.set dt_area, space + " "1024");
extern uint8_t dt_area[DT_AREA_SIZE];
_Static_assert(GUARD == 1024, "the .set above spells GUARD out");
struct dt_state dt_in, dt_out;

static uint8_t initial_area[DT_AREA_SIZE];
static sigjmp_buf fault_jump;
static volatile int fault_signal;
static volatile uint32_t fault_eip;
static char out_line[DT_AREA_SIZE * 3 + 2 * FX_SIZE + 256];

static void on_fault(int sig, siginfo_t *info, void *ctx)
{
    ucontext_t *uc = ctx;
    const greg_t *gr = uc->uc_mcontext.gregs;
    static const int order[DT_NREGS] = {REG_EAX, REG_ECX, REG_EDX, REG_EBX, REG_ESP, REG_EBP, REG_ESI, REG_EDI};
    (void)info;
    for (int i = 0; i < DT_NREGS; i++)
        dt_out.r[i] = (uint32_t)gr[order[i]];
    dt_out.eflags = (uint32_t)gr[REG_EFL];
    fault_eip = (uint32_t)gr[REG_EIP];
    /* The FPU state at the fault: the fxsave image after the fsave one in the frame's fpstate
     * (magic 0 at byte 110 says it is there; uapi/asm/sigcontext.h, struct _fpstate_32). */
    const uint8_t *fp = (const uint8_t *)uc->uc_mcontext.fpregs;
    if (fp && fp[110] == 0 && fp[111] == 0) {
        memcpy(dt_fx_out, fp + 112, FX_SIZE);
        fx_from_frame = 1;
    }
    fault_signal = sig;
    siglongjmp(fault_jump, 1);
}

static void install_handlers(void)
{
    static uint8_t altstack[65536];
    stack_t ss = {.ss_sp = altstack, .ss_size = sizeof altstack, .ss_flags = 0};
    if (sigaltstack(&ss, NULL) != 0)
        fprintf(stderr, "harness: sigaltstack failed: signal frames will land in the scratch area\n");
    static const int sigs[] = {SIGFPE, SIGSEGV, SIGILL, SIGTRAP, SIGBUS};
    for (unsigned i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_sigaction = on_fault;
        sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
        sigemptyset(&sa.sa_mask);
        if (sigaction(sigs[i], &sa, NULL) != 0)
            fprintf(stderr, "harness: sigaction(%d) failed\n", sigs[i]);
    }
}

/* The generated line that eip is in: the last line whose address is <= eip. */
static int line_of(const struct dt_entry *e, uint32_t eip)
{
    const uint32_t *t = e->lines;
    uint32_t n = e->nlines;     /* entries: n lines, then the end marker */
    if (eip < t[0] || eip > t[2 * n])
        return -2;
    int line = -2;
    for (uint32_t i = 0; i <= n; i++)
        if (t[2 * i] <= eip)
            line = (int)t[2 * i + 1];
    return line;
}

static void run_one(const struct dt_entry *e)
{
    uint64_t seed = e->seed_lo | (uint64_t)e->seed_hi << 32;
    dt_init_state(seed, &dt_in, dt_area);
    uint32_t hash = dt_state_hash(&dt_in, dt_area);
    dt_in.r[DT_ESP] = (uint32_t)(uintptr_t)dt_area + DT_ESP_OFF;
    dt_in.r[e->base] = (uint32_t)(uintptr_t)dt_area + DT_BASE_OFF;
    memcpy(initial_area, dt_area, sizeof initial_area);
    memset(space.lo, 0xa5, GUARD);
    memset(space.hi, 0x5a, GUARD);
    fault_signal = 0;
    fx_from_frame = 0;
    if (dt_fp_mode)
        dt_init_fpstate(seed, dt_fp_mode == 2, dt_fx_in);
    memset(dt_fx_out, 0xa5, FX_SIZE);
    if (sigsetjmp(fault_jump, 1) == 0)
        dt_enter(e->code);
    int line = fault_signal ? line_of(e, fault_eip) : -1;

    int len = snprintf(out_line, sizeof out_line, "%u %08x %d %d", e->index, hash, fault_signal, line);
    for (int i = 0; i < DT_NREGS; i++)
        len += snprintf(out_line + len, sizeof out_line - len, " %08x", dt_out.r[i]);
    len += snprintf(out_line + len, sizeof out_line - len, " %08x", dt_out.eflags);
    for (int i = 0; i < DT_AREA_SIZE;) {
        if (dt_area[i] == initial_area[i]) {
            i++;
            continue;
        }
        len += snprintf(out_line + len, sizeof out_line - len, " %03x:", i);
        for (; i < DT_AREA_SIZE && dt_area[i] != initial_area[i]; i++)
            len += snprintf(out_line + len, sizeof out_line - len, "%02x", dt_area[i]);
    }
    if (dt_fp_mode) {
        len += snprintf(out_line + len, sizeof out_line - len, " %s", fx_from_frame ? "FXF:" : "FX:");
        for (int i = 0; i < FX_SIZE; i++)
            len += snprintf(out_line + len, sizeof out_line - len, "%02x", dt_fx_out[i]);
    }
    for (int i = 0; i < GUARD; i++) {
        if (space.lo[i] != 0xa5 || space.hi[i] != 0x5a) {
            len += snprintf(out_line + len, sizeof out_line - len, " GUARD-ZONE-WRITTEN");
            break;
        }
    }
    out_line[len++] = '\n';
    if (write(1, out_line, (size_t)len) != len)
        exit(3);
}

int main(int argc, char **argv)
{
    uint32_t count = dt_batch[0], first = argc > 1 ? (uint32_t)strtoul(argv[1], NULL, 0) : 0;
    const struct dt_entry *entries = (const struct dt_entry *)&dt_batch[1];
    install_handlers();
    printf("# dt_area 0x%08x\n", (uint32_t)(uintptr_t)dt_area);
    fflush(stdout);
    for (uint32_t i = first; i < count; i++)
        run_one(&entries[i]);
    return 0;
}
