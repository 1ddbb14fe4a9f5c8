/*
 * mlp-i8 inference in C on one core, the baseline of src/workloads/mlp-i8/inference.ts (runMlp): the same arithmetic,
 * bit for bit. Each layer: acc[b][j] = bias[j] + x[b] . w[j] in int32 (exact: |x . w| <= 2^26, |bias| < 2^30), then
 * y = act(clamp(shift == 0 ? acc * M : (acc * M + 2^(shift - 1)) >> shift, -128, 127)) with the product in int64
 * (requantize.ts), and y is the next layer's input. Two kernels:
 *  - portable: the weights as the model stores them, unit-major (out x in), so every accumulator is a contiguous
 *    int8 dot product; 4 items x 2 units per register block (8 dot products sharing their loads), blocks of units
 *    that stay in L2; -O3 -march=native vectorizes the dot products. What a good engineer writes without intrinsics.
 *  - vnni: AVX-512 VNNI vpdpbusd (4 unsigned x signed int8 products into int32 lanes, not saturating) on the same
 *    unit-major rows, x shifted to unsigned (x + 128) and the excess 128 * (sum of the unit's weights) subtracted:
 *    the strongest kernel this CPU has for int8 dot products. Input widths are padded to 64 bytes once, at load.
 * The CPU is asked at run time (__builtin_cpu_supports) which kernels it runs.
 *
 * usage: mlp model.wmlp batch.bin items out.bin
 *   model.wmlp: the model file of src/workloads/mlp-i8/model.ts; batch.bin: items x inputs int8, row-major.
 * prints {"kernels": [<kernels this CPU runs>], "best": <the fastest of them>}, then for each line of stdin naming a
 * kernel runs the inference once, writes its output to out.bin in the word layout of src/workloads/mlp-i8/layout.ts
 * (encodeMlpOutput's bytes, so the bench compares them with the TypeScript output byte for byte) and prints
 * {"kernel": <name>, "ms": <time of the inference alone>}.
 */
#include "common.h"

enum { MAX_LAYERS = 8, CHUNK_WORDS = 128, PAD = 64 };

struct layer {
  int inputs, outputs, shift, activation;
  int64_t multiplier;
  int32_t *bias;
  const int8_t *weights; /* outputs x inputs, unit-major */
  int8_t *padded;        /* outputs x padded inputs (a multiple of PAD), zeros after each unit's weights */
  int32_t *weight_sum;   /* per unit: sum of its weights (the vnni kernel's correction) */
  int32_t *acc;          /* items x outputs */
  int8_t *y;             /* items x outputs */
};

static int items, layer_count, network_inputs;
static struct layer layers[MAX_LAYERS];
static int8_t *batch;
static uint8_t *xu;          /* the vnni kernel's unsigned input rows */

static uint32_t be32(const uint8_t *p) { return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]; }
static int round_up(int x, int to) { return (x + to - 1) / to * to; }

static int8_t requantize(int32_t acc, int64_t multiplier, int shift, int activation) {
  int64_t q = (int64_t)acc * multiplier;
  if (shift > 0) q = (q + ((int64_t)1 << (shift - 1))) >> shift; /* arithmetic shift: floor, so round half up */
  if (q < -128) q = -128;
  if (q > 127) q = 127;
  if (activation == 1 && q < 0) q = 0;
  return (int8_t)q;
}

static void requantize_layer(struct layer *l) {
  size_t values = (size_t)items * l->outputs;
  for (size_t i = 0; i < values; i++) l->y[i] = requantize(l->acc[i], l->multiplier, l->shift, l->activation);
}

/* ---------------------------------------------------------------------------------------------------- portable */

static int32_t dot(const int8_t *restrict x, const int8_t *restrict w, int k) {
  int32_t sum = 0;
  for (int p = 0; p < k; p++) sum += x[p] * w[p];
  return sum;
}

