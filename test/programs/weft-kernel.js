/**
 * A provider's own compute program, wired in through the exec backend the way a CUDA or Metal kernel would be
 * (see src/provider/backends/exec.ts for the contract). Plain Node.js with no imports from src/: an independent
 * implementation of the byte formats in src/workloads/{matmul-i8,mandelbrot-q,mlp-i8}/codec.ts, of mlp-i8's model
 * file (model.ts), its arithmetic (requantization in BigInt) and its output layout (layout.ts).
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

/**
 * mlp-i8: inputs are the model file then the batch; the output is, layer by layer, the int32 accumulators (big-endian
 * words) then the int8 activations one per byte padded to a word, then zero words up to a power of two of 128-word
 * chunks. The model's layer headers must be exactly the params' layers.
 */
function mlpI8({ batch, inputs: width, layers }, inputs) {
  const magic = inputs.subarray(0, 4).toString("latin1");
  if (magic !== "WMLP" || inputs[4] !== 1) throw new Error("mlp-i8 inputs do not start with a version 1 WMLP model");
  const layerCount = inputs[5];
  if (layerCount !== layers.length || inputs.readUInt32BE(6) !== width) {
    throw new Error(
      `the model has ${layerCount} layers over ${inputs.readUInt32BE(6)} inputs; the params say otherwise`,
    );
  }
  let at = 10;
  for (const layer of layers) {
    const header = [inputs.readUInt32BE(at), inputs.readUInt32BE(at + 4), inputs[at + 8], inputs[at + 9]];
    const wanted = [layer.outputs, layer.multiplier, layer.shift, layer.activation];
    if (header.some((value, i) => value !== wanted[i])) throw new Error(`layer header ${header} is not ${wanted}`);
    at += 10;
  }
  // Every layer's biases and unit-major weights, in order.
  const units = layers.map((layer, l) => {
    const fanIn = l === 0 ? width : layers[l - 1].outputs;
    const biases = [];
    for (let j = 0; j < layer.outputs; j++, at += 4) biases.push(inputs.readInt32BE(at));
    const weights = new Int8Array(inputs.buffer, inputs.byteOffset + at, layer.outputs * fanIn);
    at += layer.outputs * fanIn;
    return { fanIn, biases, weights };
  });
  if (inputs.length !== at + batch * width) {
    throw new Error(`mlp-i8 needs ${at + batch * width} input bytes (model then batch), got ${inputs.length}`);
  }
  let x = new Int8Array(inputs.buffer, inputs.byteOffset + at, batch * width);

  let words = 0;
  for (const layer of layers) words += batch * layer.outputs + Math.ceil((batch * layer.outputs) / 4);
  let total = 128;
  while (total < words) total *= 2;
  const output = Buffer.alloc(4 * total);

  let word = 0;
  layers.forEach((layer, l) => {
    const { fanIn, biases, weights } = units[l];
    const n = layer.outputs;
    const y = new Int8Array(batch * n);
    for (let b = 0; b < batch; b++) {
      for (let j = 0; j < n; j++) {
        let acc = biases[j];
        for (let p = 0; p < fanIn; p++) acc += x[b * fanIn + p] * weights[j * fanIn + p];
        output.writeInt32BE(acc, 4 * (word + b * n + j));
        // floor((acc * M + 2^(s-1)) / 2^s): BigInt's >> is an arithmetic shift, a floor.
        let q = BigInt(acc) * BigInt(layer.multiplier);
        if (layer.shift > 0) q = (q + (1n << BigInt(layer.shift - 1))) >> BigInt(layer.shift);
        let value = q > 127n ? 127 : q < -128n ? -128 : Number(q);
        if (layer.activation === 1 && value < 0) value = 0;
        y[b * n + j] = value;
      }
    }
    word += batch * n;
    for (let i = 0; i < y.length; i++) output.writeInt8(y[i], 4 * word + i);
    word += Math.ceil(y.length / 4);
    x = y;
  });
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
  else if (params.workload === "mlp-i8") output = mlpI8(params, inputs);
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
