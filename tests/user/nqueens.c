/* Backtracking search: N-queens solution counts for N = 1..10 with bitmasks (and, or, shifts,
 * negation for the lowest set bit), and a Sudoku solver on a fixed puzzle. */
#include <stdint.h>
#include <stdio.h>

static unsigned solve(unsigned n, uint32_t cols, uint32_t d1, uint32_t d2)
{
    uint32_t all = (1u << n) - 1;
    if (cols == all)
        return 1;
    unsigned count = 0;
    uint32_t avail = all & ~(cols | d1 | d2);
    while (avail) {
        uint32_t bit = avail & (0u - avail);
        avail ^= bit;
        count += solve(n, cols | bit, (d1 | bit) << 1, (d2 | bit) >> 1);
    }
    return count;
}

static int grid[81];
static unsigned long long sudoku_steps;

static int ok(int pos, int v)
{
    int r = pos / 9, c = pos % 9;
    for (int i = 0; i < 9; i++)
        if (grid[r * 9 + i] == v || grid[i * 9 + c] == v)
            return 0;
    int br = r / 3 * 3, bc = c / 3 * 3;
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++)
            if (grid[(br + i) * 9 + bc + j] == v)
                return 0;
    return 1;
}

static int sudoku(int pos)
{
    while (pos < 81 && grid[pos])
        pos++;
    if (pos == 81)
        return 1;
    for (int v = 1; v <= 9; v++) {
        sudoku_steps++;
        if (ok(pos, v)) {
            grid[pos] = v;
            if (sudoku(pos + 1))
                return 1;
            grid[pos] = 0;
        }
    }
    return 0;
}

int main(void)
{
    for (unsigned n = 1; n <= 10; n++)
        printf("queens(%u)=%u\n", n, solve(n, 0, 0, 0));

    const char *puzzle = "530070000600195000098000060800060003400803001700020006060000280000419005000080079";
    for (int i = 0; i < 81; i++)
        grid[i] = puzzle[i] - '0';
    int solved = sudoku(0);
    printf("sudoku solved=%d after %llu tries\n", solved, sudoku_steps);
    for (int r = 0; r < 9; r++) {
        for (int c = 0; c < 9; c++)
            putchar('0' + grid[r * 9 + c]);
        putchar('\n');
    }
    return 0;
}
