import { expect } from "chai";
import fs from "node:fs";
import path from "node:path";

import {
  compileWat,
  GENERATED_EXPORT,
  generatedModulePath,
  generatedModuleSource,
  KERNEL_ROOT,
  kernelName,
  watFiles,
} from "../../scripts/build-kernels";
import { matmulKernelModule } from "../../src/workloads/matmul-i8/kernel";
import { base64Bytes, wasmModule } from "../../src/workloads/wasm/module";

describe("WebAssembly kernels", function () {
  const kernels = watFiles();

  it("finds every kernel under src", function () {
    expect(kernels.map(kernelName)).to.include.members([
      "src/commitments/keccak.wat",
      "src/workloads/matmul-i8/freivalds.wat",
      "src/workloads/matmul-i8/matmul.wat",
    ]);
  });

  for (const wat of kernels) {
    const generated = generatedModulePath(wat);
    it(`commits ${kernelName(generated)} as wabt's binary of ${kernelName(wat)}`, async function () {
      expect(fs.existsSync(generated), `${kernelName(generated)} is missing: run npm run kernels`).to.equal(true);
      const committed: unknown = (await import(generated))[GENERATED_EXPORT];
      expect(committed, `${kernelName(generated)} exports no ${GENERATED_EXPORT}: run npm run kernels`).to.be.a(
        "string",
      );
      const binary = await compileWat(kernelName(wat), fs.readFileSync(wat, "utf8"));
      const stale = `${kernelName(generated)} is stale (not wabt's binary of ${kernelName(wat)}): run npm run kernels`;
      expect(Buffer.from(base64Bytes(committed as string)).equals(binary), stale).to.equal(true);
      expect(fs.readFileSync(generated, "utf8"), `${kernelName(generated)} was edited: run npm run kernels`).to.equal(
        generatedModuleSource(wat, binary),
      );
      expect(wasmModule(committed as string)).to.be.an.instanceOf(WebAssembly.Module);
    });
  }

  it("has no generated module left without its .wat", function () {
    const orphans = fs
      .readdirSync(KERNEL_ROOT, { recursive: true, encoding: "utf8" })
      .filter(
        (file) =>
          file.endsWith(".wasm.ts") && !fs.existsSync(path.join(KERNEL_ROOT, file.replace(/\.wasm\.ts$/, ".wat"))),
      );
    expect(orphans, "delete them, or restore their .wat and run npm run kernels").to.deep.equal([]);
  });

  it("compiles a SIMD module from text, which the library loads from its base64", async function () {
    const binary = await compileWat(
      "dot.wat",
      `(module (func (export "dot") (param i32 i32) (result i32)
         (i32x4.extract_lane 0 (i32x4.dot_i16x8_s
           (i16x8.replace_lane 0 (v128.const i64x2 0 0) (local.get 0))
           (i16x8.replace_lane 0 (v128.const i64x2 0 0) (local.get 1))))))`,
    );
    const module = wasmModule(Buffer.from(binary).toString("base64"));
    const { dot } = new WebAssembly.Instance(module).exports as { dot: (...args: number[]) => number };
    expect(dot(-300, 7)).to.equal(-2100);
  });

  it("names the file and wabt's complaint when the text is not a valid module", async function () {
    let caught: unknown;
    await compileWat("broken.wat", `(module (func (export "f") (result i32) (i64.const 1)))`).catch(
      (error: unknown) => (caught = error),
    );
    expect(caught).to.be.an.instanceOf(Error);
    expect((caught as Error).message).to.match(/broken\.wat is not a valid WebAssembly text module: .*type mismatch/s);
  });

  it("compiles the library's kernel once per thread", function () {
    expect(matmulKernelModule()).to.equal(matmulKernelModule());
  });
});
