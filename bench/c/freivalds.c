/*
 * Freivalds' check of a claimed matmul-i8 product, the algorithm of src/workloads/matmul-i8/freivalds.ts (and its
 * kernel freivalds.wat) in C: two random vectors r uniform on [0, 2^26) (the top 26 bits of uint32 words), y = B r
 * exactly and reduced modulo Q = 2^32 - 5, then A y and C r modulo Q, a row flagged when they differ for either
 * vector. Both vectors are evaluated in one pass over each matrix, as the TypeScript kernel does; C r folds its
 * int64 sums every 32 products, as the kernel's lanes do (x = h 2^32 + l -> 5 h + l, congruent modulo Q).
 *
 * usage: freivalds m k n A.bin B.bin C.bin runs      (C.bin: m*n int32, native byte order)
 * prints: {"ms": <median>, "wrongRows": [<rows flagged by the last run>]}
 */
#include "common.h"

static const int64_t Q = 4294967291; /* 2^32 - 5 */
enum { FOLD_PRODUCTS = 32 };

static uint64_t rng = 0x9E3779B97F4A7C15u;

static uint64_t splitmix64(void) {
  uint64_t z = (rng += 0x9E3779B97F4A7C15u);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
  return z ^ (z >> 31);
}

/* x mod Q as a symmetric residue, |result| < 2^31. */
static int32_t residue(int64_t x) {
  int64_t r = x % Q;
  if (r < 0) r += Q;
  if (r > (Q - 1) / 2) r -= Q;
  return (int32_t)r;
}

static int64_t fold(int64_t x) { return (x >> 32) * 5 + (x & 0xffffffff); }

static void random_vector(int32_t *r, int n) {
  for (int j = 0; j < n; j++) r[j] = (int32_t)((uint32_t)(splitmix64() >> 32) >> 6);
}

/* out1[i] = row_i . v1, out2[i] = row_i . v2 modulo Q, for int8 rows; exact in int64 (see freivalds.ts). */
static void dot_rows_i8(const int8_t *mat, int rows, int len, const int32_t *v1, const int32_t *v2, int32_t *out1,
                        int32_t *out2) {
  for (int i = 0; i < rows; i++) {
    const int8_t *row = mat + (size_t)i * len;
    int64_t s1 = 0, s2 = 0;
    for (int j = 0; j < len; j++) {
      s1 += (int64_t)row[j] * v1[j];
      s2 += (int64_t)row[j] * v2[j];
    }
    out1[i] = residue(s1);
    out2[i] = residue(s2);
  }
}

/* The same for int32 rows, each sum folded every 32 products (32 * 2^57 + 2^35 < 2^63), as the kernel's lanes are. */
static void dot_rows_i32(const int32_t *mat, int rows, int len, const int32_t *v1, const int32_t *v2, int32_t *out1,
                         int32_t *out2) {
  for (int i = 0; i < rows; i++) {
    const int32_t *row = mat + (size_t)i * len;
    int64_t s1 = 0, s2 = 0;
    for (int j0 = 0; j0 < len; j0 += FOLD_PRODUCTS) {
      int end = j0 + FOLD_PRODUCTS < len ? j0 + FOLD_PRODUCTS : len;
      int64_t t1 = 0, t2 = 0;
      for (int j = j0; j < end; j++) {
        t1 += (int64_t)row[j] * v1[j];
        t2 += (int64_t)row[j] * v2[j];
      }
      s1 = fold(s1 + t1);
      s2 = fold(s2 + t2);
    }
    out1[i] = residue(s1);
    out2[i] = residue(s2);
  }
}

static void flag_wrong_rows(const int8_t *a, const int8_t *b, const int32_t *c, int m, int k, int n,
                            const int32_t *r1, const int32_t *r2, int32_t *y1, int32_t *y2, int32_t *out,
                            uint8_t *wrong) {
  dot_rows_i8(b, k, n, r1, r2, y1, y2);
  int32_t *ay1 = out, *ay2 = out + m, *cr1 = out + 2 * m, *cr2 = out + 3 * m;
  dot_rows_i8(a, m, k, y1, y2, ay1, ay2);
  dot_rows_i32(c, m, n, r1, r2, cr1, cr2);
  for (int i = 0; i < m; i++)
    if (ay1[i] != cr1[i] || ay2[i] != cr2[i]) wrong[i] = 1;
}

int main(int argc, char **argv) {
  if (argc != 8) {
    fprintf(stderr, "usage: %s m k n A.bin B.bin C.bin runs\n", argv[0]);
    return 2;
  }
  int m = atoi(argv[1]), k = atoi(argv[2]), n = atoi(argv[3]), runs = atoi(argv[7]);
  const int8_t *a = read_file(argv[4], (size_t)m * k);
  const int8_t *b = read_file(argv[5], (size_t)k * n);
  const int32_t *c = read_file(argv[6], (size_t)m * n * sizeof(int32_t));
  int32_t *r1 = malloc(n * sizeof(int32_t)), *r2 = malloc(n * sizeof(int32_t));
  int32_t *y1 = malloc(k * sizeof(int32_t)), *y2 = malloc(k * sizeof(int32_t));
  int32_t *out = malloc(4 * (size_t)m * sizeof(int32_t));
  uint8_t *wrong = malloc(m);
  double *times = malloc(runs * sizeof(double));
  /* Run -1 is a warm-up (first touch of every page), as the TypeScript side warms V8 up. */
  for (int run = -1; run < runs; run++) {
    double start = now_ms();
    memset(wrong, 0, m);
    random_vector(r1, n);
    random_vector(r2, n);
    flag_wrong_rows(a, b, c, m, k, n, r1, r2, y1, y2, out, wrong);
    if (run >= 0) times[run] = now_ms() - start;
  }
  printf("{\"ms\": %.3f, \"wrongRows\": [", median(times, runs));
  const char *separator = "";
  for (int i = 0; i < m; i++)
    if (wrong[i]) {
      printf("%s%d", separator, i);
      separator = ", ";
    }
  printf("]}\n");
  return 0;
}
