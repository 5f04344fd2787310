/*
 * MIPS64r2 instruction encoders and the code buffer they write into.
 *
 * One encoder per instruction format (emit_r, emit_i, emit_sa, emit_j) and one typed wrapper per
 * mnemonic, named after the manual (mips_daddu(b, rd, rs, rt)). Opcode values are written in octal
 * because the MIPS64 manual's opcode tables are laid out in 8x8 blocks, so `OPC_SPECIAL | 055` reads
 * straight off table A-3 (SPECIAL function field, row 5, column 5).
 *
 * Invariant: everything emitted here is plain MIPS64 Release 2 (no MSA, no Loongson extensions), and
 * branch/jump delay slots are the caller's business: every branch wrapper emits only the branch, so
 * the next emitted word is its delay slot.
 */
#ifndef XQM_HOST_MIPS_H
#define XQM_HOST_MIPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Host register numbers (n64 ABI names). The tag is not mips_reg: capstone.h owns that name. */
enum mips_gpr {
    MIPS_ZERO = 0, MIPS_AT = 1, MIPS_V0 = 2, MIPS_V1 = 3,
    MIPS_A0 = 4, MIPS_A1 = 5, MIPS_A2 = 6, MIPS_A3 = 7,
    MIPS_A4 = 8, MIPS_A5 = 9, MIPS_A6 = 10, MIPS_A7 = 11,
    MIPS_T0 = 12, MIPS_T1 = 13, MIPS_T2 = 14, MIPS_T3 = 15,
    MIPS_S0 = 16, MIPS_S1 = 17, MIPS_S2 = 18, MIPS_S3 = 19,
    MIPS_S4 = 20, MIPS_S5 = 21, MIPS_S6 = 22, MIPS_S7 = 23,
    MIPS_T8 = 24, MIPS_T9 = 25, MIPS_K0 = 26, MIPS_K1 = 27,
    MIPS_GP = 28, MIPS_SP = 29, MIPS_S8 = 30, MIPS_RA = 31,
};

/* Major opcodes (bits 31..26), MIPS64 manual table A-2. */
enum mips_opcode {
    OPC_SPECIAL = 000 << 26, OPC_REGIMM = 001 << 26,
    OPC_J = 002 << 26, OPC_JAL = 003 << 26,
    OPC_BEQ = 004 << 26, OPC_BNE = 005 << 26, OPC_BLEZ = 006 << 26, OPC_BGTZ = 007 << 26,
    OPC_ADDIU = 011 << 26, OPC_SLTI = 012 << 26, OPC_SLTIU = 013 << 26,
    OPC_ANDI = 014 << 26, OPC_ORI = 015 << 26, OPC_XORI = 016 << 26, OPC_LUI = 017 << 26,
    OPC_BEQL = 024 << 26, OPC_BNEL = 025 << 26,
    OPC_DADDIU = 031 << 26, OPC_LDL = 032 << 26, OPC_LDR = 033 << 26,
    OPC_SPECIAL2 = 034 << 26, OPC_SPECIAL3 = 037 << 26, OPC_COP1 = 021 << 26,
    OPC_LB = 040 << 26, OPC_LH = 041 << 26, OPC_LWL = 042 << 26, OPC_LW = 043 << 26,
    OPC_LBU = 044 << 26, OPC_LHU = 045 << 26, OPC_LWR = 046 << 26, OPC_LWU = 047 << 26,
    OPC_SB = 050 << 26, OPC_SH = 051 << 26, OPC_SWL = 052 << 26, OPC_SW = 053 << 26,
    OPC_SDL = 054 << 26, OPC_SDR = 055 << 26, OPC_SWR = 056 << 26,
    OPC_LL = 060 << 26, OPC_LLD = 064 << 26, OPC_LD = 067 << 26,
    OPC_SC = 070 << 26, OPC_SCD = 074 << 26, OPC_SD = 077 << 26,
    OPC_LWC1 = 061 << 26, OPC_LDC1 = 065 << 26, OPC_SWC1 = 071 << 26, OPC_SDC1 = 075 << 26,
};

