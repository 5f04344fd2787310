/*
 * Emitting guest memory accesses. One interface, one implementation per mode: ldst_user.c adds
 * guest_base to the zero-extended 32-bit guest address; a softmmu implementation (system mode)
 * emits the TLB fast path with a helper slow path. x86 translators call only these, so they never
 * know which mode they run in. Each binary links exactly one implementation.
 *
 * Accesses may be unaligned (x86 allows it); values are returned as the translator's register
 * convention wants them: 32-bit loads sign-extended, 8/16-bit loads zero- or sign-extended per mop.
 *
 * Every emitter takes the access site: the code buffer and the translation-time state of the TB
 * being translated. User mode needs only the buffer; system mode picks the TLB of the MMU mode the
 * TB's flags imply (the CPL is part of the TB key there).
 */
#ifndef XQM_HOST_MIPS_LDST_H
#define XQM_HOST_MIPS_LDST_H

#include "host/mips/mips.h"

enum mem_op {
    MO_8 = 0, MO_16 = 1, MO_32 = 2, MO_64 = 3, MO_SIZE = 3,
    MO_SIGN = 4,            /* sign-extend 8/16-bit loads */
    MO_ALIGNED = 8,         /* the translator knows the address is naturally aligned */
};

/*
 * dst = guest memory at guest address addr + off, where `addr` is a host register holding a 32-bit
 * guest value (any upper bits) and off a small displacement the caller folded out of the address
 * (|off| < 32760, so an unaligned pair's second half still fits a 16-bit offset). The sum is taken
 * without 32-bit wrap-around: user mode keeps unmapped guard space on both sides of the guest's
 * 4 GiB, so an access that would wrap faults instead. `scratch` is a temporary the implementation
 * may clobber (distinct from dst and addr). dst may equal addr.
 */
struct ldst_site {
    struct mips_buf *b;
    uint32_t tb_flags;          /* mode_tb_flags() of the TB being translated */
};

void emit_guest_load(const struct ldst_site *site, unsigned mop, int dst, int addr, int16_t off, int scratch);
void emit_guest_store(const struct ldst_site *site, unsigned mop, int src, int addr, int16_t off, int scratch);
/* User mode: host address of guest address 0, set by linux-user before anything is translated. */
extern uint64_t guest_base;
/* User mode: a TB flag (mode_tb_flags) that makes ldst_user.c zero-extend guest addresses; set
 * for every TB translated after the guest touched a mapped page at or above 2 GiB. */
enum { LDST_TB_FLAG_ADDR_ZEXT = 2 };

/* Whether a translator may merge adjacent guest accesses inside one 4 KiB page into one wider
 * access: true in user mode, where guest memory is plain host memory and page protections are the
 * only way an access faults; false in system mode, where an MMIO page sees every access. */
bool ldst_merged_access_ok(void);

/* Whether translated code finds env->jc in gp: the prologue puts it there when env->guest_base
 * is 0 (user mode with the guest at host address 0); system mode uses gp as scratch. */
bool ldst_jc_in_gp(void);

/* host = the host address of guest address `addr` (for sequences such as ll/sc that need it), which
 * the access may read and write (host and addr distinct). */
void emit_guest_host_addr(const struct ldst_site *site, int host, int addr);

/* User mode: the guest access a host instruction in translated code belongs to, for reporting
 * its fault (emit_guest_load/store split accesses in several instructions). insn points at the
 * faulting instruction (and the one after it), gregs at the host registers at the fault. The
 * access covers host addresses [ea - below, ...]; `below` is nonzero only for the first instruction
 * of a split access, which addresses the access's highest byte. is_store is exact only then. */
struct ldst_fault_access {
    uint64_t ea;            /* the instruction's effective address */
    unsigned below;         /* bytes of the access below ea */
    bool is_store;
};
struct ldst_fault_access ldst_user_fault_access(const uint32_t *insn, const uint64_t *gregs);

#endif
