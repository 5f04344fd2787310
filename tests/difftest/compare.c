/*
 * Comparison of a native and an xqm run of one batch, and the mismatch reports.
 *
 * Both result files hold harness lines (see harness.c); the xqm one may also hold lines the runner
 * writes when the harness did not survive a sequence: "INDEX died SIGNAL", "INDEX timeout",
 * "INDEX exit CODE". The sequences are regenerated from the seed to get the flag masks and the
 * listings, and the initial state is recomputed to check the harness hashes.
 *
 * Compared, for a sequence that ran to its end: the eight registers, eflags under the mask of
 * arithmetic flags defined at the end (every other eflags bit is always compared), and the changed
 * bytes of the scratch area. For a sequence that raised a signal natively: the signal and the line,
 * and if xqm delivered it too, the registers, flags (defined before that line; RF ignored) and
 * memory at that point. When xqm instead died of the same signal, the sequence counts as a fault
 * matched by process death: its state cannot be compared until xqm delivers guest signals.
 * With --fp, also the fxsave image at the end (or at the fault), as compare_fp.c says.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tests/difftest/compare_fp.h"
#include "tests/difftest/dtgen.h"

#define EFLAGS_RF 0x10000u

enum { R_NONE, R_RAN, R_DIED, R_TIMEOUT, R_EXIT };

struct result {
    int kind;
    uint32_t hash;
    int sig, line, code;
    uint32_t r[DT_NREGS], eflags;
    char *mem;
    bool has_fx, fx_frame;
    uint8_t fx[512];
};

static const char *const reg_names[DT_NREGS] = {"eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi"};

static struct result *read_results(const char *path, uint64_t first, uint64_t count, uint32_t *area_addr)
{
    struct result *res = calloc(count, sizeof *res);
    FILE *f = fopen(path, "r");
    if (!f) {
        perror(path);
        exit(2);
    }
    static char line[DT_AREA_SIZE * 4 + 512];
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = 0;
        if (line[0] == '#') {
            sscanf(line, "# dt_area %x", area_addr);
            continue;
        }
        char *p = line;
        unsigned long long index = strtoull(p, &p, 10);
        if (index < first || index >= first + count || res[index - first].kind != R_NONE)
            continue;
        struct result *r = &res[index - first];
        char word[16];
        int n = 0;
        if (sscanf(p, " %15s%n", word, &n) != 1)
            continue;
        if (!strcmp(word, "died") || !strcmp(word, "exit") || !strcmp(word, "timeout")) {
            /* written by run.sh: INDEX died|exit|timeout CODE [what xqm printed last] */
            r->kind = word[0] == 'd' ? R_DIED : word[0] == 'e' ? R_EXIT : R_TIMEOUT;
            char *q;
            r->code = (int)strtol(p + n, &q, 10);
            while (*q == ' ')
                q++;
            r->mem = strdup(q);
            continue;
        }
        unsigned v[DT_NREGS + 1];
        if (sscanf(p, "%x %d %d %x %x %x %x %x %x %x %x %x%n", &r->hash, &r->sig, &r->line, &v[0], &v[1],
                   &v[2], &v[3], &v[4], &v[5], &v[6], &v[7], &v[8], &n) != 12)
            continue;
        for (int i = 0; i < DT_NREGS; i++)
            r->r[i] = v[i];
        r->eflags = v[8];
        r->mem = strdup(p + n);
        r->has_fx = dt_fx_split(r->mem, r->fx, &r->fx_frame);
        r->kind = R_RAN;
    }
    fclose(f);
    return res;
}

/* Applies "OFF:BYTES ..." to a copy of the initial area. */
static void apply_mem(const uint8_t *initial, const char *mem, uint8_t *out)
{
    memcpy(out, initial, DT_AREA_SIZE);
    const char *p = mem ? mem : "";
    while (*p) {
        while (*p == ' ')
            p++;
        if (!*p)
            break;
        char *q;
        unsigned long off = strtoul(p, &q, 16);
        if (*q != ':')
            break;
        p = q + 1;
        while (p[0] && p[1] && p[0] != ' ' && off < DT_AREA_SIZE) {
            char hex[3] = {p[0], p[1], 0};
            out[off++] = (uint8_t)strtoul(hex, NULL, 16);
            p += 2;
        }
        while (*p && *p != ' ')
            p++;
    }
}

static const char *describe(const struct result *r, char *buf, int size)
{
    switch (r->kind) {
    case R_NONE: return "no result";
    case R_DIED: snprintf(buf, (size_t)size, "process died of signal %d", r->code); return buf;
    case R_TIMEOUT: return "timed out";
    case R_EXIT: snprintf(buf, (size_t)size, "harness exited with status %d", r->code); return buf;
    default:
        if (!r->sig)
            return "ran to the end";
        snprintf(buf, (size_t)size, "signal %d at line %d", r->sig, r->line);
        return buf;
    }
}

