/*
 * dtgen: the differential tester's generator and comparator, built for the build machine.
 *
 *   dtgen gen SEED FIRST COUNT [OPTS]            assembly of sequences FIRST..FIRST+COUNT-1 (stdout)
 *   dtgen compare SEED FIRST COUNT NATIVE XQM SUMMARY [OPTS]
 *                                                mismatch reports (stdout), one summary line appended
 *                                                to SUMMARY; exit status 1 on any mismatch
 *   dtgen coverage SEED FIRST COUNT [OPTS] [-v]  how often each instruction was generated
 *   dtgen show SEED INDEX [OPTS]                 one sequence's listing and initial state
 *   dtgen groups SEED INDEX [OPTS]               its group count, and whether --keep is valid
 *
 * OPTS: --faults (also generate faulting instructions), --extra (the further instructions),
 * --only=NAME,... (only these templates, see insns.c), --skip=NAME,... (not these),
 * --avoid=PATTERN,... (no instruction whose coverage kind, as `coverage -v` lists them, matches
 * one of these fnmatch patterns), --keep=HEX (only these groups of each sequence: the minimizer's
 * knob), --fp (x87/MMX/SSE/SSE2 sequences from a random FPU state, fxsave image compared),
 * --fp-faults (--fp with exceptions unmasked at random), --fp-trans (--fp plus the x87
 * transcendentals), --groups=N (N groups per sequence), --code=FILE (hand-written lines instead of random ones, see gen.c), --report-all
 * (compare: report matches too). Sequence INDEX of seed SEED is the same
 * whatever FIRST and COUNT.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tests/difftest/dtgen.h"

static void usage(void)
{
    fprintf(stderr, "usage: dtgen gen|compare|coverage|show|groups SEED ... (see tests/difftest/dtgen.c)\n");
    exit(2);
}

static uint64_t num(const char *s)
{
    char *end;
    uint64_t v = strtoull(s, &end, 0);
    if (*s == 0 || *end)
        usage();
    return v;
}

struct kind_count {
    const char *kind;
    unsigned long n;
};

static int by_kind(const void *a, const void *b)
{
    return strcmp(((const struct kind_count *)a)->kind, ((const struct kind_count *)b)->kind);
}

/* Coverage: one count per kind; the table groups kinds by family (the part before '/'). */
static void coverage(uint64_t seed, uint64_t first, uint64_t count, const struct dt_options *opt, bool verbose)
{
    static struct kind_count counts[4096];
    int nk = 0;
    static struct dt_seq seq;
    unsigned long total = 0;
    for (uint64_t k = 0; k < count; k++) {
        dt_generate(seed, first + k, opt, &seq);
        for (int i = 0; i < seq.nlines; i++) {
            const char *kind = seq.lines[i].kind;
            if (!kind)
                continue;
            total++;
            int j = 0;
            while (j < nk && counts[j].kind != kind)
                j++;
            if (j == nk && nk < 4096)
                counts[nk++] = (struct kind_count){kind, 0};
            if (j < nk)
                counts[j].n++;
        }
    }
    qsort(counts, (size_t)nk, sizeof counts[0], by_kind);
    if (verbose) {
        for (int j = 0; j < nk; j++)
            printf("%-24s %lu\n", counts[j].kind, counts[j].n);
        return;
    }
    printf("coverage: %lu instructions, %d distinct forms; by mnemonic:\n", total, nk);
    int col = 0;
    for (int j = 0; j < nk;) {
        size_t len = strcspn(counts[j].kind, "/");
        unsigned long n = 0;
        int forms = 0, i = j;
        for (; i < nk && strcspn(counts[i].kind, "/") == len && !strncmp(counts[i].kind, counts[j].kind, len); i++) {
            n += counts[i].n;
            forms++;
        }
        printf("  %-14.*s%6lu/%-3d", (int)len, counts[j].kind, n, forms);
        if (++col % 4 == 0)
            printf("\n");
        j = i;
    }
    if (col % 4)
        printf("\n");
    printf("  (count/number of forms; `dtgen coverage ... -v` lists every form)\n");
}

