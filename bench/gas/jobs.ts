/**
 * Jobs in the states the gas benches start from, driven through the real escrow with a client's standing allowance
 * (so measured createJob calls spend an allowance, as a running client's do).
 */
import { ethers } from "hardhat";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";

import { MatmulInputTree } from "../../src/commitments/matmul-inputs";
import { ResultTree } from "../../src/commitments/result-tree";
import { encodeFraudProof } from "../../src/disputes/proofs";
import { generateInputs, inputRootOf, referenceOutput } from "../../src/jobs/job-data";
import { matmulOperandEvidence, wordEvidence } from "../../src/verifier/checks/evidence";
import type { MatmulShape } from "../../src/workloads/matmul-i8/shape";
import { matmulI8, type DecodedJob } from "../../src/workloads/registry";
import { WORD_BYTES } from "../../src/workloads/words";
import type { IJobEscrow } from "../../typechain-types/contracts/market/JobEscrow";
import { acceptAndSubmit, jobRequest } from "../../test/fixtures/jobs";
import type { WeftFixture } from "../../test/fixtures/weft";

type Signer = HardhatEthersSigner;
type Overrides = Partial<IJobEscrow.JobRequestStruct>;

/** Creates a job as `client`, which must have approved the escrow already; returns its id. */
export async function openJob(f: WeftFixture, client: Signer, overrides: Overrides = {}): Promise<bigint> {
  await (await f.JobEscrow.connect(client).createJob(await jobRequest(f, overrides))).wait();
  return f.JobEscrow.jobCount();
}

/** Creates, accepts (as `provider`) and submits a job committing to `resultRoot`. */
export async function submittedJob(
  f: WeftFixture,
  client: Signer,
  provider: Signer,
  overrides: Overrides,
  resultRoot: string,
): Promise<bigint> {
  const id = await openJob(f, client, { ...overrides, provider: provider.address });
  await acceptAndSubmit(f, id, provider, resultRoot);
  return id;
}

/** A Submitted matmul-i8 job with real inputs behind its input root and the output it committed to. */
export interface MatmulJob {
  readonly id: bigint;
  readonly params: string;
  readonly inputs: Uint8Array;
  readonly shape: MatmulShape;
  readonly result: ResultTree;
}

/** A matmul-i8 job of `shape` on `seed`'s inputs; with `wrongWord` the provider commits to that word off by one. */
export async function matmulJob(
  f: WeftFixture,
  client: Signer,
  provider: Signer,
  shape: MatmulShape,
  seed: number,
  wrongWord?: number,
): Promise<MatmulJob> {
  const job: DecodedJob = { name: "matmul-i8", workload: matmulI8, params: shape };
  const inputs = generateInputs(job, seed);
  const output = await referenceOutput(job, inputs);
  if (wrongWord !== undefined) {
    const view = new DataView(output.buffer, output.byteOffset);
    view.setUint32(wrongWord * WORD_BYTES, (view.getUint32(wrongWord * WORD_BYTES) + 1) >>> 0);
  }
  const result = new ResultTree(output);
  const params = matmulI8.params.encode(shape);
  const overrides = { workloadId: matmulI8.id, params, inputRoot: inputRootOf(job, inputs) };
  const id = await submittedJob(f, client, provider, overrides, result.root);
  return { id, params, inputs, shape, result };
}

/** The fraud proof for element (row, col) of `job`, its evidence checked against the job's roots first. */
export function fraudProof(job: MatmulJob, row: number, col: number): string {
  const tree = MatmulInputTree.fromBytes(job.shape, job.inputs);
  return encodeFraudProof({
    kind: "wrong-element",
    row,
    col,
    ...matmulOperandEvidence(tree, row, col, tree.root),
    result: wordEvidence(job.result, row * job.shape.n + col, job.result.root),
  });
}

/** Moves the chain's clock by `seconds` and mines a block there. */
export async function advance(seconds: bigint | number): Promise<void> {
  await ethers.provider.send("evm_increaseTime", [Number(seconds)]);
  await ethers.provider.send("evm_mine", []);
}