/* Names of every eflags bit set in bits ("bit3" for reserved ones). */
static void eflags_bit_names(uint32_t bits, char *out, int size)
{
    static const char *const names[22] = {
        "CF", "bit1", "PF", "bit3", "AF", "bit5", "ZF", "SF", "TF", "IF", "DF", "OF", "IOPL0", "IOPL1",
        "NT", "bit15", "RF", "VM", "AC", "VIF", "VIP", "ID",
    };
    int len = 0;
    out[0] = 0;
    for (int i = 0; i < 32 && len < size - 8; i++)
        if (bits & (1u << i))
            len += snprintf(out + len, (size_t)(size - len), "%s%s", len ? " " : "", i < 22 ? names[i] : "high");
}

struct ctx {
    uint64_t seed;
    const struct dt_options *opt;
    uint64_t keep;
    uint32_t area_addr;
    FILE *report;
};

static void print_opts(const struct ctx *c)
{
    if (c->opt->faults)
        fprintf(c->report, " --faults");
    if (c->opt->extra)
        fprintf(c->report, " --extra");
    if (c->opt->only)
        fprintf(c->report, " --only=%s", c->opt->only);
    if (c->opt->skip)
        fprintf(c->report, " --skip=%s", c->opt->skip);
    if (c->opt->avoid)
        fprintf(c->report, " '--avoid=%s'", c->opt->avoid);
    if (c->opt->fp_faults)
        fprintf(c->report, " --fp-faults");
    else if (c->opt->fp_trans)
        fprintf(c->report, " --fp-trans");
    else if (c->opt->fp)
        fprintf(c->report, " --fp");
    if (c->opt->groups)
        fprintf(c->report, " --groups=%d", c->opt->groups);
    if (c->opt->code)
        fprintf(c->report, " --code=%s", c->opt->code);
    if (c->keep != ~0ull)
        fprintf(c->report, " --keep=%llx", (unsigned long long)c->keep);
}

static void report(const struct ctx *c, const struct dt_seq *seq, const unsigned *mask_before,
                   unsigned mask_end, const struct result *n, const struct result *x, const char *why)
{
    FILE *o = c->report;
    char b1[64], b2[64], fl[160];
    struct dt_state st;
    static uint8_t initial[DT_AREA_SIZE], fn[DT_AREA_SIZE], fx[DT_AREA_SIZE];
    dt_init_state(seq->state_seed, &st, initial);

    fprintf(o, "%s seed %llu sequence %llu: %s\n", strncmp(why, "none", 4) ? "MISMATCH" : "RESULT", (unsigned long long)c->seed,
            (unsigned long long)seq->index, why);
    fprintf(o, "  reproduce: tests/difftest/run.sh");
    print_opts(c);
    fprintf(o, " --one %llu %llu   (minimize: --minimize instead of --one)\n",
            (unsigned long long)c->seed, (unsigned long long)seq->index);
    fprintf(o, "  native: %s; xqm: %s\n", describe(n, b1, sizeof b1), describe(x, b2, sizeof b2));
    if (x->kind != R_RAN && x->mem && *x->mem)
        fprintf(o, "  xqm's last words: %s\n", x->mem);
    fprintf(o, "  initial state: dt_area = 0x%08x, %%%s = dt_area+%d, %%esp = dt_area+%d\n   ", c->area_addr,
            reg_names[seq->base], DT_BASE_OFF, DT_ESP_OFF);
    for (int i = 0; i < DT_NREGS; i++)
        if (i != DT_ESP && i != seq->base)
            fprintf(o, " %s=%08x", reg_names[i], st.r[i]);
    dt_flag_names(st.eflags & (DT_ARITH | DT_DF), fl, sizeof fl);
    fprintf(o, " eflags=%08x (%s)\n", st.eflags, fl);
    int mark = n->kind == R_RAN && n->sig ? n->line : x->kind == R_RAN && x->sig ? x->line : -1;
    fprintf(o, "  code ('|' starts a group; '=>' marks the faulting line):\n");
    dt_print_listing(o, seq, mask_before, mark);
    if (n->kind != R_RAN || x->kind != R_RAN)
        return;

    unsigned arith = n->sig && n->line >= 0 && n->line < seq->nlines ? mask_before[n->line] : mask_end;
    dt_flag_names(arith & DT_ARITH, fl, sizeof fl);
    dt_flag_names(DT_ARITH & ~arith, b1, sizeof b1);
    fprintf(o, "  arithmetic flags compared: %s (undefined: %s)\n", fl, b1);
    fprintf(o, "           native    xqm\n");
    for (int i = 0; i < DT_NREGS; i++)
        fprintf(o, "    %-6s %08x  %08x%s\n", reg_names[i], n->r[i], x->r[i], n->r[i] != x->r[i] ? "   <-- differs" : "");
    uint32_t cmp = arith | ~(DT_ARITH | (n->sig ? EFLAGS_RF : 0));
    uint32_t diff = (n->eflags ^ x->eflags) & cmp;
    eflags_bit_names(diff, fl, sizeof fl);
    fprintf(o, "    eflags %08x  %08x%s%s\n", n->eflags, x->eflags, diff ? "   <-- differs: " : "", diff ? fl : "");
    apply_mem(initial, n->mem, fn);
    apply_mem(initial, x->mem, fx);
    for (int i = 0; i < DT_AREA_SIZE;) {
        if (fn[i] == fx[i]) {
            i++;
            continue;
        }
        int start = i, end = i;
        while (end < DT_AREA_SIZE && (fn[end] != fx[end] || (end + 1 < DT_AREA_SIZE && fn[end + 1] != fx[end + 1])))
            end++;
        fprintf(o, "    memory dt_area+%d (base%+d): initial", start, start - DT_BASE_OFF);
        for (int k = start; k < end; k++)
            fprintf(o, " %02x", initial[k]);
        fprintf(o, "\n      native");
        for (int k = start; k < end; k++)
            fprintf(o, " %02x", fn[k]);
        fprintf(o, "\n      xqm   ");
        for (int k = start; k < end; k++)
            fprintf(o, " %02x", fx[k]);
        fprintf(o, "\n");
        i = end;
    }
    if (n->has_fx && x->has_fx)
        dt_fx_report(o, seq->state_seed, c->opt->fp_faults, n->fx, x->fx, n->fx_frame);
}

