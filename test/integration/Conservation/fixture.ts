/** The world of the conservation property (../Conservation.test.ts): accounts, tokens, job statuses and counters. */
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";

import { USD_WEFT_PER_TOKEN, deployWeftFixture } from "../../fixtures/weft";

export const BPS = 10_000n;
export const WEFT = (amount: string) => ethers.parseEther(amount);

export enum Status {
  None,
  Open,
  Assigned,
  Submitted,
  Disputed,
  Finalized,
  Cancelled,
  TimedOut,
  Slashed,
}
export const OPEN_OBLIGATIONS = [Status.Open, Status.Assigned, Status.Submitted, Status.Disputed];

export const INITIAL_STAKE = WEFT("10000");
export const WORKLOAD_ID = ethers.encodeBytes32String("matmul-i8");
export const PARAMS = "0x";
export const INPUT_ROOT = ethers.id("inputs");
export const PROVIDER_COUNT = 3; // registered; index PROVIDER_COUNT is an unregistered account
export const CLIENT_COUNT = 3;
/** tUSD rates the DAO may set (WEFT base units per tUSD): zero is refused; a third of a WEFT rounds values down. */
export const RATES = [0n, USD_WEFT_PER_TOKEN, WEFT("2.5"), WEFT("0.3"), WEFT("1") / 3n];

export async function conservationFixture() {
  const f = await loadFixture(deployWeftFixture);
  const signers = await ethers.getSigners();
  const clients = [f.client, f.outsider, signers[7]];
  const providers = [f.provider, f.provider2, signers[8]];
  const nobody = signers[9];
  const escrow = await f.JobEscrow.getAddress();
  const registry = await f.ProviderRegistry.getAddress();
  for (const account of [signers[7], signers[8], nobody]) {
    await f.ComputeToken.transfer(account.address, WEFT("100000"));
    await f.usd.mint(account.address, WEFT("1000000"));
  }
  for (const c of clients) {
    await f.usd.connect(c).approve(escrow, ethers.MaxUint256);
    await f.ComputeToken.connect(c).approve(escrow, ethers.MaxUint256);
  }
  for (const p of [...providers, nobody]) await f.ComputeToken.connect(p).approve(registry, ethers.MaxUint256);
  for (const p of providers) {
    await f.ProviderRegistry.connect(p).register({ gpuModel: "H100", vramGb: 80, metadataURI: "" });
    await f.ProviderRegistry.connect(p).stake(INITIAL_STAKE);
  }
  return { ...f, clients, providers: [...providers, nobody], escrowAddress: escrow, registryAddress: registry };
}
export type Fixture = Awaited<ReturnType<typeof conservationFixture>>;

export type Outcome = "ok" | "reverted" | "skipped";
/** How often each expected error was seen, to tune the generators (printed with VERBOSE=1). */
export const revertReasons: Record<string, number> = {};
export const outcomes: Record<string, Record<Outcome, number>> = {};
/** Whether some slash reached other jobs' locks (and a later release repaid the debt), so that the rule was tested. */
export const debt = { incurred: 0, repaid: 0 };
