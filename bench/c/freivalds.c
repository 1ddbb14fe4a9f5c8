/*
 * Freivalds' check of a claimed matmul-i8 product, the algorithm of src/workloads/matmul-i8/freivalds.ts (and its
 * kernel freivalds.wat) in C: two random vectors r uniform on [0, 2^26) (the top 26 bits of uint32 words), y = B r
 * exactly and reduced modulo Q = 2^32 - 5, then A y and C r modulo Q, a row flagged when they differ for either
 * vector. Both vectors are evaluated in one pass over each matrix, as the TypeScript kernel does. Two kernels:
 *  - wide: every product in int64, the loops left to the compiler (-O3 -march=native vectorizes them); C r folds its
 *    int64 sums every 32 products (x = h 2^32 + l -> 5 h + l, congruent modulo Q), as the kernel's lanes do.
 *  - limb: AVX2, as the WebAssembly kernel computes: the int8 products against 16-bit limbs of the vector
 *    (v = hi 2^16 + lo) with vpmaddwd into int32 lanes, widened every 1024 columns; C r with vpmuldq (int32 x int32
 *    into int64 lanes), folded every 32 products per lane.
 * The CPU is asked at run time (__builtin_cpu_supports) whether it runs the limb kernel.
 *
 * usage: freivalds m k n A.bin B.bin C.bin      (C.bin: m*n int32, native byte order)
 * prints {"kernels": [<kernels this CPU runs>], "best": <the fastest of them>}, then for each line of stdin naming a
 * kernel runs it once: {"kernel": <name>, "ms": <time>, "wrongRows": [<rows flagged>]}
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

static int m, k, n;
static const int8_t *a, *b;
static const int32_t *c;
static int32_t *r1, *r2, *y1, *y2, *out;
static uint8_t *wrong;

static void flag_wrong_rows_wide(void) {
  dot_rows_i8(b, k, n, r1, r2, y1, y2);
  int32_t *ay1 = out, *ay2 = out + m, *cr1 = out + 2 * m, *cr2 = out + 3 * m;
  dot_rows_i8(a, m, k, y1, y2, ay1, ay2);
  dot_rows_i32(c, m, n, r1, r2, cr1, cr2);
  for (int i = 0; i < m; i++)
    if (ay1[i] != cr1[i] || ay2[i] != cr2[i]) wrong[i] = 1;
}

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define HAVE_X86 1

/* Residues from here up are written as u - Q, so that both 16-bit limbs of the representative are int16. */
static const int64_t LIMB_SPLIT = (1LL << 31) - (1LL << 15);
/* int8 x int16 pairs add at most 2^23 to an int32 lane per 16 columns: widen every 1024 columns (64 * 2^23 = 2^29). */
enum { LIMB_BLOCK = 1024 };

static int16_t *limbs; /* lo1, hi1, lo2, hi2 of the current vectors, each `limb_stride` elements */
static size_t limb_stride;

/* The limbs of residue vectors v1, v2 (symmetric residues or r's words), zero-padded to a multiple of 16. */
static void write_limbs(const int32_t *v1, const int32_t *v2, int len) {
  memset(limbs, 0, 4 * limb_stride * sizeof(int16_t));
  for (int j = 0; j < len; j++)
    for (int t = 0; t < 2; t++) {
      int64_t u = (t == 0 ? v1 : v2)[j];
      if (u < 0) u += Q;
      int64_t v = u < LIMB_SPLIT ? u : u - Q;
      int16_t lo = (int16_t)v;
      limbs[2 * t * limb_stride + j] = lo;
      limbs[(2 * t + 1) * limb_stride + j] = (int16_t)((v - lo) >> 16);
    }
}

__attribute__((target("avx2"))) static int64_t sum_i32(__m256i v) {
  __m128i s = _mm_add_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
  return (int64_t)_mm_extract_epi32(s, 0) + _mm_extract_epi32(s, 1) + _mm_extract_epi32(s, 2) + _mm_extract_epi32(s, 3);
}

