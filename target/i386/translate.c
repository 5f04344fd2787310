/*
 * The translation driver: decode a TB's guest instructions with capstone (IR1), run flag liveness
 * over them, then translate one instruction at a time into MIPS code (IR2) through the table in
 * insn_table.c.
 *
 * TB layout in the code cache:
 *     entry:  lw at, exit_request(env); bnel at, request; (lui)   -- prompt exits for signals/kicks
 *             ... one block of host code per guest instruction ...
 *             exits (patchable j + stub, see exit.c)
 *     request: eip = tb->pc; return HOST_EXIT_NOCHAIN
 *
 * A TB ends at a control transfer, before an instruction that starts on another guest page than
 * the first one, or after TB_MAX_INSNS instructions.
 */
#include <stdlib.h>
#include <string.h>

#include "common/mode.h"
#include "common/xqm.h"
#include "target/i386/internal.h"
#include "target/i386/translate.h"

static csh cs_handle, cs_handle16;
static cs_insn *insns[TB_MAX_INSNS];
/* The TB being decoded: 16-bit code (CS.D = 0) and the CS base its eips are offsets from. */
static bool decoding_code16, decoding_not_flat, decoding_single_step;
static uint32_t decoding_cs_base;
static csh cs_mips_handle;

enum { MAX_FOLLOWED_JMPS = 4, MAX_FOLLOWED_CALLS = 2, MAX_FOLLOWED_CALLEE_INSNS = 6 };

TranslationBlock x86_jc_miss_tb;

/* Temporaries handed to translators. a0..a3 double as helper arguments and t9 as the helper
 * address, so they come last (gen_helper_call spills live temporaries around a call anyway). */
static const int temp_pool[] = {
    MIPS_V1, MIPS_A4, MIPS_A5, MIPS_A6, MIPS_A7, MIPS_T8, MIPS_A3, MIPS_A2, MIPS_A1, MIPS_A0, MIPS_V0,
    MIPS_T9,
};

csh x86_cs_handle(void)
{
    return decoding_code16 ? cs_handle16 : cs_handle;
}

bool x86_decoding_flat(void)
{
    return !decoding_code16 && decoding_cs_base == 0;
}

const uint8_t *x86_code_bytes(CPUX86State *env, uint32_t eip, uint32_t *avail)
{
    return mode_code_bytes(env, decoding_cs_base + eip, avail);
}

/*
 * Decoded instructions by address. Capstone is most of the translator's cost, and the same
 * instruction is decoded again and again: by successor scans, by overlapping TBs, by the generic
 * variant of a specialised TB. An entry is used only if the bytes in memory still match, so
 * self-modifying code can never get a stale decode.
 */
enum { DECODE_CACHE_BITS = 12, DETAIL_COPY = offsetof(cs_detail, x86) + sizeof(cs_x86) };
struct decoded {
    bool valid;
    bool code16;                /* decoded in 16-bit mode: capstone's answer depends on it */
    cs_insn insn;
    uint8_t detail[DETAIL_COPY];
};
static struct decoded *decode_cache;

bool x86_decode(const uint8_t *code, uint32_t avail, uint32_t pc, cs_insn *out)
{
    struct decoded *e = &decode_cache[(pc ^ (pc >> DECODE_CACHE_BITS)) & ((1u << DECODE_CACHE_BITS) - 1)];
    if (e->valid && e->insn.address == pc && e->code16 == decoding_code16 && e->insn.size <= avail &&
        memcmp(e->insn.bytes, code, e->insn.size) == 0) {
        cs_detail *d = out->detail;
        *out = e->insn;
        out->detail = d;
        memcpy(d, e->detail, DETAIL_COPY);
        return true;
    }
    size_t size = avail > 16 ? 16 : avail;
    uint64_t addr = pc;
    if (!cs_disasm_iter(x86_cs_handle(), &code, &size, &addr, out))
        return false;
    e->valid = true;
    e->code16 = decoding_code16;
    e->insn = *out;
    e->insn.detail = NULL;
    memcpy(e->detail, out->detail, DETAIL_COPY);
    return true;
}

