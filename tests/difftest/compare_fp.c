/*
 * The FPU/SSE part of the comparison (--fp): the fxsave image each harness line ends with
 * (harness.c), what of it is compared, and its decoded report.
 *
 * Everything is compared byte for byte (FCW, FSW, the abridged tag word, FOP/FIP/FCS/FDP/FDS,
 * MXCSR, all 80 bits of every register and the reserved bytes after them, XMM0-7, and the bytes
 * 288-511 that fxsave must leave alone outside 64-bit mode), except:
 *   - MXCSR_MASK bit 17: the reference CPU (AMD) reports its misaligned-SSE mode bit MM there
 *     (CPUID 8000_0001h ECX[7] MisAlignSse); xqm reports an Intel Pentium 4 class CPU without that
 *     mode, whose MXCSR_MASK is 0xffff (SDM vol. 1, 11.6.6: 0xffff with DAZ support). The other
 *     bits must agree.
 *   - for a sequence that faulted, the image comes from the signal frame; bytes 288-511 there are
 *     the kernel's, not fxsave's (a 64-bit kernel with XSAVE puts XMM8-15 and the xstate software
 *     bytes there, FP_XSTATE_MAGIC1 at 464; xqm's frame is that of a CPU without XSAVE), so they
 *     are not compared.
 */
#include <stdlib.h>
#include <string.h>
#include "tests/difftest/compare_fp.h"
#include "tests/difftest/dtfpstate.h"

bool dt_fx_split(char *mem, uint8_t fx[FX_SIZE], bool *from_frame)
{
    char *p = strstr(mem, " FX:");
    *from_frame = false;
    if (!p) {
        p = strstr(mem, " FXF:");
        if (!p)
            return false;
        *from_frame = true;
    }
    char *hex = strchr(p, ':') + 1;
    *p = 0;
    for (int i = 0; i < FX_SIZE; i++) {
        char b[3] = {hex[0], hex[0] ? hex[1] : 0, 0};
        fx[i] = (uint8_t)strtoul(b, NULL, 16);
        if (hex[0] && hex[1])
            hex += 2;
    }
    return true;
}

/* The bits of byte i that are compared. */
static uint8_t compared_bits(int i, bool from_frame)
{
    if (i == FX_MXCSR_MASK + 2)
        return (uint8_t)~0x02;      /* bit 17: AMD's MM, see above */
    if (from_frame && i >= FX_END)
        return 0;
    return 0xff;
}

bool dt_fx_equal(const uint8_t *n, const uint8_t *x, bool from_frame)
{
    for (int i = 0; i < FX_SIZE; i++)
        if ((n[i] ^ x[i]) & compared_bits(i, from_frame))
            return false;
    return true;
}

static bool field_differs(const uint8_t *n, const uint8_t *x, int off, int len, bool from_frame)
{
    for (int i = off; i < off + len; i++)
        if ((n[i] ^ x[i]) & compared_bits(i, from_frame))
            return true;
    return false;
}

static void hex_field(FILE *o, const uint8_t *p, int off, int len)
{
    for (int i = len - 1; i >= 0; i--)
        fprintf(o, "%02x", p[off + i]);
}

/* One field: initial, native, xqm, in hex most significant byte first. */
static void field(FILE *o, const char *name, int off, int len, const uint8_t *in, const uint8_t *n,
                  const uint8_t *x, bool from_frame, bool always)
{
    bool d = field_differs(n, x, off, len, from_frame);
    if (!d && !always)
        return;
    fprintf(o, "    %-10s ", name);
    if (in)
        hex_field(o, in, off, len);
    else
        fprintf(o, "%*s", 2 * len, "-");
    fprintf(o, "  ");
    hex_field(o, n, off, len);
    fprintf(o, "  ");
    hex_field(o, x, off, len);
    fprintf(o, "%s\n", d ? "   <-- differs" : "");
}

void dt_fx_report(FILE *o, uint64_t state_seed, bool unmasked, const uint8_t *n, const uint8_t *x,
                  bool from_frame)
{
    static uint8_t in[FX_SIZE];
    dt_init_fpstate(state_seed, unmasked, in);
    fprintf(o, "  FPU/SSE state (fxsave image%s; ST(i) in stack order, 80 bits as se:significand)\n"
               "    field      initial / native / xqm\n", from_frame ? " from the signal frame" : "");
    static const struct { const char *name; int off, len; } f[] = {
        {"FCW", FX_FCW, 2}, {"FSW", FX_FSW, 2}, {"FTW(abr)", FX_FTW, 1}, {"FOP", FX_FOP, 2},
        {"FIP", FX_FIP, 4}, {"FCS", FX_FCS, 2}, {"FDP", FX_FDP, 4}, {"FDS", FX_FDS, 2},
        {"MXCSR", FX_MXCSR, 4}, {"MXCSR_MASK", FX_MXCSR_MASK, 4},
    };
    for (size_t i = 0; i < sizeof f / sizeof f[0]; i++)
        field(o, f[i].name, f[i].off, f[i].len, in, n, x, from_frame, true);
    char name[16];
    for (int i = 0; i < 8; i++) {
        snprintf(name, sizeof name, "ST(%d)", i);
        field(o, name, FX_ST + 16 * i, 10, in, n, x, from_frame, true);
        snprintf(name, sizeof name, "ST(%d)rsvd", i);
        field(o, name, FX_ST + 16 * i + 10, 6, NULL, n, x, from_frame, false);
    }
    for (int i = 0; i < 8; i++) {
        snprintf(name, sizeof name, "XMM%d", i);
        field(o, name, FX_XMM + 16 * i, 16, in, n, x, from_frame, true);
    }
    for (int off = FX_END; off < FX_SIZE; off += 16) {
        snprintf(name, sizeof name, "byte %d", off);
        field(o, name, off, 16, NULL, n, x, from_frame, false);
    }
}
