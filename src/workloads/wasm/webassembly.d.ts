/**
 * The part of the WebAssembly JavaScript API that the kernels use. Node has the global at run time, but neither
 * lib "es2023" nor @types/node 20 declares it (TypeScript ships it only with the DOM and worker libs).
 */
declare namespace WebAssembly {
  class Module {
    constructor(bytes: ArrayBufferView | ArrayBuffer);
  }
  class Instance {
    constructor(module: Module, imports?: Record<string, Record<string, unknown>>);
    readonly exports: Record<string, unknown>;
  }
  class Memory {
    readonly buffer: ArrayBuffer;
    /** Grows by `pages` of 64 KiB and returns the previous size in pages; detaches the previous buffer. */
    grow(pages: number): number;
  }
}
