import { InvalidWorkloadError, requireIntegerInRange } from "../errors";

export const MATMUL_I8_NAME = "matmul-i8";

/**
 * Largest accepted inner dimension. It keeps every exact sum inside what the verifier relies on:
 * |C[i][j]| <= k * 128 * 128 = 2^30 < 2^31, so a correct C never wraps (see multiply.ts), and every entry of a
 * claimed C minus A B is below 2^31 + 2^30 < 2^32 - 5, the modulus of Freivalds' check (see freivalds.ts).
 */
export const MATMUL_MAX_K = 1 << 16;
/** Largest accepted m and n. */
export const MATMUL_MAX_DIMENSION = 1 << 16;
/** Largest accepted element count of A, B or C (C = 2^26 int32 = 256 MiB). */
export const MATMUL_MAX_MATRIX_ELEMENTS = 1 << 26;

/** C = A (m x k) times B (k x n). */
export interface MatmulShape {
  readonly m: number;
  readonly k: number;
  readonly n: number;
}

/** Throws an InvalidWorkloadError naming the broken limit. */
export function validateMatmulShape(shape: MatmulShape): void {
  requireIntegerInRange(MATMUL_I8_NAME, "m", shape.m, 1, MATMUL_MAX_DIMENSION);
  requireIntegerInRange(MATMUL_I8_NAME, "k", shape.k, 1, MATMUL_MAX_K);
  requireIntegerInRange(MATMUL_I8_NAME, "n", shape.n, 1, MATMUL_MAX_DIMENSION);
  for (const [matrix, rows, cols] of [
    ["A", shape.m, shape.k],
    ["B", shape.k, shape.n],
    ["C", shape.m, shape.n],
  ] as const) {
    if (rows * cols > MATMUL_MAX_MATRIX_ELEMENTS) {
      throw new InvalidWorkloadError(
        MATMUL_I8_NAME,
        `${matrix} has ${rows}x${cols} elements, more than MATMUL_MAX_MATRIX_ELEMENTS (${MATMUL_MAX_MATRIX_ELEMENTS}); split the job`,
      );
    }
  }
}

/** The operands of one job: A and B row-major. */
export interface MatmulOperands {
  readonly shape: MatmulShape;
  readonly a: Int8Array;
  readonly b: Int8Array;
}

/** Throws unless the shape is valid and A and B have exactly m*k and k*n elements. */
export function validateMatmulOperands(operands: MatmulOperands): void {
  const { shape, a, b } = operands;
  validateMatmulShape(shape);
  if (a.length !== shape.m * shape.k || b.length !== shape.k * shape.n) {
    throw new InvalidWorkloadError(
      MATMUL_I8_NAME,
      `A must have ${shape.m * shape.k} and B ${shape.k * shape.n} elements for shape ${shape.m}x${shape.k}x${shape.n}, got ${a.length} and ${b.length}`,
    );
  }
}
