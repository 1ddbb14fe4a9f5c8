/**
 * A provider's own compute program, wired in through the exec backend the way a CUDA or Metal kernel would be
 * (see src/provider/backends/exec.ts for the contract). Plain Node.js with no imports from src/: an independent
 * implementation of the byte formats in src/workloads/{matmul-i8,mandelbrot-q}/codec.ts.
 *
 *   node weft-kernel.js [<params.json> <inputs.bin> <output.bin>]
 *
 * Without arguments it reads WEFT_PARAMS_FILE, WEFT_INPUT_FILE and WEFT_OUTPUT_FILE.
 */
"use strict";
const fs = require("node:fs");

/** C = A x B: A (m x k) then B (k x n) as int8 bytes, C as big-endian int32, wrapping like an int32 accumulator. */
function matmulI8({ m, k, n }, inputs) {
  if (inputs.length !== m * k + k * n) {
    throw new Error(`matmul-i8 ${m}x${k}x${n} needs ${m * k + k * n} input bytes, got ${inputs.length}`);
  }
  const a = new Int8Array(inputs.buffer, inputs.byteOffset, m * k);
  const b = new Int8Array(inputs.buffer, inputs.byteOffset + m * k, k * n);
  const output = Buffer.alloc(4 * m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let sum = 0;
      for (let p = 0; p < k; p++) sum = (sum + a[i * k + p] * b[p * n + j]) | 0;
      output.writeInt32BE(sum, 4 * (i * n + j));
    }
  }
  return output;
}

/** Escape iteration counts in Q23 fixed point with floor shifts, as big-endian uint32, row-major. */
function mandelbrotQ({ x0, y0, step, width, height, maxIter }) {
  const one = 2 ** 23;
  const output = Buffer.alloc(4 * width * height);
  for (let py = 0; py < height; py++) {
    for (let px = 0; px < width; px++) {
      const cx = x0 + px * step;
      const cy = y0 + py * step;
      let x = 0;
      let y = 0;
      let iterations = maxIter;
      for (let iter = 0; iter < maxIter; iter++) {
        const xx = Math.floor((x * x) / one);
        const yy = Math.floor((y * y) / one);
        if (xx + yy > 4 * one) {
          iterations = iter;
          break;
        }
        const xy2 = Math.floor((x * y) / (one / 2));
        x = xx - yy + cx;
        y = xy2 + cy;
      }
      output.writeUInt32BE(iterations, 4 * (py * width + px));
    }
  }
  return output;
}

function main(args) {
  const [paramsFile, inputFile, outputFile] =
    args.length === 3
      ? args
      : [process.env.WEFT_PARAMS_FILE, process.env.WEFT_INPUT_FILE, process.env.WEFT_OUTPUT_FILE];
  const params = JSON.parse(fs.readFileSync(paramsFile, "utf8"));
  const inputs = fs.readFileSync(inputFile);
  let output;
  if (params.workload === "matmul-i8") output = matmulI8(params, inputs);
  else if (params.workload === "mandelbrot-q") output = mandelbrotQ(params);
  else throw new Error(`unknown workload ${params.workload}`);
  fs.writeFileSync(outputFile, output);
}

// Mocha loads every .js file under test/; only compute when run as a program.
if (require.main === module) {
  try {
    main(process.argv.slice(2));
  } catch (error) {
    console.error(`weft-kernel: ${error.message}`);
    process.exit(1);
  }
}
