/**
 * Gas of the whole withheld-data path on a large output: matmul-i8 with m = n = 1,024 and k = 4 (1,048,576 output
 * words in 8,192 chunks, a result tree 13 levels deep), whose provider committed to one wrong word and withholds the
 * output. The challenger, who recomputed it and so knows every correct node, opens a dispute at the root; the provider
 * reveals the children of each disputed node and the challenger names the wrong one, down to a leaf; the provider
 * reveals that leaf's chunk and the challenger proves the wrong word in it. Every transaction is measured, in the
 * steady state of the other gas benches: the DisputeManager holds another dispute's bond, every balance the path
 * moves is nonzero, and the slash is the provider's first.
 */
import { ethers } from "hardhat";

import { leafCountOf } from "../../src/commitments/bisection";
import { RESULT_CHUNK_WORDS } from "../../src/commitments/result-tree";
import { jobTerms, registerAndStake } from "../../test/fixtures/jobs";
import { deployWeftFixture } from "../../test/fixtures/weft";
import { fraudProof, lastDisputeId, matmulJob, openStandingDispute, playToLeaf } from "./jobs";
import { hexBytes, sample, type Sample } from "./sample";

export const WITHHELD_STEPS = [
  "disputeWithheld",
  "revealChildren",
  "chooseChild",
  "revealChunk",
  "proveChunkWrong",
] as const;
export type WithheldStepName = (typeof WITHHELD_STEPS)[number];

/** One transaction of the path. */
export interface WithheldStep {
  readonly step: WithheldStepName;
  /** The disputed node the step acts on (its position in the result tree; the root is 0) and its depth. */
  readonly node: number;
  readonly depth: number;
  readonly gas: number;
  readonly calldataBytes: number;
}

export interface WithheldPath {
  readonly m: number;
  readonly k: number;
  readonly n: number;
  readonly words: number;
  readonly chunks: number;
  /** Levels of the bisection: revealChildren and chooseChild each happen this many times. */
  readonly depth: number;
  /** The wrong word and the chunk the bisection reached (the one holding it). */
  readonly wrongWord: number;
  readonly chunkIndex: number;
  /** Every transaction, in the order sent. */
  readonly steps: readonly WithheldStep[];
  /** Per kind of step: how many and their gas together. */
  readonly byStep: Record<WithheldStepName, { readonly count: number; readonly gas: number }>;
  readonly total: number;
}

export const WITHHELD_PATH_SHAPE = { m: 1024, k: 4, n: 1024 } as const;
/** The wrong element: C[700][300], word 717,100, in chunk 5,602. */
const WRONG = { row: 700, col: 300 };
const STAKE = ethers.parseEther("20000");

const stepOf = (step: WithheldStepName, node: number, depth: number, s: Sample): WithheldStep => ({
  step,
  node,
  depth,
  gas: s.gas,
  calldataBytes: hexBytes(s.calldata),
});

export async function measureWithheldPath(progress: (line: string) => void): Promise<WithheldPath> {
  const f = await deployWeftFixture();
  const challenger = (await ethers.getSigners())[7];
  const { client, provider, provider2 } = f;
  await (await f.usd.connect(client).approve(await f.JobEscrow.getAddress(), ethers.MaxUint256)).wait();
  await (await f.ComputeToken.transfer(challenger.address, ethers.parseEther("1000"))).wait();
  const dm = f.DisputeManager.connect(challenger);
  await (await f.ComputeToken.connect(challenger).approve(await dm.getAddress(), ethers.MaxUint256)).wait();
  for (const account of [provider, provider2]) await registerAndStake(f, account, STAKE);

  await openStandingDispute(f, client, provider2, challenger);

  const { m, k, n } = WITHHELD_PATH_SHAPE;
  const wrongWord = WRONG.row * n + WRONG.col;
  progress(`gas: the withheld-data path, m = n = ${m}, k = ${k}: computing the output and its trees`);
  const job = await matmulJob(f, client, provider, WITHHELD_PATH_SHAPE, 1, wrongWord);
  const terms = await jobTerms(f, job.id);
  const steps: WithheldStep[] = [];
  const open = await sample(dm.disputeWithheld(job.id, terms, job.params));
  steps.push(stepOf("disputeWithheld", 0, 0, open));
  const disputeId = await lastDisputeId(f);

  const game = await playToLeaf(f, disputeId, job, provider, challenger);
  for (const [depth, level] of game.levels.entries()) {
    steps.push(stepOf("revealChildren", level.node, depth, level.revealChildren));
    steps.push(stepOf("chooseChild", level.node, depth, level.chooseChild));
  }
  const depth = game.levels.length;
  steps.push(stepOf("revealChunk", game.leaf, depth, game.revealChunk));
  const chunkIndex = game.chunkIndex;
  if (chunkIndex !== Math.floor(wrongWord / RESULT_CHUNK_WORDS)) {
    throw new Error(`the bisection reached chunk ${chunkIndex}, which does not hold word ${wrongWord}`);
  }
  const proof = fraudProof(job, WRONG.row, WRONG.col);
  const prove = await sample(dm.proveChunkWrong(disputeId, await jobTerms(f, job.id), job.params, proof));
  steps.push(stepOf("proveChunkWrong", game.leaf, depth, prove));

  const byStep = Object.fromEntries(
    WITHHELD_STEPS.map((name) => {
      const of = steps.filter((s) => s.step === name);
      return [name, { count: of.length, gas: of.reduce((sum, s) => sum + s.gas, 0) }];
    }),
  ) as WithheldPath["byStep"];
  const total = steps.reduce((sum, s) => sum + s.gas, 0);
  const words = m * n;
  progress(
    `gas: withheld-data path at ${m} x ${n}: ${depth} levels, ${steps.length} transactions, ` +
      `${total.toLocaleString("en-US")} gas`,
  );
  return {
    m,
    k,
    n,
    words,
    chunks: leafCountOf(words),
    depth,
    wrongWord,
    chunkIndex,
    steps,
    byStep,
    total,
  };
}
