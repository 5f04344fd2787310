/* Start-up and shutdown order: constructors with and without priorities run before main,
 * atexit handlers run in reverse order of registration, then destructors. Everything goes
 * through stdio, so exit must also flush the buffered output. */
#include <stdio.h>
#include <stdlib.h>

static int order[16];
static int norder;
static int initialised_data = 1234;
static int bss_data;

__attribute__((constructor(200))) static void ctor_late(void) { order[norder++] = 200; }
__attribute__((constructor(101))) static void ctor_early(void) { order[norder++] = 101; }
__attribute__((constructor)) static void ctor_default(void)
{
    order[norder++] = 65535;
    bss_data = initialised_data + 1;
}

__attribute__((destructor)) static void dtor_default(void) { printf("destructor (default)\n"); }
__attribute__((destructor(150))) static void dtor_150(void) { printf("destructor 150\n"); }

static void at1(void) { printf("atexit 1\n"); }
static void at2(void) { printf("atexit 2\n"); }
static void at3(void) { printf("atexit 3 (registered last, runs first)\n"); }

int main(void)
{
    printf("constructors ran:");
    for (int i = 0; i < norder; i++)
        printf(" %d", order[i]);
    printf("\nbss_data=%d\n", bss_data);
    atexit(at1);
    atexit(at2);
    atexit(at3);
    printf("main returns\n");
    return 0;
}
