/*
 * MIPS64r2 encoders: the four instruction formats, a wrapper per mnemonic, labels with fixups.
 *
 * Branch offsets are in words relative to the delay slot (MIPS64 manual, BEQ: "target_offset <-
 * sign_extend(offset || 00)" added to the address of the instruction after the branch), so a label
 * bound at word L and a branch at word B encode L - (B + 1).
 */
#include "host/mips/mips.h"

#include "common/xqm.h"

void mips_buf_init(struct mips_buf *b, uint32_t *words, size_t cap)
{
    b->words = words;
    b->len = 0;
    b->cap = cap;
    b->overflow = false;
    b->nlabels = 0;
    b->nfixups = 0;
}

void mips_emit(struct mips_buf *b, uint32_t word)
{
    if (b->len >= b->cap) {
        b->overflow = true;
        return;
    }
    b->words[b->len++] = word;
}

mips_label mips_new_label(struct mips_buf *b)
{
    xqm_assert(b->nlabels < MIPS_MAX_LABELS);
    b->label_pos[b->nlabels] = -1;
    return b->nlabels++;
}

static void patch_branch(struct mips_buf *b, int32_t at, int32_t target)
{
    int32_t off = target - (at + 1);
    xqm_assert(off >= -32768 && off <= 32767);
    b->words[at] = (b->words[at] & 0xffff0000u) | (uint16_t)off;
}

void mips_bind_label(struct mips_buf *b, mips_label l)
{
    b->label_pos[l] = (int32_t)b->len;
    for (int i = 0; i < b->nfixups; i++) {
        if (b->fixups[i].label == l) {
            if (!b->overflow)
                patch_branch(b, b->fixups[i].at, b->label_pos[l]);
            b->fixups[i] = b->fixups[--b->nfixups];
            i--;
        }
    }
}

bool mips_labels_resolved(const struct mips_buf *b)
{
    return b->nfixups == 0;
}

void emit_r(struct mips_buf *b, uint32_t op, int rs, int rt, int rd, int sa, int fn)
{
    mips_emit(b, op | (uint32_t)rs << 21 | (uint32_t)rt << 16 | (uint32_t)rd << 11 |
                 (uint32_t)(sa & 31) << 6 | (uint32_t)fn);
}

void emit_i(struct mips_buf *b, uint32_t op, int rs, int rt, uint16_t imm)
{
    mips_emit(b, op | (uint32_t)rs << 21 | (uint32_t)rt << 16 | imm);
}

void emit_sa(struct mips_buf *b, int rt, int rd, int sa, int fn)
{
    emit_r(b, OPC_SPECIAL, 0, rt, rd, sa, fn);
}

uint32_t mips_encode_j(uint64_t pc, uint64_t target)
{
    (void)pc;
    return OPC_J | (uint32_t)((target >> 2) & 0x03ffffff);
}

bool mips_j_reachable(uint64_t pc, uint64_t target)
{
    /* J replaces the low 28 bits of the delay slot's address (MIPS64 manual, J). */
    return ((pc + 4) >> 28) == (target >> 28) && (target & 3) == 0;
}

void emit_j(struct mips_buf *b, uint32_t op, uint64_t target)
{
    mips_emit(b, op | (uint32_t)((target >> 2) & 0x03ffffff));
}

static void emit_branch(struct mips_buf *b, uint32_t op, int rs, int rt, mips_label l)
{
    int32_t at = (int32_t)b->len;
    emit_i(b, op, rs, rt, 0);
    if (b->overflow)
        return;
    if (b->label_pos[l] >= 0) {
        patch_branch(b, at, b->label_pos[l]);
    } else {
        xqm_assert(b->nfixups < MIPS_MAX_FIXUPS);
        b->fixups[b->nfixups].at = at;
        b->fixups[b->nfixups].label = l;
        b->nfixups++;
    }
}

