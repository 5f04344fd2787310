/*
 * Sequence construction for the differential tester: the random source, operand choice, the
 * defined-flags bookkeeping, and the assembly text of a batch of sequences.
 *
 * Invariants every template relies on:
 *   - esp and the base register (ebp or ebx, per sequence) are never written by generated code
 *     except through push/pop (esp), so every memory operand built by g_mem stays inside the
 *     scratch area whatever the other registers hold: an index register is always loaded by a
 *     movsbl/movzbl setup line of the same group, and displacements are bounded (see dtstate.h);
 *   - a line that reads a flag is only generated while that flag is defined (g->mask);
 *   - forward branches target group boundaries, and while one is open nothing moves esp, so the
 *     stack depth is the same on every path.
 */
#include <fnmatch.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tests/difftest/dtgen.h"

const char *const dt_cc_name[16] = {
    "o", "no", "b", "ae", "e", "ne", "be", "a", "s", "ns", "p", "np", "l", "ge", "le", "g",
};
const unsigned dt_cc_reads[16] = {
    DT_OF, DT_OF, DT_CF, DT_CF, DT_ZF, DT_ZF, DT_CF | DT_ZF, DT_CF | DT_ZF,
    DT_SF, DT_SF, DT_PF, DT_PF, DT_SF | DT_OF, DT_SF | DT_OF, DT_SF | DT_OF | DT_ZF,
    DT_SF | DT_OF | DT_ZF,
};

static const char *const reg_names[3][8] = {
    {"al", "cl", "dl", "bl", "ah", "ch", "dh", "bh"},
    {"ax", "cx", "dx", "bx", "sp", "bp", "si", "di"},
    {"eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi"},
};

uint32_t g_rand(struct dt_gen *g) { return (uint32_t)(dt_next(&g->rng) >> 32); }
int g_below(struct dt_gen *g, int n) { return (int)dt_below(&g->rng, (uint32_t)n); }
bool g_chance(struct dt_gen *g, int percent) { return g_below(g, 100) < percent; }

/* An immediate of the given width, often at an edge (0, 1, sign boundaries, all ones). */
uint32_t g_imm(struct dt_gen *g, int bits)
{
    uint32_t mask = bits == 32 ? 0xffffffffu : (1u << bits) - 1;
    uint32_t top = bits == 32 ? 0x80000000u : 1u << (bits - 1);
    switch (g_below(g, 8)) {
    case 0: return 0;
    case 1: return 1;
    case 2: return mask;                    /* -1 */
    case 3: return top;                     /* the most negative value */
    case 4: return top - 1;                 /* the most positive value */
    case 5: return g_rand(g) & 0x7f;        /* fits a sign-extended imm8 */
    case 6: return (0u - (g_rand(g) & 0x7f)) & mask;
    default: return g_rand(g) & mask;
    }
}

int g_reg32_of(int bits, int reg) { return bits == 8 ? reg & 3 : reg; }
const char *g_regname(int bits, int reg) { return reg_names[bits == 8 ? 0 : bits == 16 ? 1 : 2][reg]; }
char g_suffix(int bits) { return bits == 8 ? 'b' : bits == 16 ? 'w' : 'l'; }

bool g_writable(const struct dt_gen *g, int reg)
{
    return reg != DT_ESP && reg != g->seq->base && !(g->protect_ecx && reg == DT_ECX);
}

/* A random register of the given width that generated code may write and that is not in the
 * `avoid` mask (bits of 32-bit register numbers); -1 if none. */
int g_wreg(struct dt_gen *g, int bits, unsigned avoid)
{
    int cand[8], n = 0;
    for (int r = 0; r < 8; r++) {
        int r32 = g_reg32_of(bits, r);
        if (g_writable(g, r32) && !(avoid & (1u << r32)))
            cand[n++] = r;
    }
    return n ? cand[g_below(g, n)] : -1;
}

/* Any register of the given width (reading esp or the base is fine: their values are fixed). */
int g_rreg(struct dt_gen *g, int bits)
{
    (void)bits;
    return g_below(g, 8);
}

