/*
 * The differential tester's generator (dtgen): shared declarations of its three parts.
 *
 *   gen.c     sequence construction: the random source, register and memory-operand choice, the
 *             defined-flags bookkeeping, and the assembly text of a batch;
 *   insns_arith.c, insns_misc.c
 *             the instruction templates, one function per instruction family;
 *   compare.c the comparison of a native and an xqm run of a batch, and the mismatch reports.
 *
 * A sequence is a list of groups; a group is a few setup lines (moves that put operands in range)
 * followed by the one instruction it tests. Control flow (forward jumps, loops) only ever targets a
 * group boundary, so dropping whole groups (the minimizer does) keeps every sequence well formed.
 * Every line carries its flag effect: the flags it reads, defines and leaves undefined. The mask of
 * defined flags at any point follows from replaying those effects (dt_replay), so the comparator and
 * the minimizer never need to regenerate anything but the lines.
 */
#ifndef DIFFTEST_DTGEN_H
#define DIFFTEST_DTGEN_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include "tests/difftest/dtstate.h"

#define DT_MAX_GROUPS 24
#define DT_MAX_LINES 200
#define DT_LINE_LEN 120

/* Options that select which instruction families are generated; the same for gen and compare. */
struct dt_options {
    bool faults;    /* divisions with random operands and other faulting instructions */
    bool extra;     /* the further instructions: rcl/rcr, BCD, pushf/popf, pusha, enter... */
    const char *only;   /* comma-separated template names to restrict to, or NULL */
    const char *skip;   /* comma-separated template names not to generate, or NULL */
    const char *avoid;  /* comma-separated fnmatch patterns of coverage kinds not to generate */
    const char *code;   /* a file of hand-written lines to use as every sequence (gen.c) */
    bool report_all;    /* compare: report matching sequences too (run.sh --one) */
    bool fp;            /* x87, MMX, SSE, SSE2 from a random FPU/SSE state; fxsave compared */
    bool fp_faults;     /* --fp with exceptions unmasked at random (SIGFPE compared) */
    bool fp_trans;      /* --fp plus the x87 transcendentals */
    int groups;         /* groups per sequence (0: random, 1..20) */
};

struct dt_line {
    char text[DT_LINE_LEN];
    uint16_t reads, def, undef;     /* flag effect: m' = (m & ~undef) | def; reads must be in m */
    int16_t jump_group;             /* forward branch: the group its label is at; else -1 */
    int16_t group;
    const char *kind;               /* coverage name ("add/rm32"); NULL for setup lines */
};

struct dt_seq {
    uint64_t index;
    uint64_t state_seed;
    int base;                       /* DT_EBP or DT_EBX: holds dt_area + DT_BASE_OFF */
    int ngroups_planned;
    int nlines, ngroups;
    uint64_t keep;                  /* groups emitted (bit g); all unless the minimizer drops some */
    struct dt_line lines[DT_MAX_LINES];
    int group_first[DT_MAX_GROUPS + 1]; /* line index of each group's first line; [ngroups] = nlines */
};

/* Generation state for one sequence (gen.c); templates use it through the helpers below. */
struct dt_gen {
    struct dt_seq *seq;
    const struct dt_options *opt;
    uint64_t rng;
    unsigned mask;                  /* flags defined before the next line */
    int depth;                      /* esp - initial esp, in bytes */
    int open_jumps;                 /* forward branches whose target group is not reached yet */
    int pend_group[DT_MAX_GROUPS];
    unsigned pend_mask[DT_MAX_GROUPS];
    bool protect_ecx;               /* inside a loop body: ecx is the loop counter */
    bool in_body;                   /* inside a loop body: no flag reads, stack or branches */
    bool lock;                      /* t_lock asks for a lock-prefixed memory form */
    bool no_esp_mem;                /* in a called routine: (%esp) holds the return address */
    int group_start_line;
};

