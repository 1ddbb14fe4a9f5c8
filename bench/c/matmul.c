/*
 * The matmul-i8 product in C on one core, the baselines of src/workloads/matmul-i8 (a WebAssembly SIMD kernel,
 * matmul.wat). Three kernels, each the exact product mod 2^32 (the same checksum as the TypeScript product):
 *  - portable: B transposed, column blocks of B^T that stay in L2, 2x2 register blocks; -O3 -march=native
 *    vectorizes the dot products (into 32-bit multiplies). The fallback on a CPU without AVX2.
 *  - avx2: operands sign-extended to int16 and packed (A in 6-row micro-panels, B in 16-column panels, both as
 *    depth pairs), a 6x16 register block of vpmaddwd (int16 pairs into int32, exact), cache blocks of depth and
 *    columns. vpmaddubsw would do twice the work per instruction but saturates (-128 * -128 * 2 > 2^15 - 1).
 *  - vnni: AVX-512 VNNI vpdpbusd (4 unsigned x signed int8 products into int32, not saturating), A shifted to
 *    unsigned (a + 128) and the excess 128 * (column sum of B) subtracted at the end; 12x32 register block.
 * The CPU is asked at run time (__builtin_cpu_supports) which kernels it runs; each is compiled for its own target,
 * so the file builds on any x86-64 (and the portable kernel anywhere).
 *
 * usage: matmul m k n A.bin B.bin
 * prints {"kernels": [<kernels this CPU runs>], "best": <the fastest of them>}, then for each line of stdin naming a
 * kernel runs it once: {"kernel": <name>, "ms": <time>, "checksum": <FNV-1a of C's int32 words>}
 */
#include "common.h"

static int m, k, n;
static const int8_t *a, *b;
static int32_t *c;

/* ---------------------------------------------------------------------------------------------------- portable */

static int8_t *bt;

static void transpose(void) {
  for (int p = 0; p < k; p++)
    for (int j = 0; j < n; j++) bt[(size_t)j * k + p] = b[(size_t)p * n + j];
}

static int32_t dot(const int8_t *x, const int8_t *y) {
  int32_t sum = 0;
  for (int p = 0; p < k; p++) sum += x[p] * y[p];
  return sum;
}

static void multiply_portable(void) {
  transpose();
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
        c[(size_t)i * n + j] = dot(a0, bt + (size_t)j * k);
        c[(size_t)(i + 1) * n + j] = dot(a1, bt + (size_t)j * k);
      }
    }
    if (i < m)
      for (int j = j0; j < j1; j++) c[(size_t)i * n + j] = dot(a + (size_t)i * k, bt + (size_t)j * k);
  }
}

/* ------------------------------------------------------------------------------------- packed, register-blocked */

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define HAVE_X86 1

static void *packed;     /* both packed operands, sized for the larger kernel */
static int32_t *colsum;  /* the vnni kernel's column sums of B */

static size_t round_up(size_t x, size_t to) { return (x + to - 1) / to * to; }

/*
 * Writes a rows_full x cols_full tile (row-major) into C at (i, j), clipped to C's bounds (the padding rows and
 * columns of a tail tile); the first depth block stores, the next ones add.
 */
static void store_tile(const int32_t *tile, int rows_full, int cols_full, int i, int j, int first) {
  for (int r = 0; r < rows_full && i + r < m; r++) {
    int32_t *out = c + (size_t)(i + r) * n + j;
    const int32_t *in = tile + r * cols_full;
    for (int t = 0; t < cols_full && j + t < n; t++) out[t] = first ? in[t] : out[t] + in[t];
  }
}

/* AVX2: int16 operands, depth pairs, MR x NR = 6 x 16 (12 of the 16 ymm registers accumulate). */
enum { A2_MR = 6, A2_NR = 16, A2_KC = 512, A2_NC = 256 };

__attribute__((target("avx2"))) static void avx2_tile(const int32_t *ap, const int16_t *bp, int pairs, int i, int j,
                                                       int first) {
  __m256i acc[A2_MR][2];
#pragma GCC unroll 6
  for (int r = 0; r < A2_MR; r++) acc[r][0] = acc[r][1] = _mm256_setzero_si256();
  for (int q = 0; q < pairs; q++) {
    __m256i b0 = _mm256_loadu_si256((const __m256i *)bp), b1 = _mm256_loadu_si256((const __m256i *)bp + 1);
#pragma GCC unroll 6
    for (int r = 0; r < A2_MR; r++) {
      __m256i x = _mm256_set1_epi32(ap[r]);
      acc[r][0] = _mm256_add_epi32(acc[r][0], _mm256_madd_epi16(x, b0));
      acc[r][1] = _mm256_add_epi32(acc[r][1], _mm256_madd_epi16(x, b1));
    }
    ap += A2_MR;
    bp += 2 * A2_NR;
  }
  if (i + A2_MR <= m && j + A2_NR <= n) {
#pragma GCC unroll 6
    for (int r = 0; r < A2_MR; r++) {
      __m256i *out = (__m256i *)(c + (size_t)(i + r) * n + j);
      if (!first) {
        acc[r][0] = _mm256_add_epi32(acc[r][0], _mm256_loadu_si256(out));
        acc[r][1] = _mm256_add_epi32(acc[r][1], _mm256_loadu_si256(out + 1));
      }
      _mm256_storeu_si256(out, acc[r][0]);
      _mm256_storeu_si256(out + 1, acc[r][1]);
    }
  } else {
    int32_t tile[A2_MR * A2_NR];
    for (int r = 0; r < A2_MR; r++) {
      _mm256_storeu_si256((__m256i *)(tile + r * A2_NR), acc[r][0]);
      _mm256_storeu_si256((__m256i *)(tile + r * A2_NR + 8), acc[r][1]);
    }
    store_tile(tile, A2_MR, A2_NR, i, j, first);
  }
}

