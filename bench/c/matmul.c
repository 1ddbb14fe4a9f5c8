/*
 * The reference matmul-i8 in C, on one core, as the baseline for src/workloads/matmul-i8 (a WebAssembly SIMD kernel,
 * matmul.wat): B transposed, then column blocks of B^T that stay in L2 while the rows stream past, and 2x2 register
 * blocks. Compiled with -O3 -march=native, the compiler vectorizes the dot products.
 *
 * usage: matmul m k n A.bin B.bin runs
 * prints: {"ms": <median>, "checksum": <FNV-1a of C's int32 words>}
 */
#include "common.h"

static void transpose(const int8_t *b, int8_t *bt, int k, int n) {
  for (int p = 0; p < k; p++)
    for (int j = 0; j < n; j++) bt[(size_t)j * k + p] = b[(size_t)p * n + j];
}

static int32_t dot(const int8_t *x, const int8_t *y, int k) {
  int32_t sum = 0;
  for (int p = 0; p < k; p++) sum += x[p] * y[p];
  return sum;
}

static void multiply(const int8_t *a, const int8_t *b, int8_t *bt, int32_t *c, int m, int k, int n) {
  transpose(b, bt, k, n);
  int block = (1 << 17) / k;
  if (block > n) block = n;
  block &= ~1;
  if (block < 2) block = 2;
  for (int j0 = 0; j0 < n; j0 += block) {
    int j1 = j0 + block < n ? j0 + block : n;
    int i = 0;
    for (; i + 1 < m; i += 2) {
      const int8_t *a0 = a + (size_t)i * k, *a1 = a0 + k;
      int j = j0;
      for (; j + 1 < j1; j += 2) {
        const int8_t *b0 = bt + (size_t)j * k, *b1 = b0 + k;
        int32_t s00 = 0, s01 = 0, s10 = 0, s11 = 0;
        for (int p = 0; p < k; p++) {
          int32_t x0 = a0[p], x1 = a1[p], y0 = b0[p], y1 = b1[p];
          s00 += x0 * y0;
          s01 += x0 * y1;
          s10 += x1 * y0;
          s11 += x1 * y1;
        }
        c[(size_t)i * n + j] = s00;
        c[(size_t)i * n + j + 1] = s01;
        c[(size_t)(i + 1) * n + j] = s10;
        c[(size_t)(i + 1) * n + j + 1] = s11;
      }
      if (j < j1) {
        c[(size_t)i * n + j] = dot(a0, bt + (size_t)j * k, k);
        c[(size_t)(i + 1) * n + j] = dot(a1, bt + (size_t)j * k, k);
      }
    }
    if (i < m)
      for (int j = j0; j < j1; j++) c[(size_t)i * n + j] = dot(a + (size_t)i * k, bt + (size_t)j * k, k);
  }
}

int main(int argc, char **argv) {
  if (argc != 7) {
    fprintf(stderr, "usage: %s m k n A.bin B.bin runs\n", argv[0]);
    return 2;
  }
  int m = atoi(argv[1]), k = atoi(argv[2]), n = atoi(argv[3]), runs = atoi(argv[6]);
  const int8_t *a = read_file(argv[4], (size_t)m * k);
  const int8_t *b = read_file(argv[5], (size_t)k * n);
  int8_t *bt = malloc((size_t)k * n);
  int32_t *c = malloc((size_t)m * n * sizeof(int32_t));
  double *times = malloc(runs * sizeof(double));
  /* Run -1 is a warm-up (first touch of every page), as the TypeScript side warms V8 up. */
  for (int run = -1; run < runs; run++) {
    double start = now_ms();
    multiply(a, b, bt, c, m, k, n);
    if (run >= 0) times[run] = now_ms() - start;
  }
  uint32_t hash = 2166136261u;
  for (size_t t = 0; t < (size_t)m * n; t++) hash = (hash ^ (uint32_t)c[t]) * 16777619u;
  printf("{\"ms\": %.3f, \"checksum\": %u}\n", median(times, runs), hash);
  return 0;
}
