import { expect } from "chai";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

import { watModule } from "../../src/workloads/wasm/compile-wat";

describe("WebAssembly kernels from text", function () {
  let dir: string;
  before(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "weft-wat-"))));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  function watFile(name: string, text: string): string {
    const file = path.join(dir, name);
    fs.writeFileSync(file, text);
    return file;
  }

  it("compiles a SIMD module synchronously, once per file and process", function () {
    const file = watFile(
      "dot.wat",
      `(module (func (export "dot") (param i32 i32) (result i32)
         (i32x4.extract_lane 0 (i32x4.dot_i16x8_s
           (i16x8.replace_lane 0 (v128.const i64x2 0 0) (local.get 0))
           (i16x8.replace_lane 0 (v128.const i64x2 0 0) (local.get 1))))))`,
    );
    const module = watModule(file);
    const { dot } = new WebAssembly.Instance(module).exports as { dot: (...args: number[]) => number };
    expect(dot(-300, 7)).to.equal(-2100);
    fs.writeFileSync(file, "(module)");
    expect(watModule(file)).to.equal(module);
  });

  it("names the file and wabt's complaint when the text is not a valid module", function () {
    const file = watFile("broken.wat", `(module (func (export "f") (result i32) (i64.const 1)))`);
    expect(() => watModule(file)).to.throw(/broken\.wat is not a valid WebAssembly text module: .*type mismatch/s);
  });
});