__attribute__((target("avx2"))) static void multiply_avx2(void) {
  size_t kp = round_up(k, 2), mp = round_up(m, A2_MR), np = round_up(n, A2_NR), pairs = kp / 2;
  /* A: row groups of 6, each depth pair of a row one int32 (two int16), the group's 6 rows consecutive. */
  int32_t *ap = packed;
  int16_t *bp = (int16_t *)(ap + mp * pairs);
  memset(packed, 0, (mp * kp + np * kp) * sizeof(int16_t));
  for (int i = 0; i < m; i++)
    for (int p = 0; p < k; p++)
      ((int16_t *)ap)[(((size_t)(i / A2_MR) * pairs + p / 2) * A2_MR + i % A2_MR) * 2 + p % 2] = a[(size_t)i * k + p];
  /* B: panels of 16 columns, each depth pair 16 x 2 int16 (one row of vpmaddwd operands). */
  for (int p = 0; p < k; p++)
    for (int j = 0; j < n; j++)
      bp[(((size_t)(j / A2_NR) * pairs + p / 2) * A2_NR + j % A2_NR) * 2 + p % 2] = b[(size_t)p * n + j];
  for (size_t q0 = 0; q0 < pairs; q0 += A2_KC / 2) {
    size_t q1 = q0 + A2_KC / 2 < pairs ? q0 + A2_KC / 2 : pairs;
    for (size_t j0 = 0; j0 < np; j0 += A2_NC)
      for (size_t i = 0; i < mp; i += A2_MR)
        for (size_t j = j0; j < j0 + A2_NC && j < np; j += A2_NR)
          avx2_tile(ap + ((i / A2_MR) * pairs + q0) * A2_MR, bp + ((j / A2_NR) * pairs + q0) * 2 * A2_NR,
                    (int)(q1 - q0), (int)i, (int)j, q0 == 0);
  }
}

/* AVX-512 VNNI: int8 operands, depth quads, MR x NR = 12 x 32 (24 of the 32 zmm registers accumulate). */
enum { V_MR = 12, V_NR = 32, V_KC = 1024, V_NC = 256 };
#define VNNI_TARGET "avx512f,avx512bw,avx512vl,avx512vnni"

__attribute__((target(VNNI_TARGET))) static void vnni_tile(const int32_t *ap, const int8_t *bp, int quads, int i,
                                                            int j, int first) {
  __m512i acc[V_MR][2];
#pragma GCC unroll 12
  for (int r = 0; r < V_MR; r++) acc[r][0] = acc[r][1] = _mm512_setzero_si512();
  for (int q = 0; q < quads; q++) {
    __m512i b0 = _mm512_loadu_si512(bp), b1 = _mm512_loadu_si512(bp + 64);
#pragma GCC unroll 12
    for (int r = 0; r < V_MR; r++) {
      __m512i x = _mm512_set1_epi32(ap[r]);
      acc[r][0] = _mm512_dpbusd_epi32(acc[r][0], x, b0);
      acc[r][1] = _mm512_dpbusd_epi32(acc[r][1], x, b1);
    }
    ap += V_MR;
    bp += 4 * V_NR;
  }
  /* sum (a + 128) b = sum a b + 128 sum b: the first depth block subtracts 128 * (column sum of B). */
  if (first) {
    __m512i s0 = _mm512_slli_epi32(_mm512_loadu_si512(colsum + j), 7);
    __m512i s1 = _mm512_slli_epi32(_mm512_loadu_si512(colsum + j + 16), 7);
#pragma GCC unroll 12
    for (int r = 0; r < V_MR; r++) {
      acc[r][0] = _mm512_sub_epi32(acc[r][0], s0);
      acc[r][1] = _mm512_sub_epi32(acc[r][1], s1);
    }
  }
  if (i + V_MR <= m && j + V_NR <= n) {
#pragma GCC unroll 12
    for (int r = 0; r < V_MR; r++) {
      int32_t *out = c + (size_t)(i + r) * n + j;
      if (!first) {
        acc[r][0] = _mm512_add_epi32(acc[r][0], _mm512_loadu_si512(out));
        acc[r][1] = _mm512_add_epi32(acc[r][1], _mm512_loadu_si512(out + 16));
      }
      _mm512_storeu_si512(out, acc[r][0]);
      _mm512_storeu_si512(out + 16, acc[r][1]);
    }
  } else {
    int32_t tile[V_MR * V_NR];
    for (int r = 0; r < V_MR; r++) {
      _mm512_storeu_si512(tile + r * V_NR, acc[r][0]);
      _mm512_storeu_si512(tile + r * V_NR + 16, acc[r][1]);
    }
    store_tile(tile, V_MR, V_NR, i, j, first);
  }
}

