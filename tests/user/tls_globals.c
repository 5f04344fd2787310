/* Program data: initialised and zeroed globals (.data, .bss), const tables (.rodata), static locals,
 * and thread-local variables (__thread), which i386 glibc reaches through %gs after set_thread_area:
 * initialised TLS, zeroed TLS (.tbss), TLS arrays and the address of a TLS variable. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

int global_init = 0x12345678;
int global_zero;
static char big_bss[100000];
static const uint16_t table[] = { 1, 1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144, 233, 377, 610, 987 };
const char *const greeting = "static string";

__thread int tls_init = 42;
__thread int tls_zero;
__thread char tls_buf[64] = "thread-local buffer";
static __thread long long tls_counter = 1000000000000LL;

static int next_id(void)
{
    static int id = 100;
    return id++;
}

static __attribute__((noinline)) void bump(int *p, int by)
{
    *p += by;
}

int main(void)
{
    printf("global_init=%x global_zero=%d\n", global_init, global_zero);
    int nonzero = 0;
    for (size_t i = 0; i < sizeof big_bss; i++)
        nonzero += big_bss[i] != 0;
    printf("bss nonzero bytes=%d\n", nonzero);
    memset(big_bss, 7, sizeof big_bss);
    unsigned s = 0;
    for (size_t i = 0; i < sizeof big_bss; i += 1000)
        s += (unsigned)big_bss[i];
    printf("bss after memset sum=%u\n", s);
    unsigned t = 0;
    for (int i = 0; i < 16; i++)
        t = t * 3 + table[i];
    printf("rodata table hash=%u greeting=%s\n", t, greeting);
    int id1 = next_id(), id2 = next_id(), id3 = next_id();
    printf("static local ids: %d %d %d\n", id1, id2, id3);

    printf("tls_init=%d tls_zero=%d tls_buf=%s tls_counter=%lld\n", tls_init, tls_zero, tls_buf, tls_counter);
    for (int i = 0; i < 1000; i++) {
        tls_init += i;
        tls_zero ^= i;
        tls_counter += tls_init;
    }
    bump(&tls_init, 5);         /* through a pointer: the TLS address must be a normal address */
    int *p = &tls_zero;
    *p += 1;
    strcat(tls_buf, " + more");
    printf("tls_init=%d tls_zero=%d tls_buf=%s tls_counter=%lld\n", tls_init, tls_zero, tls_buf, tls_counter);
    printf("tls address aligned: %d\n", ((uintptr_t)&tls_counter & 7) == 0);
    return 0;
}
