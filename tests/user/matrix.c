/* Integer linear algebra: matrix multiplication in three loop orders (they must agree), a
 * transpose, an exact determinant by fraction-free Bareiss elimination in 64-bit integers, and
 * matrix powers modulo a prime (Fibonacci numbers through 2x2 matrices). */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define N 48

static int32_t A[N][N], B[N][N], C1[N][N], C2[N][N], C3[N][N];

static uint32_t hash(int32_t m[N][N])
{
    uint32_t h = 0;
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++)
            h = h * 16777619u ^ (uint32_t)m[i][j];
    return h;
}

static int64_t bareiss(int64_t m[][8], int n)
{
    int sign = 1;
    int64_t prev = 1;
    for (int k = 0; k < n - 1; k++) {
        if (m[k][k] == 0) {
            int s = k + 1;
            while (s < n && m[s][k] == 0)
                s++;
            if (s == n)
                return 0;
            for (int j = 0; j < n; j++) {
                int64_t t = m[k][j];
                m[k][j] = m[s][j];
                m[s][j] = t;
            }
            sign = -sign;
        }
        for (int i = k + 1; i < n; i++)
            for (int j = k + 1; j < n; j++)
                m[i][j] = (m[i][j] * m[k][k] - m[i][k] * m[k][j]) / prev;
        prev = m[k][k];
    }
    return sign * m[n - 1][n - 1];
}

static void matmul2(uint64_t r[2][2], uint64_t a[2][2], uint64_t b[2][2], uint64_t p)
{
    uint64_t t[2][2];
    for (int i = 0; i < 2; i++)
        for (int j = 0; j < 2; j++)
            t[i][j] = (a[i][0] * b[0][j] % p + a[i][1] * b[1][j] % p) % p;
    memcpy(r, t, sizeof t);
}

int main(void)
{
    uint32_t s = 99;
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++) {
            s = s * 1103515245u + 12345u;
            A[i][j] = (int32_t)(s >> 16) % 201 - 100;
            s = s * 1103515245u + 12345u;
            B[i][j] = (int32_t)(s >> 16) % 201 - 100;
        }
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++) {
            int32_t acc = 0;
            for (int k = 0; k < N; k++)
                acc += A[i][k] * B[k][j];
            C1[i][j] = acc;
        }
    for (int i = 0; i < N; i++)
        for (int k = 0; k < N; k++) {
            int32_t a = A[i][k];
            for (int j = 0; j < N; j++)
                C2[i][j] += a * B[k][j];
        }
    static int32_t BT[N][N];
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++)
            BT[j][i] = B[i][j];
    for (int j = 0; j < N; j++)
        for (int i = 0; i < N; i++) {
            int32_t acc = 0;
            for (int k = 0; k < N; k++)
                acc += A[i][k] * BT[j][k];
            C3[i][j] = acc;
        }
    printf("ijk %08x ikj %08x transposed %08x agree=%d\n", hash(C1), hash(C2), hash(C3),
           memcmp(C1, C2, sizeof C1) == 0 && memcmp(C1, C3, sizeof C1) == 0);
    printf("C[0][0]=%d C[47][47]=%d C[13][31]=%d\n", C1[0][0], C1[N - 1][N - 1], C1[13][31]);

    for (int n = 2; n <= 8; n++) {
        int64_t m[8][8];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
                m[i][j] = A[i][j] % 10;
        printf("det(%dx%d)=%lld\n", n, n, (long long)bareiss(m, n));
    }
    int64_t hilbertish[8][8];
    for (int i = 0; i < 5; i++)
        for (int j = 0; j < 5; j++)
            hilbertish[i][j] = (i + 1) * (j + 2) + (i == j ? 7 : 0) - (i > j ? 3 : 0);
    printf("det(structured 5x5)=%lld\n", (long long)bareiss(hilbertish, 5));

    const uint64_t p = 1000000007ULL;
    for (uint64_t n = 10; n <= 10000000000ULL; n *= 1000) {
        uint64_t r[2][2] = { { 1, 0 }, { 0, 1 } }, b[2][2] = { { 1, 1 }, { 1, 0 } };
        for (uint64_t e = n; e; e >>= 1) {
            if (e & 1)
                matmul2(r, r, b, p);
            matmul2(b, b, b, p);
        }
        printf("fib(%llu) mod p = %llu\n", (unsigned long long)n, (unsigned long long)r[0][1]);
    }
    return 0;
}
