/*
 * Private to the instruction templates (insns_arith.c, insns_misc.c): helpers they share and the
 * families one file uses from the other.
 */
#ifndef DIFFTEST_INSNS_H
#define DIFFTEST_INSNS_H

#include <stdio.h>
#include "tests/difftest/dtgen.h"

#define LOGIC_DEF (DT_ARITH & ~DT_AF)
#define K g_kind

static inline bool flags_ok(const struct dt_gen *g, unsigned reads)
{
    if (!reads)
        return true;
    return !g->in_body && (reads & ~g->mask) == 0;
}

static inline bool stack_ok(const struct dt_gen *g, int delta)
{
    int d = g->depth + delta;
    return !g->in_body && g->open_jumps == 0 && d >= -DT_STACK_DOWN && d <= DT_STACK_UP;
}

static inline int any_size(struct dt_gen *g)
{
    int r = g_below(g, 4);
    return r == 0 ? 8 : r == 1 ? 16 : 32;
}

static inline int wide_size(struct dt_gen *g) { return g_chance(g, 35) ? 16 : 32; }

static inline const char *R(int bits, int reg) { return g_regname(bits, reg); }

/* "$0x..": an immediate operand. */
static inline const char *imm_text(struct dt_gen *g, int bits, char *buf)
{
    sprintf(buf, "$0x%x", g_imm(g, bits));
    return buf;
}

/* The `lock ` prefix when the caller asked for a locked form (then only memory destinations). */
static inline const char *lock_prefix(const struct dt_gen *g) { return g->lock ? "lock " : ""; }

/* insns_arith.c */
extern const char *const alu_ops[8];
extern const char *const shift_ops[8];
/* An r/m source operand: a register (any) or memory; avoid: registers the index must not use. */
void src_rm(struct dt_gen *g, int bits, unsigned avoid, char *out, int size, const char **form);
void alu_effect(int op, unsigned *reads, unsigned *def, unsigned *undef);
void shift_effect(int op, int bits, bool known, int c, unsigned *reads, unsigned *def, unsigned *undef);
bool t_alu(struct dt_gen *g);
bool t_test(struct dt_gen *g);
bool t_unary(struct dt_gen *g);
bool t_shift(struct dt_gen *g);
bool t_shxd(struct dt_gen *g);
bool t_mul1(struct dt_gen *g);
bool t_imul(struct dt_gen *g);
bool t_div(struct dt_gen *g);
bool t_bt(struct dt_gen *g);
bool t_bsf(struct dt_gen *g);
bool t_bswap(struct dt_gen *g);
bool t_xchg(struct dt_gen *g);
bool t_xadd(struct dt_gen *g);
bool t_cmpxchg(struct dt_gen *g);
bool t_cmpxchg8b(struct dt_gen *g);

/* insns_x87.c: floating-point memory operands (--fp). Value kinds, dtfpstate.h's generators: */
enum { FV_NONE, FV_F32, FV_F64, FV_F80, FV_I16, FV_I32, FV_I64, FV_BCD, FV_F32X4, FV_F64X2, FV_INT };
/* A memory operand of `bytes` bytes (16-byte aligned if asked), given a value of `kind` (whole
 * operand, lane by lane) by setup moves most of the time; else it holds the area's bytes. */
void fp_mem(struct dt_gen *g, int bytes, int kind, bool aligned, struct dt_mem *m);
/* Setup moves writing b[0..n) at operand m plus off bytes. */
void fp_put_bytes(struct dt_gen *g, const struct dt_mem *m, int off, const uint8_t *b, int n);

#endif