void mips_addu(struct mips_buf *b, int rd, int rs, int rt) { emit_r(b, OPC_SPECIAL, rs, rt, rd, 0, FN_ADDU); }
void mips_daddu(struct mips_buf *b, int rd, int rs, int rt) { emit_r(b, OPC_SPECIAL, rs, rt, rd, 0, FN_DADDU); }
void mips_subu(struct mips_buf *b, int rd, int rs, int rt) { emit_r(b, OPC_SPECIAL, rs, rt, rd, 0, FN_SUBU); }
void mips_dsubu(struct mips_buf *b, int rd, int rs, int rt) { emit_r(b, OPC_SPECIAL, rs, rt, rd, 0, FN_DSUBU); }
void mips_addiu(struct mips_buf *b, int rt, int rs, int16_t imm) { emit_i(b, OPC_ADDIU, rs, rt, (uint16_t)imm); }
void mips_daddiu(struct mips_buf *b, int rt, int rs, int16_t imm) { emit_i(b, OPC_DADDIU, rs, rt, (uint16_t)imm); }
void mips_and(struct mips_buf *b, int rd, int rs, int rt) { emit_r(b, OPC_SPECIAL, rs, rt, rd, 0, FN_AND); }
void mips_or(struct mips_buf *b, int rd, int rs, int rt) { emit_r(b, OPC_SPECIAL, rs, rt, rd, 0, FN_OR); }
void mips_xor(struct mips_buf *b, int rd, int rs, int rt) { emit_r(b, OPC_SPECIAL, rs, rt, rd, 0, FN_XOR); }
void mips_nor(struct mips_buf *b, int rd, int rs, int rt) { emit_r(b, OPC_SPECIAL, rs, rt, rd, 0, FN_NOR); }
void mips_andi(struct mips_buf *b, int rt, int rs, uint16_t imm) { emit_i(b, OPC_ANDI, rs, rt, imm); }
void mips_ori(struct mips_buf *b, int rt, int rs, uint16_t imm) { emit_i(b, OPC_ORI, rs, rt, imm); }
void mips_xori(struct mips_buf *b, int rt, int rs, uint16_t imm) { emit_i(b, OPC_XORI, rs, rt, imm); }
void mips_lui(struct mips_buf *b, int rt, uint16_t imm) { emit_i(b, OPC_LUI, 0, rt, imm); }
void mips_slt(struct mips_buf *b, int rd, int rs, int rt) { emit_r(b, OPC_SPECIAL, rs, rt, rd, 0, FN_SLT); }
void mips_sltu(struct mips_buf *b, int rd, int rs, int rt) { emit_r(b, OPC_SPECIAL, rs, rt, rd, 0, FN_SLTU); }
void mips_slti(struct mips_buf *b, int rt, int rs, int16_t imm) { emit_i(b, OPC_SLTI, rs, rt, (uint16_t)imm); }
void mips_sltiu(struct mips_buf *b, int rt, int rs, int16_t imm) { emit_i(b, OPC_SLTIU, rs, rt, (uint16_t)imm); }
void mips_movz(struct mips_buf *b, int rd, int rs, int rt) { emit_r(b, OPC_SPECIAL, rs, rt, rd, 0, FN_MOVZ); }
void mips_movn(struct mips_buf *b, int rd, int rs, int rt) { emit_r(b, OPC_SPECIAL, rs, rt, rd, 0, FN_MOVN); }
void mips_move(struct mips_buf *b, int rd, int rs) { mips_daddu(b, rd, rs, MIPS_ZERO); }
void mips_nop(struct mips_buf *b) { mips_emit(b, 0); }

