/* Interrupts arriving at a high rate in the middle of arbitrary code (loads, stores, flags,
 * calls, string instructions, page-crossing accesses): the interrupted state must come back
 * intact, so a computation gives the same result with and without interrupts. */
#include "lib/test.h"

static volatile uint32_t ticks, bad_frames;
static uint8_t data[8192];

static void on_timer(struct trap_frame *f)
{
    ticks++;
    /* EFLAGS as pushed: bit 1 set, IF set, VM and reserved bits clear. */
    if ((f->eflags & 0xffc08002) != 0x2 || !(f->eflags & 0x200) || f->cs != SEL_KCODE)
        bad_frames++;
    pic_eoi(0);
}

static uint32_t __attribute__((noinline)) mix(uint32_t h, uint32_t v)
{
    h ^= v;
    h *= 0x01000193;
    return h + (h >> 7);
}

static uint32_t compute(void)
{
    uint32_t h = 0x811c9dc5;
    for (int round = 0; round < 400; round++) {
        for (int i = 0; i < 8192 - 4; i += 3) {
            uint32_t w;
            __builtin_memcpy(&w, data + i, 4);
            h = mix(h, w);
            if (h & 1)
                data[i] ^= (uint8_t)h;
            else
                data[i + 1] += (uint8_t)(h >> 8);
        }
        uint8_t tmp[64];
        const void *src = data + (round & 1023);
        void *dst = tmp;
        uint32_t n = 64;
        __asm__ volatile("cld; rep movsb" : "+S"(src), "+D"(dst), "+c"(n) : : "memory");
        h = mix(h, tmp[round & 63]);
        /* Adds and compares whose flags cross an interrupt boundary. */
        uint32_t a = h, b = round * 0x9e3779b9u, c;
        __asm__ volatile("addl %2, %0\n\t"
                         "adcl $0, %0\n\t"
                         "setc %b1\n\t"
                         : "+r"(a), "=q"(c) : "r"(b));
        h = mix(h, a + (c & 1));
    }
    return h;
}

int test_main(uint32_t magic, uint32_t mbi)
{
    (void)magic, (void)mbi;
    setup_gdt();
    setup_idt();
    paging_identity(12, PTE_P | PTE_W);
    pic_init();
    trap_handlers[0x20] = on_timer;
    for (int i = 0; i < 8192; i++)
        data[i] = (uint8_t)(i * 7 + 3);
    uint32_t quiet = compute();
    for (int i = 0; i < 8192; i++)
        data[i] = (uint8_t)(i * 7 + 3);
    pit_periodic(20000);
    pic_unmask(0);
    sti();
    uint32_t noisy = compute();
    cli();
    check(ticks > 10, "interrupts arrived during the computation (%u)", ticks);
    check(bad_frames == 0, "every interrupt frame had sane EFLAGS and CS (%u bad)", bad_frames);
    check(noisy == quiet, "the result is the same with interrupts (0x%x, 0x%x)", noisy, quiet);
    return test_verdict();
}
