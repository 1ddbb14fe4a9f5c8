/**
 * WebAssembly kernels are written as text (.wat, the source of truth) next to the code that uses them, and compiled
 * ahead of time by `npm run kernels` (scripts/build-kernels.ts, with wabt) into generated modules next to them
 * (`<name>.wasm.ts`, committed) that hold the binary as base64. A test fails when a generated module no longer matches
 * its text. So the library needs no file system, no wabt and no worker thread to get a kernel: it decodes a few
 * kilobytes and compiles them synchronously, once per thread (callers cache the module).
 * There is no fallback for engines without SIMD128: Node >= 20 (V8 >= 11) always has it.
 */

/** The bytes of a base64 string (`atob` is a global in Node >= 16 and in browsers). */
export function base64Bytes(base64: string): Uint8Array {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** Compiles the module whose binary is `base64` (the constant of a generated `<name>.wasm.ts`). */
export const wasmModule = (base64: string): WebAssembly.Module => new WebAssembly.Module(base64Bytes(base64));
