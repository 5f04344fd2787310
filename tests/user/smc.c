/*
 * Self-modifying code: code written into an executable buffer, run, rewritten and run again (as a
 * JIT does); code that patches the very next instruction it is about to run (same translation
 * block); a loop that increments an immediate inside its own body; new code arriving through a
 * read() syscall into a buffer that held translated code; and an RW -> RX -> RW mprotect cycle.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

typedef int (*fn_t)(void);

static unsigned char *buf;

/* mov eax, imm32; ret */
static void emit_return(unsigned char *p, uint32_t value)
{
    p[0] = 0xb8;
    memcpy(p + 1, &value, 4);
    p[5] = 0xc3;
}

static void jit_rewrite(void)
{
    long sum = 0;
    for (uint32_t i = 0; i < 200; i++) {
        emit_return(buf, i * 3);
        sum += ((fn_t)buf)();
        sum += ((fn_t)buf)();           /* twice: the second call runs the cached translation */
    }
    printf("jit rewrite: sum %ld (expected %ld)\n", sum, 2L * 3 * 199 * 200 / 2);
}

/* mov byte [next+1], 42; next: mov eax, 1; ret */
static void patch_next(void)
{
    unsigned char *p = buf + 64;
    uint32_t target = (uint32_t)(uintptr_t)(p + 8);
    for (int round = 0; round < 3; round++) {
        p[0] = 0xc6;
        p[1] = 0x05;
        memcpy(p + 2, &target, 4);
        p[6] = (unsigned char)(42 + round);
        emit_return(p + 7, 1);
        int first = ((fn_t)p)();
        int second = ((fn_t)p)();
        printf("patch next: round %d: %d then %d\n", round, first, second);
    }
}

/* xor ecx, ecx; L: mov eax, imm; inc dword [L+1]; inc ecx; cmp ecx, 10; jne L; ret */
static void self_incrementing_loop(void)
{
    unsigned char *p = buf + 128;
    uint32_t imm_at = (uint32_t)(uintptr_t)(p + 3);
    unsigned char code[] = {
        0x31, 0xc9,                         /* xor ecx, ecx */
        0xb8, 100, 0, 0, 0,                 /* L: mov eax, 100 */
        0xff, 0x05, 0, 0, 0, 0,             /* inc dword [imm_at] */
        0x41,                               /* inc ecx */
        0x83, 0xf9, 0x0a,                   /* cmp ecx, 10 */
        0x75, (unsigned char)(2 - 19),      /* jne L */
        0xc3,                               /* ret */
    };
    memcpy(code + 9, &imm_at, 4);
    memcpy(p, code, sizeof code);
    int first = ((fn_t)p)();
    int second = ((fn_t)p)();
    printf("self-incrementing loop: %d then %d\n", first, second);
}

static void code_from_read(void)
{
    unsigned char *p = buf + 256;
    emit_return(p, 1);
    int before = ((fn_t)p)();
    int fds[2];
    if (pipe(fds) != 0)
        return;
    unsigned char fresh[6];
    emit_return(fresh, 99);
    if (write(fds[1], fresh, sizeof fresh) != (ssize_t)sizeof fresh)
        return;
    ssize_t n = read(fds[0], p, sizeof fresh);
    int after = ((fn_t)p)();
    printf("code from read: %d, read %zd, then %d\n", before, n, after);
    close(fds[0]);
    close(fds[1]);
}

static void mprotect_cycle(void)
{
    unsigned char *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    long sum = 0;
    for (uint32_t i = 1; i <= 20; i++) {
        mprotect(p, 4096, PROT_READ | PROT_WRITE);
        emit_return(p, i);
        mprotect(p, 4096, PROT_READ | PROT_EXEC);
        sum += ((fn_t)p)();
    }
    printf("mprotect cycle: sum %ld\n", sum);
    munmap(p, 4096);
}

int main(void)
{
    buf = mmap(NULL, 8192, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (buf == MAP_FAILED)
        return 1;
    jit_rewrite();
    patch_next();
    self_incrementing_loop();
    code_from_read();
    mprotect_cycle();
    return 0;
}