int main(int argc, char **argv)
{
    struct dt_options opt = {0};
    uint64_t keep = ~0ull;
    bool verbose = false;
    char *args[8];
    int nargs = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--faults"))
            opt.faults = true;
        else if (!strcmp(argv[i], "--extra"))
            opt.extra = true;
        else if (!strncmp(argv[i], "--only=", 7))
            opt.only = argv[i] + 7;
        else if (!strncmp(argv[i], "--skip=", 7))
            opt.skip = argv[i] + 7;
        else if (!strncmp(argv[i], "--avoid=", 8))
            opt.avoid = argv[i] + 8;
        else if (!strncmp(argv[i], "--code=", 7))
            opt.code = argv[i] + 7;
        else if (!strncmp(argv[i], "--keep=", 7))
            keep = strtoull(argv[i] + 7, NULL, 16);
        else if (!strcmp(argv[i], "--fp"))
            opt.fp = true;
        else if (!strcmp(argv[i], "--fp-faults"))
            opt.fp = opt.fp_faults = true;
        else if (!strcmp(argv[i], "--fp-trans"))
            opt.fp = opt.fp_trans = true;
        else if (!strncmp(argv[i], "--groups=", 9))
            opt.groups = atoi(argv[i] + 9);
        else if (!strcmp(argv[i], "--report-all"))
            opt.report_all = true;
        else if (!strcmp(argv[i], "-v"))
            verbose = true;
        else if (nargs < 8)
            args[nargs++] = argv[i];
        else
            usage();
    }
    if (nargs < 3)
        usage();
    const char *cmd = args[0];
    uint64_t seed = num(args[1]);
    static struct dt_seq seq;
    static unsigned mask_before[DT_MAX_LINES];
    unsigned mask_end;

    if (!strcmp(cmd, "gen") && nargs == 4) {
        uint64_t first = num(args[2]), count = num(args[3]);
        struct dt_seq **seqs = calloc(count, sizeof *seqs);
        for (uint64_t k = 0; k < count; k++) {
            seqs[k] = malloc(sizeof **seqs);
            dt_generate(seed, first + k, &opt, seqs[k]);
            dt_keep_groups(seqs[k], keep);
            if (!dt_replay(seqs[k], mask_before, &mask_end)) {
                fprintf(stderr, "dtgen: sequence %llu reads an undefined flag with --keep=%llx\n",
                        (unsigned long long)(first + k), (unsigned long long)keep);
                return 3;
            }
        }
        dt_emit_batch(stdout, seqs, (int)count, opt.fp_faults ? 2 : opt.fp ? 1 : 0);
        return 0;
    }
    if (!strcmp(cmd, "compare") && nargs == 7) {
        FILE *summary = fopen(args[6], "a");
        if (!summary) {
            perror(args[6]);
            return 2;
        }
        int st = dt_compare(seed, num(args[2]), num(args[3]), &opt, keep, args[4], args[5], stdout, summary);
        fclose(summary);
        return st;
    }
    if (!strcmp(cmd, "coverage") && nargs == 4) {
        coverage(seed, num(args[2]), num(args[3]), &opt, verbose);
        return 0;
    }
    if ((!strcmp(cmd, "show") || !strcmp(cmd, "groups")) && nargs == 3) {
        dt_generate(seed, num(args[2]), &opt, &seq);
        dt_keep_groups(&seq, keep);
        bool valid = dt_replay(&seq, mask_before, &mask_end);
        if (!strcmp(cmd, "groups")) {
            printf("%d\n", seq.ngroups);
            return valid ? 0 : 3;
        }
        struct dt_state st;
        static uint8_t area[DT_AREA_SIZE];
        dt_init_state(seq.state_seed, &st, area);
        char fl[64];
        printf("seed %llu sequence %llu: base %%%s, %d groups%s\n", (unsigned long long)seed,
               (unsigned long long)seq.index, seq.base == DT_EBP ? "ebp" : "ebx", seq.ngroups,
               valid ? "" : " (INVALID with this --keep: reads an undefined flag)");
        printf("  initial:");
        static const char *const names[DT_NREGS] = {"eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi"};
        for (int i = 0; i < DT_NREGS; i++)
            if (i != DT_ESP && i != seq.base)
                printf(" %s=%08x", names[i], st.r[i]);
        dt_flag_names(st.eflags & (DT_ARITH | DT_DF), fl, sizeof fl);
        printf(" eflags=%08x (%s)\n", st.eflags, fl);
        dt_print_listing(stdout, &seq, mask_before, -1);
        dt_flag_names(mask_end & DT_ARITH, fl, sizeof fl);
        printf("  flags defined at the end: %s\n", fl);
        return 0;
    }
    usage();
}