void mips_sll(struct mips_buf *b, int rd, int rt, int sa) { emit_sa(b, rt, rd, sa, FN_SLL); }
void mips_srl(struct mips_buf *b, int rd, int rt, int sa) { emit_sa(b, rt, rd, sa, FN_SRL); }
void mips_sra(struct mips_buf *b, int rd, int rt, int sa) { emit_sa(b, rt, rd, sa, FN_SRA); }
/* ROTR/ROTRV reuse SRL/SRLV with a 1 in the otherwise-zero rs/sa field (MIPS64 manual, ROTR). */
void mips_rotr(struct mips_buf *b, int rd, int rt, int sa) { emit_r(b, OPC_SPECIAL, 1, rt, rd, sa, FN_SRL); }
void mips_rotrv(struct mips_buf *b, int rd, int rt, int rs) { emit_r(b, OPC_SPECIAL, rs, rt, rd, 1, FN_SRLV); }
void mips_sllv(struct mips_buf *b, int rd, int rt, int rs) { emit_r(b, OPC_SPECIAL, rs, rt, rd, 0, FN_SLLV); }
void mips_srlv(struct mips_buf *b, int rd, int rt, int rs) { emit_r(b, OPC_SPECIAL, rs, rt, rd, 0, FN_SRLV); }
void mips_srav(struct mips_buf *b, int rd, int rt, int rs) { emit_r(b, OPC_SPECIAL, rs, rt, rd, 0, FN_SRAV); }
void mips_dsllv(struct mips_buf *b, int rd, int rt, int rs) { emit_r(b, OPC_SPECIAL, rs, rt, rd, 0, FN_DSLLV); }
void mips_dsrlv(struct mips_buf *b, int rd, int rt, int rs) { emit_r(b, OPC_SPECIAL, rs, rt, rd, 0, FN_DSRLV); }
void mips_dsrav(struct mips_buf *b, int rd, int rt, int rs) { emit_r(b, OPC_SPECIAL, rs, rt, rd, 0, FN_DSRAV); }

void mips_dsll(struct mips_buf *b, int rd, int rt, int sa)
{
    xqm_assert(sa >= 0 && sa < 64);
    emit_sa(b, rt, rd, sa & 31, sa >= 32 ? FN_DSLL32 : FN_DSLL);
}

void mips_dsrl(struct mips_buf *b, int rd, int rt, int sa)
{
    xqm_assert(sa >= 0 && sa < 64);
    emit_sa(b, rt, rd, sa & 31, sa >= 32 ? FN_DSRL32 : FN_DSRL);
}

void mips_dsra(struct mips_buf *b, int rd, int rt, int sa)
{
    xqm_assert(sa >= 0 && sa < 64);
    emit_sa(b, rt, rd, sa & 31, sa >= 32 ? FN_DSRA32 : FN_DSRA);
}

/* EXT/INS put msbd (size-1, or pos+size-1 for INS) in the rd field and lsb in the sa field. */
void mips_ext(struct mips_buf *b, int rt, int rs, int pos, int size)
{
    xqm_assert(pos >= 0 && size > 0 && pos + size <= 32);
    emit_r(b, OPC_SPECIAL3, rs, rt, size - 1, pos, FN3_EXT);
}

void mips_ins(struct mips_buf *b, int rt, int rs, int pos, int size)
{
    xqm_assert(pos >= 0 && size > 0 && pos + size <= 32);
    emit_r(b, OPC_SPECIAL3, rs, rt, pos + size - 1, pos, FN3_INS);
}

void mips_dext(struct mips_buf *b, int rt, int rs, int pos, int size)
{
    xqm_assert(pos >= 0 && size > 0 && pos + size <= 64);
    if (pos >= 32)
        emit_r(b, OPC_SPECIAL3, rs, rt, size - 1, pos - 32, FN3_DEXTU);
    else if (size > 32)
        emit_r(b, OPC_SPECIAL3, rs, rt, size - 33, pos, FN3_DEXTM);
    else
        emit_r(b, OPC_SPECIAL3, rs, rt, size - 1, pos, FN3_DEXT);
}

void mips_dins(struct mips_buf *b, int rt, int rs, int pos, int size)
{
    xqm_assert(pos >= 0 && size > 0 && pos + size <= 64);
    int msb = pos + size - 1;
    if (pos >= 32)
        emit_r(b, OPC_SPECIAL3, rs, rt, msb - 32, pos - 32, FN3_DINSU);
    else if (msb >= 32)
        emit_r(b, OPC_SPECIAL3, rs, rt, msb - 32, pos, FN3_DINSM);
    else
        emit_r(b, OPC_SPECIAL3, rs, rt, msb, pos, FN3_DINS);
}