int g_pick_cc(struct dt_gen *g)
{
    int cand[16], n = 0;
    for (int cc = 0; cc < 16; cc++)
        if ((dt_cc_reads[cc] & ~g->mask) == 0)
            cand[n++] = cc;
    if (n == 0 || g->in_body)
        return -1;
    return cand[g_below(g, n)];
}

static struct dt_line *new_line(struct dt_gen *g, const char *fmt, va_list ap)
{
    struct dt_seq *s = g->seq;
    if (s->nlines >= DT_MAX_LINES) {
        fprintf(stderr, "dtgen: sequence %llu has too many lines\n", (unsigned long long)s->index);
        exit(2);
    }
    struct dt_line *l = &s->lines[s->nlines++];
    memset(l, 0, sizeof *l);
    vsnprintf(l->text, sizeof l->text, fmt, ap);
    l->jump_group = -1;
    l->group = (int16_t)s->ngroups;
    return l;
}

void g_setup(struct dt_gen *g, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    new_line(g, fmt, ap);
    va_end(ap);
}

void g_insn(struct dt_gen *g, const char *kind, unsigned reads, unsigned def, unsigned undef,
            const char *fmt, ...)
{
    if (reads & ~g->mask) {
        fprintf(stderr, "dtgen: internal error: %s reads undefined flags\n", kind);
        exit(2);
    }
    va_list ap;
    va_start(ap, fmt);
    struct dt_line *l = new_line(g, fmt, ap);
    va_end(ap);
    l->kind = kind;
    l->reads = (uint16_t)reads;
    l->def = (uint16_t)def;
    l->undef = (uint16_t)(undef & ~def);
    g->mask = (g->mask & ~undef) | def;
}

int g_groups_left(const struct dt_gen *g)
{
    return g->seq->ngroups_planned - g->seq->ngroups - 1;
}

/* A forward branch over the next skip_groups groups (0: to the very next group). The label
 * (".Ls<seq>g<group>") is already in fmt's arguments: the caller gets it from g_target_label. */
void g_branch(struct dt_gen *g, const char *kind, unsigned reads, int skip_groups, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    struct dt_line *l = new_line(g, fmt, ap);
    va_end(ap);
    l->kind = kind;
    l->reads = (uint16_t)reads;
    l->jump_group = (int16_t)(g->seq->ngroups + 1 + skip_groups);
    g->pend_group[g->open_jumps] = l->jump_group;
    g->pend_mask[g->open_jumps] = g->mask;
    g->open_jumps++;
}

void g_target_label(const struct dt_gen *g, int skip_groups, char *out, int size)
{
    snprintf(out, (size_t)size, ".Ls%llug%d", (unsigned long long)g->seq->index,
             g->seq->ngroups + 1 + skip_groups);
}

void g_label_here(struct dt_gen *g, char *name, int size)
{
    snprintf(name, (size_t)size, ".Ls%llub%d", (unsigned long long)g->seq->index, g->seq->nlines);
    g_setup(g, "%s:", name);
}

static void disp_text(struct dt_mem *m, const char *sym, int disp)
{
    if (*sym)
        snprintf(m->disp_expr, sizeof m->disp_expr, "%s%+d", sym, disp);
    else
        snprintf(m->disp_expr, sizeof m->disp_expr, "%d", disp);
}

/*
 * A memory operand of `bytes` bytes inside the scratch area. May emit one setup line (loading an
 * index register with a sign- or zero-extended byte). avoid_regs: 32-bit registers that must not
 * be used as the index (the instruction's implicit operands, or registers set up before).
 */