/* SPECIAL function field (bits 5..0), table A-3. */
enum mips_special {
    FN_SLL = 000, FN_SRL = 002, FN_SRA = 003, FN_SLLV = 004, FN_SRLV = 006, FN_SRAV = 007,
    FN_JR = 010, FN_JALR = 011, FN_MOVZ = 012, FN_MOVN = 013, FN_SYNC = 017,
    FN_MFHI = 020, FN_MFLO = 022, FN_DSLLV = 024, FN_DSRLV = 026, FN_DSRAV = 027,
    FN_MULT = 030, FN_MULTU = 031, FN_DIV = 032, FN_DIVU = 033,
    FN_DMULT = 034, FN_DMULTU = 035, FN_DDIV = 036, FN_DDIVU = 037,
    FN_ADDU = 041, FN_SUBU = 043, FN_AND = 044, FN_OR = 045, FN_XOR = 046, FN_NOR = 047,
    FN_SLT = 052, FN_SLTU = 053, FN_DADDU = 055, FN_DSUBU = 057,
    FN_TEQ = 064,
    FN_DSLL = 070, FN_DSRL = 072, FN_DSRA = 073, FN_DSLL32 = 074, FN_DSRL32 = 076, FN_DSRA32 = 077,
};

/* REGIMM rt field, table A-4. */
enum mips_regimm { RT_BLTZ = 000, RT_BGEZ = 001, RT_SYNCI = 037 };

/* SPECIAL2 and SPECIAL3 function fields, tables. */
enum mips_special2 { FN2_MUL = 002, FN2_CLZ = 040, FN2_DCLZ = 044 };
enum mips_special3 {
    FN3_EXT = 000, FN3_DEXTM = 001, FN3_DEXTU = 002, FN3_DEXT = 003,
    FN3_INS = 004, FN3_DINSM = 005, FN3_DINSU = 006, FN3_DINS = 007,
    FN3_BSHFL = 040, FN3_DBSHFL = 044,
};
/* sa field of BSHFL/DBSHFL. */
enum mips_bshfl { BSHFL_WSBH = 002, BSHFL_SEB = 020, BSHFL_SEH = 030, DBSHFL_DSBH = 002, DBSHFL_DSHD = 005 };

/*
 * A label is an index into the buffer's label table. Branches to a label not yet bound are recorded
 * as fixups and patched by mips_bind_label.
 */
typedef int mips_label;

enum { MIPS_MAX_LABELS = 1024, MIPS_MAX_FIXUPS = 2048 };

struct mips_buf {
    uint32_t *words;    /* where the code is written */
    size_t len;         /* words written so far */
    size_t cap;         /* capacity in words */
    bool overflow;      /* set when an emit ran past cap; the buffer content is then garbage */
    int nlabels;
    int32_t label_pos[MIPS_MAX_LABELS];      /* word index, or -1 while unbound */
    int nfixups;
    struct { int32_t at; mips_label label; } fixups[MIPS_MAX_FIXUPS];
};

void mips_buf_init(struct mips_buf *b, uint32_t *words, size_t cap);
void mips_emit(struct mips_buf *b, uint32_t word);
mips_label mips_new_label(struct mips_buf *b);
/* Binds a label to the current position and patches every branch already aimed at it. */
void mips_bind_label(struct mips_buf *b, mips_label l);
/*
 * Called right after `branch-to-unbound-label; nop`: moves the instruction before the branch into
 * the delay slot and drops the nop, when that instruction is a plain ALU operation (no memory, no
 * trap), writes no register the branch reads, is not itself a delay slot, and no label points at it
 * or at the branch. Returns whether it did.
 */
bool mips_fill_last_delay_slot(struct mips_buf *b);
/* True once every used label is bound (a translator that forgets one is an internal bug). */
bool mips_labels_resolved(const struct mips_buf *b);

/* The four formats. */
void emit_r(struct mips_buf *b, uint32_t op, int rs, int rt, int rd, int sa, int fn);
void emit_i(struct mips_buf *b, uint32_t op, int rs, int rt, uint16_t imm);
void emit_sa(struct mips_buf *b, int rt, int rd, int sa, int fn);
void emit_j(struct mips_buf *b, uint32_t op, uint64_t target);

/* Word encoders used for patching code already in the code cache. */
uint32_t mips_encode_j(uint64_t pc, uint64_t target);
bool mips_j_reachable(uint64_t pc, uint64_t target);

