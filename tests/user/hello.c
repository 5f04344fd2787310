/* The bundled default program (`make run`): the smallest useful check that a static i386 program
 * starts, reaches main through glibc's start-up, prints through stdio and exits with status 0. */
#include <stdio.h>

int main(void)
{
    printf("Hello, world!\n");
    return 0;
}
