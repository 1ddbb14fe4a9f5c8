/**
 * scale.json: whether gas stays flat as the protocol grows. The same five operations are measured on a protocol
 * holding 10, 100 and 1,000 staked providers and 10, 1,000 and 10,000 existing jobs (every combination), each on a
 * fresh provider set up identically at every point, so the only difference between points is the size of the rest.
 *
 * Jobs grow monotonically; providers are added under an EVM snapshot per job count and reverted after, so the
 * protocol is built once per point without rebuilding the jobs. Background accounts send through the node
 * (impersonated), which skips signing and keeps 10,000 jobs to about a minute.
 */
import hre, { ethers } from "hardhat";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";

import { MATMUL, PROFILE, RESULT_ROOT, RESULT_URI, jobRequest, jobTerms } from "../test/fixtures/jobs";
import { deployWeftFixture, type WeftFixture } from "../test/fixtures/weft";
import { advance, openJob } from "./gas/jobs";

export const SCALE_OPS = ["accept", "finalize", "slash", "recordWork", "claim"] as const;
export type ScaleOp = (typeof SCALE_OPS)[number];

export interface ScalePoint {
  readonly providers: number;
  readonly jobs: number;
  readonly op: ScaleOp;
  readonly gas: number;
}

export interface ScaleResult {
  readonly points: readonly ScalePoint[];
  /** Per operation, the largest gas over the smallest across all points. */
  readonly spread: Record<ScaleOp, number>;
  readonly maxSpread: number;
}

export const SCALE_GRID = {
  full: { providers: [10, 100, 1_000], jobs: [10, 1_000, 10_000] },
  quick: { providers: [10, 100], jobs: [10, 1_000] },
} as const;

const STAKE = ethers.parseEther("20000");
const BACKGROUND_STAKE = ethers.parseEther("2000");
const GAS_LIMIT = "0x" + (1_000_000).toString(16);

type Signer = HardhatEthersSigner;

/** Sends a transaction from `from` through the node (an impersonated or local account) and waits for it. */
async function send(from: string, to: string, data: string): Promise<void> {
  const hash: string = await hre.network.provider.send("eth_sendTransaction", [{ from, to, data, gas: GAS_LIMIT }]);
  const receipt = await hre.network.provider.send("eth_getTransactionReceipt", [hash]);
  if (receipt === null || receipt.status !== "0x1") throw new Error(`background transaction ${hash} failed`);
}

/** Registers and stakes background providers until there are `target` (addresses derived from their index). */
async function growProviders(f: WeftFixture, from: number, target: number): Promise<void> {
  const [registry, token] = [await f.ProviderRegistry.getAddress(), await f.ComputeToken.getAddress()];
  for (let i = from; i < target; i++) {
    const address = ethers.getAddress(ethers.dataSlice(ethers.id(`weft bench provider ${i}`), 12));
    await hre.network.provider.send("hardhat_impersonateAccount", [address]);
    await hre.network.provider.send("hardhat_setBalance", [address, "0x56BC75E2D63100000"]);
    await send(
      f.deployer.address,
      token,
      f.ComputeToken.interface.encodeFunctionData("transfer", [address, BACKGROUND_STAKE]),
    );
    await send(address, token, f.ComputeToken.interface.encodeFunctionData("approve", [registry, BACKGROUND_STAKE]));
    await send(address, registry, f.ProviderRegistry.interface.encodeFunctionData("register", [PROFILE]));
    await send(address, registry, f.ProviderRegistry.interface.encodeFunctionData("stake", [BACKGROUND_STAKE]));
  }
}

/** Creates open jobs from the fixture's client until the escrow holds `target`. */
async function growJobs(f: WeftFixture, target: number): Promise<void> {
  const escrow = await f.JobEscrow.getAddress();
  const now = BigInt((await ethers.provider.getBlock("latest"))!.timestamp);
  // Open for 80 days: long past the run, so every background job stays Open.
  const request = await jobRequest(f, { payment: 1000n, submitDeadline: now + 80n * 86_400n });
  const data = f.JobEscrow.interface.encodeFunctionData("createJob", [request]);
  for (let count = Number(await f.JobEscrow.jobCount()); count < target; count++) {
    await send(f.client.address, escrow, data);
  }
}

async function gasOf(sent: Promise<{ wait: () => Promise<{ gasUsed: bigint } | null> }>): Promise<number> {
  const receipt = await (await sent).wait();
  return Number(receipt!.gasUsed);
}

async function stakeFresh(f: WeftFixture, provider: Signer): Promise<void> {
  await (await f.ComputeToken.transfer(provider.address, STAKE)).wait();
  await (await f.ProviderRegistry.connect(provider).register(PROFILE)).wait();
  await (await f.ComputeToken.connect(provider).approve(await f.ProviderRegistry.getAddress(), STAKE)).wait();
  await (await f.ProviderRegistry.connect(provider).stake(STAKE)).wait();
}

async function startNextEpoch(f: WeftFixture): Promise<bigint> {
  const epoch = await f.RewardDistributor.currentEpoch();
  const now = BigInt((await ethers.provider.getBlock("latest"))!.timestamp);
  await advance((await f.RewardDistributor.epochEnd(epoch)) - now);
  return epoch + 1n;
}

interface Actors {
  measured: Signer;
  warm: Signer;
  slashed: Signer;
  challenger: Signer;
}

