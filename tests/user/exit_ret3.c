/* The exit status comes from main's return value: 3. */
#include <stdio.h>

int main(void)
{
    printf("returning 3 from main\n");
    return 3;
}