void mips_seb(struct mips_buf *b, int rd, int rt) { emit_r(b, OPC_SPECIAL3, 0, rt, rd, BSHFL_SEB, FN3_BSHFL); }
void mips_seh(struct mips_buf *b, int rd, int rt) { emit_r(b, OPC_SPECIAL3, 0, rt, rd, BSHFL_SEH, FN3_BSHFL); }
void mips_wsbh(struct mips_buf *b, int rd, int rt) { emit_r(b, OPC_SPECIAL3, 0, rt, rd, BSHFL_WSBH, FN3_BSHFL); }
/* CLZ/DCLZ (Release 2 encoding) want rt == rd. */
void mips_clz(struct mips_buf *b, int rd, int rs) { emit_r(b, OPC_SPECIAL2, rs, rd, rd, 0, FN2_CLZ); }
void mips_dclz(struct mips_buf *b, int rd, int rs) { emit_r(b, OPC_SPECIAL2, rs, rd, rd, 0, FN2_DCLZ); }

void mips_mul(struct mips_buf *b, int rd, int rs, int rt) { emit_r(b, OPC_SPECIAL2, rs, rt, rd, 0, FN2_MUL); }
void mips_mult(struct mips_buf *b, int rs, int rt) { emit_r(b, OPC_SPECIAL, rs, rt, 0, 0, FN_MULT); }
void mips_multu(struct mips_buf *b, int rs, int rt) { emit_r(b, OPC_SPECIAL, rs, rt, 0, 0, FN_MULTU); }
void mips_dmult(struct mips_buf *b, int rs, int rt) { emit_r(b, OPC_SPECIAL, rs, rt, 0, 0, FN_DMULT); }
void mips_dmultu(struct mips_buf *b, int rs, int rt) { emit_r(b, OPC_SPECIAL, rs, rt, 0, 0, FN_DMULTU); }
void mips_div(struct mips_buf *b, int rs, int rt) { emit_r(b, OPC_SPECIAL, rs, rt, 0, 0, FN_DIV); }
void mips_divu(struct mips_buf *b, int rs, int rt) { emit_r(b, OPC_SPECIAL, rs, rt, 0, 0, FN_DIVU); }
void mips_ddiv(struct mips_buf *b, int rs, int rt) { emit_r(b, OPC_SPECIAL, rs, rt, 0, 0, FN_DDIV); }
void mips_ddivu(struct mips_buf *b, int rs, int rt) { emit_r(b, OPC_SPECIAL, rs, rt, 0, 0, FN_DDIVU); }
void mips_mfhi(struct mips_buf *b, int rd) { emit_r(b, OPC_SPECIAL, 0, 0, rd, 0, FN_MFHI); }
void mips_mflo(struct mips_buf *b, int rd) { emit_r(b, OPC_SPECIAL, 0, 0, rd, 0, FN_MFLO); }