/**
 * The five operations at the current size, in the steady state of the gas bench: a provider's second accept and
 * finalize (another job still locked), an epoch with work already recorded, a withheld-data dispute left unanswered
 * (resolve slashes), recordWork as the escrow calls it, and a claim of an ended epoch.
 */
async function measurePoint(f: WeftFixture, actors: Actors): Promise<Record<ScaleOp, number>> {
  const { measured, warm, slashed, challenger } = actors;
  for (const provider of [measured, warm, slashed]) await stakeFresh(f, provider);
  const epoch = await startNextEpoch(f);
  const directed = (provider: Signer) => openJob(f, f.client, { provider: provider.address });
  const warmJob = await directed(warm);
  const [first, second, held] = [await directed(measured), await directed(measured), await directed(measured)];
  const slashJob = await directed(slashed);
  await (await f.JobEscrow.connect(warm).acceptJob(warmJob, await jobTerms(f, warmJob))).wait();
  await (await f.JobEscrow.connect(measured).acceptJob(first, await jobTerms(f, first))).wait();
  const accept = await gasOf(f.JobEscrow.connect(measured).acceptJob(second, await jobTerms(f, second)));
  await (await f.JobEscrow.connect(measured).acceptJob(held, await jobTerms(f, held))).wait();
  await (await f.JobEscrow.connect(slashed).acceptJob(slashJob, await jobTerms(f, slashJob))).wait();
  for (const [provider, id] of [
    [warm, warmJob],
    [measured, first],
    [measured, second],
    [slashed, slashJob],
  ] as const) {
    await (await f.JobEscrow.connect(provider).submitResult(id, await jobTerms(f, id), RESULT_ROOT, RESULT_URI)).wait();
  }
  const params = (await jobRequest(f)).params;
  await (
    await f.DisputeManager.connect(challenger).disputeWithheld(slashJob, await jobTerms(f, slashJob), params)
  ).wait();
  const disputeId = await f.DisputeManager.disputeCount();
  await advance(f.parameters.escrow.challengeWindow);
  for (const id of [warmJob, first]) await (await f.JobEscrow.finalize(id, await jobTerms(f, id))).wait();
  const finalize = await gasOf(f.JobEscrow.finalize(second, await jobTerms(f, second)));
  const slash = await gasOf(f.DisputeManager.resolve(disputeId, await jobTerms(f, slashJob)));
  // recordWork as the escrow sends it at finalize, isolated from the rest of finalize.
  const escrowAccount = await ethers.getImpersonatedSigner(await f.JobEscrow.getAddress());
  await hre.network.provider.send("hardhat_setBalance", [escrowAccount.address, "0x56BC75E2D63100000"]);
  const feeValue = ethers.parseEther("3");
  const recordWork = await gasOf(
    f.RewardDistributor.connect(escrowAccount).recordWork(measured.address, second, feeValue),
  );
  await startNextEpoch(f);
  const claim = await gasOf(f.RewardDistributor.connect(measured).claim(epoch));
  return { accept, finalize, slash, recordWork, claim };
}

export async function runScaleBench(quick: boolean, progress: (line: string) => void): Promise<ScaleResult> {
  const grid = quick ? SCALE_GRID.quick : SCALE_GRID.full;
  const f = await deployWeftFixture();
  const [challenger, measured, warm, slashed] = (await ethers.getSigners()).slice(7);
  await (await f.usd.connect(f.client).approve(await f.JobEscrow.getAddress(), ethers.MaxUint256)).wait();
  await (await f.ComputeToken.transfer(challenger.address, ethers.parseEther("10000"))).wait();
  await (
    await f.ComputeToken.connect(challenger).approve(await f.DisputeManager.getAddress(), ethers.MaxUint256)
  ).wait();
  // The withheld-data disputes need a workload with a checker: the default request's 4 x 2 matmul-i8 output, one
  // chunk, so the provider's first move is to reveal it.
  if ((await jobRequest(f)).workloadId !== MATMUL) throw new Error("the scale bench disputes matmul-i8 jobs");

  const points: ScalePoint[] = [];
  for (const jobs of grid.jobs) {
    progress(`scale: creating jobs up to ${jobs.toLocaleString("en-US")}`);
    await growJobs(f, jobs);
    const snapshot: string = await hre.network.provider.send("evm_snapshot", []);
    let providers = 0;
    for (const target of grid.providers) {
      progress(`scale: ${target.toLocaleString("en-US")} providers, ${jobs.toLocaleString("en-US")} jobs`);
      await growProviders(f, providers, target);
      providers = target;
      // Each point measures in a snapshot of its own: its fresh providers and jobs must not count at the next one.
      const point: string = await hre.network.provider.send("evm_snapshot", []);
      const gas = await measurePoint(f, { measured, warm, slashed, challenger });
      await hre.network.provider.send("evm_revert", [point]);
      for (const op of SCALE_OPS) points.push({ providers, jobs, op, gas: gas[op] });
    }
    await hre.network.provider.send("evm_revert", [snapshot]);
  }
  const spread = Object.fromEntries(
    SCALE_OPS.map((op) => {
      const gas = points.filter((p) => p.op === op).map((p) => p.gas);
      return [op, Number((Math.max(...gas) / Math.min(...gas)).toFixed(4))];
    }),
  ) as Record<ScaleOp, number>;
  return { points, spread, maxSpread: Math.max(...Object.values(spread)) };
}
