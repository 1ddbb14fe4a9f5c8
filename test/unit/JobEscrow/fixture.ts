/** Constants and setup shared by the JobEscrow unit tests (test/unit/JobEscrow/*.test.ts). */
import { ethers } from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";

import { LOCAL_PARAMETERS } from "../../../config/parameters";
import { readJob } from "../../../src/chain/jobs";

import { ReentrantERC20__factory } from "../../../typechain-types";
import {
  BPS,
  JOB_COLLATERAL,
  JOB_PAYMENT,
  createJob,
  jobTerms,
  stakedProvidersFixture,
  acceptAndSubmit,
} from "../../fixtures/jobs";
import { USD_WEFT_PER_TOKEN, type WeftFixture } from "../../fixtures/weft";

export const DAY = 86_400n;
export const MAX_JOB_DURATION = 90n * DAY;
export const MAX_WINDOW = 30n * DAY;
export const UINT96_MAX = 2n ** 96n - 1n;
export const WEFT_ONE = 10n ** 18n;
export const MAX_MIN_COLLATERAL = ethers.parseEther("1000000");
export const MAX_WEFT_PER_TOKEN = 10n ** 27n;
/** A 6-decimals stablecoin valued at one WEFT per token: 10^18 WEFT base units per 10^6 of its base units. */
export const USDC_RATE = WEFT_ONE;

/** What a provider that misses a JOB_PAYMENT job's deadline forfeits to the client, at the local parameters. */
export const JOB_PENALTY = (JOB_COLLATERAL * LOCAL_PARAMETERS.escrow.livenessPenaltyBps) / BPS;

/** An address that is none of the fixture's accounts or contracts. */
export const STRANGER = ethers.getAddress("0x000000000000000000000000000000000000dEaD");

/** The next block's timestamp, pinned so that a test can predict what the contract sees. */
export async function pinNextTimestamp(offset = 1n): Promise<bigint> {
  const t = BigInt(await time.latest()) + offset;
  await time.setNextBlockTimestamp(t);
  return t;
}

/** Moves time to the end of a Submitted job's challenge window (the first second it can be finalized). */
export async function passChallengeWindow(f: WeftFixture, jobId: bigint) {
  await time.increaseTo((await readJob(f.JobEscrow, jobId)).deadline);
}

/** Moves time past an Assigned job's submit deadline (the first second it can time out). */
export async function passSubmitDeadline(f: WeftFixture, jobId: bigint) {
  await time.increaseTo((await readJob(f.JobEscrow, jobId)).deadline + 1n);
}

/** Jobs paid in a ReentrantERC20: one Open, one Assigned and one Submitted past its challenge window. */
export async function reentrantJobsFixture() {
  const f = await stakedProvidersFixture();
  const token = await new ReentrantERC20__factory(f.deployer).deploy();
  const tokenAddress = await token.getAddress();
  await f.JobEscrow.connect(f.timelock).setPaymentToken(tokenAddress, true, 0n, USD_WEFT_PER_TOKEN);
  await token.mint(f.client.address, 10n * JOB_PAYMENT);
  const overrides = { paymentToken: tokenAddress };
  const openJob = await createJob(f, f.client, overrides);
  const assignedJob = await createJob(f, f.client, overrides);
  await f.JobEscrow.connect(f.provider).acceptJob(assignedJob, await jobTerms(f, assignedJob));
  const submittedJob = await createJob(f, f.client, overrides);
  await acceptAndSubmit(f, submittedJob);
  return { ...f, token, openJob, assignedJob, submittedJob };
}