__attribute__((target(VNNI_TARGET))) static void multiply_vnni(void) {
  size_t kp = round_up(k, 4), mp = round_up(m, V_MR), np = round_up(n, V_NR), quads = kp / 4;
  /* A + 128 as uint8 (0x80 = 0 in the padding): row groups of 12, each depth quad of a row one int32. */
  uint8_t *ap = packed;
  int8_t *bp = (int8_t *)(ap + mp * kp);
  memset(ap, 0x80, mp * kp);
  memset(bp, 0, np * kp);
  memset(colsum, 0, np * sizeof(int32_t));
  for (int i = 0; i < m; i++)
    for (int p = 0; p < k; p++)
      ap[(((size_t)(i / V_MR) * quads + p / 4) * V_MR + i % V_MR) * 4 + p % 4] = (uint8_t)(a[(size_t)i * k + p] ^ 0x80);
  /* B: panels of 32 columns, each depth quad 32 x 4 int8 (two rows of vpdpbusd operands). */
  for (int p = 0; p < k; p++)
    for (int j = 0; j < n; j++) {
      int8_t v = b[(size_t)p * n + j];
      bp[(((size_t)(j / V_NR) * quads + p / 4) * V_NR + j % V_NR) * 4 + p % 4] = v;
      colsum[j] += v;
    }
  for (size_t q0 = 0; q0 < quads; q0 += V_KC / 4) {
    size_t q1 = q0 + V_KC / 4 < quads ? q0 + V_KC / 4 : quads;
    for (size_t j0 = 0; j0 < np; j0 += V_NC)
      for (size_t i = 0; i < mp; i += V_MR)
        for (size_t j = j0; j < j0 + V_NC && j < np; j += V_NR)
          vnni_tile((const int32_t *)ap + ((i / V_MR) * quads + q0) * V_MR, bp + ((j / V_NR) * quads + q0) * 4 * V_NR,
                    (int)(q1 - q0), (int)i, (int)j, q0 == 0);
  }
}
#endif

/* ------------------------------------------------------------------------------------------------------ driver */

struct kernel {
  const char *name;
  void (*multiply)(void);
  int supported;
};

static struct kernel kernels[3];
static int kernel_count;

static void run(const char *name) {
  for (int t = 0; t < kernel_count; t++) {
    if (strcmp(kernels[t].name, name) != 0 || !kernels[t].supported) continue;
    double start = now_ms();
    kernels[t].multiply();
    double ms = now_ms() - start;
    uint32_t hash = 2166136261u;
    for (size_t e = 0; e < (size_t)m * n; e++) hash = (hash ^ (uint32_t)c[e]) * 16777619u;
    printf("{\"kernel\": \"%s\", \"ms\": %.3f, \"checksum\": %u}\n", name, ms, hash);
    return;
  }
  printf("{\"error\": \"no kernel %s on this CPU\"}\n", name);
}

int main(int argc, char **argv) {
  if (argc != 6) {
    fprintf(stderr, "usage: %s m k n A.bin B.bin\n", argv[0]);
    return 2;
  }
  m = atoi(argv[1]), k = atoi(argv[2]), n = atoi(argv[3]);
  a = read_file(argv[4], (size_t)m * k);
  b = read_file(argv[5], (size_t)k * n);
  c = malloc((size_t)m * n * sizeof(int32_t));
  bt = malloc((size_t)k * n);
  kernels[kernel_count++] = (struct kernel){"portable", multiply_portable, 1};
#ifdef HAVE_X86
  __builtin_cpu_init();
  /* The larger packing: the avx2 kernel's int16 operands, padded to whole register blocks and depth pairs. */
  size_t packed_bytes = (round_up(m, V_MR) + round_up(n, V_NR)) * round_up(k, 4) * sizeof(int16_t);
  packed = aligned_alloc(64, round_up(packed_bytes, 64));
  colsum = aligned_alloc(64, round_up(round_up(n, V_NR) * sizeof(int32_t), 64));
  kernels[kernel_count++] = (struct kernel){"avx2", multiply_avx2, __builtin_cpu_supports("avx2")};
  kernels[kernel_count++] = (struct kernel){
      "vnni", multiply_vnni,
      __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
          __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512vnni")};
#endif
  ANNOUNCE_KERNELS(kernels, kernel_count);
  serve(run);
  return 0;
}
