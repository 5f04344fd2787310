/* Integer arithmetic on 8, 16 and 32-bit types with edge values: wrap-around of unsigned overflow,
 * signed and unsigned division and modulo with negative operands, shifts by every count, narrowing
 * and widening conversions. Operands come from volatile arrays so -O2 cannot fold the work away.
 * INT_MIN / -1 (a #DE on x86) and division by zero are skipped. */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>

static volatile int32_t v32[] = {
    0, 1, -1, 2, -2, 7, -7, 100, -100, 12345, -12345, 65535, 65536, -65536,
    INT_MAX, INT_MIN, INT_MAX - 1, INT_MIN + 1, 0x55555555, (int32_t)0xAAAAAAAA,
};
static volatile int16_t v16[] = { 0, 1, -1, 3, -3, 127, -128, 255, 256, SHRT_MAX, SHRT_MIN, -300, 0x5555 };
static volatile int8_t v8[] = { 0, 1, -1, 5, -5, 63, 64, -64, CHAR_MAX, SCHAR_MIN, 100, -100 };

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

static void test32(void)
{
    uint32_t sum = 0;
    for (int i = 0; i < N(v32); i++) {
        for (int j = 0; j < N(v32); j++) {
            int32_t a = v32[i], b = v32[j];
            uint32_t ua = (uint32_t)a, ub = (uint32_t)b;
            int32_t add = (int32_t)(ua + ub), sub = (int32_t)(ua - ub), mul = (int32_t)(ua * ub);
            printf("%d %d: + %d - %d * %d u* %u", a, b, add, sub, mul, ua * ub);
            if (b != 0 && !(a == INT_MIN && b == -1))
                printf(" / %d %% %d", a / b, a % b);
            if (ub != 0)
                printf(" u/ %u u%% %u", ua / ub, ua % ub);
            printf(" & %d | %d ^ %d < %d u< %d\n", a & b, a | b, a ^ b, a < b, ua < ub);
            sum = sum * 31 + (uint32_t)add + (uint32_t)sub * 3 + (uint32_t)mul * 7;
        }
    }
    printf("sum32=%08x\n", sum);
    for (int i = 0; i < N(v32); i++) {
        int32_t a = v32[i];
        uint32_t ua = (uint32_t)a;
        printf("neg %d=%d not=%d abs=%u\n", a, (int32_t)(0u - ua), ~a, a < 0 ? 0u - ua : ua);
    }
}

static void shifts(void)
{
    for (int i = 0; i < N(v32); i++) {
        uint32_t h = 0;
        for (volatile int c = 0; c < 32; c++) {
            int32_t a = v32[i];
            uint32_t ua = (uint32_t)a;
            uint32_t shl = ua << c, shr = ua >> c;
            int32_t sar = a >> c;
            h = (h ^ shl) * 0x01000193u;
            h = (h ^ shr) * 0x01000193u;
            h = (h ^ (uint32_t)sar) * 0x01000193u;
            if (c == 0 || c == 1 || c == 7 || c == 8 || c == 15 || c == 16 || c == 31)
                printf("%08x <<%d=%08x >>%d=%08x sar%d=%08x\n", ua, c, shl, c, shr, c, (uint32_t)sar);
        }
        printf("shift hash %08x: %08x\n", (uint32_t)v32[i], h);
    }
    for (int i = 0; i < N(v16); i++) {
        for (volatile int c = 0; c < 16; c += 3) {
            int16_t a = v16[i];
            uint16_t ua = (uint16_t)a;
            uint16_t shl = (uint16_t)(ua << c);
            uint16_t shr = (uint16_t)(ua >> c);
            int16_t sar = (int16_t)(a >> c);
            printf("16: %04x c=%d %04x %04x %04x\n", ua, c, shl, shr, (uint16_t)sar);
        }
    }
    for (int i = 0; i < N(v8); i++) {
        for (volatile int c = 0; c < 8; c += 2) {
            int8_t a = v8[i];
            uint8_t ua = (uint8_t)a;
            printf("8: %02x c=%d %02x %02x %02x\n", ua, c, (uint8_t)(ua << c), (uint8_t)(ua >> c),
                   (uint8_t)(a >> c));
        }
    }
}

static void test16(void)
{
    for (int i = 0; i < N(v16); i++) {
        for (int j = 0; j < N(v16); j++) {
            int16_t a = v16[i], b = v16[j];
            uint16_t ua = (uint16_t)a, ub = (uint16_t)b;
            int16_t add = (int16_t)(a + b), sub = (int16_t)(a - b), mul = (int16_t)(a * b);
            uint16_t umul = (uint16_t)(ua * ub);
            printf("16 %d %d: %d %d %d %u", a, b, add, sub, mul, umul);
            if (b != 0)
                printf(" / %d %% %d", (int16_t)(a / b), (int16_t)(a % b));
            if (ub != 0)
                printf(" u/ %u u%% %u", (uint16_t)(ua / ub), (uint16_t)(ua % ub));
            printf(" cmp %d %d\n", a < b, ua < ub);
        }
    }
}

static void test8(void)
{
    for (int i = 0; i < N(v8); i++) {
        for (int j = 0; j < N(v8); j++) {
            int8_t a = v8[i], b = v8[j];
            uint8_t ua = (uint8_t)a, ub = (uint8_t)b;
            int8_t add = (int8_t)(a + b), sub = (int8_t)(a - b), mul = (int8_t)(a * b);
            printf("8 %d %d: %d %d %d %u", a, b, add, sub, mul, (uint8_t)(ua * ub));
            if (b != 0)
                printf(" / %d %% %d", (int8_t)(a / b), (int8_t)(a % b));
            if (ub != 0)
                printf(" u/ %u u%% %u", (uint8_t)(ua / ub), (uint8_t)(ua % ub));
            printf(" cmp %d %d\n", a < b, ua < ub);
        }
    }
}

static void conversions(void)
{
    for (int i = 0; i < N(v32); i++) {
        int32_t a = v32[i];
        printf("conv %d: s8=%d u8=%u s16=%d u16=%u back=%d %d\n", a, (int8_t)a, (uint8_t)a,
               (int16_t)a, (uint16_t)a, (int32_t)(int8_t)a, (int32_t)(uint16_t)a);
    }
    /* Unsigned wrap-around in loops. */
    uint8_t c8 = 250;
    uint16_t c16 = 65530;
    uint32_t c32 = 4294967290u;
    for (volatile int k = 0; k < 10; k++) {
        c8++;
        c16 += 1;
        c32 += 1;
    }
    printf("wrap %u %u %u\n", c8, c16, c32);
    uint32_t u = 0;
    u--;
    printf("0u-1=%u max*max=%u\n", u, (uint32_t)UINT_MAX * (uint32_t)v32[14]);
}

int main(void)
{
    test32();
    shifts();
    test16();
    test8();
    conversions();
    return 0;
}