void g_mem(struct dt_gen *g, int bytes, unsigned avoid_regs, unsigned flags, struct dt_mem *m)
{
    const char *base = reg_names[2][g->seq->base];
    int mode = g_below(g, 100);
    int idx = g_wreg(g, 32, avoid_regs | (1u << DT_ESP));
    const char *z = g_chance(g, 20) ? "dt_z" : "";   /* dt_z (= 0, defined last) forces disp32 */
    memset(m, 0, sizeof *m);
    if (mode >= 40 && mode < 85 && idx < 0)
        mode = 0;
    if (mode >= 95 && ((flags & MEM_NO_ESP) || g->open_jumps || g->no_esp_mem))
        mode = 0;
    if (mode < 30) {                        /* disp(%base) */
        int disp = g_chance(g, 15) ? 0 : g_below(g, 512) - 256;
        disp_text(m, z, disp);
        snprintf(m->regs, sizeof m->regs, "(%%%s)", base);
    } else if (mode < 40) {                 /* absolute: mod 00, rm 101 */
        snprintf(m->disp_expr, sizeof m->disp_expr, "dt_area+%d", DT_BASE_OFF + g_below(g, 512) - 256);
    } else if (mode < 85) {                 /* disp(%base,%idx,scale) or disp(,%idx,scale) */
        int scale = 1 << g_below(g, 4);
        bool zext = scale <= 4 && g_chance(g, 40);
        g_setup(g, "%s %%%s, %%%s", zext ? "movzbl" : "movsbl", reg_names[0][g_below(g, 8)],
                reg_names[2][idx]);
        int disp = g_below(g, 256) - 128;
        if (mode < 75) {
            if (disp || *z)
                disp_text(m, z, disp);
            snprintf(m->regs, sizeof m->regs, "(%%%s,%%%s,%d)", base, reg_names[2][idx], scale);
        } else {
            snprintf(m->disp_expr, sizeof m->disp_expr, "dt_area+%d", DT_BASE_OFF + disp);
            snprintf(m->regs, sizeof m->regs, "(,%%%s,%d)", reg_names[2][idx], scale);
        }
    } else if (mode < 95) {                 /* a segment override (flat ds, es, ss) */
        static const char *const seg[] = {"%ds:", "%es:", "%ss:"};
        snprintf(m->disp_expr, sizeof m->disp_expr, "%s%d", seg[g_below(g, 3)], g_below(g, 256) - 128);
        snprintf(m->regs, sizeof m->regs, "(%%%s)", base);
    } else {                                /* disp(%esp): the private stack */
        int disp = g_below(g, 112) - 64;   /* esp stays within DT_STACK_DOWN/UP */
        snprintf(m->disp_expr, sizeof m->disp_expr, "%d", disp);
        snprintf(m->regs, sizeof m->regs, "(%%esp)");
    }
    (void)bytes;
    snprintf(m->text, sizeof m->text, "%s%s", m->disp_expr, m->regs);
}

/* The operand `add` bytes after m (same registers): for the upper half of cmpxchg8b's operand. */
void g_mem_offset(const struct dt_mem *m, int add, char *out, int size)
{
    snprintf(out, (size_t)size, "%s%s%+d%s", m->disp_expr, m->disp_expr[0] ? "" : "0", add, m->regs);
}

/* Interned coverage kind names: lines keep the pointer. */
const char *g_kind(const char *fmt, ...)
{
    static char *table[4096];
    char buf[64];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    unsigned h = 2166136261u;
    for (const char *p = buf; *p; p++)
        h = (h ^ (unsigned char)*p) * 16777619u;
    for (unsigned i = h % 4096;; i = (i + 1) % 4096) {
        if (!table[i]) {
            table[i] = strdup(buf);
            return table[i];
        }
        if (!strcmp(table[i], buf))
            return table[i];
    }
}

/* ---- whole sequences ---- */

/* Is name one of the comma-separated names in list? */
static bool name_listed(const char *list, const char *name)
{
    size_t n = strlen(name);
    for (const char *p = list; p; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL)
        if (!strncmp(p, name, n) && (p[n] == ',' || p[n] == 0))
            return true;
    return false;
}

/* The templates of all three tables, as one list. */
static int template_count(void) { return dt_ntemplates + dt_x87_ntemplates + dt_simd_ntemplates; }

