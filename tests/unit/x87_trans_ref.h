/* The binary128 reference for the x87 transcendentals (x87_trans_ref.c), used by test_x87_native. */
#ifndef XQM_TESTS_UNIT_X87_TRANS_REF_H
#define XQM_TESTS_UNIT_X87_TRANS_REF_H

#include <stdbool.h>
#include <stdint.h>

/* Up to two results: the stack register (after the instruction) and its exact value, val * 2^scale. */
struct trans_ref {
    int reg[2];
    __float128 val[2];
    int scale[2];
};

/*
 * The exact results of the transcendental d9 <modrm> on the fsave register image st_in (ST(0)
 * first, 10 bytes each): returns how many, 0 when the operands are outside what the reference
 * covers (special values, out-of-domain or out-of-range operands).
 */
int x87_trans_reference(uint8_t modrm, const uint8_t *st_in, struct trans_ref *ref);

/*
 * Whether the CPU's result cpu_reg and xqm's xqm_reg (80-bit images) of exact * 2^scale under
 * rounding control rc differ only because the CPU is not correctly rounded: adjacent values with
 * the exact value within a small fraction of an ulp of the rounding point, xqm's the correctly
 * rounded one; or equal values with the exact value that close to them (C1 differs).
 */
bool x87_trans_explain(const uint8_t *cpu_reg, const uint8_t *xqm_reg, __float128 exact, int scale, int rc);

#endif