void mips_lb(struct mips_buf *b, int rt, int base, int16_t off) { emit_i(b, OPC_LB, base, rt, (uint16_t)off); }
void mips_lbu(struct mips_buf *b, int rt, int base, int16_t off) { emit_i(b, OPC_LBU, base, rt, (uint16_t)off); }
void mips_lh(struct mips_buf *b, int rt, int base, int16_t off) { emit_i(b, OPC_LH, base, rt, (uint16_t)off); }
void mips_lhu(struct mips_buf *b, int rt, int base, int16_t off) { emit_i(b, OPC_LHU, base, rt, (uint16_t)off); }
void mips_lw(struct mips_buf *b, int rt, int base, int16_t off) { emit_i(b, OPC_LW, base, rt, (uint16_t)off); }
void mips_lwu(struct mips_buf *b, int rt, int base, int16_t off) { emit_i(b, OPC_LWU, base, rt, (uint16_t)off); }
void mips_ld(struct mips_buf *b, int rt, int base, int16_t off) { emit_i(b, OPC_LD, base, rt, (uint16_t)off); }
void mips_sb(struct mips_buf *b, int rt, int base, int16_t off) { emit_i(b, OPC_SB, base, rt, (uint16_t)off); }
void mips_sh(struct mips_buf *b, int rt, int base, int16_t off) { emit_i(b, OPC_SH, base, rt, (uint16_t)off); }
void mips_sw(struct mips_buf *b, int rt, int base, int16_t off) { emit_i(b, OPC_SW, base, rt, (uint16_t)off); }
void mips_sd(struct mips_buf *b, int rt, int base, int16_t off) { emit_i(b, OPC_SD, base, rt, (uint16_t)off); }
void mips_lwl(struct mips_buf *b, int rt, int base, int16_t off) { emit_i(b, OPC_LWL, base, rt, (uint16_t)off); }
void mips_lwr(struct mips_buf *b, int rt, int base, int16_t off) { emit_i(b, OPC_LWR, base, rt, (uint16_t)off); }
void mips_ldl(struct mips_buf *b, int rt, int base, int16_t off) { emit_i(b, OPC_LDL, base, rt, (uint16_t)off); }
void mips_ldr(struct mips_buf *b, int rt, int base, int16_t off) { emit_i(b, OPC_LDR, base, rt, (uint16_t)off); }
void mips_swl(struct mips_buf *b, int rt, int base, int16_t off) { emit_i(b, OPC_SWL, base, rt, (uint16_t)off); }
void mips_swr(struct mips_buf *b, int rt, int base, int16_t off) { emit_i(b, OPC_SWR, base, rt, (uint16_t)off); }
void mips_sdl(struct mips_buf *b, int rt, int base, int16_t off) { emit_i(b, OPC_SDL, base, rt, (uint16_t)off); }
void mips_sdr(struct mips_buf *b, int rt, int base, int16_t off) { emit_i(b, OPC_SDR, base, rt, (uint16_t)off); }
void mips_ll(struct mips_buf *b, int rt, int base, int16_t off) { emit_i(b, OPC_LL, base, rt, (uint16_t)off); }
void mips_sc(struct mips_buf *b, int rt, int base, int16_t off) { emit_i(b, OPC_SC, base, rt, (uint16_t)off); }
void mips_lld(struct mips_buf *b, int rt, int base, int16_t off) { emit_i(b, OPC_LLD, base, rt, (uint16_t)off); }
void mips_scd(struct mips_buf *b, int rt, int base, int16_t off) { emit_i(b, OPC_SCD, base, rt, (uint16_t)off); }
void mips_sync(struct mips_buf *b) { emit_r(b, OPC_SPECIAL, 0, 0, 0, 0, FN_SYNC); }

void mips_beq(struct mips_buf *b, int rs, int rt, mips_label l) { emit_branch(b, OPC_BEQ, rs, rt, l); }
void mips_bne(struct mips_buf *b, int rs, int rt, mips_label l) { emit_branch(b, OPC_BNE, rs, rt, l); }
void mips_beqz(struct mips_buf *b, int rs, mips_label l) { emit_branch(b, OPC_BEQ, rs, MIPS_ZERO, l); }
void mips_bnez(struct mips_buf *b, int rs, mips_label l) { emit_branch(b, OPC_BNE, rs, MIPS_ZERO, l); }
void mips_bltz(struct mips_buf *b, int rs, mips_label l) { emit_branch(b, OPC_REGIMM, rs, RT_BLTZ, l); }
void mips_bgez(struct mips_buf *b, int rs, mips_label l) { emit_branch(b, OPC_REGIMM, rs, RT_BGEZ, l); }
void mips_blez(struct mips_buf *b, int rs, mips_label l) { emit_branch(b, OPC_BLEZ, rs, 0, l); }
void mips_bgtz(struct mips_buf *b, int rs, mips_label l) { emit_branch(b, OPC_BGTZ, rs, 0, l); }
void mips_b(struct mips_buf *b, mips_label l) { emit_branch(b, OPC_BEQ, MIPS_ZERO, MIPS_ZERO, l); }
void mips_bnel(struct mips_buf *b, int rs, int rt, mips_label l) { emit_branch(b, OPC_BNEL, rs, rt, l); }
void mips_jr(struct mips_buf *b, int rs) { emit_r(b, OPC_SPECIAL, rs, 0, 0, 0, FN_JR); }
void mips_jalr(struct mips_buf *b, int rs) { emit_r(b, OPC_SPECIAL, rs, 0, MIPS_RA, 0, FN_JALR); }
void mips_j(struct mips_buf *b, uint64_t target) { emit_j(b, OPC_J, target); }
void mips_teq(struct mips_buf *b, int rs, int rt) { emit_r(b, OPC_SPECIAL, rs, rt, 0, 0, FN_TEQ); }

