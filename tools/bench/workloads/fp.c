/* fp: double-precision kernels, a Mandelbrot grid of argv[1] x argv[1] points and an n-body
 * step loop. bench.mk builds it twice: fp-x87 (-mfpmath=387) and fp-sse2 (-msse2 -mfpmath=sse).
 * Printed with a few decimals, so outputs compare exactly across runs of the same binary. */
#include <math.h>
#include "common.h"

int main(int argc, char **argv)
{
    int n = (int)bench_size(argc, argv, 96);
    unsigned inside = 0, iters = 0;
    for (int y = 0; y < n; y++) {
        for (int x = 0; x < n; x++) {
            double cr = -2.0 + 2.5 * x / n, ci = -1.25 + 2.5 * y / n, zr = 0, zi = 0;
            int k = 0;
            while (k < 200 && zr * zr + zi * zi < 4.0) {
                double t = zr * zr - zi * zi + cr;
                zi = 2 * zr * zi + ci;
                zr = t;
                k++;
            }
            iters += (unsigned)k;
            inside += k == 200;
        }
    }
    double px[5] = { 0, 1, -1, 0.5, -0.5 }, py[5] = { 0, 0.3, -0.2, 1, -1 };
    double vx[5] = { 0 }, vy[5] = { 0 }, m[5] = { 10, 1, 1, 0.5, 0.5 };
    for (int step = 0; step < 20 * n; step++) {
        for (int i = 0; i < 5; i++) {
            for (int j = 0; j < 5; j++) {
                if (i == j) continue;
                double dx = px[j] - px[i], dy = py[j] - py[i];
                double d2 = dx * dx + dy * dy + 0.01, inv = m[j] / (d2 * sqrt(d2));
                vx[i] += dx * inv * 1e-4;
                vy[i] += dy * inv * 1e-4;
            }
        }
        for (int i = 0; i < 5; i++) {
            px[i] += vx[i] * 1e-2;
            py[i] += vy[i] * 1e-2;
        }
    }
    printf("mandelbrot inside %u iters %u nbody %.6f %.6f\n", inside, iters, px[1], py[1]);
    return 0;
}
