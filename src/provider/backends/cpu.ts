/** The built-in backend: the reference implementation on the CPU, matmul-i8 split over worker threads. */
import { referenceOutput } from "../../jobs/job-data";
import type { DecodedJob } from "../../workloads/registry";
import type { ComputeBackend } from "./backend";

export interface CpuBackendOptions {
  /** Worker threads for matmul-i8; default: all cores for large products, the calling thread for small ones. */
  readonly workers?: number;
}

export class CpuBackend implements ComputeBackend {
  readonly name = "cpu";

  constructor(private readonly options: CpuBackendOptions = {}) {}

  compute(job: DecodedJob, inputs: Uint8Array): Promise<Uint8Array> {
    return referenceOutput(job, inputs, { workers: this.options.workers });
  }
}