/* Rows of int8 against the limbs: out1[i] = row_i . v1, out2[i] = row_i . v2 modulo Q. */
__attribute__((target("avx2"))) static void dot_rows_i8_limbs(const int8_t *mat, int rows, int len, int32_t *out1,
                                                                int32_t *out2) {
  const int16_t *lo1 = limbs, *hi1 = lo1 + limb_stride, *lo2 = hi1 + limb_stride, *hi2 = lo2 + limb_stride;
  int whole = len & ~15;
  for (int i = 0; i < rows; i++) {
    const int8_t *row = mat + (size_t)i * len;
    int64_t l1 = 0, h1 = 0, l2 = 0, h2 = 0;
    for (int j0 = 0; j0 < whole; j0 += LIMB_BLOCK) {
      int end = j0 + LIMB_BLOCK < whole ? j0 + LIMB_BLOCK : whole;
      __m256i s0 = _mm256_setzero_si256(), s1 = s0, s2 = s0, s3 = s0;
      for (int j = j0; j < end; j += 16) {
        __m256i x = _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)(row + j)));
        s0 = _mm256_add_epi32(s0, _mm256_madd_epi16(x, _mm256_loadu_si256((const __m256i *)(lo1 + j))));
        s1 = _mm256_add_epi32(s1, _mm256_madd_epi16(x, _mm256_loadu_si256((const __m256i *)(hi1 + j))));
        s2 = _mm256_add_epi32(s2, _mm256_madd_epi16(x, _mm256_loadu_si256((const __m256i *)(lo2 + j))));
        s3 = _mm256_add_epi32(s3, _mm256_madd_epi16(x, _mm256_loadu_si256((const __m256i *)(hi2 + j))));
      }
      l1 += sum_i32(s0), h1 += sum_i32(s1), l2 += sum_i32(s2), h2 += sum_i32(s3);
    }
    for (int j = whole; j < len; j++) {
      l1 += row[j] * lo1[j], h1 += row[j] * hi1[j], l2 += row[j] * lo2[j], h2 += row[j] * hi2[j];
    }
    out1[i] = residue(h1 * 65536 + l1);
    out2[i] = residue(h2 * 65536 + l2);
  }
}

/* Each int64 lane x = h 2^32 + l folded to 5 h + l (congruent modulo Q); AVX2 has no 64-bit arithmetic shift. */
__attribute__((target("avx2"))) static __m256i fold4(__m256i x) {
  __m256i h = _mm256_blend_epi32(_mm256_srli_epi64(x, 32), _mm256_srai_epi32(x, 31), 0xAA);
  __m256i l = _mm256_and_si256(x, _mm256_set1_epi64x(0xffffffff));
  return _mm256_add_epi64(_mm256_add_epi64(_mm256_slli_epi64(h, 2), h), l);
}