/* COP1 arithmetic: fmt in the rs field, then ft, fs, fd (MIPS64 manual, ADD.fmt). */
void mips_fop3(struct mips_buf *b, int fmt, int fn, int fd, int fs, int ft)
{
    emit_r(b, OPC_COP1, fmt, ft, fs, fd, fn);
}

void mips_fop2(struct mips_buf *b, int fmt, int fn, int fd, int fs) { mips_fop3(b, fmt, fn, fd, fs, 0); }
void mips_add_d(struct mips_buf *b, int fd, int fs, int ft) { mips_fop3(b, FMT_D, FPU_ADD, fd, fs, ft); }
void mips_sub_d(struct mips_buf *b, int fd, int fs, int ft) { mips_fop3(b, FMT_D, FPU_SUB, fd, fs, ft); }
void mips_mul_d(struct mips_buf *b, int fd, int fs, int ft) { mips_fop3(b, FMT_D, FPU_MUL, fd, fs, ft); }
void mips_div_d(struct mips_buf *b, int fd, int fs, int ft) { mips_fop3(b, FMT_D, FPU_DIV, fd, fs, ft); }
void mips_sqrt_d(struct mips_buf *b, int fd, int fs) { mips_fop2(b, FMT_D, FPU_SQRT, fd, fs); }
void mips_mov_d(struct mips_buf *b, int fd, int fs) { mips_fop2(b, FMT_D, FPU_MOV, fd, fs); }
void mips_add_s(struct mips_buf *b, int fd, int fs, int ft) { mips_fop3(b, FMT_S, FPU_ADD, fd, fs, ft); }
void mips_sub_s(struct mips_buf *b, int fd, int fs, int ft) { mips_fop3(b, FMT_S, FPU_SUB, fd, fs, ft); }
void mips_mul_s(struct mips_buf *b, int fd, int fs, int ft) { mips_fop3(b, FMT_S, FPU_MUL, fd, fs, ft); }
void mips_div_s(struct mips_buf *b, int fd, int fs, int ft) { mips_fop3(b, FMT_S, FPU_DIV, fd, fs, ft); }
void mips_sqrt_s(struct mips_buf *b, int fd, int fs) { mips_fop2(b, FMT_S, FPU_SQRT, fd, fs); }
void mips_mov_s(struct mips_buf *b, int fd, int fs) { mips_fop2(b, FMT_S, FPU_MOV, fd, fs); }

/* The conversions are encoded in the source format, the function naming the destination. */
void mips_cvt(struct mips_buf *b, int to, int from, int fd, int fs)
{
    static const uint8_t fn[] = { [FMT_S] = FPU_CVT_S, [FMT_D] = FPU_CVT_D, [FMT_W] = FPU_CVT_W,
                                  [FMT_L] = FPU_CVT_L };
    xqm_assert(to != from && (to == FMT_S || to == FMT_D || to == FMT_W || to == FMT_L));
    mips_fop2(b, from, fn[to], fd, fs);
}

void mips_trunc(struct mips_buf *b, int to, int from, int fd, int fs)
{
    xqm_assert((to == FMT_W || to == FMT_L) && (from == FMT_S || from == FMT_D));
    mips_fop2(b, from, to == FMT_W ? FPU_TRUNC_W : FPU_TRUNC_L, fd, fs);
}