/* acc[b][j] for items b..b+3 and units j, j+1: eight dot products sharing the loads of their rows. */
static void block_4x2(const int8_t *restrict x, const int8_t *restrict w, int k, int32_t s[8]) {
  const int8_t *x0 = x, *x1 = x + k, *x2 = x + 2 * k, *x3 = x + 3 * k, *w0 = w, *w1 = w + k;
  int32_t s00 = 0, s01 = 0, s10 = 0, s11 = 0, s20 = 0, s21 = 0, s30 = 0, s31 = 0;
  for (int p = 0; p < k; p++) {
    int32_t a = w0[p], b = w1[p];
    s00 += x0[p] * a;
    s01 += x0[p] * b;
    s10 += x1[p] * a;
    s11 += x1[p] * b;
    s20 += x2[p] * a;
    s21 += x2[p] * b;
    s30 += x3[p] * a;
    s31 += x3[p] * b;
  }
  s[0] = s00, s[1] = s01, s[2] = s10, s[3] = s11, s[4] = s20, s[5] = s21, s[6] = s30, s[7] = s31;
}

static void layer_portable(const int8_t *x, struct layer *l) {
  int k = l->inputs, n = l->outputs;
  /* Units per block: about 128 KiB of weights, so a block stays in L2 while every item passes over it. */
  int block = ((1 << 17) / k) & ~1;
  if (block < 2) block = 2;
  for (int j0 = 0; j0 < n; j0 += block) {
    int j1 = j0 + block < n ? j0 + block : n;
    int b = 0;
    for (; b + 3 < items; b += 4) {
      const int8_t *xb = x + (size_t)b * k;
      int j = j0;
      for (; j + 1 < j1; j += 2) {
        int32_t s[8];
        block_4x2(xb, l->weights + (size_t)j * k, k, s);
        for (int r = 0; r < 4; r++) {
          l->acc[(size_t)(b + r) * n + j] = s[2 * r] + l->bias[j];
          l->acc[(size_t)(b + r) * n + j + 1] = s[2 * r + 1] + l->bias[j + 1];
        }
      }
      for (; j < j1; j++)
        for (int r = 0; r < 4; r++)
          l->acc[(size_t)(b + r) * n + j] = dot(xb + (size_t)r * k, l->weights + (size_t)j * k, k) + l->bias[j];
    }
    for (; b < items; b++)
      for (int j = j0; j < j1; j++)
        l->acc[(size_t)b * n + j] = dot(x + (size_t)b * k, l->weights + (size_t)j * k, k) + l->bias[j];
  }
  requantize_layer(l);
}

static void infer_portable(void) {
  const int8_t *x = batch;
  for (int t = 0; t < layer_count; t++) {
    layer_portable(x, &layers[t]);
    x = layers[t].y;
  }
}

/* -------------------------------------------------------------------------------------------------------- vnni */

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define HAVE_X86 1
#define VNNI_TARGET "avx512f,avx512bw,avx512vl,avx512vnni"

/* 4 items x 4 units, 16 zmm accumulators; kp a multiple of 64, rows zero-padded (x's padding is 128 after the shift:
 * it meets zero weights). */
__attribute__((target(VNNI_TARGET))) static void vnni_4x4(const uint8_t *x, const int8_t *w, int kp, int32_t s[16]) {
  __m512i acc[4][4];
#pragma GCC unroll 4
  for (int r = 0; r < 4; r++)
#pragma GCC unroll 4
    for (int c = 0; c < 4; c++) acc[r][c] = _mm512_setzero_si512();
  for (int p = 0; p < kp; p += 64) {
    __m512i w0 = _mm512_loadu_si512(w + p), w1 = _mm512_loadu_si512(w + kp + p);
    __m512i w2 = _mm512_loadu_si512(w + 2 * (size_t)kp + p), w3 = _mm512_loadu_si512(w + 3 * (size_t)kp + p);
#pragma GCC unroll 4
    for (int r = 0; r < 4; r++) {
      __m512i xr = _mm512_loadu_si512(x + (size_t)r * kp + p);
      acc[r][0] = _mm512_dpbusd_epi32(acc[r][0], xr, w0);
      acc[r][1] = _mm512_dpbusd_epi32(acc[r][1], xr, w1);
      acc[r][2] = _mm512_dpbusd_epi32(acc[r][2], xr, w2);
      acc[r][3] = _mm512_dpbusd_epi32(acc[r][3], xr, w3);
    }
  }
#pragma GCC unroll 4
  for (int r = 0; r < 4; r++)
#pragma GCC unroll 4
    for (int c = 0; c < 4; c++) s[r * 4 + c] = _mm512_reduce_add_epi32(acc[r][c]);
}

