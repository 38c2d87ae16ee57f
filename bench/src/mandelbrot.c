/* mandelbrot: x87 floating point — escape-time iteration over an NxN grid of the Mandelbrot set, packed into a bitmap and checksummed. */
#include "bench.h"

int main(int argc, char **argv)
{
    long n = bench_size(argc, argv, 48, 3000);
    uint32_t sum = 0;
    long inside = 0;
    for (long y = 0; y < n; y++) {
        double ci = 2.0 * y / n - 1.0;
        unsigned bits = 0;
        for (long x = 0; x < n; x++) {
            double cr = 2.0 * x / n - 1.5, zr = 0, zi = 0, tr = 0, ti = 0;
            int i = 0;
            while (i < 50 && tr + ti <= 4.0) { zi = 2.0 * zr * zi + ci; zr = tr - ti + cr; tr = zr * zr; ti = zi * zi; i++; }
            bits = bits << 1 | (i == 50);
            inside += i == 50;
            if ((x & 7) == 7) { sum = mix32(sum, bits); bits = 0; }
        }
        sum = mix32(sum, bits);
    }
    printf("mandelbrot n=%ld inside=%ld checksum=%08x\n", n, inside, sum);
    return 0;
}
