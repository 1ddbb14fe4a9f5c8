/**
 * Gas of the proof path: one disputeWithProof transaction (bond in and out, the checker's recomputation of one
 * element from Merkle-proven inputs, the escrow's refund, the slash split three ways) against matmul-i8 jobs of
 * m = n = 64 at each k. Each measurement is a fresh provider's first slash (a slash jails its provider).
 */
import { ethers } from "hardhat";

import { PROFILE, jobTerms } from "../../test/fixtures/jobs";
import { deployWeftFixture } from "../../test/fixtures/weft";
import { fraudProof, matmulJob } from "./jobs";
import { hexBytes } from "./sample";

export interface FraudProofPoint {
  readonly k: number;
  readonly m: number;
  readonly n: number;
  readonly gas: number;
  readonly proofBytes: number;
}

const [M, N] = [64, 64];
const [ROW, COL] = [37, 21];
const STAKE = ethers.parseEther("20000");

export async function measureFraudProofs(sizes: readonly number[], progress: (line: string) => void) {
  const f = await deployWeftFixture();
  const [challenger, ...providers] = (await ethers.getSigners()).slice(7);
  const registry = await f.ProviderRegistry.getAddress();
  await (await f.usd.connect(f.client).approve(await f.JobEscrow.getAddress(), ethers.MaxUint256)).wait();
  await (await f.ComputeToken.transfer(challenger.address, ethers.parseEther("1000"))).wait();
  await (
    await f.ComputeToken.connect(challenger).approve(await f.DisputeManager.getAddress(), ethers.MaxUint256)
  ).wait();
  const points: FraudProofPoint[] = [];
  for (const [index, k] of sizes.entries()) {
    const provider = providers[index];
    await (await f.ComputeToken.transfer(provider.address, STAKE)).wait();
    await (await f.ProviderRegistry.connect(provider).register(PROFILE)).wait();
    await (await f.ComputeToken.connect(provider).approve(registry, STAKE)).wait();
    await (await f.ProviderRegistry.connect(provider).stake(STAKE)).wait();
    const job = await matmulJob(f, f.client, provider, { m: M, k, n: N }, k, ROW * N + COL);
    const proof = fraudProof(job, ROW, COL);
    const tx = await f.DisputeManager.connect(challenger).disputeWithProof(
      job.id,
      await jobTerms(f, job.id),
      job.params,
      proof,
    );
    const gas = Number((await tx.wait())!.gasUsed);
    points.push({ k, m: M, n: N, gas, proofBytes: hexBytes(proof) });
    progress(`gas: disputeWithProof m=n=${M} k=${k}: ${gas.toLocaleString("en-US")} gas`);
  }
  return points;
}