void x86_translate_init(void)
{
    if (cs_open(CS_ARCH_X86, CS_MODE_32, &cs_handle) != CS_ERR_OK)
        xqm_fatal("capstone: cannot open the x86 decoder");
    cs_option(cs_handle, CS_OPT_DETAIL, CS_OPT_ON);
    if (cs_open(CS_ARCH_X86, CS_MODE_16, &cs_handle16) != CS_ERR_OK)
        xqm_fatal("capstone: cannot open the 16-bit x86 decoder");
    cs_option(cs_handle16, CS_OPT_DETAIL, CS_OPT_ON);
    for (int i = 0; i < TB_MAX_INSNS; i++)
        insns[i] = cs_malloc(cs_handle);
    decode_cache = calloc((size_t)1 << DECODE_CACHE_BITS, sizeof *decode_cache);
    if (!decode_cache)
        xqm_fatal("out of memory for the decode cache");
    if (cs_open(CS_ARCH_MIPS, CS_MODE_MIPS64 | CS_MODE_LITTLE_ENDIAN, &cs_mips_handle) != CS_ERR_OK)
        xqm_fatal("capstone: cannot open the MIPS disassembler");

    /* The jump cache's miss TB: code that returns to the exec loop, which then looks up properly. */
    struct mips_buf b;
    mips_buf_init(&b, host_code_ptr(), host_code_room_words());
    mips_li(&b, MIPS_V0, HOST_EXIT_NOCHAIN);
    mips_j(&b, host_epilogue_addr());
    mips_nop(&b);
    x86_jc_miss_tb.tc_ptr = host_code_ptr();
    x86_jc_miss_tb.pc = 0;
    host_code_commit(b.len);
}

void x86_emit_exit_request_load(struct mips_buf *b)
{
    mips_lw(b, MIPS_AT, HREG_ENV, offsetof(CPUX86State, exit_request));
}

int dc_temp(DisasContext *dc)
{
    for (size_t i = 0; i < sizeof temp_pool / sizeof temp_pool[0]; i++) {
        uint32_t bit = 1u << temp_pool[i];
        if (!(dc->temps_used & bit)) {
            dc->temps_used |= bit;
            return temp_pool[i];
        }
    }
    xqm_assert(!"out of translator temporaries");
    return MIPS_AT;
}

void dc_temp_free(DisasContext *dc, int reg)
{
    dc->temps_used &= ~(1u << reg);
}

static void log_in_asm(cs_insn *const *in, int n)
{
    xqm_log("IN: tb %d insns\n", n);
    for (int i = 0; i < n; i++)
        xqm_log("0x%08x:  %s %s\n", (uint32_t)in[i]->address, in[i]->mnemonic, in[i]->op_str);
    xqm_log("\n");
}

/* Capstone prints o32 register names; xqm runs the n64 ABI, where $8..$15 are a4..a7, t0..t3. */
static void n64_register_names(const char *in, char *out, size_t size)
{
    static const char *const n64[8] = { "a4", "a5", "a6", "a7", "t0", "t1", "t2", "t3" };
    size_t o = 0;
    for (const char *p = in; *p && o + 4 < size; p++) {
        if (p[0] == '$' && p[1] == 't' && p[2] >= '0' && p[2] <= '7' && !(p[3] >= '0' && p[3] <= '9')) {
            o += (size_t)snprintf(out + o, size - o, "$%s", n64[p[2] - '0']);
            p += 2;
        } else {
            out[o++] = *p;
        }
    }
    out[o] = 0;
}

static void log_out_asm(const uint32_t *code, size_t from, size_t to)
{
    cs_insn *mi;
    for (size_t i = from; i < to; i++) {
        size_t n = cs_disasm(cs_mips_handle, (const uint8_t *)&code[i], 4, (uint64_t)(uintptr_t)&code[i], 1, &mi);
        if (n == 1) {
            char ops[192];
            n64_register_names(mi->op_str, ops, sizeof ops);
            xqm_log("  0x%012llx:  %08x  %s %s\n", (unsigned long long)mi->address, code[i], mi->mnemonic, ops);
            cs_free(mi, n);
        } else {
            xqm_log("  0x%012llx:  %08x  (data)\n", (unsigned long long)(uintptr_t)&code[i], code[i]);
        }
    }
}