/* Arithmetic and logic. 32-bit ops (addu, subu, sll...) sign-extend their result to 64 bits. */
void mips_addu(struct mips_buf *b, int rd, int rs, int rt);    /* rd = sext32(rs + rt) */
void mips_daddu(struct mips_buf *b, int rd, int rs, int rt);   /* rd = rs + rt */
void mips_subu(struct mips_buf *b, int rd, int rs, int rt);    /* rd = sext32(rs - rt) */
void mips_dsubu(struct mips_buf *b, int rd, int rs, int rt);   /* rd = rs - rt */
void mips_addiu(struct mips_buf *b, int rt, int rs, int16_t imm);   /* rt = sext32(rs + imm) */
void mips_daddiu(struct mips_buf *b, int rt, int rs, int16_t imm);  /* rt = rs + imm */
void mips_and(struct mips_buf *b, int rd, int rs, int rt);
void mips_or(struct mips_buf *b, int rd, int rs, int rt);
void mips_xor(struct mips_buf *b, int rd, int rs, int rt);
void mips_nor(struct mips_buf *b, int rd, int rs, int rt);
void mips_andi(struct mips_buf *b, int rt, int rs, uint16_t imm);    /* zero-extended imm */
void mips_ori(struct mips_buf *b, int rt, int rs, uint16_t imm);
void mips_xori(struct mips_buf *b, int rt, int rs, uint16_t imm);
void mips_lui(struct mips_buf *b, int rt, uint16_t imm);             /* rt = sext32(imm << 16) */
void mips_slt(struct mips_buf *b, int rd, int rs, int rt);
void mips_sltu(struct mips_buf *b, int rd, int rs, int rt);
void mips_slti(struct mips_buf *b, int rt, int rs, int16_t imm);
void mips_sltiu(struct mips_buf *b, int rt, int rs, int16_t imm);    /* imm sign-extended, compare unsigned */
void mips_movz(struct mips_buf *b, int rd, int rs, int rt);          /* if rt == 0: rd = rs */
void mips_movn(struct mips_buf *b, int rd, int rs, int rt);          /* if rt != 0: rd = rs */
void mips_move(struct mips_buf *b, int rd, int rs);                  /* daddu rd, rs, zero */
void mips_nop(struct mips_buf *b);

/* Shifts. */
void mips_sll(struct mips_buf *b, int rd, int rt, int sa);
void mips_srl(struct mips_buf *b, int rd, int rt, int sa);
void mips_sra(struct mips_buf *b, int rd, int rt, int sa);
void mips_rotr(struct mips_buf *b, int rd, int rt, int sa);   /* 32-bit rotate right (Release 2) */
void mips_rotrv(struct mips_buf *b, int rd, int rt, int rs);
void mips_sllv(struct mips_buf *b, int rd, int rt, int rs);
void mips_srlv(struct mips_buf *b, int rd, int rt, int rs);
void mips_srav(struct mips_buf *b, int rd, int rt, int rs);
void mips_dsll(struct mips_buf *b, int rd, int rt, int sa);    /* sa 0..63, picks dsll/dsll32 */
void mips_dsrl(struct mips_buf *b, int rd, int rt, int sa);
void mips_dsra(struct mips_buf *b, int rd, int rt, int sa);
void mips_dsllv(struct mips_buf *b, int rd, int rt, int rs);
void mips_dsrlv(struct mips_buf *b, int rd, int rt, int rs);
void mips_dsrav(struct mips_buf *b, int rd, int rt, int rs);

/* Bit fields (Release 2). pos/size as in the manual's assembler syntax. */
/*
 * EXT and INS are 32-bit operations: rs (and rt for INS) must hold sign-extended 32-bit values, or
 * the result is UNPREDICTABLE, and the result is sign-extended from bit 31, so ext(rt, rs, 0, 32) is
 * a sign extension, not a zero extension: use mips_dext(rt, rs, 0, 32) for that (MIPS64 manual, EXT).
 */
void mips_ext(struct mips_buf *b, int rt, int rs, int pos, int size);   /* rt = sext32(zext(rs[pos+size-1:pos])) */
void mips_ins(struct mips_buf *b, int rt, int rs, int pos, int size);   /* rt[pos+size-1:pos] = rs, sext32 */
void mips_dext(struct mips_buf *b, int rt, int rs, int pos, int size);  /* 64-bit, picks dext/dextm/dextu */
void mips_dins(struct mips_buf *b, int rt, int rs, int pos, int size);
void mips_seb(struct mips_buf *b, int rd, int rt);
void mips_seh(struct mips_buf *b, int rd, int rt);
void mips_wsbh(struct mips_buf *b, int rd, int rt);
void mips_clz(struct mips_buf *b, int rd, int rs);
void mips_dclz(struct mips_buf *b, int rd, int rs);

/* Multiply and divide (HI/LO). */
void mips_mul(struct mips_buf *b, int rd, int rs, int rt);   /* rd = sext32(rs * rt), clobbers HI/LO */
void mips_mult(struct mips_buf *b, int rs, int rt);
void mips_multu(struct mips_buf *b, int rs, int rt);
void mips_dmult(struct mips_buf *b, int rs, int rt);
void mips_dmultu(struct mips_buf *b, int rs, int rt);
void mips_div(struct mips_buf *b, int rs, int rt);
void mips_divu(struct mips_buf *b, int rs, int rt);
void mips_ddiv(struct mips_buf *b, int rs, int rt);
void mips_ddivu(struct mips_buf *b, int rs, int rt);
void mips_mfhi(struct mips_buf *b, int rd);
void mips_mflo(struct mips_buf *b, int rd);

