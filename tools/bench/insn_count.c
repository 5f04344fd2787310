/*
 * insn_count: a QEMU TCG plugin (API version 1) that counts executed guest instructions exactly.
 *
 * Built for the build machine and loaded by the dynamic qemu-user binaries:
 *   qemu-mips64el -plugin build/bench/insn_count.so,out=FILE[,text=LO:HI,entry=E][,tbs=FILE] PROG
 *   qemu-i386 -plugin build/bench/insn_count.so,out=FILE,footprint=on PROG
 *
 * Every translated block gets an inline add of its instruction count to one of two counters:
 * `inside` when the block starts within [LO,HI), the executable segment of the emulated program
 * (for xqm-user or qemu-i386-static: translator, exec loop, helpers, libc), `outside` otherwise
 * (their generated code, plus the signal trampoline). Blocks never straddle the boundary in
 * practice: a block is straight-line code and the segment ends after the last function.
 * LO and HI are link-time addresses; `entry` is the ELF entry point, and the first block executed
 * is taken to start there, which gives the load bias of a position-independent program (0 for a
 * fixed-address one). With `tbs=FILE` each block inside the segment also counts its executions,
 * and the file receives one line per block, "vaddr n_insns executions" with link-time addresses,
 * so that host instructions can be attributed to the program's functions.
 *
 * With `footprint=on` the plugin also counts the distinct guest instruction addresses that were
 * translated (the program's static code footprint), which the harness divides translation work by.
 *
 * The counts are exact for a single-threaded guest: the inline add runs once per block execution
 * and no instruction of a block is skipped except when an exception leaves the block early.
 * On exit FILE receives "key value" lines: insns, inside, outside, bias, blocks, and footprint.
 */
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qemu-plugin-api.h"

BENCH_PLUGIN_EXPORT int qemu_plugin_version = BENCH_QEMU_PLUGIN_API_VERSION;

/* One translated block inside the program's text, for the per-function histogram. */
struct block_rec {
    uint64_t vaddr;         /* link-time address of its first instruction */
    uint64_t n_insns;
    uint64_t execs;         /* incremented inline on every execution */
};

/* Records live in fixed-size chunks that never move, since QEMU holds pointers to `execs`. */
enum { CHUNK_RECS = 4096 };
struct chunk {
    struct chunk *next;
    size_t used;
    struct block_rec recs[CHUNK_RECS];
};

static struct {
    uint64_t inside;
    uint64_t outside;
} counts;

static struct {
    char *out_path;
    char *tbs_path;
    uint64_t text_lo, text_hi;  /* link-time; both 0 when no segment was given */
    uint64_t entry;
    int have_entry;
    int footprint;
} opt;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static int seen_first_block;
static uint64_t bias;
static uint64_t blocks_translated;
static struct chunk *chunks;

/* The footprint: an open-addressing set of instruction addresses (0 marks an empty slot). */
static struct {
    uint64_t *slots;
    size_t size;            /* a power of two */
    size_t used;
} seen;

static int seen_grow(void)
{
    size_t size = seen.size ? 2 * seen.size : 1 << 16;
    uint64_t *slots = calloc(size, sizeof *slots);
    if (!slots) {
        return -1;
    }
    for (size_t i = 0; i < seen.size; i++) {
        uint64_t a = seen.slots[i];
        if (a) {
            size_t j = (a * 0x9e3779b97f4a7c15ull) >> 20 & (size - 1);
            while (slots[j]) {
                j = (j + 1) & (size - 1);
            }
            slots[j] = a;
        }
    }
    free(seen.slots);
    seen.slots = slots;
    seen.size = size;
    return 0;
}

static void seen_add(uint64_t a)
{
    if (!a || (2 * (seen.used + 1) > seen.size && seen_grow())) {
        return;
    }
    size_t j = (a * 0x9e3779b97f4a7c15ull) >> 20 & (seen.size - 1);
    while (seen.slots[j]) {
        if (seen.slots[j] == a) {
            return;
        }
        j = (j + 1) & (seen.size - 1);
    }
    seen.slots[j] = a;
    seen.used++;
}

static struct block_rec *new_record(void)
{
    if (!chunks || chunks->used == CHUNK_RECS) {
        struct chunk *c = calloc(1, sizeof *c);
        if (!c) {
            return NULL;
        }
        c->next = chunks;
        chunks = c;
    }
    return &chunks->recs[chunks->used++];
}