/* A direct jmp/call's target, or false for any other instruction (or a 16-bit operand size). */
static bool direct_target(const cs_insn *j, unsigned id, uint32_t *target)
{
    const cs_x86 *x = &j->detail->x86;
    if (j->id != id || x->op_count != 1 || x->operands[0].type != X86_OP_IMM ||
        x->prefix[2] == X86_PREFIX_OPSIZE)
        return false;
    *target = (uint32_t)x->operands[0].imm;
    return true;
}

static bool already_in_tb(cs_insn *const *in, int n, uint32_t addr)
{
    for (int i = 0; i < n; i++) {
        if (in[i]->address == addr)
            return true;
    }
    return false;
}

/* Whether the code at target reaches a plain `ret` within MAX_FOLLOWED_CALLEE_INSNS instructions
 * on its page with no other control transfer on the way (a PC thunk, a tiny leaf function). */
static bool callee_returns_soon(CPUX86State *env, uint32_t target, cs_insn *scratch)
{
    uint32_t page = target & ~0xfffu;
    for (int k = 0; k < MAX_FOLLOWED_CALLEE_INSNS; k++) {
        uint32_t avail;
        const uint8_t *code = mode_code_bytes(env, target, &avail);
        if (!code || avail == 0 || target + 15 >= page + 0x1000 || !x86_decode(code, avail, target, scratch))
            return false;
        if (x86_insn_lookup(scratch->id) == NULL)
            return false;
        if (x86_is_control_transfer(scratch))
            return scratch->id == X86_INS_RET && scratch->detail->x86.op_count == 0 &&
                   scratch->detail->x86.prefix[2] != X86_PREFIX_OPSIZE;
        target += scratch->size;
    }
    return false;
}

/*
 * Decodes up to TB_MAX_INSNS instructions; returns the count (0: nothing decodable at pc).
 *
 * Besides falling through conditional branches, a TB follows some unconditional transfers, so
 * that the code after them is translated in line (no exit, no lookup, flags and registers known):
 * - a direct jmp to its first page, up to MAX_FOLLOWED_JMPS times;
 * - a direct call to a callee that returns within a few instructions (callee_returns_soon), on
 *   its first page or on one other page (the "foreign" page, which the TB then covers like a
 *   second page), and the plain `ret` that returns from it, which the translator checks against
 *   the return address the call pushed (x86_translate_ret);
 * never to an instruction already in the TB (no unrolling). Every page the TB decodes from is
 * protected before it is read. A TB with a foreign page never crosses a page end.
 */