__attribute__((target("avx2"))) static int64_t sum_i64(__m256i v) {
  __m128i s = _mm_add_epi64(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
  return fold(_mm_extract_epi64(s, 0)) + fold(_mm_extract_epi64(s, 1));
}

/* Rows of int32 against r1, r2: vpmuldq multiplies the even words; the odd ones are shifted down first. */
__attribute__((target("avx2"))) static void dot_rows_i32_avx2(const int32_t *mat, int rows, int len, int32_t *out1,
                                                                int32_t *out2) {
  int whole = len & ~7;
  for (int i = 0; i < rows; i++) {
    const int32_t *row = mat + (size_t)i * len;
    __m256i e1 = _mm256_setzero_si256(), o1 = e1, e2 = e1, o2 = e1;
    for (int j0 = 0; j0 < whole; j0 += 8 * FOLD_PRODUCTS) {
      int end = j0 + 8 * FOLD_PRODUCTS < whole ? j0 + 8 * FOLD_PRODUCTS : whole;
      for (int j = j0; j < end; j += 8) {
        __m256i x = _mm256_loadu_si256((const __m256i *)(row + j)), xo = _mm256_srli_epi64(x, 32);
        __m256i v1 = _mm256_loadu_si256((const __m256i *)(r1 + j)), v2 = _mm256_loadu_si256((const __m256i *)(r2 + j));
        e1 = _mm256_add_epi64(e1, _mm256_mul_epi32(x, v1));
        o1 = _mm256_add_epi64(o1, _mm256_mul_epi32(xo, _mm256_srli_epi64(v1, 32)));
        e2 = _mm256_add_epi64(e2, _mm256_mul_epi32(x, v2));
        o2 = _mm256_add_epi64(o2, _mm256_mul_epi32(xo, _mm256_srli_epi64(v2, 32)));
      }
      e1 = fold4(e1), o1 = fold4(o1), e2 = fold4(e2), o2 = fold4(o2);
    }
    int64_t s1 = sum_i64(e1) + sum_i64(o1), s2 = sum_i64(e2) + sum_i64(o2);
    for (int j = whole; j < len; j++) s1 += (int64_t)row[j] * r1[j], s2 += (int64_t)row[j] * r2[j];
    out1[i] = residue(s1);
    out2[i] = residue(s2);
  }
}

static void flag_wrong_rows_limb(void) {
  write_limbs(r1, r2, n);
  dot_rows_i8_limbs(b, k, n, y1, y2);
  write_limbs(y1, y2, k);
  int32_t *ay1 = out, *ay2 = out + m, *cr1 = out + 2 * m, *cr2 = out + 3 * m;
  dot_rows_i8_limbs(a, m, k, ay1, ay2);
  dot_rows_i32_avx2(c, m, n, cr1, cr2);
  for (int i = 0; i < m; i++)
    if (ay1[i] != cr1[i] || ay2[i] != cr2[i]) wrong[i] = 1;
}
#endif

struct kernel {
  const char *name;
  void (*flag_wrong_rows)(void);
  int supported;
};

static struct kernel kernels[2];
static int kernel_count;

static void run(const char *name) {
  for (int t = 0; t < kernel_count; t++) {
    if (strcmp(kernels[t].name, name) != 0 || !kernels[t].supported) continue;
    double start = now_ms();
    memset(wrong, 0, m);
    random_vector(r1, n);
    random_vector(r2, n);
    kernels[t].flag_wrong_rows();
    double ms = now_ms() - start;
    printf("{\"kernel\": \"%s\", \"ms\": %.3f, \"wrongRows\": [", name, ms);
    const char *separator = "";
    for (int i = 0; i < m; i++)
      if (wrong[i]) {
        printf("%s%d", separator, i);
        separator = ", ";
      }
    printf("]}\n");
    return;
  }
  printf("{\"error\": \"no kernel %s on this CPU\"}\n", name);
}

int main(int argc, char **argv) {
  if (argc != 7) {
    fprintf(stderr, "usage: %s m k n A.bin B.bin C.bin\n", argv[0]);
    return 2;
  }
  m = atoi(argv[1]), k = atoi(argv[2]), n = atoi(argv[3]);
  a = read_file(argv[4], (size_t)m * k);
  b = read_file(argv[5], (size_t)k * n);
  c = read_file(argv[6], (size_t)m * n * sizeof(int32_t));
  r1 = malloc(n * sizeof(int32_t)), r2 = malloc(n * sizeof(int32_t));
  y1 = malloc(k * sizeof(int32_t)), y2 = malloc(k * sizeof(int32_t));
  out = malloc(4 * (size_t)m * sizeof(int32_t));
  wrong = malloc(m);
  kernels[kernel_count++] = (struct kernel){"wide", flag_wrong_rows_wide, 1};
#ifdef HAVE_X86
  __builtin_cpu_init();
  limb_stride = ((size_t)(k > n ? k : n) + 15) & ~(size_t)15;
  limbs = malloc(4 * limb_stride * sizeof(int16_t));
  kernels[kernel_count++] = (struct kernel){"limb", flag_wrong_rows_limb, __builtin_cpu_supports("avx2")};
#endif
  ANNOUNCE_KERNELS(kernels, kernel_count);
  serve(run);
  return 0;
}