/* Loads and stores: base register + signed 16-bit offset. */
void mips_lb(struct mips_buf *b, int rt, int base, int16_t off);
void mips_lbu(struct mips_buf *b, int rt, int base, int16_t off);
void mips_lh(struct mips_buf *b, int rt, int base, int16_t off);
void mips_lhu(struct mips_buf *b, int rt, int base, int16_t off);
void mips_lw(struct mips_buf *b, int rt, int base, int16_t off);
void mips_lwu(struct mips_buf *b, int rt, int base, int16_t off);
void mips_ld(struct mips_buf *b, int rt, int base, int16_t off);
void mips_sb(struct mips_buf *b, int rt, int base, int16_t off);
void mips_sh(struct mips_buf *b, int rt, int base, int16_t off);
void mips_sw(struct mips_buf *b, int rt, int base, int16_t off);
void mips_sd(struct mips_buf *b, int rt, int base, int16_t off);
/* Unaligned halves (little-endian: lwr at the low address, lwl at low + 3; likewise ldr/ldl +7). */
void mips_lwl(struct mips_buf *b, int rt, int base, int16_t off);
void mips_lwr(struct mips_buf *b, int rt, int base, int16_t off);
void mips_ldl(struct mips_buf *b, int rt, int base, int16_t off);
void mips_ldr(struct mips_buf *b, int rt, int base, int16_t off);
void mips_swl(struct mips_buf *b, int rt, int base, int16_t off);
void mips_swr(struct mips_buf *b, int rt, int base, int16_t off);
void mips_sdl(struct mips_buf *b, int rt, int base, int16_t off);
void mips_sdr(struct mips_buf *b, int rt, int base, int16_t off);
void mips_ll(struct mips_buf *b, int rt, int base, int16_t off);
void mips_sc(struct mips_buf *b, int rt, int base, int16_t off);
void mips_lld(struct mips_buf *b, int rt, int base, int16_t off);
void mips_scd(struct mips_buf *b, int rt, int base, int16_t off);
void mips_sync(struct mips_buf *b);

/* Control transfer. Each emits the branch only: the next word emitted is its delay slot. */
void mips_beq(struct mips_buf *b, int rs, int rt, mips_label l);
void mips_bne(struct mips_buf *b, int rs, int rt, mips_label l);
void mips_beqz(struct mips_buf *b, int rs, mips_label l);
void mips_bnez(struct mips_buf *b, int rs, mips_label l);
void mips_bltz(struct mips_buf *b, int rs, mips_label l);
void mips_bgez(struct mips_buf *b, int rs, mips_label l);
void mips_blez(struct mips_buf *b, int rs, mips_label l);
void mips_bgtz(struct mips_buf *b, int rs, mips_label l);
void mips_b(struct mips_buf *b, mips_label l);                 /* beq zero, zero */
/* Branch likely (MIPS64r2, removed in r6): the delay slot runs only when the branch is taken, so
 * it can hold the first instruction of the taken path instead of a nop. */
void mips_bnel(struct mips_buf *b, int rs, int rt, mips_label l);
void mips_jr(struct mips_buf *b, int rs);
void mips_jalr(struct mips_buf *b, int rs);                    /* ra = return address */
void mips_j(struct mips_buf *b, uint64_t target);             /* same 256 MiB region only */
void mips_teq(struct mips_buf *b, int rs, int rt);

/*
 * The FPU (COP1), MIPS64 manual tables A-13..A-16. Under n64 the FPU runs with FR=1: 32 64-bit
 * registers, any of them holding a single or a double. fd/fs/ft are FPR numbers 0..31, cc a
 * condition-code number 0..7. c.cond.fmt sets FCSR condition bit cc (bit 23 for cc 0, 24 + cc
 * otherwise) and raises Invalid for NaN operands only on the signalling conditions (cond >= 8).
 */
enum mips_fmt { FMT_S = 020, FMT_D = 021, FMT_W = 024, FMT_L = 025 };
enum mips_cop1_rs { COP1_MF = 000, COP1_DMF = 001, COP1_CF = 002, COP1_MT = 004, COP1_DMT = 005,
                    COP1_CT = 006, COP1_BC = 010 };
