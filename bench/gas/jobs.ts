/**
 * Jobs in the states the gas benches start from, driven through the real escrow with a client's standing allowance
 * (so measured createJob calls spend an allowance, as a running client's do).
 */
import { ethers } from "hardhat";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";

import {
  childNode,
  childToDispute,
  chunkIndexOfNode,
  isLeafNode,
  leafCountOf,
  revealedChildren,
} from "../../src/commitments/bisection";
import { MatmulInputTree } from "../../src/commitments/matmul-inputs";
import { ResultTree } from "../../src/commitments/result-tree";
import { encodeFraudProof } from "../../src/disputes/proofs";
import { generateInputs, referenceOutput } from "../../src/jobs/job-data";
import { inputRootOf } from "../../src/commitments/job-inputs";
import { matmulOperandEvidence, wordEvidence } from "../../src/findings/checks/evidence";
import type { MatmulShape } from "../../src/workloads/matmul-i8/shape";
import { matmulI8, type DecodedJob } from "../../src/workloads/registry";
import { WORD_BYTES } from "../../src/workloads/words";
import type { IJobEscrow } from "../../typechain-types/contracts/market/JobEscrow";
import { MATMUL, RESULT_ROOT, acceptAndSubmit, jobRequest, jobTerms } from "../../test/fixtures/jobs";
import type { WeftFixture } from "../../test/fixtures/weft";
import { sample, type Sample } from "./sample";

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
  /** The output the provider committed to. */
  readonly result: ResultTree;
  /** The reference output's tree: what a challenger who recomputed the job holds (`result` for an honest job). */
  readonly correct: ResultTree;
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
  const reference = await referenceOutput(job, inputs);
  const output = wrongWord === undefined ? reference : Uint8Array.from(reference);
  if (wrongWord !== undefined) {
    const view = new DataView(output.buffer, output.byteOffset);
    view.setUint32(wrongWord * WORD_BYTES, (view.getUint32(wrongWord * WORD_BYTES) + 1) >>> 0);
  }
  const result = new ResultTree(output);
  const correct = wrongWord === undefined ? result : new ResultTree(reference);
  const params = matmulI8.params.encode(shape);
  const overrides = { workloadId: matmulI8.id, params, inputRoot: inputRootOf(job, inputs) };
  const id = await submittedJob(f, client, provider, overrides, result.root);
  return { id, params, inputs, shape, result, correct };
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

/** One level of a bisection: the node the provider opened and both moves made there. */
export interface BisectionLevel {
  readonly node: number;
  readonly revealChildren: Sample;
  readonly chooseChild: Sample;
  readonly disputedRight: boolean;
}

/** A withheld-data dispute played down to its leaf: every move, root first, and the chunk revealed there. */
export interface BisectionGame {
  readonly levels: readonly BisectionLevel[];
  readonly leaf: number;
  readonly chunkIndex: number;
  readonly revealChunk: Sample;
}

/**
 * Plays withheld-data dispute `disputeId` on `job` to its leaf, sampling every move: `provider` answers from the tree
 * it committed to, `challenger` names the child that differs from the reference output's tree (the left one when
 * none does), and at the leaf the provider reveals its chunk.
 */
export async function playToLeaf(
  f: WeftFixture,
  disputeId: bigint,
  job: MatmulJob,
  provider: Signer,
  challenger: Signer,
): Promise<BisectionGame> {
  const terms = await jobTerms(f, job.id);
  const asProvider = f.DisputeManager.connect(provider);
  const asChallenger = f.DisputeManager.connect(challenger);
  const leafCount = leafCountOf(job.result.wordCount);
  const levels: BisectionLevel[] = [];
  let node = 0;
  while (!isLeafNode(node, leafCount)) {
    const { left, right } = revealedChildren(job.result, node);
    const reveal = await sample(asProvider.revealChildren(disputeId, terms, left, right));
    const disputedRight = childToDispute(job.correct, node, { left, right }) ?? false;
    const choose = await sample(asChallenger.chooseChild(disputeId, left, right, disputedRight));
    levels.push({ node, revealChildren: reveal, chooseChild: choose, disputedRight });
    node = childNode(node, disputedRight);
  }
  const chunkIndex = chunkIndexOfNode(node, leafCount);
  const chunk = job.result.chunk(chunkIndex);
  const revealChunk = await sample(asProvider.revealChunk(disputeId, terms, chunk), { chunk: chunk.length });
  return { levels, leaf: node, chunkIndex, revealChunk };
}

/**
 * Opens a dispute that stays open for the rest of the run (a proof committed and never revealed) on a job of
 * `provider`, which must be staked; `challenger` must have approved the bond. The DisputeManager then holds a bond, as
 * a running protocol's does, and the dispute counter is nonzero: the measured disputes move bonds between nonzero
 * balances. Returns the dispute's id.
 */
export async function openStandingDispute(
  f: WeftFixture,
  client: Signer,
  provider: Signer,
  challenger: Signer,
): Promise<bigint> {
  const job = await submittedJob(f, client, provider, { workloadId: MATMUL }, RESULT_ROOT);
  const commitment = ethers.id("a proof never revealed");
  await (await f.DisputeManager.connect(challenger).commitProof(job, await jobTerms(f, job), commitment)).wait();
  return lastDisputeId(f);
}

/** The id of the dispute the last opening created (ids count up from 1; the benches open one at a time). */
export async function lastDisputeId(f: WeftFixture): Promise<bigint> {
  return f.DisputeManager.disputeCount();
}

/** Moves the chain's clock by `seconds` and mines a block there. */
export async function advance(seconds: bigint | number): Promise<void> {
  await ethers.provider.send("evm_increaseTime", [Number(seconds)]);
  await ethers.provider.send("evm_mine", []);
}