static int decode_tb(CPUX86State *env, uint32_t pc, int *fault_exception, uint32_t *foreign_page)
{
    /* Pages are linear (cs_base + eip): the code pages are what SMC tracking and the TB key see.
     * Only flat 32-bit code (CS base 0) follows jmps and calls. */
    uint32_t cs_base = decoding_cs_base;
    bool follow = !decoding_not_flat && !decoding_code16;
    uint32_t page = (cs_base + pc) & ~0xfffu, foreign = 0;
    int n = 0, inner_branches = 0, followed = 0;
    uint32_t ret_stack[MAX_FOLLOWED_CALLS];
    int calls = 0, depth = 0;
    uint32_t cur = pc;
    while (n < TB_MAX_INSNS) {
        uint32_t lin = cs_base + cur;
        uint32_t cpage = lin & ~0xfffu;
        if (n > 0 && cpage != page && cpage != foreign)
            break;
        uint32_t avail;
        const uint8_t *code = mode_code_bytes(env, lin, &avail);
        if (!code || avail == 0) {
            if (n == 0)
                *fault_exception = EXCP_PF;
            break;
        }
        /* An instruction may reach into the next page: protect it before reading (see tb.c).
         * With a foreign page the TB stays off page ends instead. */
        if (lin + 15 >= cpage + 0x1000 && avail > cpage + 0x1000 - lin) {
            if (foreign)
                break;
            mode_code_page_added(page + 0x1000);
        }
        if (!x86_decode(code, avail, cur, insns[n])) {
            if (n == 0)
                *fault_exception = avail < 16 ? EXCP_PF : EXCP_UD;
            break;
        }
        /* Not-flat code: an instruction reaching beyond CS's limit raises #GP(0) (SDM vol. 3,
         * 5.3); the TB stops before it. The limit is not part of the TB key (see system.md). */
        if (decoding_not_flat && (uint64_t)cur + insns[n]->size - 1 > env->segs[R_CS].limit) {
            if (n == 0)
                *fault_exception = EXCP_GP;
            break;
        }
        cur += insns[n]->size;
        n++;
        if (decoding_single_step)
            break;
        const cs_insn *last = insns[n - 1];
        if (x86_insn_lookup(last->id) == NULL)
            break;      /* it becomes a #UD exit: nothing after it can run */
        uint32_t target;
        if (follow && direct_target(last, X86_INS_JMP, &target) && followed < MAX_FOLLOWED_JMPS &&
            (target & ~0xfffu) == page && ((cur - 1) & ~0xfffu) == cpage && !already_in_tb(insns, n, target)) {
            followed++;
            cur = target;
            continue;
        }
        if (follow && direct_target(last, X86_INS_CALL, &target) && calls < MAX_FOLLOWED_CALLS && n < TB_MAX_INSNS &&
            ((cur - 1) & ~0xfffu) == cpage && !already_in_tb(insns, n, target)) {
            uint32_t tpage = target & ~0xfffu;
            bool known = tpage == page || tpage == foreign;
            bool new_foreign = !known && !foreign && ((cur - 1) & ~0xfffu) == page && tpage != page + 0x1000 &&
                               mode_smc_stops_running_tb();
            if (new_foreign)
                mode_code_page_added(tpage);    /* protected before it is read */
            if ((known || new_foreign) && callee_returns_soon(env, target, insns[n])) {
                if (tpage != page && !foreign)
                    foreign = tpage;
                calls++;
                ret_stack[depth++] = cur;
                cur = target;
                continue;
            }
        }
        if (depth > 0 && last->id == X86_INS_RET && last->detail->x86.op_count == 0 &&
            last->detail->x86.prefix[2] != X86_PREFIX_OPSIZE && !already_in_tb(insns, n, ret_stack[depth - 1])) {
            cur = ret_stack[--depth];
            continue;
        }
        if (x86_is_control_transfer(last)) {
            /* A conditional branch need not end the TB: its taken side leaves through an exit
             * and translation goes on with the fall-through side (fewer TB switches, and flags
             * stay known to the code after the branch). Exits left for the end: a cc guard
             * and the last instruction's two. */
            if (!x86_is_direct_jcc(last) || ++inner_branches > TB_MAX_EXITS - 3)
                break;
        }
    }
    *foreign_page = foreign;
    /* An undecodable first byte on an executable page is #UD; a truncated one at the end of the
     * executable range is a fetch fault. Either way, a TB with zero instructions raises it. */
    return n;
}

/* false: the instruction is invalid as encoded (#UD on hardware too); *unsupported tells apart the
 * valid instructions xqm does not translate (yet). */
static bool translate_one(DisasContext *dc, bool *unsupported)
{
    const struct x86_insn_row *row = x86_insn_lookup(dc->insn->id);
    *unsupported = false;
    if (!row) {
        *unsupported = true;
        return false;
    }
    if (dc->x86->prefix[0] == X86_PREFIX_LOCK) {
        if (!row->lockable || dc->x86->op_count == 0 || dc->x86->operands[0].type != X86_OP_MEM)
            return false;
    }
    if (!row->translate(dc)) {
        *unsupported = true;
        return false;
    }
    return true;
}

void x86_report_unsupported(CPUX86State *env, uint32_t eip)
{
    static cs_insn *insn;
    if (!insn)
        insn = cs_malloc(cs_handle);
    uint32_t avail;
    const uint8_t *code = x86_code_bytes(env, eip, &avail);
    size_t size = avail > 16 ? 16 : avail;
    uint64_t addr = eip;
    if (code && cs_disasm_iter(x86_cs_handle(), &code, &size, &addr, insn))
        fprintf(stderr, "xqm: unsupported instruction '%s %s' at 0x%08x: raising #UD\n", insn->mnemonic,
                insn->op_str, eip);
    else
        fprintf(stderr, "xqm: unsupported instruction at 0x%08x: raising #UD\n", eip);
}