int dt_compare(uint64_t seed, uint64_t first, uint64_t count, const struct dt_options *opt, uint64_t keep,
               const char *native_path, const char *xqm_path, FILE *rep, FILE *summary)
{
    struct ctx c = {.seed = seed, .opt = opt, .keep = keep, .report = rep};
    uint32_t xqm_area = 0;
    struct result *nat = read_results(native_path, first, count, &c.area_addr);
    struct result *xqm = read_results(xqm_path, first, count, &xqm_area);
    unsigned long ok = 0, bad = 0, fault_exact = 0, fault_death = 0, broken = 0;
    static struct dt_seq seq;
    static unsigned mask_before[DT_MAX_LINES];
    static uint8_t area[DT_AREA_SIZE];
    for (uint64_t k = 0; k < count; k++) {
        const struct result *n = &nat[k], *x = &xqm[k];
        dt_generate(seed, first + k, opt, &seq);
        dt_keep_groups(&seq, keep);
        unsigned mask_end;
        dt_replay(&seq, mask_before, &mask_end);
        struct dt_state st;
        dt_init_state(seq.state_seed, &st, area);
        uint32_t hash = dt_state_hash(&st, area);
        const char *why = NULL;
        if (n->kind != R_RAN || n->hash != hash || (n->sig && n->line < 0) || strstr(n->mem, "GUARD")) {
            broken++;
            why = n->kind != R_RAN ? "the native run gave no result (tester bug)"
                  : n->hash != hash ? "the native harness started from another state (tester bug)"
                  : n->sig && n->line < 0 ? "the native run faulted outside the sequence (tester bug)"
                                          : "the native run wrote outside the scratch area (tester bug)";
        } else if (x->kind == R_DIED && n->sig && x->code == n->sig) {
            fault_death++;
            if (opt->report_all) {
                report(&c, &seq, mask_before, mask_end, n, x,
                       "none: both raised the signal (xqm died of it, so its state is not compared)");
                fprintf(rep, "\n");
            }
            continue;
        } else if (x->kind != R_RAN) {
            why = x->kind == R_NONE ? "xqm gave no result for it" : "xqm did not finish it";
        } else if (x->hash != hash) {
            why = "the harness under xqm computed another initial state (an xqm bug outside the sequence)";
        } else if (n->sig != x->sig || n->line != x->line) {
            why = n->sig != x->sig ? "different signal" : "signal at a different line";
        } else {
            unsigned arith = n->sig ? (n->line < seq.nlines ? mask_before[n->line] : mask_end) : mask_end;
            uint32_t cmp = arith | ~(DT_ARITH | (n->sig ? EFLAGS_RF : 0));
            bool same = ((n->eflags ^ x->eflags) & cmp) == 0 && !strcmp(n->mem, x->mem);
            for (int i = 0; i < DT_NREGS; i++)
                same = same && n->r[i] == x->r[i];
            if (n->has_fx != x->has_fx || n->fx_frame != x->fx_frame)
                same = false;
            else if (n->has_fx)
                same = same && dt_fx_equal(n->fx, x->fx, n->fx_frame);
            if (!same)
                why = "different state";
            else if (n->sig)
                fault_exact++;
        }
        if (!why) {
            ok++;
            if (opt->report_all) {
                report(&c, &seq, mask_before, mask_end, n, x, "none: the runs agree");
                fprintf(rep, "\n");
            }
            continue;
        }
        bad++;
        report(&c, &seq, mask_before, mask_end, n, x, why);
        fprintf(rep, "\n");
    }
    fprintf(summary, "%llu %lu %lu %lu %lu %lu\n", (unsigned long long)count, ok + fault_death, bad,
            fault_exact, fault_death, broken);
    for (uint64_t k = 0; k < count; k++) {
        free(nat[k].mem);
        free(xqm[k].mem);
    }
    free(nat);
    free(xqm);
    return bad ? 1 : 0;
}
