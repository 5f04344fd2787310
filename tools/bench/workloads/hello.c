/* hello: start-up dominated; nearly all of the run is the emulator's and glibc's start-up. */
#include <stdio.h>

int main(void)
{
    puts("Hello, world!");
    return 0;
}
