/*
 * Flag liveness: which arithmetic flags an instruction's result may be read for.
 *
 * Backward over the TB, starting from what the TB's successors need. A successor's need is found
 * by decoding a few of its instructions straight-line: the flags it reads before overwriting them.
 * Successors are known for direct jumps, jcc (both ways), direct calls and fall-through; after an
 * indirect jump, a return or an interrupt every flag is taken as live. The scan of a successor
 * follows direct jumps and calls and both sides of its conditional branches (same page, bounded).
 *
 * A successor counts only if its code lies on the TB's own guest page(s): a write to those pages
 * invalidates the TB (self-modifying code), so its liveness can never outlive the code it was
 * derived from. Successors elsewhere are taken to need every flag.
 *
 * Consequence worth knowing: when a flag is dead at a TB exit, its value is not recorded, so a
 * signal handler that inspects eflags in its ucontext at a fault right after may see an older value
 * for a flag the program never reads. Everything the program itself can observe is exact.
 */
#include "common/mode.h"
#include "target/i386/internal.h"

enum { SUCCESSOR_SCAN_INSNS = 16, MEMO_BITS = 12 };

/*
 * successor_needs results by address: many TBs branch to the same places, and decoding is the
 * translator's main cost. Entries describe guest code, so any invalidation clears the memo.
 */
static struct { uint32_t pc; uint16_t needs; bool valid; } memo[1 << MEMO_BITS];

void x86_liveness_forget(void)
{
    for (size_t i = 0; i < sizeof memo / sizeof memo[0]; i++)
        memo[i].valid = false;
}

bool x86_is_control_transfer(const cs_insn *insn)
{
    /* Capstone 4 puts loop/loope/loopne and jcxz/jecxz in no jump group: name them. */
    switch (insn->id) {
    case X86_INS_LOOP: case X86_INS_LOOPE: case X86_INS_LOOPNE: case X86_INS_JCXZ: case X86_INS_JECXZ:
        return true;
    default:
        break;
    }
    csh h = x86_cs_handle();
    return cs_insn_group(h, insn, X86_GRP_JUMP) || cs_insn_group(h, insn, X86_GRP_CALL) ||
           cs_insn_group(h, insn, X86_GRP_RET) || cs_insn_group(h, insn, X86_GRP_INT) ||
           cs_insn_group(h, insn, X86_GRP_IRET);
}

bool x86_is_direct_jcc(const cs_insn *insn)
{
    const struct x86_insn_row *row = x86_insn_lookup(insn->id);
    const cs_x86 *x = &insn->detail->x86;
    return row && row->translate == x86_translate_jcc && x->op_count == 1 && x->operands[0].type == X86_OP_IMM;
}

/* Flags read and definitely written by one instruction (a shift by CL may write nothing). */
static void insn_flags(const cs_insn *insn, const struct x86_insn_row *row, uint16_t *read, uint16_t *written)
{
    /* SSE2's cmpsd (F2 0F C2) has the string cmpsd's id (string.c) but writes no flag; with its
     * imm8 it would pass for a string instruction with a static count below, killing live flags.
     * Like every SSE instruction that can raise #XM it reads them (fpu_table.c). */
    if (insn->id == X86_INS_CMPSD && insn->detail->x86.opcode[0] == 0x0f) {
        *read = CC_ALL;
        *written = 0;
        return;
    }
    *read = row->flags_read;
    *written = row->flags_written;
    if (row->may_keep) {
        const cs_x86 *x = &insn->detail->x86;
        const cs_x86_op *last = x->op_count > 0 ? &x->operands[x->op_count - 1] : NULL;
        bool static_count = last && last->type == X86_OP_IMM && (last->imm & 31) != 0 && x->prefix[0] == 0;
        if (!static_count) {
            *read = CC_ALL;
            *written = 0;
        }
    }
}

/* The flags the code at pc may read before writing them. */
/* The guest pages the TB being analysed covers: successors must stay on them. */
static uint32_t scan_page_lo, scan_page_hi;

static bool on_tb_pages(uint32_t addr)
{
    uint32_t page = addr & ~0xfffu;
    return page == scan_page_lo || page == scan_page_hi;
}

/*
 * Scans straight-line from pc for at most *budget instructions, following direct jmp/call targets
 * and both sides of direct conditional branches (each side with what is left of the budget), all
 * on `page`. Returns the flags read before being written; anything not known to be overwritten
 * when the scan stops counts as read.
 */