/* C.cond.fmt: cc in bits 10..8 (the fd field's top three bits), FC = 11 in bits 5..4. */
void mips_c_cond(struct mips_buf *b, int fmt, int cond, int cc, int fs, int ft)
{
    xqm_assert(cond >= 0 && cond < 16 && cc >= 0 && cc < 8);
    mips_fop3(b, fmt, FPU_C | cond, cc << 2, fs, ft);
}

/* Moves: the rs field selects the direction, rt is the GPR and the fs field the FPR/FCR. */
static void cop1_move(struct mips_buf *b, int op, int rt, int fs) { emit_r(b, OPC_COP1, op, rt, fs, 0, 0); }
void mips_mfc1(struct mips_buf *b, int rt, int fs) { cop1_move(b, COP1_MF, rt, fs); }
void mips_dmfc1(struct mips_buf *b, int rt, int fs) { cop1_move(b, COP1_DMF, rt, fs); }
void mips_mtc1(struct mips_buf *b, int rt, int fs) { cop1_move(b, COP1_MT, rt, fs); }
void mips_dmtc1(struct mips_buf *b, int rt, int fs) { cop1_move(b, COP1_DMT, rt, fs); }
void mips_cfc1(struct mips_buf *b, int rt, int fcr) { cop1_move(b, COP1_CF, rt, fcr); }
void mips_ctc1(struct mips_buf *b, int rt, int fcr) { cop1_move(b, COP1_CT, rt, fcr); }

void mips_lwc1(struct mips_buf *b, int ft, int base, int16_t off) { emit_i(b, OPC_LWC1, base, ft, (uint16_t)off); }
void mips_ldc1(struct mips_buf *b, int ft, int base, int16_t off) { emit_i(b, OPC_LDC1, base, ft, (uint16_t)off); }
void mips_swc1(struct mips_buf *b, int ft, int base, int16_t off) { emit_i(b, OPC_SWC1, base, ft, (uint16_t)off); }
void mips_sdc1(struct mips_buf *b, int ft, int base, int16_t off) { emit_i(b, OPC_SDC1, base, ft, (uint16_t)off); }

/* BC1F/BC1T: rs = BC, rt = cc << 2 | nd << 1 | tf (nd = 0: not the "likely" form). */
void mips_bc1t(struct mips_buf *b, int cc, mips_label l) { emit_branch(b, OPC_COP1, COP1_BC, cc << 2 | 1, l); }
void mips_bc1f(struct mips_buf *b, int cc, mips_label l) { emit_branch(b, OPC_COP1, COP1_BC, cc << 2, l); }

/* MOVCI: SPECIAL function 001 with rt = cc << 2 | tf. */
void mips_movt(struct mips_buf *b, int rd, int rs, int cc) { emit_r(b, OPC_SPECIAL, rs, cc << 2 | 1, rd, 0, 001); }
void mips_movf(struct mips_buf *b, int rd, int rs, int cc) { emit_r(b, OPC_SPECIAL, rs, cc << 2, rd, 0, 001); }

void mips_li(struct mips_buf *b, int rt, int64_t value)
{
    if (value >= -32768 && value <= 32767) {
        mips_addiu(b, rt, MIPS_ZERO, (int16_t)value);
    } else if (value >= 0 && value <= 0xffff) {
        mips_ori(b, rt, MIPS_ZERO, (uint16_t)value);
    } else if (value == (int32_t)value) {
        mips_lui(b, rt, (uint16_t)((uint64_t)value >> 16));
        if (value & 0xffff)
            mips_ori(b, rt, rt, (uint16_t)value);
    } else if (value >= 0 && value <= 0xffffffffLL) {
        /* A zero-extended 32-bit value: build it sign-extended, then clear the top half. */
        mips_li(b, rt, (int32_t)(uint32_t)value);
        mips_dext(b, rt, rt, 0, 32);
    } else {
        /*
         * Full 64-bit constant: high 32 bits, then two 16-bit chunks shifted in; a zero middle
         * chunk folds its shift into the last one.
         */
        uint16_t mid = (uint16_t)(value >> 16);
        mips_li(b, rt, (int32_t)(value >> 32));
        if (mid) {
            mips_dsll(b, rt, rt, 16);
            mips_ori(b, rt, rt, mid);
        }
        mips_dsll(b, rt, rt, mid ? 16 : 32);
        if (value & 0xffff)
            mips_ori(b, rt, rt, (uint16_t)value);
    }
}

