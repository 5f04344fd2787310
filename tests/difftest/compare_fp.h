/* The differential tester's comparison of fxsave images (--fp): compare_fp.c. */
#ifndef DIFFTEST_COMPARE_FP_H
#define DIFFTEST_COMPARE_FP_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* Cuts the " FX:HEX" (or " FXF:HEX", from a signal frame) tail off a harness line's memory part
 * into fx[512]; false if there is none. */
bool dt_fx_split(char *mem, uint8_t fx[512], bool *from_frame);
/* The two images agree on every compared bit (compare_fp.c says which are not). */
bool dt_fx_equal(const uint8_t *native, const uint8_t *xqm, bool from_frame);
/* The fields of both images next to the initial one (recomputed from the sequence's state seed). */
void dt_fx_report(FILE *o, uint64_t state_seed, bool unmasked, const uint8_t *native,
                  const uint8_t *xqm, bool from_frame);

#endif