__attribute__((target(VNNI_TARGET))) static int32_t vnni_dot(const uint8_t *x, const int8_t *w, int kp) {
  __m512i acc = _mm512_setzero_si512();
  for (int p = 0; p < kp; p += 64)
    acc = _mm512_dpbusd_epi32(acc, _mm512_loadu_si512(x + p), _mm512_loadu_si512(w + p));
  return _mm512_reduce_add_epi32(acc);
}

__attribute__((target(VNNI_TARGET))) static void layer_vnni(const int8_t *x, int x_stride, struct layer *l) {
  int k = l->inputs, n = l->outputs, kp = round_up(k, PAD);
  /* x + 128 as uint8, rows padded with 128 (= 0 after the shift's correction, which only counts real weights). */
  for (int b = 0; b < items; b++) {
    uint8_t *row = xu + (size_t)b * kp;
    const int8_t *src = x + (size_t)b * x_stride;
    for (int p = 0; p < k; p++) row[p] = (uint8_t)(src[p] ^ 0x80);
    memset(row + k, 0x80, kp - k);
  }
  int block = ((1 << 17) / kp) & ~3;
  if (block < 4) block = 4;
  for (int j0 = 0; j0 < n; j0 += block) {
    int j1 = j0 + block < n ? j0 + block : n;
    int b = 0;
    for (; b + 3 < items; b += 4) {
      const uint8_t *xb = xu + (size_t)b * kp;
      int j = j0;
      for (; j + 3 < j1; j += 4) {
        int32_t s[16];
        vnni_4x4(xb, l->padded + (size_t)j * kp, kp, s);
        for (int r = 0; r < 4; r++)
          for (int c = 0; c < 4; c++)
            l->acc[(size_t)(b + r) * n + j + c] = s[r * 4 + c] - 128 * l->weight_sum[j + c] + l->bias[j + c];
      }
      for (; j < j1; j++)
        for (int r = 0; r < 4; r++)
          l->acc[(size_t)(b + r) * n + j] =
              vnni_dot(xb + (size_t)r * kp, l->padded + (size_t)j * kp, kp) - 128 * l->weight_sum[j] + l->bias[j];
    }
    for (; b < items; b++)
      for (int j = j0; j < j1; j++)
        l->acc[(size_t)b * n + j] =
            vnni_dot(xu + (size_t)b * kp, l->padded + (size_t)j * kp, kp) - 128 * l->weight_sum[j] + l->bias[j];
  }
  requantize_layer(l);
}

static void infer_vnni(void) {
  const int8_t *x = batch;
  for (int t = 0; t < layer_count; t++) {
    layer_vnni(x, layers[t].inputs, &layers[t]);
    x = layers[t].y;
  }
}
#endif

/* ------------------------------------------------------------------------------------------------------ output */

static const char *out_path;

/* encodeMlpOutput's bytes: per layer the accumulators (big-endian words), then the activations packed four to a word
 * and zero-padded to a word; then zero words up to a power of two of CHUNK_WORDS-word chunks. */
static void write_output(void) {
  size_t words = 0;
  for (int t = 0; t < layer_count; t++) {
    size_t values = (size_t)items * layers[t].outputs;
    words += values + (values + 3) / 4;
  }
  size_t chunks = 1;
  while (chunks * CHUNK_WORDS < words) chunks *= 2;
  size_t bytes = chunks * CHUNK_WORDS * 4;
  uint8_t *out = calloc(bytes, 1);
  size_t at = 0;
  for (int t = 0; t < layer_count; t++) {
    size_t values = (size_t)items * layers[t].outputs;
    for (size_t i = 0; i < values; i++, at += 4) {
      uint32_t v = (uint32_t)layers[t].acc[i];
      out[at] = v >> 24, out[at + 1] = v >> 16, out[at + 2] = v >> 8, out[at + 3] = v;
    }
    memcpy(out + at, layers[t].y, values);
    at += (values + 3) / 4 * 4;
  }
  FILE *file = fopen(out_path, "wb");
  if (file == NULL || fwrite(out, 1, bytes, file) != bytes) {
    fprintf(stderr, "cannot write %s\n", out_path);
    exit(2);
  }
  fclose(file);
  free(out);
}

/* ------------------------------------------------------------------------------------------------------ driver */

