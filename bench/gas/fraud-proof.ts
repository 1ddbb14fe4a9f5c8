/**
 * Gas of the proof path, both of its transactions: commitProof (the bond in, the dispute record, the job frozen) and
 * revealProof (the checker's recomputation of one element from Merkle-proven inputs, the escrow's refund, the slash
 * split three ways, the bond out), against matmul-i8 jobs of m = n = 64 at each k, with each transaction's floor
 * (proof-floor.ts) and the gas per element of the checker's int8 dot product. Each measurement is a fresh provider's
 * first slash (a slash jails its provider), in the steady state of the ops table: another job's dispute stays open
 * throughout, so the bond moves between nonzero balances and the points differ only in k.
 */
import { ethers } from "hardhat";

import { proofCommitment } from "../../src/disputes/proofs";
import { PROFILE, jobTerms, registerAndStake } from "../../test/fixtures/jobs";
import { deployWeftFixture, type WeftFixture } from "../../test/fixtures/weft";
import { fraudProof, matmulJob, openStandingDispute } from "./jobs";
import { proofPathFloor, type ProofPathFloor } from "./proof-floor";
import { hexBytes } from "./sample";

export interface FraudProofPoint {
  readonly k: number;
  readonly m: number;
  readonly n: number;
  /** commitProof + revealProof. */
  readonly gas: number;
  readonly commitGas: number;
  readonly revealGas: number;
  readonly proofBytes: number;
  readonly floor: ProofPathFloor;
  /** Gas per element of one MatmulI8Checker.dotI8 call on random k-element vectors, beyond an empty call. */
  readonly dotGasPerElement: number;
}

const [M, N] = [64, 64];
const [ROW, COL] = [37, 21];
const STAKE = ethers.parseEther("20000");

/**
 * What every proof-path measurement starts from: a challenger with bond allowance, the providers to come, the client's
 * payment allowance, and a standing dispute, so a measured dispute is not the first one (whose storage is colder).
 */
export async function proofPathSetup(f: WeftFixture) {
  const [challenger, ...providers] = (await ethers.getSigners()).slice(7);
  const registry = await f.ProviderRegistry.getAddress();
  await (await f.usd.connect(f.client).approve(await f.JobEscrow.getAddress(), ethers.MaxUint256)).wait();
  await (await f.ComputeToken.transfer(challenger.address, ethers.parseEther("1000"))).wait();
  await (
    await f.ComputeToken.connect(challenger).approve(await f.DisputeManager.getAddress(), ethers.MaxUint256)
  ).wait();
  await registerAndStake(f, f.provider2, STAKE);
  await openStandingDispute(f, f.client, f.provider2, challenger);
  return { challenger, providers, registry };
}

export async function measureFraudProofs(sizes: readonly number[], progress: (line: string) => void) {
  const f = await deployWeftFixture();
  const { challenger, providers, registry } = await proofPathSetup(f);
  const dotGas = await dotGasMeter(await f.MatmulI8Checker.getAddress());
  const emptyDotGas = await dotGas(0);
  const points: FraudProofPoint[] = [];
  for (const [index, k] of sizes.entries()) {
    const provider = providers[index];
    await (await f.ComputeToken.transfer(provider.address, STAKE)).wait();
    await (await f.ProviderRegistry.connect(provider).register(PROFILE)).wait();
    await (await f.ComputeToken.connect(provider).approve(registry, STAKE)).wait();
    await (await f.ProviderRegistry.connect(provider).stake(STAKE)).wait();
    const job = await matmulJob(f, f.client, provider, { m: M, k, n: N }, k, ROW * N + COL);
    const proof = fraudProof(job, ROW, COL);
    const disputes = f.DisputeManager.connect(challenger);
    const commitment = proofCommitment(challenger.address, job.id, proof);
    const commitTx = await disputes.commitProof(job.id, await jobTerms(f, job.id), commitment);
    const commit = await commitTx.wait();
    const disputeId = await disputes.disputeCount();
    const revealTx = await disputes.revealProof(disputeId, await jobTerms(f, job.id), job.params, proof);
    const reveal = await revealTx.wait();
    const [commitGas, revealGas] = [Number(commit!.gasUsed), Number(reveal!.gasUsed)];
    const gas = commitGas + revealGas;
    const floor = proofPathFloor(commitTx.data, revealTx.data);
    const dotGasPerElement = ((await dotGas(k)) - emptyDotGas) / k;
    points.push({ k, m: M, n: N, gas, commitGas, revealGas, proofBytes: hexBytes(proof), floor, dotGasPerElement });
    const fmt = (x: number) => x.toLocaleString("en-US");
    progress(
      `gas: commitProof + revealProof m=n=${M} k=${k}: ${fmt(commitGas)} + ${fmt(revealGas)} = ${fmt(gas)} gas ` +
        `(floor ${fmt(floor.commit)} + ${fmt(floor.reveal)} = ${fmt(floor.path)}; dot product ` +
        `${dotGasPerElement.toFixed(2)} gas/element)`,
    );
  }
  return points;
}

/** The gas of one dotI8 call of `checker` on random vectors of k elements, measured on chain by the batch harness. */
async function dotGasMeter(checker: string): Promise<(k: number) => Promise<number>> {
  const batch = await ethers.deployContract("DotProductBatch");
  return async (k) => Number(await batch.dotGas(checker, ethers.randomBytes(k), ethers.randomBytes(k)));
}