static const struct dt_template *template_at(int i)
{
    if (i < dt_ntemplates)
        return &dt_templates[i];
    i -= dt_ntemplates;
    return i < dt_x87_ntemplates ? &dt_x87_templates[i] : &dt_simd_templates[i - dt_x87_ntemplates];
}

/* With --fp, the integer families marked DT_FP_MIX come at a third of their weight. */
static int template_weight(const struct dt_gen *g, const struct dt_template *t)
{
    if (g->opt->fp && !(t->needs & DT_NEED_FP))
        return (t->weight + 2) / 3;
    return t->weight;
}

static bool template_allowed(const struct dt_gen *g, const struct dt_template *t)
{
    if ((t->needs & DT_NEED_FP) && !g->opt->fp)
        return false;
    if (g->opt->fp && !(t->needs & (DT_NEED_FP | DT_FP_MIX)))
        return false;
    if ((t->needs & DT_NEED_FP_TRANS) && !g->opt->fp_trans)
        return false;
    if ((t->needs & DT_NEED_EXTRA) && !g->opt->extra)
        return false;
    if ((t->needs & DT_NEED_FAULTS) && !g->opt->faults)
        return false;
    if ((t->needs & DT_NOT_IN_BODY) && g->in_body)
        return false;
    if (g->opt->skip && name_listed(g->opt->skip, t->name))
        return false;
    if (g->opt->only)
        return name_listed(g->opt->only, t->name);
    return true;
}

/* Does a line from `first` on have a coverage kind matching one of --avoid's patterns? */
static bool avoided(const struct dt_gen *g, int first)
{
    const char *list = g->opt->avoid;
    if (!list)
        return false;
    for (int i = first; i < g->seq->nlines; i++) {
        const char *kind = g->seq->lines[i].kind;
        if (!kind)
            continue;
        for (const char *p = list; p; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL) {
            char pat[64];
            size_t n = strcspn(p, ",");
            snprintf(pat, sizeof pat, "%.*s", (int)(n < sizeof pat ? n : sizeof pat - 1), p);
            if (fnmatch(pat, kind, 0) == 0)
                return true;
        }
    }
    return false;
}

/* Generates one instruction group's content (without starting a group). */
static void gen_one(struct dt_gen *g)
{
    int total = 0;
    for (int i = 0; i < template_count(); i++)
        if (template_allowed(g, template_at(i)))
            total += template_weight(g, template_at(i));
    if (total == 0) {
        fprintf(stderr, "dtgen: no instruction template selected\n");
        exit(2);
    }
    for (int attempt = 0; attempt < 1000; attempt++) {
        int pick = g_below(g, total), i = 0;
        const struct dt_template *t;
        for (;; i++) {
            t = template_at(i);
            if (!template_allowed(g, t))
                continue;
            if (pick < template_weight(g, t))
                break;
            pick -= template_weight(g, t);
        }
        int before = g->seq->nlines;
        struct dt_gen saved = *g;
        if (t->gen(g)) {
            if (!avoided(g, before))
                return;
            *g = saved;     /* an avoided form: take the group back and pick again */
            g->seq->nlines = before;
            continue;
        }
        if (g->seq->nlines != before) {
            fprintf(stderr, "dtgen: template %s failed after emitting\n", t->name);
            exit(2);
        }
    }
    g_insn(g, "nop", 0, 0, 0, "nop");
}

/* A loop body: n instructions that neither read flags nor touch ecx, esp or control flow. */
void g_body(struct dt_gen *g, int ninsns)
{
    bool was_ecx = g->protect_ecx, was_body = g->in_body;
    g->protect_ecx = g->in_body = true;
    for (int i = 0; i < ninsns; i++)
        gen_one(g);
    g->protect_ecx = was_ecx;
    g->in_body = was_body;
}

static void merge_pending(struct dt_gen *g, int group)
{
    for (int i = 0; i < g->open_jumps;) {
        if (g->pend_group[i] <= group) {
            g->mask &= g->pend_mask[i];
            g->open_jumps--;
            g->pend_group[i] = g->pend_group[g->open_jumps];
            g->pend_mask[i] = g->pend_mask[g->open_jumps];
        } else {
            i++;
        }
    }
}

