/*
 * Freivalds' check of a claimed matmul-i8 product, the algorithm of src/workloads/matmul-i8/freivalds.ts in C: per
 * round a random r uniform on [0, P2) (26-bit words by rejection), y = B r reduced mod two primes below 2^26, A y,
 * and C r with each word split into 16-bit halves summed in blocks of 1024 (the same bounds, in int64 instead of
 * exact doubles), a row flagged when A (B r) != C r modulo either prime. Two rounds.
 *
 * usage: freivalds m k n A.bin B.bin C.bin runs      (C.bin: m*n int32, native byte order)
 * prints: {"ms": <median>, "wrongRows": [<rows flagged by the last run>]}
 */
#include "common.h"

static const int64_t PRIMES[2] = {67108859, 67108837};
enum { ROUNDS = 2, CLAIM_BLOCK = 1024 };

static uint64_t rng = 0x9E3779B97F4A7C15u;

static uint64_t splitmix64(void) {
  uint64_t z = (rng += 0x9E3779B97F4A7C15u);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
  return z ^ (z >> 31);
}

static int64_t mod(int64_t x, int64_t q) {
  int64_t r = x % q;
  return r < 0 ? r + q : r;
}

static void random_vector(int64_t *r, int n) {
  for (int j = 0; j < n;) {
    int64_t candidate = (int64_t)((uint32_t)(splitmix64() >> 32) >> 6);
    if (candidate < PRIMES[1]) r[j++] = candidate;
  }
}

static void flag_wrong_rows(const int8_t *a, const int8_t *b, const int32_t *c, int m, int k, int n, const int64_t *r,
                            int64_t *y1, int64_t *y2, uint8_t *wrong) {
  for (int p = 0; p < k; p++) {
    int64_t sum = 0;
    const int8_t *row = b + (size_t)p * n;
    for (int j = 0; j < n; j++) sum += row[j] * r[j];
    y1[p] = mod(sum, PRIMES[0]);
    y2[p] = mod(sum, PRIMES[1]);
  }
  for (int i = 0; i < m; i++) {
    const int8_t *row = a + (size_t)i * k;
    int64_t ay1 = 0, ay2 = 0;
    for (int p = 0; p < k; p++) {
      ay1 += row[p] * y1[p];
      ay2 += row[p] * y2[p];
    }
    const int32_t *claimed = c + (size_t)i * n;
    int64_t hi1 = 0, lo1 = 0, hi2 = 0, lo2 = 0;
    for (int j0 = 0; j0 < n; j0 += CLAIM_BLOCK) {
      int64_t hi = 0, lo = 0;
      int end = j0 + CLAIM_BLOCK < n ? j0 + CLAIM_BLOCK : n;
      for (int j = j0; j < end; j++) {
        hi += (int64_t)(claimed[j] >> 16) * r[j];
        lo += (int64_t)(claimed[j] & 0xffff) * r[j];
      }
      hi1 = mod(hi1 + hi, PRIMES[0]);
      lo1 = mod(lo1 + lo, PRIMES[0]);
      hi2 = mod(hi2 + hi, PRIMES[1]);
      lo2 = mod(lo2 + lo, PRIMES[1]);
    }
    if (mod(ay1, PRIMES[0]) != mod(hi1 * 65536 + lo1, PRIMES[0]) ||
        mod(ay2, PRIMES[1]) != mod(hi2 * 65536 + lo2, PRIMES[1]))
      wrong[i] = 1;
  }
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
  int64_t *r = malloc(n * sizeof(int64_t)), *y1 = malloc(k * sizeof(int64_t)), *y2 = malloc(k * sizeof(int64_t));
  uint8_t *wrong = malloc(m);
  double *times = malloc(runs * sizeof(double));
  /* Run -1 is a warm-up (first touch of every page), as the TypeScript side warms V8 up. */
  for (int run = -1; run < runs; run++) {
    double start = now_ms();
    memset(wrong, 0, m);
    for (int round = 0; round < ROUNDS; round++) {
      random_vector(r, n);
      flag_wrong_rows(a, b, c, m, k, n, r, y1, y2, wrong);
    }
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