struct kernel {
  const char *name;
  void (*infer)(void);
  int supported;
};

static struct kernel kernels[2];
static int kernel_count;

static void run(const char *name) {
  for (int t = 0; t < kernel_count; t++) {
    if (strcmp(kernels[t].name, name) != 0 || !kernels[t].supported) continue;
    double start = now_ms();
    kernels[t].infer();
    double ms = now_ms() - start;
    write_output();
    printf("{\"kernel\": \"%s\", \"ms\": %.3f}\n", name, ms);
    return;
  }
  printf("{\"error\": \"no kernel %s on this CPU\"}\n", name);
}

static long file_size(const char *path) {
  FILE *file = fopen(path, "rb");
  if (file == NULL) {
    fprintf(stderr, "cannot open %s\n", path);
    exit(2);
  }
  fseek(file, 0, SEEK_END);
  long size = ftell(file);
  fclose(file);
  return size;
}

/* Parses the model file (model.ts's format); exits on a file that does not describe itself consistently. */
static void load_model(const char *path) {
  long size = file_size(path);
  const uint8_t *m = read_file(path, (size_t)size);
  if (size < 10 || memcmp(m, "WMLP", 4) != 0 || m[4] != 1) {
    fprintf(stderr, "%s is not a version 1 model file\n", path);
    exit(2);
  }
  layer_count = m[5];
  network_inputs = (int)be32(m + 6);
  if (layer_count < 1 || layer_count > MAX_LAYERS) {
    fprintf(stderr, "%d layers\n", layer_count);
    exit(2);
  }
  size_t at = 10;
  int inputs = network_inputs;
  for (int t = 0; t < layer_count; t++, at += 10) {
    struct layer *l = &layers[t];
    l->inputs = inputs;
    l->outputs = (int)be32(m + at);
    l->multiplier = be32(m + at + 4);
    l->shift = m[at + 8];
    l->activation = m[at + 9];
    inputs = l->outputs;
  }
  for (int t = 0; t < layer_count; t++) {
    struct layer *l = &layers[t];
    int k = l->inputs, n = l->outputs, kp = round_up(k, PAD);
    if (at + 4 * (size_t)n + (size_t)n * k > (size_t)size) {
      fprintf(stderr, "%s is cut off\n", path);
      exit(2);
    }
    l->bias = malloc(4 * (size_t)n);
    for (int j = 0; j < n; j++, at += 4) l->bias[j] = (int32_t)be32(m + at);
    l->weights = (const int8_t *)m + at;
    l->padded = aligned_alloc(64, (size_t)n * kp);
    l->weight_sum = malloc(4 * (size_t)n);
    for (int j = 0; j < n; j++) {
      memcpy(l->padded + (size_t)j * kp, l->weights + (size_t)j * k, k);
      memset(l->padded + (size_t)j * kp + k, 0, kp - k);
      int32_t sum = 0;
      for (int p = 0; p < k; p++) sum += l->weights[(size_t)j * k + p];
      l->weight_sum[j] = sum;
    }
    at += (size_t)n * k;
    l->acc = malloc(4 * (size_t)items * n);
    l->y = malloc((size_t)items * n);
  }
  if (at != (size_t)size) {
    fprintf(stderr, "%s has %ld bytes, its header describes %zu\n", path, size, at);
    exit(2);
  }
}

int main(int argc, char **argv) {
  if (argc != 5) {
    fprintf(stderr, "usage: %s model.wmlp batch.bin items out.bin\n", argv[0]);
    return 2;
  }
  items = atoi(argv[3]);
  out_path = argv[4];
  load_model(argv[1]);
  batch = read_file(argv[2], (size_t)items * network_inputs);
  int widest = network_inputs;
  for (int t = 0; t < layer_count; t++)
    if (layers[t].inputs > widest) widest = layers[t].inputs;
  xu = aligned_alloc(64, (size_t)items * round_up(widest, PAD));
  kernels[kernel_count++] = (struct kernel){"portable", infer_portable, 1};
#ifdef HAVE_X86
  __builtin_cpu_init();
  kernels[kernel_count++] = (struct kernel){
      "vnni", infer_vnni,
      __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
          __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512vnni")};
#endif
  ANNOUNCE_KERNELS(kernels, kernel_count);
  serve(run);
  return 0;
}