static uint16_t scan_needs(CPUX86State *env, uint32_t pc, uint32_t page, int *budget, int depth)
{
    static cs_insn *insns[4];
    csh h = x86_cs_handle();
    if (!insns[depth])
        insns[depth] = cs_malloc(h);
    cs_insn *insn = insns[depth];
    uint16_t needed = 0, killed = 0;
    while (*budget > 0) {
        --*budget;
        uint32_t avail;
        const uint8_t *code = mode_code_bytes(env, pc, &avail);
        if (!code || avail == 0)
            break;
        if ((pc & ~0xfffu) != page || !x86_decode(code, avail, pc, insn) ||
            ((pc + insn->size - 1) & ~0xfffu) != page)
            break;
        const struct x86_insn_row *row = x86_insn_lookup(insn->id);
        if (!row)
            break;
        uint16_t read, written;
        insn_flags(insn, row, &read, &written);
        needed |= read & ~killed;
        killed |= written;
        if (killed == CC_ALL)
            break;
        if (!x86_is_control_transfer(insn)) {
            pc += insn->size;
            continue;
        }
        const cs_x86 *x = &insn->detail->x86;
        bool direct = x->op_count == 1 && x->operands[0].type == X86_OP_IMM &&
                      x->prefix[2] != X86_PREFIX_OPSIZE;
        if (!direct)
            break;
        uint32_t target = (uint32_t)x->operands[0].imm;
        if (insn->id == X86_INS_JMP || insn->id == X86_INS_CALL) {
            pc = target;
            continue;
        }
        if (!x86_is_direct_jcc(insn) || depth + 1 >= (int)(sizeof insns / sizeof insns[0]))
            break;
        uint32_t next = pc + insn->size;
        uint16_t taken = scan_needs(env, target, page, budget, depth + 1);
        uint16_t fall = scan_needs(env, next, page, budget, depth + 1);
        return (uint16_t)((needed | ((taken | fall) & ~killed)) & CC_ALL);
    }
    return (uint16_t)((needed | ~killed) & CC_ALL);
}

static uint16_t successor_needs_uncached(CPUX86State *env, uint32_t pc)
{
    /* The scan stays on the successor's first page, so the memo's answer for pc does not depend
     * on which TB asked. */
    int budget = SUCCESSOR_SCAN_INSNS;
    return scan_needs(env, pc, pc & ~0xfffu, &budget, 0);
}

static uint16_t successor_needs(CPUX86State *env, uint32_t pc)
{
    /* The memo is keyed by eip: only code with CS base 0 in 32-bit mode may use it (other code is
     * real-mode or 16-bit setup code, where the cost of keeping every flag does not matter). */
    if (!on_tb_pages(pc) || !x86_decoding_flat())
        return CC_ALL;
    uint32_t i = (pc ^ (pc >> MEMO_BITS)) & ((1u << MEMO_BITS) - 1);
    if (!memo[i].valid || memo[i].pc != pc) {
        memo[i].pc = pc;
        memo[i].needs = successor_needs_uncached(env, pc);
        memo[i].valid = true;
    }
    return memo[i].needs;
}

/* Flags live when the TB ends after `last`. */
static uint16_t tb_live_out(CPUX86State *env, const cs_insn *last)
{
    const struct x86_insn_row *row = x86_insn_lookup(last->id);
    uint32_t next = (uint32_t)last->address + last->size;
    const cs_x86 *x = &last->detail->x86;
    if (!row)
        return CC_ALL;
    if (!x86_is_control_transfer(last))
        return successor_needs(env, next);
    bool direct = x->op_count == 1 && x->operands[0].type == X86_OP_IMM;
    switch (last->id) {
    case X86_INS_JMP:
    case X86_INS_CALL:
        return direct ? successor_needs(env, (uint32_t)x->operands[0].imm) : CC_ALL;
    default:
        if (x86_cond_of(last->id) >= 0 || last->id == X86_INS_LOOP || last->id == X86_INS_LOOPE ||
            last->id == X86_INS_LOOPNE || last->id == X86_INS_JECXZ || last->id == X86_INS_JCXZ) {
            if (!direct)
                return CC_ALL;
            return (uint16_t)(successor_needs(env, next) | successor_needs(env, (uint32_t)x->operands[0].imm));
        }
        return CC_ALL;
    }
}

void flags_liveness(CPUX86State *env, cs_insn *const *in, int n, uint16_t *live_after, uint16_t *live_in)
{
    scan_page_lo = (uint32_t)in[0]->address & ~0xfffu;
    scan_page_hi = ((uint32_t)in[n - 1]->address + in[n - 1]->size - 1) & ~0xfffu;
    uint16_t live = tb_live_out(env, in[n - 1]);
    for (int i = n - 1; i >= 0; i--) {
        /* A branch inside the TB also leaves for its target. */
        if (i < n - 1 && x86_is_direct_jcc(in[i]))
            live |= successor_needs(env, (uint32_t)in[i]->detail->x86.operands[0].imm);
        live_after[i] = live;
        const struct x86_insn_row *row = x86_insn_lookup(in[i]->id);
        if (!row) {
            live = CC_ALL;
            continue;
        }
        uint16_t read, written;
        insn_flags(in[i], row, &read, &written);
        live = (uint16_t)((live & ~written) | read);
    }
    *live_in = live;
}