static void on_translate(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
    (void)id;
    uint64_t n = qemu_plugin_tb_n_insns(tb);
    uint64_t vaddr = qemu_plugin_tb_vaddr(tb);

    pthread_mutex_lock(&lock);
    if (!seen_first_block) {
        seen_first_block = 1;
        if (opt.have_entry) {
            bias = vaddr - opt.entry;
        }
    }
    blocks_translated++;
    if (opt.footprint) {
        for (uint64_t i = 0; i < n; i++) {
            seen_add(qemu_plugin_insn_vaddr(qemu_plugin_tb_get_insn(tb, i)));
        }
    }
    uint64_t link = vaddr - bias;
    int inside = link >= opt.text_lo && link < opt.text_hi;
    struct block_rec *rec = NULL;
    if (inside && opt.tbs_path) {
        rec = new_record();
        if (rec) {
            rec->vaddr = link;
            rec->n_insns = n;
        }
    }
    pthread_mutex_unlock(&lock);

    qemu_plugin_register_vcpu_tb_exec_inline(tb, QEMU_PLUGIN_INLINE_ADD_U64,
                                             inside ? &counts.inside : &counts.outside, n);
    if (rec) {
        qemu_plugin_register_vcpu_tb_exec_inline(tb, QEMU_PLUGIN_INLINE_ADD_U64, &rec->execs, 1);
    }
}

static void write_blocks(void)
{
    FILE *f = fopen(opt.tbs_path, "w");
    if (!f) {
        qemu_plugin_outs("insn_count: cannot write the block file\n");
        return;
    }
    for (struct chunk *c = chunks; c; c = c->next) {
        for (size_t i = 0; i < c->used; i++) {
            const struct block_rec *r = &c->recs[i];
            if (r->execs) {
                fprintf(f, "%" PRIx64 " %" PRIu64 " %" PRIu64 "\n", r->vaddr, r->n_insns, r->execs);
            }
        }
    }
    fclose(f);
}

static void on_program_exit(qemu_plugin_id_t id, void *userdata)
{
    (void)id;
    (void)userdata;
    FILE *f = fopen(opt.out_path, "w");
    if (!f) {
        qemu_plugin_outs("insn_count: cannot write the output file\n");
        return;
    }
    fprintf(f, "insns %" PRIu64 "\n", counts.inside + counts.outside);
    fprintf(f, "inside %" PRIu64 "\n", counts.inside);
    fprintf(f, "outside %" PRIu64 "\n", counts.outside);
    fprintf(f, "bias 0x%" PRIx64 "\n", bias);
    fprintf(f, "blocks %" PRIu64 "\n", blocks_translated);
    if (opt.footprint) {
        fprintf(f, "footprint %zu\n", seen.used);
    }
    fclose(f);
    if (opt.tbs_path) {
        write_blocks();
    }
}

/* Parses "LO:HI" (numbers in C syntax, e.g. hex with 0x) into the text segment. */
static int parse_range(const char *s)
{
    char *end;
    opt.text_lo = strtoull(s, &end, 0);
    if (*end != ':') {
        return -1;
    }
    opt.text_hi = strtoull(end + 1, &end, 0);
    return *end == '\0' && opt.text_lo < opt.text_hi ? 0 : -1;
}

BENCH_PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info,
                                            int argc, char **argv)
{
    (void)info;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        char *end;
        if (!strncmp(a, "out=", 4)) {
            opt.out_path = strdup(a + 4);
        } else if (!strncmp(a, "tbs=", 4)) {
            opt.tbs_path = strdup(a + 4);
        } else if (!strncmp(a, "text=", 5)) {
            if (parse_range(a + 5)) {
                qemu_plugin_outs("insn_count: text= wants LO:HI\n");
                return -1;
            }
        } else if (!strncmp(a, "entry=", 6)) {
            opt.entry = strtoull(a + 6, &end, 0);
            if (*end) {
                qemu_plugin_outs("insn_count: bad entry=\n");
                return -1;
            }
            opt.have_entry = 1;
        } else if (!strcmp(a, "footprint=on")) {
            opt.footprint = 1;
        } else {
            qemu_plugin_outs("insn_count: unknown argument "
                             "(want out=, text=, entry=, tbs=, footprint=on)\n");
            return -1;
        }
    }
    if (!opt.out_path) {
        qemu_plugin_outs("insn_count: out=FILE is required\n");
        return -1;
    }
    qemu_plugin_register_vcpu_tb_trans_cb(id, on_translate);
    qemu_plugin_register_atexit_cb(id, on_program_exit, NULL);
    return 0;
}