/* gen.c */
uint32_t g_rand(struct dt_gen *g);
int g_below(struct dt_gen *g, int n);
bool g_chance(struct dt_gen *g, int percent);
uint32_t g_imm(struct dt_gen *g, int bits);
bool g_writable(const struct dt_gen *g, int reg);
int g_wreg(struct dt_gen *g, int bits, unsigned avoid);
int g_rreg(struct dt_gen *g, int bits);
const char *g_regname(int bits, int reg);
char g_suffix(int bits);
int g_reg32_of(int bits, int reg);

/* A memory operand: text for the instruction and the pieces to re-derive neighbouring addresses. */
struct dt_mem {
    char text[80];
    char disp_expr[40];     /* displacement expression without the parenthesized part */
    char regs[32];          /* "(%ebp,%esi,2)" or "" */
};
enum { MEM_NO_ESP = 1 };
void g_mem(struct dt_gen *g, int bytes, unsigned avoid_regs, unsigned flags, struct dt_mem *m);
void g_mem_offset(const struct dt_mem *m, int add, char *out, int size);

const char *g_kind(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void g_setup(struct dt_gen *g, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void g_insn(struct dt_gen *g, const char *kind, unsigned reads, unsigned def, unsigned undef,
            const char *fmt, ...) __attribute__((format(printf, 6, 7)));
void g_branch(struct dt_gen *g, const char *kind, unsigned reads, int skip_groups, const char *fmt,
              ...) __attribute__((format(printf, 5, 6)));
int g_groups_left(const struct dt_gen *g);
void g_target_label(const struct dt_gen *g, int skip_groups, char *out, int size);
void g_body(struct dt_gen *g, int ninsns);
void g_label_here(struct dt_gen *g, char *name, int size);

/* Condition codes, in encoding order (o no b ae e ne be a s ns p np l ge le g). */
extern const char *const dt_cc_name[16];
extern const unsigned dt_cc_reads[16];
int g_pick_cc(struct dt_gen *g);

/* insns.c */
struct dt_template {
    const char *name;       /* family, the prefix of its coverage kinds */
    int weight;
    unsigned needs;         /* DT_NEED_* */
    bool (*gen)(struct dt_gen *g);
};
/* DT_NEED_FP: only with --fp; DT_FP_MIX: an integer family also generated with --fp (at a lower
 * weight), between the FP instructions; DT_NEED_FP_TRANS: only with --fp-trans. */
enum { DT_NEED_EXTRA = 1, DT_NEED_FAULTS = 2, DT_NOT_IN_BODY = 4, DT_NEED_FP = 8, DT_FP_MIX = 16,
       DT_NEED_FP_TRANS = 32 };
extern const struct dt_template dt_templates[];
extern const int dt_ntemplates;
extern const struct dt_template dt_x87_templates[];     /* insns_x87.c */
extern const int dt_x87_ntemplates;
extern const struct dt_template dt_simd_templates[];    /* insns_simd.c */
extern const int dt_simd_ntemplates;

/* gen.c: whole sequences and batches */
void dt_generate(uint64_t seed, uint64_t index, const struct dt_options *opt, struct dt_seq *seq);
void dt_keep_groups(struct dt_seq *seq, uint64_t keep);
/* Replays the flag effects: mask_before[i] for every line; false when a line reads an undefined
 * flag (only possible after dropping groups). */
bool dt_replay(const struct dt_seq *seq, unsigned *mask_before, unsigned *mask_end);
/* fp_mode: 0 integer only, 1 --fp (the harness starts from an fxrstor image), 2 --fp-faults. */
void dt_emit_batch(FILE *out, struct dt_seq *const *seqs, int n, int fp_mode);
void dt_print_listing(FILE *out, const struct dt_seq *seq, const unsigned *mask_before, int mark_line);
void dt_flag_names(unsigned flags, char *out, int size);

/* compare.c */
int dt_compare(uint64_t seed, uint64_t first, uint64_t count, const struct dt_options *opt,
               uint64_t keep, const char *native_path, const char *xqm_path, FILE *report,
               FILE *summary);

#endif