void mips_li32(struct mips_buf *b, int rt, uint32_t value)
{
    mips_li(b, rt, (int32_t)value);
}

/* The register a plain ALU instruction writes (register-only, cannot trap), or -1 for anything
 * else: memory accesses, branches, jumps, traps, hi/lo, coprocessor and SPECIAL2/3 instructions. */
static int plain_alu_dest(uint32_t w)
{
    uint32_t op = w & 0xfc000000u;
    if (op == OPC_SPECIAL) {
        switch (w & 077) {
        case FN_SLL: case FN_SRL: case FN_SRA: case FN_SLLV: case FN_SRLV: case FN_SRAV:
        case FN_MOVZ: case FN_MOVN: case FN_DSLLV: case FN_DSRLV: case FN_DSRAV:
        case FN_ADDU: case FN_SUBU: case FN_AND: case FN_OR: case FN_XOR: case FN_NOR:
        case FN_SLT: case FN_SLTU: case FN_DADDU: case FN_DSUBU:
        case FN_DSLL: case FN_DSRL: case FN_DSRA: case FN_DSLL32: case FN_DSRL32: case FN_DSRA32:
            return (int)((w >> 11) & 31);
        default:
            return -1;
        }
    }
    switch (op) {
    case OPC_ADDIU: case OPC_SLTI: case OPC_SLTIU: case OPC_ANDI: case OPC_ORI: case OPC_XORI:
    case OPC_LUI: case OPC_DADDIU:
        return (int)((w >> 16) & 31);
    default:
        return -1;
    }
}

/* Whether w transfers control (and so has a delay slot). */
static bool has_delay_slot(uint32_t w)
{
    uint32_t op = w >> 26;
    if (op == 0)
        return (w & 077) == FN_JR || (w & 077) == FN_JALR;
    return op == 1 || op == 2 || op == 3 || (op >= 4 && op <= 7) || (op >= 024 && op <= 027) ||
           (op == 021 && ((w >> 21) & 31) == 010);      /* COP1 BC1F/BC1T */
}

bool mips_fill_last_delay_slot(struct mips_buf *b)
{
    if (b->overflow || b->len < 3 || b->words[b->len - 1] != 0)
        return false;
    int32_t w_at = (int32_t)b->len - 3, br_at = w_at + 1;
    uint32_t w = b->words[w_at], br = b->words[br_at];
    uint32_t op = br >> 26;
    int rs = (int)((br >> 21) & 31), rt = (int)((br >> 16) & 31);
    if (op == 1 && rt <= 1)
        rt = 0;         /* REGIMM bltz/bgez (rt selects the form) read rs only */
    else if (op == 6 || op == 7)
        rt = 0;         /* blez/bgtz */
    else if (op != 4 && op != 5)
        return false;   /* beq/bne read both; nothing else is handled */
    int d = plain_alu_dest(w);
    if (d <= 0 || d == rs || d == rt)
        return false;
    if (w_at > 0 && has_delay_slot(b->words[w_at - 1]))
        return false;   /* w is itself a delay slot */
    for (int i = 0; i < b->nlabels; i++) {
        if (b->label_pos[i] == w_at || b->label_pos[i] == br_at)
            return false;   /* something jumps to w or to the branch */
    }
    int fix = -1;
    for (int i = 0; i < b->nfixups; i++) {
        if (b->fixups[i].at == br_at)
            fix = i;
    }
    if (fix < 0)
        return false;   /* a backward branch: its offset is already encoded */
    b->words[w_at] = br;
    b->words[br_at] = w;
    b->fixups[fix].at = w_at;
    b->len--;
    return true;
}
