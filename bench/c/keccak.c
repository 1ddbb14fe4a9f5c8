/*
 * The native baseline of bench/end-to-end.ts's commitment build: the result tree of src/commitments/result-tree.ts
 * (chunks of 512 bytes, leaf = keccak256(keccak256(abi.encode(uint256 chunkIndex, bytes chunk))), internal node =
 * keccak256 of the sorted pair, OZ's array layout) over the same output bytes, with a plain C Keccak-f[1600].
 *
 * Usage: keccak <output file> <bytes> <runs>; prints {"ms": best of the runs, "root": "0x..."} (the root is checked against
 * the TypeScript one by the bench).
 */
#include "common.h"

#define RATE 136
#define CHUNK_BYTES 512
#define HASH_BYTES 32
#define ABI_WORD 32

static const uint64_t ROUND_CONSTANTS[24] = {
    0x0000000000000001ULL, 0x0000000000008082ULL, 0x800000000000808aULL, 0x8000000080008000ULL,
    0x000000000000808bULL, 0x0000000080000001ULL, 0x8000000080008081ULL, 0x8000000000008009ULL,
    0x000000000000008aULL, 0x0000000000000088ULL, 0x0000000080008009ULL, 0x000000008000000aULL,
    0x000000008000808bULL, 0x800000000000008bULL, 0x8000000000008089ULL, 0x8000000000008003ULL,
    0x8000000000008002ULL, 0x8000000000000080ULL, 0x000000000000800aULL, 0x800000008000000aULL,
    0x8000000080008081ULL, 0x8000000000008080ULL, 0x0000000080000001ULL, 0x8000000080008008ULL};
/* rho's rotation and pi's destination of lane x + 5y. */
static const int ROTATION[25] = {0,  1,  62, 28, 27, 36, 44, 6,  55, 20, 3,  10, 43,
                                 25, 39, 41, 45, 15, 21, 8,  18, 2,  61, 56, 14};

static inline uint64_t rotl(uint64_t x, int r) { return r == 0 ? x : (x << r) | (x >> (64 - r)); }

static void keccak_f(uint64_t a[25]) {
  uint64_t b[25], c[5], d[5];
  for (int round = 0; round < 24; round++) {
    for (int x = 0; x < 5; x++) c[x] = a[x] ^ a[x + 5] ^ a[x + 10] ^ a[x + 15] ^ a[x + 20];
    for (int x = 0; x < 5; x++) d[x] = c[(x + 4) % 5] ^ rotl(c[(x + 1) % 5], 1);
    for (int y = 0; y < 5; y++)
      for (int x = 0; x < 5; x++) b[y + 5 * ((2 * x + 3 * y) % 5)] = rotl(a[x + 5 * y] ^ d[x], ROTATION[x + 5 * y]);
    for (int y = 0; y < 5; y++)
      for (int x = 0; x < 5; x++)
        a[x + 5 * y] = b[x + 5 * y] ^ (~b[(x + 1) % 5 + 5 * y] & b[(x + 2) % 5 + 5 * y]);
    a[0] ^= ROUND_CONSTANTS[round];
  }
}

/* keccak256 (0x01 padding); little-endian host, as the lanes are loaded with memcpy. */
static void keccak256(const uint8_t *message, size_t length, uint8_t out[HASH_BYTES]) {
  uint64_t a[25] = {0};
  uint8_t last[RATE];
  for (; length >= RATE; message += RATE, length -= RATE) {
    for (int i = 0; i < RATE / 8; i++) {
      uint64_t lane;
      memcpy(&lane, message + 8 * i, 8);
      a[i] ^= lane;
    }
    keccak_f(a);
  }
  memset(last, 0, RATE);
  memcpy(last, message, length);
  last[length] |= 0x01;
  last[RATE - 1] |= 0x80;
  for (int i = 0; i < RATE / 8; i++) {
    uint64_t lane;
    memcpy(&lane, last + 8 * i, 8);
    a[i] ^= lane;
  }
  keccak_f(a);
  memcpy(out, a, HASH_BYTES);
}

static void write_word(uint8_t *word, uint64_t value) {
  memset(word, 0, ABI_WORD);
  for (int i = 0; i < 8; i++) word[ABI_WORD - 1 - i] = (uint8_t)(value >> (8 * i));
}

/* The root of the result tree of `output` into `root`; `nodes` holds 2L - 1 hashes, `message` one leaf's encoding. */
static void result_root(const uint8_t *output, size_t bytes, uint8_t *nodes, uint8_t *message, uint8_t root[32]) {
  size_t leaves = (bytes + CHUNK_BYTES - 1) / CHUNK_BYTES;
  size_t node_count = 2 * leaves - 1;
  for (size_t i = 0; i < leaves; i++) {
    size_t length = bytes - i * CHUNK_BYTES < CHUNK_BYTES ? bytes - i * CHUNK_BYTES : CHUNK_BYTES;
    size_t padded = (length + ABI_WORD - 1) / ABI_WORD * ABI_WORD;
    write_word(message, i);
    write_word(message + ABI_WORD, 2 * ABI_WORD);
    write_word(message + 2 * ABI_WORD, length);
    memset(message + 3 * ABI_WORD + length, 0, padded - length);
    memcpy(message + 3 * ABI_WORD, output + i * CHUNK_BYTES, length);
    uint8_t *leaf = nodes + (node_count - 1 - i) * HASH_BYTES;
    keccak256(message, 3 * ABI_WORD + padded, leaf);
    keccak256(leaf, HASH_BYTES, leaf);
  }
  uint8_t pair[2 * HASH_BYTES];
  for (long node = (long)leaves - 2; node >= 0; node--) {
    const uint8_t *left = nodes + (2 * node + 1) * HASH_BYTES, *right = left + HASH_BYTES;
    int ordered = memcmp(left, right, HASH_BYTES) <= 0;
    memcpy(pair, ordered ? left : right, HASH_BYTES);
    memcpy(pair + HASH_BYTES, ordered ? right : left, HASH_BYTES);
    keccak256(pair, sizeof pair, nodes + node * HASH_BYTES);
  }
  memcpy(root, nodes, HASH_BYTES);
}

int main(int argc, char **argv) {
  if (argc != 4) {
    fprintf(stderr, "usage: keccak <output file> <bytes> <runs>\n");
    return 2;
  }
  size_t bytes = strtoull(argv[2], NULL, 10);
  int runs = atoi(argv[3]);
  const uint8_t *output = read_file(argv[1], bytes);
  size_t leaves = (bytes + CHUNK_BYTES - 1) / CHUNK_BYTES;
  uint8_t *nodes = malloc((2 * leaves - 1) * HASH_BYTES);
  uint8_t message[3 * ABI_WORD + CHUNK_BYTES];
  uint8_t root[HASH_BYTES];
  /* The best of the runs, as bench/end-to-end.ts takes every commitment speed. */
  double best = 0;
  for (int run = 0; run < runs; run++) {
    double start = now_ms();
    result_root(output, bytes, nodes, message, root);
    double ms = now_ms() - start;
    if (run == 0 || ms < best) best = ms;
  }
  printf("{\"ms\": %.4f, \"root\": \"0x", best);
  for (int i = 0; i < HASH_BYTES; i++) printf("%02x", root[i]);
  printf("\"}\n");
  return 0;
}
