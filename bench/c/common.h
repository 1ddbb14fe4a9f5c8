/*
 * Shared by the C baselines of bench/verifier.ts: reading operands from files, timing, and the request loop. Each
 * program loads its operands once, then times one run per line read from stdin and answers with one JSON line, so
 * that bench/verifier.ts can alternate TypeScript and C runs on the same operands (interleaved, so that a change of
 * load on a shared machine hits both sides alike).
 */
#ifndef WEFT_BENCH_COMMON_H
#define WEFT_BENCH_COMMON_H

#define _POSIX_C_SOURCE 199309L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void *read_file(const char *path, size_t bytes) {
  FILE *file = fopen(path, "rb");
  if (file == NULL) {
    fprintf(stderr, "cannot open %s\n", path);
    exit(2);
  }
  void *data = malloc(bytes);
  if (data == NULL || fread(data, 1, bytes, file) != bytes) {
    fprintf(stderr, "cannot read %zu bytes from %s\n", bytes, path);
    exit(2);
  }
  fclose(file);
  return data;
}

static double now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

/* Calls `run` with each line of stdin (its trailing newline removed) until EOF; `run` prints one JSON line. */
static void serve(void (*run)(const char *request)) {
  char line[64];
  while (fgets(line, sizeof line, stdin) != NULL) {
    line[strcspn(line, "\n")] = 0;
    run(line);
    fflush(stdout);
  }
}

/*
 * Prints the kernels this CPU supports as one JSON line, {"kernels": [...], "best": "..."}: `kernels` (structs with
 * .name and .supported) lists them from slowest to fastest, the first always supported.
 */
#define ANNOUNCE_KERNELS(kernels, count)                                                                             \
  do {                                                                                                               \
    const char *best = (kernels)[0].name, *separator = "";                                                           \
    printf("{\"kernels\": [");                                                                                       \
    for (int t = 0; t < (count); t++)                                                                                \
      if ((kernels)[t].supported) {                                                                                  \
        printf("%s\"%s\"", separator, (kernels)[t].name);                                                            \
        separator = ", ";                                                                                            \
        best = (kernels)[t].name;                                                                                    \
      }                                                                                                              \
    printf("], \"best\": \"%s\"}\n", best);                                                                         \
    fflush(stdout);                                                                                                  \
  } while (0)

#endif
