/*
 * cpuid_probe: prints every CPUID leaf the CPU reports (basic leaves 0..max, extended leaves
 * 0x80000000..max, subleaf 0 each, at most 32 of either kind), one "leaf eax ebx ecx edx" line
 * each in hex. The bench harness runs it under xqm-user to learn the CPU xqm reports, derives a
 * matching qemu-i386 -cpu model, and runs it again under that model to check that both report the
 * same CPUID: glibc picks its string and memcpy variants from CPUID, so a different CPUID would
 * mean a different guest instruction stream.
 */
#include <stdio.h>

static void cpuid(unsigned leaf, unsigned r[4])
{
    __asm__ volatile("cpuid" : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3]) : "a"(leaf), "c"(0));
}

static void print_range(unsigned first)
{
    unsigned r[4];
    cpuid(first, r);
    unsigned last = r[0] - first < 32 ? r[0] : first + 31;
    if (r[0] < first) {
        last = first;
    }
    for (unsigned leaf = first; leaf <= last; leaf++) {
        cpuid(leaf, r);
        printf("%08x %08x %08x %08x %08x\n", leaf, r[0], r[1], r[2], r[3]);
    }
}

int main(void)
{
    print_range(0);
    print_range(0x80000000u);
    return 0;
}