bool x86_translate_tb(CPUX86State *env, TranslationBlock *tb, struct mips_buf *b, int *fault_exception)
{
    static uint16_t live_after[TB_MAX_INSNS];
    static uint32_t map_eip[TB_MAX_INSNS];
    static uint16_t map_word[TB_MAX_INSNS];
    static uint8_t map_cc[TB_MAX_INSNS];

    decoding_code16 = (tb->flags & X86_TBF_CODE16) != 0;
    decoding_not_flat = (tb->flags & X86_TBF_NOT_FLAT) != 0;
    decoding_single_step = (tb->flags & X86_TBF_TF) != 0;
    decoding_cs_base = tb->cs_base;
    uint32_t foreign;
    int n = decode_tb(env, tb->pc, fault_exception, &foreign);
    if (n == 0)
        return false;
    uint16_t live_in;
    flags_liveness(env, insns, n, live_after, &live_in);
    if (xqm_log_enabled(LOG_IN_ASM))
        log_in_asm(insns, n);

    DisasContext dc = {
        .b = b, .tb = tb, .cc_op = CC_OP_DYNAMIC, .cc_op_synced = true,
        .code16 = decoding_code16, .not_flat = (tb->flags & X86_TBF_NOT_FLAT) != 0,
        .ss16 = (tb->flags & (X86_TBF_NOT_FLAT | X86_TBF_SS16)) == (X86_TBF_NOT_FLAT | X86_TBF_SS16),
        .single_step = decoding_single_step,
    };
    /*
     * A TB that reads its predecessor's flags is specialised for the lazy op in force now (what
     * the predecessor left), so that its readers are inline instead of a helper call; an entry
     * guard sends any other op to the generic variant. Loops make this pay: a branch back to the
     * top of a loop arrives with the same op every time, and chaining lets such a branch skip the
     * guard (translate.h). The guard comes first, then the exit-request check.
     */
    tb->cc_in = CC_OP_IN_REG;
    size_t entry = b->len;
    if ((live_in & CC_ALL) && !tb->cc_generic && !dc.single_step && env->cc_op < (CC_KIND_COUNT << 2)) {
        mips_label miss = gen_cc_guard_exit(&dc);
        mips_li(b, MIPS_AT, env->cc_op);
        mips_bne(b, HREG_CC_OP, MIPS_AT, miss);
        mips_nop(b);
        xqm_assert(b->len - entry == TB_GUARD_WORDS);
        dc.cc_op = (int)env->cc_op;
        tb->cc_in = (uint8_t)env->cc_op;
        entry = b->len;
    }
    /* The exit-request check costs two instructions on the way in: bnel's delay slot runs only
     * when the branch is taken, so it holds the exit path's first instruction, not a nop. */
    dc.exit_request_label = mips_new_label(b);
    if (!dc.single_step) {
        /* A single-step TB is entered only by the exec loop, which has just checked. */
        x86_emit_exit_request_load(b);
        xqm_assert(b->len - entry == TB_CHAINED_ENTRY_WORDS);
        mips_bnel(b, MIPS_AT, MIPS_ZERO, dc.exit_request_label);
        mips_lui(b, MIPS_AT, (uint16_t)(tb->pc >> 16));
        xqm_assert(b->len - entry == TB_UNCHECKED_ENTRY_WORDS);
    } else {
        mips_lui(b, MIPS_AT, (uint16_t)(tb->pc >> 16));  /* keeps the unreachable request exit whole */
    }

    int i;
    for (i = 0; i < n && !dc.tb_ended; i++) {
        /* Not-flat code has a limit-fault exit per instruction with memory accesses: leave room. */
        if (dc.not_flat && i > 0 && dc.nool > (int)(sizeof dc.ool / sizeof dc.ool[0]) - 6)
            break;
        dc.insn = insns[i];
        dc.x86 = &insns[i]->detail->x86;
        dc.pc = (uint32_t)insns[i]->address;
        dc.next_pc = dc.pc + insns[i]->size;
        dc.flags_live_after = live_after[i];
        dc.next_insn = i + 1 < n ? insns[i + 1] : NULL;
        dc.next_live_after = i + 1 < n ? live_after[i + 1] : CC_ALL;
        dc.pending_cmp.valid = dc.pending_cmp.valid && dc.insn->id != X86_INS_INVALID &&
                               x86_cond_of(dc.insn->id) >= 0;
        dc.temps_used = 0;
        dc.ea_reg = -1;
        dc.ea_off = 0;
        dc.ea_aligned = false;
        dc.acc_seg = -1;
        dc.acc_addr16 = dc.x86->addr_size == 2;
        dc.ea_seg = R_DS;
        dc.ea_linear = false;
        dc.lim_fault_valid[0] = dc.lim_fault_valid[1] = false;
        dc.locked = dc.x86->prefix[0] == X86_PREFIX_LOCK ||
                    (dc.insn->id == X86_INS_XCHG && dc.x86->op_count == 2 &&
                     (dc.x86->operands[0].type == X86_OP_MEM || dc.x86->operands[1].type == X86_OP_MEM));
        map_eip[i] = dc.pc;
        map_word[i] = (uint16_t)b->len;
        map_cc[i] = dc.cc_op == CC_OP_DYNAMIC ? CC_OP_IN_REG : (uint8_t)dc.cc_op;
        size_t start = b->len;
        dc.insn_start = start;
        int saved_fixups = b->nfixups, saved_exits = dc.nexits, saved_ool = dc.nool, saved_def = dc.ndeferred;
        bool unsupported;
        if (!translate_one(&dc, &unsupported)) {
            /* Drop whatever the failed translator emitted, including branches still to patch. */
            b->len = start;
            b->nfixups = saved_fixups;
            dc.nexits = saved_exits;
            dc.nool = saved_ool;
            dc.ndeferred = saved_def;
            /* An instruction xqm cannot translate is reported when it runs, not when a TB that
             * merely contains it is translated (cpu_exec prints the line). */
            gen_exception(&dc, unsupported ? EXCP_UNSUPPORTED : EXCP_UD, false);
            dc.tb_ended = true;
        }
        if (xqm_log_enabled(LOG_OUT_ASM)) {
            xqm_log("OUT: 0x%08x %s %s\n", dc.pc, dc.insn->mnemonic, dc.insn->op_str);
            log_out_asm(b->words, dc.insn_start < start ? dc.insn_start : start, b->len);
        }
    }
    if (!dc.tb_ended)
        gen_goto_eip(&dc, dc.next_pc);
    gen_ool_exits(&dc);

    mips_bind_label(b, dc.exit_request_label);
    mips_ori(b, MIPS_AT, MIPS_AT, (uint16_t)tb->pc);      /* lui in the bnel's delay slot */
    gen_exit_nochain_reg(&dc, MIPS_AT);
    xqm_assert(b->overflow || mips_labels_resolved(b));

    /* The code's extent, which followed jmps and calls may take below pc (see decode_tb); with a
     * foreign page it spans everything in between, which only makes invalidation conservative. */
    uint32_t lo = tb->pc, hi = dc.next_pc;
    for (int k = 0; k < i; k++) {
        uint32_t a = (uint32_t)insns[k]->address;
        if (a < lo)
            lo = a;
        if (a + insns[k]->size > hi)
            hi = a + insns[k]->size;
    }
    tb->code_lo = lo;
    tb->size = hi - tb->pc;
    if (foreign)
        tb->page_addr[1] = foreign;
    tb->ninsns = (uint16_t)i;
    tb->insn_eip = malloc(sizeof(uint32_t) * (size_t)i);
    tb->insn_host_word = malloc(sizeof(uint16_t) * (size_t)i);
    tb->insn_cc_op = malloc((size_t)i);
    memcpy(tb->insn_eip, map_eip, sizeof(uint32_t) * (size_t)i);
    memcpy(tb->insn_host_word, map_word, sizeof(uint16_t) * (size_t)i);
    memcpy(tb->insn_cc_op, map_cc, (size_t)i);
    tb_stats.guest_insns += (uint64_t)i;
    return true;
}