enum mips_fpu_fn {
    FPU_ADD = 000, FPU_SUB = 001, FPU_MUL = 002, FPU_DIV = 003, FPU_SQRT = 004, FPU_ABS = 005,
    FPU_MOV = 006, FPU_NEG = 007, FPU_TRUNC_L = 011, FPU_TRUNC_W = 015,
    FPU_CVT_S = 040, FPU_CVT_D = 041, FPU_CVT_W = 044, FPU_CVT_L = 045, FPU_C = 060,
};
/* c.cond.fmt conditions (the low 4 bits of the function field). */
enum mips_fcond {
    FCOND_F, FCOND_UN, FCOND_EQ, FCOND_UEQ, FCOND_OLT, FCOND_ULT, FCOND_OLE, FCOND_ULE,
    FCOND_SF, FCOND_NGLE, FCOND_SEQ, FCOND_NGL, FCOND_LT, FCOND_NGE, FCOND_LE, FCOND_NGT,
};
/* FCSR (control register 31) fields. */
enum { FCSR_RM = 3, FCSR_FLAGS_SHIFT = 2, FCSR_CAUSE_SHIFT = 12, FCSR_FS = 1 << 24 };

/* fd = fs op ft in format fmt (add, sub, mul, div); fd = op(fs) for the unary ones. */
void mips_fop3(struct mips_buf *b, int fmt, int fn, int fd, int fs, int ft);
void mips_fop2(struct mips_buf *b, int fmt, int fn, int fd, int fs);
void mips_add_d(struct mips_buf *b, int fd, int fs, int ft);
void mips_sub_d(struct mips_buf *b, int fd, int fs, int ft);
void mips_mul_d(struct mips_buf *b, int fd, int fs, int ft);
void mips_div_d(struct mips_buf *b, int fd, int fs, int ft);
void mips_sqrt_d(struct mips_buf *b, int fd, int fs);
void mips_mov_d(struct mips_buf *b, int fd, int fs);
void mips_add_s(struct mips_buf *b, int fd, int fs, int ft);
void mips_sub_s(struct mips_buf *b, int fd, int fs, int ft);
void mips_mul_s(struct mips_buf *b, int fd, int fs, int ft);
void mips_div_s(struct mips_buf *b, int fd, int fs, int ft);
void mips_sqrt_s(struct mips_buf *b, int fd, int fs);
void mips_mov_s(struct mips_buf *b, int fd, int fs);
/* Conversions: cvt.<to>.<from> and trunc.<to>.<from>, e.g. mips_cvt(b, FMT_D, FMT_W, fd, fs) is
 * cvt.d.w. */
void mips_cvt(struct mips_buf *b, int to, int from, int fd, int fs);
void mips_trunc(struct mips_buf *b, int to, int from, int fd, int fs);
void mips_c_cond(struct mips_buf *b, int fmt, int cond, int cc, int fs, int ft);
/* Moves between GPRs and FPRs or FPU control registers: mfc1/mtc1 move the low 32 bits (mfc1
 * sign-extends), dmfc1/dmtc1 all 64. */
void mips_mfc1(struct mips_buf *b, int rt, int fs);
void mips_dmfc1(struct mips_buf *b, int rt, int fs);
void mips_mtc1(struct mips_buf *b, int rt, int fs);
void mips_dmtc1(struct mips_buf *b, int rt, int fs);
void mips_cfc1(struct mips_buf *b, int rt, int fcr);
void mips_ctc1(struct mips_buf *b, int rt, int fcr);
void mips_lwc1(struct mips_buf *b, int ft, int base, int16_t off);
void mips_ldc1(struct mips_buf *b, int ft, int base, int16_t off);
void mips_swc1(struct mips_buf *b, int ft, int base, int16_t off);
void mips_sdc1(struct mips_buf *b, int ft, int base, int16_t off);
/* Branch on FP condition cc true/false (delay slot as for every branch). */
void mips_bc1t(struct mips_buf *b, int cc, mips_label l);
void mips_bc1f(struct mips_buf *b, int cc, mips_label l);
/* movt/movf rd, rs, cc: rd = rs if FP condition cc is true/false (MOVCI, MIPS IV and later). */
void mips_movt(struct mips_buf *b, int rd, int rs, int cc);
void mips_movf(struct mips_buf *b, int rd, int rs, int cc);

/* Synthesised sequences. */
/*
 * rt = a 64-bit constant, in few instructions: 1 for 16-bit values (signed or unsigned), 2 for other
 * sign-extended 32-bit values, 3 for zero-extended ones (0x80000000..0xffffffff), at most 6 otherwise.
 */
void mips_li(struct mips_buf *b, int rt, int64_t value);
/* rt = sext32(value): always what a 32-bit guest value looks like in a host register. */
void mips_li32(struct mips_buf *b, int rt, uint32_t value);

#endif
