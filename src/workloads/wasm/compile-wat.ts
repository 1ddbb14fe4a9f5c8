/**
 * WebAssembly kernels committed as text (.wat) next to the code that uses them, compiled once per process.
 *
 * wabt only offers an asynchronous API while the kernels' callers (the verifier's checks) are synchronous, so the
 * text is compiled in a short-lived worker thread that the calling thread waits for with Atomics.wait: the first
 * use of a kernel pays for loading wabt (a fraction of a second), every later use finds the module in the cache.
 * There is no fallback for engines without SIMD128: Node >= 20 (V8 >= 11) always has it.
 */
import fs from "node:fs";
import { MessageChannel, receiveMessageOnPort, Worker } from "node:worker_threads";

/** Long enough for wabt to load on a busy machine; only the first use of each kernel waits for it. */
const COMPILE_TIMEOUT_MS = 60_000;

const WORKER_SOURCE = `
const { workerData } = require("node:worker_threads");
const { wabtPath, name, text, port, signal } = workerData;
require(wabtPath)()
  .then((wabt) => {
    const module = wabt.parseWat(name, text, { simd: true });
    try {
      module.validate();
      port.postMessage({ binary: module.toBinary({}).buffer });
    } finally {
      module.destroy();
    }
  })
  .catch((error) => port.postMessage({ error: String((error && error.stack) || error) }))
  .finally(() => {
    Atomics.store(signal, 0, 1);
    Atomics.notify(signal, 0);
  });
`;

type CompileReply = { binary: Uint8Array } | { error: string };

const cache = new Map<string, WebAssembly.Module>();

function compile(path: string): WebAssembly.Module {
  const { port1, port2 } = new MessageChannel();
  const signal = new Int32Array(new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT));
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: {
      wabtPath: require.resolve("wabt"),
      name: path,
      text: fs.readFileSync(path, "utf8"),
      port: port2,
      signal,
    },
    transferList: [port2],
  });
  try {
    if (Atomics.wait(signal, 0, 0, COMPILE_TIMEOUT_MS) === "timed-out") {
      throw new Error(`compiling ${path} took over ${COMPILE_TIMEOUT_MS} ms; is the machine overloaded?`);
    }
    const reply = receiveMessageOnPort(port1)?.message as CompileReply | undefined;
    if (reply === undefined) throw new Error(`compiling ${path}: the wabt worker exited without an answer`);
    if ("error" in reply) throw new Error(`${path} is not a valid WebAssembly text module: ${reply.error}`);
    return new WebAssembly.Module(reply.binary);
  } finally {
    port1.close();
    void worker.terminate();
  }
}

/** The compiled module of the .wat file at `path` (absolute), compiled on first use. */
export function watModule(path: string): WebAssembly.Module {
  let module = cache.get(path);
  if (module === undefined) {
    module = compile(path);
    cache.set(path, module);
  }
  return module;
}