/*
 * --code=FILE: the sequence is FILE's lines (one group each, blank lines and lines starting with
 * '#' skipped) instead of random ones, with every flag taken as defined: for hand-written
 * reproducers, which must then only leave defined flags behind. Base register %ebp.
 */
static void custom_code(struct dt_gen *g, const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        perror(path);
        exit(2);
    }
    char buf[DT_LINE_LEN];
    struct dt_seq *seq = g->seq;
    seq->base = DT_EBP;
    while (fgets(buf, sizeof buf, f) && seq->ngroups < DT_MAX_GROUPS) {
        buf[strcspn(buf, "\n")] = 0;
        if (!buf[strspn(buf, " \t")] || buf[strspn(buf, " \t")] == '#')
            continue;
        seq->group_first[seq->ngroups] = seq->nlines;
        g_insn(g, "custom", 0, 0, 0, "%s", buf + strspn(buf, " \t"));
        seq->ngroups++;
    }
    fclose(f);
    seq->ngroups_planned = seq->ngroups;
    seq->group_first[seq->ngroups] = seq->nlines;
}

void dt_generate(uint64_t seed, uint64_t index, const struct dt_options *opt, struct dt_seq *seq)
{
    struct dt_gen g;
    memset(&g, 0, sizeof g);
    memset(seq, 0, sizeof *seq);
    g.seq = seq;
    g.opt = opt;
    g.rng = dt_seq_seed(seed, index, 0);
    g.mask = DT_ARITH;
    seq->index = index;
    seq->state_seed = dt_seq_seed(seed, index, 1);
    seq->base = g_chance(&g, 70) ? DT_EBP : DT_EBX;
    seq->keep = ~0ull;
    seq->ngroups_planned = 1 + g_below(&g, 20);
    if (opt->groups > 0)
        seq->ngroups_planned = opt->groups < DT_MAX_GROUPS ? opt->groups : DT_MAX_GROUPS;
    if (opt->code) {
        custom_code(&g, opt->code);
        return;
    }
    for (int grp = 0; grp < seq->ngroups_planned; grp++) {
        merge_pending(&g, grp);
        seq->group_first[grp] = seq->nlines;
        gen_one(&g);
        seq->ngroups = grp + 1;
    }
    merge_pending(&g, seq->ngroups);
    seq->group_first[seq->ngroups] = seq->nlines;
}

void dt_keep_groups(struct dt_seq *seq, uint64_t keep)
{
    seq->keep = keep;
}

static bool line_kept(const struct dt_seq *seq, int i)
{
    return (seq->keep >> seq->lines[i].group) & 1;
}

bool dt_replay(const struct dt_seq *seq, unsigned *mask_before, unsigned *mask_end)
{
    unsigned mask = DT_ARITH;
    int npend = 0, pend_group[DT_MAX_LINES];
    unsigned pend_mask[DT_MAX_LINES];
    bool ok = true;
    int cur_group = -1;
    for (int i = 0; i < seq->nlines; i++) {
        const struct dt_line *l = &seq->lines[i];
        if (!line_kept(seq, i)) {
            mask_before[i] = 0;
            continue;
        }
        if (l->group != cur_group) {
            cur_group = l->group;
            for (int p = 0; p < npend;) {
                if (pend_group[p] <= cur_group) {
                    mask &= pend_mask[p];
                    pend_group[p] = pend_group[--npend];
                    pend_mask[p] = pend_mask[npend];
                } else {
                    p++;
                }
            }
        }
        mask_before[i] = mask;
        if (l->reads & ~mask)
            ok = false;
        if (l->jump_group >= 0) {
            pend_group[npend] = l->jump_group;
            pend_mask[npend++] = mask;
        }
        mask = (mask & ~l->undef) | l->def;
    }
    for (int p = 0; p < npend; p++)
        mask &= pend_mask[p];
    *mask_end = mask;
    return ok;
}

/* ---- output ---- */

