/**
 * keccak256 and whole OpenZeppelin-shaped Merkle trees through the WebAssembly kernel keccak.wat (why our own kernel
 * rather than ethers' JavaScript keccak or hash-wasm: see the head of keccak.wat). A tree is built in two kinds of
 * calls: the leaves, written into the kernel's memory a batch at a time and hashed by one call per batch, then every
 * internal node by one call, so the JavaScript side only writes bytes and never hashes.
 */
import { wasmModule } from "../workloads/wasm/module";
import { WASM_BASE64 as KECCAK_WASM } from "./keccak.wasm";

export const HASH_BYTES = 32;

/** The exports of an instance of keccak.wat. */
interface KeccakKernel {
  readonly memory: WebAssembly.Memory;
  readonly heap_base: { readonly value: number };
  readonly keccak256: (ptr: number, length: number, out: number) => void;
  readonly standard_leaves: (messages: number, stride: number, length: number, count: number, out: number) => void;
  readonly internal_nodes: (nodes: number, leafCount: number) => void;
}

const PAGE_BYTES = 65_536;
/**
 * Leaf messages written per kernel call: enough that the call costs nothing against the hashing (a batch is ~600 KB
 * of result chunks), few enough that the kernel's memory stays at the size of the nodes plus one batch.
 */
const LEAF_BATCH = 1024;
/** Message addresses stay 8-byte aligned, so the kernel's 64-bit loads never straddle a word. */
const ALIGN = 8;

let kernel: KeccakKernel | undefined;

function keccakKernel(): KeccakKernel {
  kernel ??= new WebAssembly.Instance(wasmModule(KECCAK_WASM)).exports as unknown as KeccakKernel;
  return kernel;
}

const aligned = (bytes: number) => Math.ceil(bytes / ALIGN) * ALIGN;

/** The kernel with at least `bytes` of memory from its heap base; returns the heap base. */
function reserve(bytes: number): { kernel: KeccakKernel; base: number } {
  const k = keccakKernel();
  const base = k.heap_base.value;
  const missing = base + bytes - k.memory.buffer.byteLength;
  if (missing > 0) k.memory.grow(Math.ceil(missing / PAGE_BYTES));
  return { kernel: k, base };
}

/** keccak256 of `data` as raw bytes. */
export function keccak256Bytes(data: Uint8Array): Uint8Array {
  const { kernel: k, base } = reserve(aligned(data.length) + HASH_BYTES);
  const out = base + aligned(data.length);
  new Uint8Array(k.memory.buffer, base, data.length).set(data);
  k.keccak256(base, data.length, out);
  return new Uint8Array(k.memory.buffer.slice(out, out + HASH_BYTES));
}

/** A run of leaves whose messages (the abi-encoded leaf data, before OZ's double hashing) all have one length. */
export interface LeafMessages {
  readonly count: number;
  /** Bytes in each message. */
  readonly length: number;
  /** Writes message `index` (0-based within the run) over all of `target`, which is `length` bytes of old data. */
  write(target: Uint8Array, index: number): void;
}

/**
 * The (2L - 1) x 32 bytes of the OZ tree over the leaves of `runs` in order (leaf hash = keccak256(keccak256(message))),
 * in OZ's array layout: node 0 is the root, leaf i is node 2L - 2 - i.
 */
export function standardTreeFromMessages(runs: readonly LeafMessages[]): Uint8Array {
  const leafCount = runs.reduce((sum, run) => sum + run.count, 0);
  const maxLength = Math.max(...runs.map((run) => run.length));
  const nodesBytes = (2 * leafCount - 1) * HASH_BYTES;
  const stride = aligned(maxLength);
  const { kernel: k, base } = reserve(aligned(nodesBytes) + LEAF_BATCH * stride);
  const batchAt = base + aligned(nodesBytes);
  let firstLeaf = 0;
  for (const run of runs) {
    for (let start = 0; start < run.count; start += LEAF_BATCH) {
      const count = Math.min(LEAF_BATCH, run.count - start);
      // Taken after every grow: growing detaches the previous buffer.
      const memory = new Uint8Array(k.memory.buffer);
      for (let i = 0; i < count; i++) {
        run.write(memory.subarray(batchAt + i * stride, batchAt + i * stride + run.length), start + i);
      }
      const leafSlot = base + (2 * leafCount - 2 - (firstLeaf + start)) * HASH_BYTES;
      k.standard_leaves(batchAt, stride, run.length, count, leafSlot);
    }
    firstLeaf += run.count;
  }
  k.internal_nodes(base, leafCount);
  return new Uint8Array(k.memory.buffer.slice(base, base + nodesBytes));
}

/** The same layout over leaf hashes given as they are (32 bytes each, leaf-index order). */
export function standardTreeFromLeafHashes(leafHashes: readonly Uint8Array[]): Uint8Array {
  const leafCount = leafHashes.length;
  const nodesBytes = (2 * leafCount - 1) * HASH_BYTES;
  const { kernel: k, base } = reserve(nodesBytes);
  const nodes = new Uint8Array(k.memory.buffer, base, nodesBytes);
  leafHashes.forEach((hash, i) => nodes.set(hash, (2 * leafCount - 2 - i) * HASH_BYTES));
  k.internal_nodes(base, leafCount);
  return new Uint8Array(k.memory.buffer.slice(base, base + nodesBytes));
}