void dt_emit_batch(FILE *out, struct dt_seq *const *seqs, int n, int fp_mode)
{
    fprintf(out, "# Generated by tests/difftest/dtgen: %d sequences. Each runs from dt_enter and\n"
                 "# ends with a jump to dt_exit (tests/difftest/entry.S).\n\t.text\n", n);
    for (int k = 0; k < n; k++) {
        const struct dt_seq *s = seqs[k];
        unsigned long long id = (unsigned long long)s->index;
        fprintf(out, "\n\t.p2align 4\ndt_seq_%llu:\n", id);
        int next_label = 1;     /* group labels 1..ngroups are jump targets */
        for (int i = 0; i < s->nlines; i++) {
            const struct dt_line *l = &s->lines[i];
            if (!line_kept(s, i))
                continue;
            for (; next_label <= l->group; next_label++)
                fprintf(out, ".Ls%llug%d:\n", id, next_label);
            fprintf(out, ".Ls%llul%d:\t%s\n", id, i, l->text);
        }
        for (; next_label <= s->ngroups; next_label++)
            fprintf(out, ".Ls%llug%d:\n", id, next_label);
        fprintf(out, ".Ls%lluend:\tjmp dt_exit\n", id);
    }
    fprintf(out, "\n\t.section .rodata\n\t.p2align 2\n");
    for (int k = 0; k < n; k++) {
        const struct dt_seq *s = seqs[k];
        unsigned long long id = (unsigned long long)s->index;
        fprintf(out, "dt_lines_%llu:\n", id);
        for (int i = 0; i < s->nlines; i++)
            if (line_kept(s, i))
                fprintf(out, "\t.long .Ls%llul%d, %d\n", id, i, i);
        fprintf(out, "\t.long .Ls%lluend, %d\n", id, s->nlines);
    }
    fprintf(out, "\t.globl dt_batch\ndt_batch:\n\t.long %d\n", n);
    for (int k = 0; k < n; k++) {
        const struct dt_seq *s = seqs[k];
        unsigned long long id = (unsigned long long)s->index;
        int kept = 0;
        for (int i = 0; i < s->nlines; i++)
            kept += line_kept(s, i);
        fprintf(out, "\t.long %llu, %u, %u, %d, dt_seq_%llu, dt_lines_%llu, %d\n", id,
                (unsigned)s->state_seed, (unsigned)(s->state_seed >> 32), s->base, id, id, kept);
    }
    fprintf(out, "\t.globl dt_fp_mode\ndt_fp_mode:\n\t.long %d\n", fp_mode);
    fprintf(out, "\t.set dt_z, 0\n\t.section .note.GNU-stack, \"\", @progbits\n");
}

void dt_flag_names(unsigned flags, char *out, int size)
{
    static const struct { unsigned bit; const char *name; } names[] = {
        {DT_CF, "CF"}, {DT_PF, "PF"}, {DT_AF, "AF"}, {DT_ZF, "ZF"}, {DT_SF, "SF"}, {DT_DF, "DF"},
        {DT_OF, "OF"},
    };
    int len = 0;
    out[0] = 0;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (flags & names[i].bit)
            len += snprintf(out + len, (size_t)(size - len), "%s%s", len ? " " : "", names[i].name);
    if (!len)
        snprintf(out, (size_t)size, "-");
}

void dt_print_listing(FILE *out, const struct dt_seq *s, const unsigned *mask_before, int mark_line)
{
    int group = -1;
    for (int i = 0; i < s->nlines; i++) {
        const struct dt_line *l = &s->lines[i];
        if (!line_kept(s, i))
            continue;
        char defined[40];
        dt_flag_names(mask_before[i] & DT_ARITH, defined, sizeof defined);
        fprintf(out, "  %s%3d %c %-48s", i == mark_line ? "=>" : "  ", i,
                l->group != group ? '|' : ' ', l->text);
        if (l->reads)
            fprintf(out, "  (defined before: %s)", defined);
        fprintf(out, "\n");
        group = l->group;
    }
}
