import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import fc from "fast-check";

import { LOCAL_PARAMETERS } from "../../config/parameters";
import { Roles } from "../../config/roles";
import { RewardDistributor__factory, TestERC20Decimals__factory } from "../../typechain-types";
import { WRONG_MATMUL, disputesFixture, matmulFraudProof, proveFraud } from "../fixtures/disputes";
import {
  BPS,
  JOB_FEE,
  JOB_PAYMENT,
  JobStatus,
  PROVIDER_STAKE,
  RESULT_ROOT,
  RESULT_URI,
  createJob,
  jobTerms,
  registerAndStake,
} from "../fixtures/jobs";
import {
  decayedEmission,
  deployStandaloneRewards,
  exactEmission,
  expectedReward,
  finalizeJobs,
  providerAddresses,
  rewardsFixture,
  startNextEpoch,
  type JobSpec,
  type RewardsFixture,
} from "../fixtures/rewards";
import { readJob } from "../../src/chain/jobs";
import { expectSetterBounds } from "../helpers/bounds";

const WEFT = (amount: string): bigint => ethers.parseEther(amount);
const HOUR = 3_600n;
const DAY = 24n * HOUR;
const MAX_EPOCH_LENGTH = 90n * DAY;
const MAX_EPOCH_EMISSION = WEFT("10000000");
const MAX_DECAY_BPS = 5_000n;
const MAX_REWARD_CAP_BPS = 9_000n;

const REWARDS = LOCAL_PARAMETERS.rewards;
const {
  epochLength: EPOCH_LENGTH,
  initialEmission: INITIAL_EMISSION,
  decayBps: DECAY_BPS,
  rewardCapBps: CAP_BPS,
} = REWARDS;
/** The least total weight at which the local emission is shared pro rata rather than capped (emission / 80%). */
const UNCAPPED_WEIGHT = (INITIAL_EMISSION * BPS) / CAP_BPS;

/** The scheduled emission of `epoch` at the local parameters. */
function localEmission(epoch: bigint): bigint {
  return decayedEmission(INITIAL_EMISSION, DECAY_BPS, epoch);
}

/** Records fees worth `weight` WEFT for `provider` as the fixture's ESCROW account, as the escrow does at finalize. */
async function recordWeft(f: RewardsFixture, provider: string, weight: bigint, jobId = 1n) {
  return f.RewardDistributor.connect(f.recorder).recordWork(provider, jobId, weight);
}

/** Claims `epoch` for each of `claimers` and returns what each got, checking the event, the mint and the flag. */
async function claimAll(f: RewardsFixture, claimers: HardhatEthersSigner[], epoch: bigint): Promise<bigint[]> {
  const amounts: bigint[] = [];
  for (const claimer of claimers) {
    const pending = await f.RewardDistributor.pendingReward(claimer.address, epoch);
    const tx = f.RewardDistributor.connect(claimer).claim(epoch);
    await expect(tx).to.emit(f.RewardDistributor, "RewardClaimed").withArgs(claimer.address, epoch, pending);
    await expect(tx).to.changeTokenBalance(f.ComputeToken, claimer, pending);
    expect(await f.RewardDistributor.claimed(claimer.address, epoch)).to.equal(true);
    expect(await f.RewardDistributor.pendingReward(claimer.address, epoch)).to.equal(0n);
    amounts.push(pending);
  }
  return amounts;
}

const sum = (values: bigint[]): bigint => values.reduce((a, b) => a + b, 0n);

describe("RewardDistributor", function () {
  describe("deployment", function () {
    it("starts epoch 0 at deployment with the local parameters, WEFT and tUSD valued one for one by the escrow", async function () {
      const f = await loadFixture(rewardsFixture);
      const rd = f.RewardDistributor;
      const weft = await f.ComputeToken.getAddress();
      expect(await rd.token()).to.equal(weft);
      expect(await rd.epochLength()).to.equal(EPOCH_LENGTH);
      expect(await rd.decayBps()).to.equal(DECAY_BPS);
      expect(await rd.rewardCapBps()).to.equal(CAP_BPS);
      // The escrow's allow-list is the one valuation of payment tokens: a WEFT of fees, or a tUSD, weighs one WEFT.
      expect(await f.JobEscrow.paymentValue(weft, WEFT("1"))).to.equal(WEFT("1"));
      expect(await f.JobEscrow.paymentValue(await f.usd.getAddress(), WEFT("1"))).to.equal(WEFT("1"));
      expect(await rd.currentEpoch()).to.equal(0n);
      expect(await rd.emission(0n)).to.equal(INITIAL_EMISSION);
      expect(await rd.epochTotals(0n)).to.deep.equal([0n, 0n]);

      const [lengthSet] = await rd.queryFilter(rd.filters.EpochLengthSet());
      expect(lengthSet.args).to.deep.equal([0n, EPOCH_LENGTH, 0n]);
      const deployedAt = BigInt((await lengthSet.getBlock()).timestamp);
      expect(await rd.epochEnd(0n)).to.equal(deployedAt + EPOCH_LENGTH);
      const [scheduleSet] = await rd.queryFilter(rd.filters.EmissionScheduleSet(), lengthSet.blockNumber);
      expect(scheduleSet.args).to.deep.equal([0n, INITIAL_EMISSION, 0n, DECAY_BPS, 0n]);
      const [capSet] = await rd.queryFilter(rd.filters.RewardCapSet(), lengthSet.blockNumber);
      expect(capSet.args).to.deep.equal([0n, CAP_BPS]);
    });

    it("is the escrow's work recorder and holds MINTER", async function () {
      const f = await loadFixture(rewardsFixture);
      const rd = await f.RewardDistributor.getAddress();
      expect(await f.JobEscrow.workRecorder()).to.equal(rd);
      expect((await f.AccessManager.hasRole(Roles.MINTER, rd))[0]).to.equal(true);
    });

    it("reverts construction with a zero token and with each parameter out of bounds", async function () {
      const f = await loadFixture(rewardsFixture);
      const factory = new RewardDistributor__factory(f.deployer);
      const manager = await f.AccessManager.getAddress();
      const token = await f.ComputeToken.getAddress();
      await expect(factory.deploy(manager, ethers.ZeroAddress, REWARDS)).to.be.revertedWithCustomError(
        factory,
        "ZeroAddress",
      );
      const cases: [Partial<typeof REWARDS>, [bigint, bigint, bigint]][] = [
        [{ epochLength: 0n }, [0n, 60n, MAX_EPOCH_LENGTH]],
        [{ initialEmission: MAX_EPOCH_EMISSION + 1n }, [MAX_EPOCH_EMISSION + 1n, 0n, MAX_EPOCH_EMISSION]],
        [{ decayBps: MAX_DECAY_BPS + 1n }, [MAX_DECAY_BPS + 1n, 0n, MAX_DECAY_BPS]],
        [{ rewardCapBps: BPS }, [BPS, 0n, MAX_REWARD_CAP_BPS]],
      ];
      for (const [override, args] of cases) {
        await expect(factory.deploy(manager, token, { ...REWARDS, ...override }))
          .to.be.revertedWithCustomError(factory, "ParameterOutOfBounds")
          .withArgs(...args);
      }
    });
  });

  describe("recordWork", function () {
    it("records a finalized job's fee for its provider in the epoch it finalizes, through the real escrow", async function () {
      const f = await loadFixture(rewardsFixture);
      await registerAndStake(f, f.provider);
      const epoch = await startNextEpoch(f);
      const [{ jobId, fee }] = await finalizeJobs(f, [{ client: f.client, provider: f.provider }]);
      expect(fee).to.equal(JOB_FEE);

      const [finalized] = await f.JobEscrow.queryFilter(f.JobEscrow.filters.JobFinalized(jobId));
      expect(finalized.args.provider).to.equal(f.provider.address);
      expect(await f.RewardDistributor.weightOf(f.provider.address, epoch)).to.equal(JOB_FEE);
      expect(await f.RewardDistributor.epochTotals(epoch)).to.deep.equal([JOB_FEE, localEmission(epoch)]);
    });

    it("reverts for an account without the ESCROW role with AccessManagedUnauthorized", async function () {
      const f = await loadFixture(rewardsFixture);
      await expect(f.RewardDistributor.connect(f.outsider).recordWork(f.outsider.address, 1n, JOB_FEE))
        .to.be.revertedWithCustomError(f.RewardDistributor, "AccessManagedUnauthorized")
        .withArgs(f.outsider.address);
    });

    it("weighs work by the fee value it is given", async function () {
      const f = await loadFixture(rewardsFixture);
      const epoch = await f.RewardDistributor.currentEpoch();
      const feeValue = WEFT("7.5") + 1n;
      await f.RewardDistributor.connect(f.recorder).recordWork(f.provider.address, 42n, feeValue);
      expect(await f.RewardDistributor.weightOf(f.provider.address, epoch)).to.equal(feeValue);
      expect((await f.RewardDistributor.epochTotals(epoch)).totalWeight).to.equal(feeValue);
    });

    it("weighs a job paid in tUSD at the escrow's rate when it was created: a later rate changes neither its collateral nor its weight", async function () {
      const f = await loadFixture(rewardsFixture);
      await registerAndStake(f, f.provider, 2n * PROVIDER_STAKE);
      const usd = await f.usd.getAddress();
      const escrow = f.JobEscrow.connect(f.timelock);
      // The DAO values tUSD at 2.5 WEFT: a JOB_PAYMENT job is worth 250 WEFT, its 3% fee 7.5 WEFT.
      await escrow.setPaymentToken(usd, true, 1000n, WEFT("2.5"));
      const epoch = await startNextEpoch(f);
      const jobId = await createJob(f, f.client, { provider: f.provider.address });
      // Then at 10 WEFT, before the job is accepted.
      await escrow.setPaymentToken(usd, true, 1000n, WEFT("10"));
      await f.JobEscrow.connect(f.provider).acceptJob(jobId, await jobTerms(f, jobId));
      expect((await readJob(f.JobEscrow, jobId)).collateral).to.equal(WEFT("2500"));
      await f.JobEscrow.connect(f.provider).submitResult(jobId, await jobTerms(f, jobId), RESULT_ROOT, RESULT_URI);
      // And at a tenth of a WEFT before it settles.
      await escrow.setPaymentToken(usd, true, 1000n, WEFT("0.1"));
      await time.increaseTo((await readJob(f.JobEscrow, jobId)).deadline);
      await f.JobEscrow.finalize(jobId, await jobTerms(f, jobId));
      expect(await f.RewardDistributor.weightOf(f.provider.address, epoch)).to.equal(WEFT("7.5"));
      // A job created now weighs at the new rate: 100 tUSD at 0.1 WEFT, a 0.3 WEFT fee.
      const [settled] = await finalizeJobs(f, [{ client: f.client, provider: f.provider }]);
      expect([settled.fee, settled.feeValue]).to.deep.equal([JOB_FEE, WEFT("0.3")]);
      expect(await f.RewardDistributor.weightOf(f.provider.address, epoch)).to.equal(WEFT("7.8"));
    });

    it("weighs a job paid in a 6-decimals stablecoin by its value in WEFT, not its base units", async function () {
      const f = await loadFixture(rewardsFixture);
      await registerAndStake(f, f.provider);
      const usdc = await new TestERC20Decimals__factory(f.deployer).deploy("USD Coin", "USDC", 6);
      await usdc.mint(f.client.address, 1_000n * 10n ** 6n);
      await f.JobEscrow.connect(f.timelock).setPaymentToken(await usdc.getAddress(), true, 1n, WEFT("1"));
      const epoch = await startNextEpoch(f);
      const overrides = { paymentToken: await usdc.getAddress(), payment: 100n * 10n ** 6n };
      const [settled] = await finalizeJobs(f, [{ client: f.client, provider: f.provider, overrides }]);
      // A 3 USDC fee (3,000,000 base units) weighs 3 WEFT, as the same fee in tUSD does.
      expect([settled.fee, settled.feeValue]).to.deep.equal([3_000_000n, JOB_FEE]);
      expect(await f.RewardDistributor.weightOf(f.provider.address, epoch)).to.equal(JOB_FEE);
    });

    it("adds up every job of every provider in the epoch's totals and each provider's weight", async function () {
      const f = await loadFixture(rewardsFixture);
      const epoch = await f.RewardDistributor.currentEpoch();
      await recordWeft(f, f.provider.address, 5n, 1n);
      await recordWeft(f, f.provider2.address, 7n, 2n);
      await recordWeft(f, f.provider.address, 11n, 3n);
      expect(await f.RewardDistributor.weightOf(f.provider.address, epoch)).to.equal(16n);
      expect(await f.RewardDistributor.weightOf(f.provider2.address, epoch)).to.equal(7n);
      expect((await f.RewardDistributor.epochTotals(epoch)).totalWeight).to.equal(23n);
    });

    it("records nothing, and snapshots no emission, for work whose fee weighs zero: given as zero, rounded down, or feeless", async function () {
      const f = await loadFixture(rewardsFixture);
      await registerAndStake(f, f.provider);
      const epoch = await startNextEpoch(f);
      await recordWeft(f, f.provider.address, 0n);
      // tUSD at one WEFT base unit per token: 33 tUSD are worth 33 base units, and their 3% fee 0.99, rounded to 0.
      const usd = await f.usd.getAddress();
      await f.JobEscrow.connect(f.timelock).setPaymentToken(usd, true, 1000n, 1n);
      const rounded = { client: f.client, provider: f.provider, overrides: { payment: WEFT("33") } };
      const [roundedDown] = await finalizeJobs(f, [rounded]);
      expect([roundedDown.fee, roundedDown.feeValue]).to.deep.equal([WEFT("0.99"), 0n]);
      // A job created while the protocol fee is zero.
      await f.JobEscrow.connect(f.timelock).setProtocolFeeBps(0n);
      const [feeless] = await finalizeJobs(f, [{ client: f.client, provider: f.provider }]);
      expect([feeless.fee, feeless.feeValue]).to.deep.equal([0n, 0n]);

      expect(await f.RewardDistributor.weightOf(f.provider.address, epoch)).to.equal(0n);
      expect(await f.RewardDistributor.epochTotals(epoch)).to.deep.equal([0n, 0n]);
      // No snapshot was taken: a schedule change still applies to this epoch.
      await expect(f.RewardDistributor.connect(f.timelock).setEmissionSchedule(WEFT("5"), 0n))
        .to.emit(f.RewardDistributor, "EmissionScheduleSet")
        .withArgs(INITIAL_EMISSION, WEFT("5"), DECAY_BPS, 0n, epoch);
      expect(await f.RewardDistributor.emission(epoch)).to.equal(WEFT("5"));

      // One more tUSD and the fee is worth one base unit: the first work that weighs anything takes the snapshot.
      await f.JobEscrow.connect(f.timelock).setProtocolFeeBps(f.parameters.escrow.protocolFeeBps);
      const [weighed] = await finalizeJobs(f, [{ ...rounded, overrides: { payment: WEFT("34") } }]);
      expect(weighed.feeValue).to.equal(1n);
      expect(await f.RewardDistributor.currentEpoch()).to.equal(epoch);
      expect(await f.RewardDistributor.epochTotals(epoch)).to.deep.equal([1n, WEFT("5")]);
    });
  });

  describe("epochs", function () {
    it("counts work at an epoch's last second in that epoch and at its end in the next", async function () {
      const f = await loadFixture(rewardsFixture);
      const epoch = await f.RewardDistributor.currentEpoch();
      const end = await f.RewardDistributor.epochEnd(epoch);

      await time.setNextBlockTimestamp(end - 1n);
      await recordWeft(f, f.provider.address, 5n, 1n);
      await time.setNextBlockTimestamp(end);
      await recordWeft(f, f.provider.address, 7n, 2n);

      expect(await f.RewardDistributor.weightOf(f.provider.address, epoch)).to.equal(5n);
      expect(await f.RewardDistributor.weightOf(f.provider.address, epoch + 1n)).to.equal(7n);
      expect(await f.RewardDistributor.currentEpoch()).to.equal(epoch + 1n);
      expect(await f.RewardDistributor.epochEnd(epoch + 1n)).to.equal(end + EPOCH_LENGTH);
    });

    it("lets an epoch be claimed from its end on and not a second before", async function () {
      const f = await loadFixture(rewardsFixture);
      const epoch = await f.RewardDistributor.currentEpoch();
      await recordWeft(f, f.provider.address, WEFT("1"));
      const end = await f.RewardDistributor.epochEnd(epoch);

      await time.setNextBlockTimestamp(end - 1n);
      await expect(f.RewardDistributor.connect(f.provider).claim(epoch))
        .to.be.revertedWithCustomError(f.RewardDistributor, "EpochNotEnded")
        .withArgs(epoch, epoch);
      await time.setNextBlockTimestamp(end);
      await expect(f.RewardDistributor.connect(f.provider).claim(epoch))
        .to.emit(f.RewardDistributor, "RewardClaimed")
        .withArgs(f.provider.address, epoch, (WEFT("1") * CAP_BPS) / BPS);
    });

    it("decays the scheduled emission by 2% an epoch as EmissionMath computes it, never above the exact value", async function () {
      const f = await loadFixture(rewardsFixture);
      for (const epoch of [0n, 1n, 2n, 3n, 7n, 52n, 100n, 365n, 1_000n, 5_000n]) {
        const onChain = await f.RewardDistributor.emission(epoch);
        const exact = exactEmission(INITIAL_EMISSION, DECAY_BPS, epoch);
        expect(onChain).to.equal(localEmission(epoch));
        expect(onChain).to.be.at.most(exact);
        // Fixed-point rounding loses at most about one part in 1e18 of the start per squaring or multiplication.
        expect(exact - onChain).to.be.at.most((INITIAL_EMISSION * 2n * (epoch + 1n)) / 10n ** 18n);
      }
      expect(await f.RewardDistributor.emission(1n)).to.equal(WEFT("98000"));
      expect(await f.RewardDistributor.emission(2n)).to.equal(WEFT("96040"));
    });

    it("snapshots each epoch's decayed emission when it records its first work", async function () {
      const f = await loadFixture(rewardsFixture);
      const epochs: bigint[] = [];
      for (const skip of [1, 1, 3]) {
        for (let i = 0; i < skip; i++) await startNextEpoch(f);
        const epoch = await f.RewardDistributor.currentEpoch();
        await recordWeft(f, f.provider.address, WEFT("1"));
        epochs.push(epoch);
      }
      expect(epochs).to.deep.equal([1n, 2n, 5n]);
      for (const epoch of epochs) {
        expect(await f.RewardDistributor.epochTotals(epoch)).to.deep.equal([WEFT("1"), localEmission(epoch)]);
      }
    });
  });

  describe("governance", function () {
    it("rounds each decayed emission down, to the wei, when the product does not divide evenly", async function () {
      const f = await loadFixture(rewardsFixture);
      const epoch = await startNextEpoch(f);
      const start = WEFT("7") + 1n;
      await f.RewardDistributor.connect(f.timelock).setEmissionSchedule(start, 333n);
      // No work recorded in this epoch yet: the new schedule starts with it.
      for (let n = 0n; n < 5n; n++) {
        const emission = await f.RewardDistributor.emission(epoch + n);
        expect(emission, `epoch +${n}`).to.equal(decayedEmission(start, 333n, n));
        expect(emission <= exactEmission(start, 333n, n), `epoch +${n} within the exact value`).to.equal(true);
      }
      // 7 WEFT + 1 wei decayed by 3.33% once: 6.7669 WEFT and 0.9667 wei, the fraction of a wei cut.
      expect(await f.RewardDistributor.emission(epoch + 1n)).to.equal(((WEFT("7") + 1n) * 9_667n) / 10_000n);
    });

    it("keeps an epoch's snapshotted emission when the schedule changes after its first work", async function () {
      const f = await loadFixture(rewardsFixture);
      const epoch = await startNextEpoch(f);
      await recordWeft(f, f.provider.address, 2n * UNCAPPED_WEIGHT);
      const snapshot = localEmission(epoch);

      await expect(f.RewardDistributor.connect(f.timelock).setEmissionSchedule(WEFT("50000"), 100n))
        .to.emit(f.RewardDistributor, "EmissionScheduleSet")
        .withArgs(INITIAL_EMISSION, WEFT("50000"), DECAY_BPS, 100n, epoch + 1n);
      expect(await f.RewardDistributor.decayBps()).to.equal(100n);
      expect(await f.RewardDistributor.emission(epoch)).to.equal(snapshot);
      expect(await f.RewardDistributor.emission(epoch + 1n)).to.equal(WEFT("50000"));
      expect(await f.RewardDistributor.emission(epoch + 3n)).to.equal(decayedEmission(WEFT("50000"), 100n, 2n));
      expect(await f.RewardDistributor.emission(epoch - 1n)).to.equal(0n);

      await recordWeft(f, f.provider.address, 1n);
      expect((await f.RewardDistributor.epochTotals(epoch)).emission).to.equal(snapshot);
      await startNextEpoch(f);
      const [reward] = await claimAll(f, [f.provider], epoch);
      expect(reward).to.equal(snapshot);
    });

    it("applies a schedule change to the current epoch while it has no work", async function () {
      const f = await loadFixture(rewardsFixture);
      const epoch = await startNextEpoch(f);
      await expect(f.RewardDistributor.connect(f.timelock).setEmissionSchedule(WEFT("1000"), MAX_DECAY_BPS))
        .to.emit(f.RewardDistributor, "EmissionScheduleSet")
        .withArgs(INITIAL_EMISSION, WEFT("1000"), DECAY_BPS, MAX_DECAY_BPS, epoch);
      expect(await f.RewardDistributor.emission(epoch)).to.equal(WEFT("1000"));
      expect(await f.RewardDistributor.emission(epoch + 1n)).to.equal(WEFT("500"));
      await recordWeft(f, f.provider.address, 1n);
      expect((await f.RewardDistributor.epochTotals(epoch)).emission).to.equal(WEFT("1000"));
    });

    it("keeps the current epoch's end on a length change and starts the new length with the next epoch", async function () {
      const f = await loadFixture(rewardsFixture);
      const epoch = await startNextEpoch(f);
      const end = await f.RewardDistributor.epochEnd(epoch);
      await recordWeft(f, f.provider.address, WEFT("1"));

      await expect(f.RewardDistributor.connect(f.timelock).setEpochLength(2n * HOUR))
        .to.emit(f.RewardDistributor, "EpochLengthSet")
        .withArgs(EPOCH_LENGTH, 2n * HOUR, epoch + 1n);
      // A second change in the same epoch still leaves its end alone.
      await expect(f.RewardDistributor.connect(f.timelock).setEpochLength(3n * HOUR))
        .to.emit(f.RewardDistributor, "EpochLengthSet")
        .withArgs(2n * HOUR, 3n * HOUR, epoch + 1n);
      expect(await f.RewardDistributor.epochLength()).to.equal(3n * HOUR);
      expect(await f.RewardDistributor.epochEnd(epoch)).to.equal(end);
      expect(await f.RewardDistributor.epochEnd(epoch + 1n)).to.equal(end + 3n * HOUR);

      const boundaries: [bigint, bigint][] = [
        [end - 1n, epoch],
        [end, epoch + 1n],
        [end + 3n * HOUR - 1n, epoch + 1n],
        [end + 3n * HOUR, epoch + 2n],
        [end + 6n * HOUR, epoch + 3n],
      ];
      for (const [timestamp, expected] of boundaries) {
        await time.increaseTo(timestamp);
        expect(await f.RewardDistributor.currentEpoch()).to.equal(expected);
      }

      // Another change leaves only the epochs under the newest length with a known end; claims never need it.
      await f.RewardDistributor.connect(f.timelock).setEpochLength(60n);
      expect(await f.RewardDistributor.epochEnd(epoch)).to.equal(0n);
      expect(await f.RewardDistributor.epochEnd(epoch + 3n)).to.equal(end + 9n * HOUR);
      expect(await f.RewardDistributor.epochEnd(epoch + 4n)).to.equal(end + 9n * HOUR + 60n);
      await claimAll(f, [f.provider], epoch);
    });

    it("sets the reward cap, epoch length and schedule at their bounds with events carrying the old and new values", async function () {
      const f = await loadFixture(rewardsFixture);
      const rd = f.RewardDistributor.connect(f.timelock);
      await expect(rd.setRewardCapBps(MAX_REWARD_CAP_BPS))
        .to.emit(rd, "RewardCapSet")
        .withArgs(CAP_BPS, MAX_REWARD_CAP_BPS);
      expect(await rd.rewardCapBps()).to.equal(MAX_REWARD_CAP_BPS);
      await expect(rd.setEpochLength(MAX_EPOCH_LENGTH)).to.emit(rd, "EpochLengthSet");
      await expect(rd.setEpochLength(60n)).to.emit(rd, "EpochLengthSet").withArgs(MAX_EPOCH_LENGTH, 60n, 1n);
      await expect(rd.setEmissionSchedule(MAX_EPOCH_EMISSION, 0n)).to.emit(rd, "EmissionScheduleSet");
      await expect(rd.setRewardCapBps(0n)).to.emit(rd, "RewardCapSet").withArgs(MAX_REWARD_CAP_BPS, 0n);
    });

    // The governed parameters (one value per setter; src/dao/governedParameters.ts).
    expectSetterBounds({
      contract: "RewardDistributor",
      rows: [
        { parameter: "epochLength", min: 60n, max: MAX_EPOCH_LENGTH, event: "EpochLengthSet" },
        { parameter: "rewardCapBps", min: 0n, max: MAX_REWARD_CAP_BPS, event: "RewardCapSet" },
      ],
    });

    it("reverts setEmissionSchedule outside its bounds with ParameterOutOfBounds", async function () {
      const f = await loadFixture(rewardsFixture);
      const rd = f.RewardDistributor.connect(f.timelock);
      const cases: [() => Promise<unknown>, [bigint, bigint, bigint]][] = [
        [() => rd.setEmissionSchedule(MAX_EPOCH_EMISSION + 1n, 0n), [MAX_EPOCH_EMISSION + 1n, 0n, MAX_EPOCH_EMISSION]],
        [() => rd.setEmissionSchedule(0n, MAX_DECAY_BPS + 1n), [MAX_DECAY_BPS + 1n, 0n, MAX_DECAY_BPS]],
      ];
      for (const [call, args] of cases) {
        await expect(call())
          .to.be.revertedWithCustomError(rd, "ParameterOutOfBounds")
          .withArgs(...args);
      }
    });

    it("reverts every setter for an account without the PARAMETERS role", async function () {
      const f = await loadFixture(rewardsFixture);
      const rd = f.RewardDistributor.connect(f.outsider);
      for (const call of [
        () => rd.setEpochLength(HOUR),
        () => rd.setEmissionSchedule(0n, 0n),
        () => rd.setRewardCapBps(0n),
      ]) {
        await expect(call())
          .to.be.revertedWithCustomError(rd, "AccessManagedUnauthorized")
          .withArgs(f.outsider.address);
      }
    });
  });

  describe("claims", function () {
    it("shares the emission pro rata between three providers of different weights, each getting its pending reward", async function () {
      const f = await loadFixture(rewardsFixture);
      const providers = f.claimers.slice(0, 3);
      const weights = [UNCAPPED_WEIGHT + 1n, 2n * UNCAPPED_WEIGHT + 7n, 3n * UNCAPPED_WEIGHT + 13n];
      const epoch = await f.RewardDistributor.currentEpoch();
      for (const [i, provider] of providers.entries()) await recordWeft(f, provider.address, weights[i], BigInt(i));
      expect(await f.RewardDistributor.pendingReward(providers[0].address, epoch)).to.equal(0n);
      await startNextEpoch(f);

      const emission = localEmission(epoch);
      const total = sum(weights);
      const rewards = await claimAll(f, providers, epoch);
      expect(rewards).to.deep.equal(weights.map((w) => (emission * w) / total));
      expect(sum(rewards)).to.be.at.most(emission);
      expect(emission - sum(rewards)).to.be.lessThan(3n);
    });

    it("leaves less rounding dust than one wei per provider whenever the cap does not bind", async function () {
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.bigInt({ min: UNCAPPED_WEIGHT, max: 1000n * UNCAPPED_WEIGHT }), { minLength: 2, maxLength: 8 }),
          async (weights) => {
            const f = await loadFixture(rewardsFixture);
            const providers = f.claimers.slice(0, weights.length);
            const epoch = await f.RewardDistributor.currentEpoch();
            for (const [i, provider] of providers.entries()) await recordWeft(f, provider.address, weights[i]);
            await startNextEpoch(f);
            const emission = localEmission(epoch);
            const claims = await claimAll(f, providers, epoch);
            expect(claims).to.deep.equal(weights.map((w) => expectedReward(emission, w, sum(weights), CAP_BPS)));
            expect(sum(claims)).to.be.at.most(emission);
            expect(emission - sum(claims)).to.be.lessThan(BigInt(weights.length));
          },
        ),
        { numRuns: 6 },
      );
    });

    it("caps a reward at 80% of its weight when the emission is large for the work, and never mints the rest", async function () {
      const f = await loadFixture(rewardsFixture);
      const providers = f.claimers.slice(0, 2);
      const weights = [WEFT("3"), WEFT("7") + 1n];
      const epoch = await f.RewardDistributor.currentEpoch();
      for (const [i, provider] of providers.entries()) await recordWeft(f, provider.address, weights[i]);
      await startNextEpoch(f);
      const supply = await f.ComputeToken.totalSupply();
      const rewards = await claimAll(f, providers, epoch);
      expect(rewards).to.deep.equal([WEFT("2.4"), WEFT("5.6")]);
      expect(await f.ComputeToken.totalSupply()).to.equal(supply + WEFT("8"));
    });

    it("reverts a claim before the epoch ends, without work, or twice, with the epoch and provider", async function () {
      const f = await loadFixture(rewardsFixture);
      const rd = f.RewardDistributor.connect(f.provider);
      const epoch = await f.RewardDistributor.currentEpoch();
      await recordWeft(f, f.provider.address, WEFT("1"));
      await expect(rd.claim(epoch)).to.be.revertedWithCustomError(rd, "EpochNotEnded").withArgs(epoch, epoch);
      await expect(rd.claim(epoch + 5n))
        .to.be.revertedWithCustomError(rd, "EpochNotEnded")
        .withArgs(epoch + 5n, epoch);

      await startNextEpoch(f);
      await expect(f.RewardDistributor.connect(f.outsider).claim(epoch))
        .to.be.revertedWithCustomError(rd, "NoWorkInEpoch")
        .withArgs(f.outsider.address, epoch);
      await rd.claim(epoch);
      await expect(rd.claim(epoch))
        .to.be.revertedWithCustomError(rd, "AlreadyClaimed")
        .withArgs(f.provider.address, epoch);
    });

    it("claims several epochs in one transaction, minting their sum", async function () {
      const f = await loadFixture(rewardsFixture);
      const epochs: bigint[] = [];
      for (const weight of [WEFT("10"), WEFT("20"), WEFT("30")]) {
        epochs.push(await startNextEpoch(f));
        await recordWeft(f, f.provider.address, weight);
      }
      await startNextEpoch(f);
      const expected = [WEFT("8"), WEFT("16"), WEFT("24")];
      expect(await f.RewardDistributor.connect(f.provider).claimMany.staticCall(epochs)).to.equal(sum(expected));
      const tx = f.RewardDistributor.connect(f.provider).claimMany(epochs);
      await expect(tx).to.changeTokenBalance(f.ComputeToken, f.provider, sum(expected));
      for (const [i, epoch] of epochs.entries()) {
        await expect(tx).to.emit(f.RewardDistributor, "RewardClaimed").withArgs(f.provider.address, epoch, expected[i]);
        expect(await f.RewardDistributor.claimed(f.provider.address, epoch)).to.equal(true);
      }
      expect(await f.RewardDistributor.connect(f.provider).claimMany.staticCall([])).to.equal(0n);
    });

    it("claims all of several epochs or none", async function () {
      const f = await loadFixture(rewardsFixture);
      const rd = f.RewardDistributor.connect(f.provider);
      const first = await startNextEpoch(f);
      await recordWeft(f, f.provider.address, WEFT("10"));
      const second = await startNextEpoch(f);
      await recordWeft(f, f.provider.address, WEFT("10"));

      await expect(rd.claimMany([first, second]))
        .to.be.revertedWithCustomError(rd, "EpochNotEnded")
        .withArgs(second, second);
      await expect(rd.claimMany([first, first]))
        .to.be.revertedWithCustomError(rd, "AlreadyClaimed")
        .withArgs(f.provider.address, first);
      await expect(rd.claimMany([first, first - 1n]))
        .to.be.revertedWithCustomError(rd, "NoWorkInEpoch")
        .withArgs(f.provider.address, first - 1n);
      expect(await rd.claimed(f.provider.address, first)).to.equal(false);
      expect(await rd.pendingReward(f.provider.address, first)).to.equal(WEFT("8"));
    });

    it("reports no pending reward for an epoch not ended, without work, without any work at all, or claimed", async function () {
      const f = await loadFixture(rewardsFixture);
      const rd = f.RewardDistributor;
      const epoch = await startNextEpoch(f);
      await recordWeft(f, f.provider.address, WEFT("10"));
      expect(await rd.pendingReward(f.provider.address, epoch)).to.equal(0n);
      await startNextEpoch(f);
      expect(await rd.pendingReward(f.provider.address, epoch)).to.equal(WEFT("8"));
      expect(await rd.pendingReward(f.outsider.address, epoch)).to.equal(0n);
      expect(await rd.pendingReward(f.provider.address, epoch - 1n)).to.equal(0n);
      await rd.connect(f.provider).claim(epoch);
      expect(await rd.pendingReward(f.provider.address, epoch)).to.equal(0n);
    });

    it("never mints past the token cap: the claim reaching it mints what is left and later claims mint nothing", async function () {
      const f = await loadFixture(rewardsFixture);
      const cap = WEFT("1000");
      const left = WEFT("50");
      const { ComputeToken: token, RewardDistributor: rd } = await deployStandaloneRewards(f.deployer, cap, cap - left);
      const [first, second] = f.claimers;
      const epoch = await rd.currentEpoch();
      await rd.recordWork(first.address, 1n, WEFT("100"));
      await rd.recordWork(second.address, 2n, WEFT("100"));
      await startNextEpoch({ RewardDistributor: rd });

      expect(await rd.pendingReward(first.address, epoch)).to.equal(left);
      const tx = rd.connect(first).claim(epoch);
      await expect(tx).to.emit(rd, "RewardClaimed").withArgs(first.address, epoch, left);
      await expect(tx).to.changeTokenBalance(token, first, left);
      expect(await token.totalSupply()).to.equal(cap);

      expect(await rd.pendingReward(second.address, epoch)).to.equal(0n);
      const capped = rd.connect(second).claim(epoch);
      await expect(capped).to.emit(rd, "RewardClaimed").withArgs(second.address, epoch, 0n);
      await expect(capped).not.to.emit(token, "Transfer");
      expect(await rd.claimed(second.address, epoch)).to.equal(true);
      expect(await token.totalSupply()).to.equal(cap);
    });
  });

  describe("slashed work", function () {
    it("never records a job slashed for fraud: only the provider's honest job earns weight", async function () {
      const f = await loadFixture(disputesFixture);
      const rd = f.RewardDistributor;
      const cheating = f.cheatingMatmul;
      await proveFraud(f, f.challenger, cheating, matmulFraudProof(cheating, WRONG_MATMUL.row, WRONG_MATMUL.col));
      expect((await readJob(f.JobEscrow, cheating.id)).status).to.equal(JobStatus.Slashed);

      await time.increaseTo((await readJob(f.JobEscrow, f.honestMatmul.id)).deadline);
      await expect(f.JobEscrow.finalize(cheating.id, await jobTerms(f, cheating.id)))
        .to.be.revertedWithCustomError(f.JobEscrow, "JobNotInStatus")
        .withArgs(cheating.id, JobStatus.Slashed, JobStatus.Submitted);
      const epoch = await rd.currentEpoch();
      expect(await rd.weightOf(f.provider.address, epoch)).to.equal(0n);

      await f.JobEscrow.finalize(f.honestMatmul.id, await jobTerms(f, f.honestMatmul.id));
      // The honest job's fee alone: the slashed job recorded nothing.
      expect(await rd.weightOf(f.provider.address, await rd.currentEpoch())).to.equal(JOB_FEE);
      expect((await rd.epochTotals(await rd.currentEpoch())).totalWeight).to.equal(JOB_FEE);
    });
  });

  describe("wash trading at the local parameters", function () {
    /** What a wash trader holds in WEFT, valuing tUSD at the escrow's rate (its market price): balances plus stake. */
    async function valueOf(f: RewardsFixture, account: HardhatEthersSigner): Promise<bigint> {
      const { staked } = await f.ProviderRegistry.providerState(account.address);
      const usd = await f.JobEscrow.paymentValue(await f.usd.getAddress(), await f.usd.balanceOf(account.address));
      return (await f.ComputeToken.balanceOf(account.address)) + usd + staked;
    }

    interface WashCase {
      title: string;
      /** What one tUSD is worth in WEFT, on the market and at the escrow; one WEFT unless given. */
      usdRate?: bigint;
      /** Payments of the jobs the trader gives itself, in tUSD unless `weft`. */
      payments: { amount: bigint; weft?: boolean }[];
      /** Payments of honest jobs from the client to another provider in the same epoch (tUSD). */
      honest: bigint[];
    }

    const MIN_USD_PAYMENT = 1000n;
    const cases: WashCase[] = [
      {
        title: "one job of the minimum tUSD payment beside honest work",
        payments: [{ amount: MIN_USD_PAYMENT }],
        honest: [JOB_PAYMENT],
      },
      {
        title: "one job of the minimum WEFT payment, alone in its epoch",
        payments: [{ amount: WEFT("0.01"), weft: true }],
        honest: [],
      },
      {
        title: "a share of the epoch's work in WEFT and tUSD beside honest work",
        payments: [{ amount: JOB_PAYMENT }, { amount: JOB_PAYMENT, weft: true }],
        honest: [JOB_PAYMENT, JOB_PAYMENT, JOB_PAYMENT],
      },
      { title: "nearly all of the epoch's work", payments: [{ amount: WEFT("1000000") }], honest: [JOB_PAYMENT] },
      { title: "alone, paying more fees than the epoch emits", payments: [{ amount: WEFT("5000000") }], honest: [] },
      {
        title: "in tUSD valued at 2.5 WEFT, beside honest work",
        usdRate: WEFT("2.5"),
        payments: [{ amount: JOB_PAYMENT }, { amount: WEFT("100000") }],
        honest: [JOB_PAYMENT],
      },
    ];

    for (const { title, usdRate, payments, honest } of cases) {
      it(`loses value trading with itself: ${title}`, async function () {
        const f = await loadFixture(rewardsFixture);
        const trader = f.provider;
        const weft = await f.ComputeToken.getAddress();
        const rate = usdRate ?? WEFT("1");
        await f.JobEscrow.connect(f.timelock).setPaymentToken(await f.usd.getAddress(), true, 1000n, rate);
        const volume = sum(payments.map((p) => p.amount));
        const value = sum(payments.map((p) => (p.weft ? p.amount : (p.amount * rate) / WEFT("1"))));
        // The trader's stake covers the collateral of all its jobs at once (each at least the floor, which the base
        // PROVIDER_STAKE covers ten times over); it buys what it lacks before it starts. That can pass the deployer's
        // operations allocation, so the market here is the treasury.
        expect(payments.length).to.be.at.most(10);
        const stake = PROVIDER_STAKE + (value * f.parameters.escrow.collateralRatioBps) / BPS;
        await f.ComputeToken.connect(f.timelock).transfer(trader.address, stake);
        await f.usd.mint(trader.address, volume);
        await registerAndStake(f, trader, stake);
        await registerAndStake(f, f.provider2);
        const before = await valueOf(f, trader);

        const epoch = await startNextEpoch(f);
        const jobs: JobSpec[] = [
          ...payments.map(({ amount, weft: inWeft }) => ({
            client: trader,
            provider: trader,
            overrides: { payment: amount, ...(inWeft ? { paymentToken: weft } : {}) },
          })),
          ...honest.map((amount) => ({ client: f.client, provider: f.provider2, overrides: { payment: amount } })),
        ];
        const settled = await finalizeJobs(f, jobs);
        expect(await f.RewardDistributor.currentEpoch()).to.equal(epoch);
        // Its fees in WEFT: what it pays, and what it weighs.
        const fees = sum(settled.slice(0, payments.length).map((job) => job.feeValue));
        expect(fees).to.equal((value * f.parameters.escrow.protocolFeeBps) / BPS);
        const { totalWeight, emission } = await f.RewardDistributor.epochTotals(epoch);
        expect(await f.RewardDistributor.weightOf(trader.address, epoch)).to.equal(fees);

        await startNextEpoch(f);
        const [reward] = await claimAll(f, [trader], epoch);
        expect(reward).to.equal(expectedReward(emission, fees, totalWeight, CAP_BPS));
        expect(reward).to.be.greaterThan(0n);
        const after = await valueOf(f, trader);
        expect(after).to.be.lessThan(before);
        // It loses at least the fifth of its fees that the cap keeps.
        expect(before - after).to.be.at.least(fees - (fees * CAP_BPS) / BPS);
      });
    }
  });

  describe("gas", function () {
    const MEASURED_JOB = 1_000_000n;

    /** recordWork and claim of one provider after `others` other providers recorded work in the same epoch. */
    async function measureWith(others: number): Promise<{ record: bigint; claim: bigint }> {
      const f = await loadFixture(rewardsFixture);
      const epoch = await startNextEpoch(f);
      for (const [i, provider] of providerAddresses("gas", others).entries()) {
        await recordWeft(f, provider, JOB_FEE, BigInt(i + 1));
      }
      // The same job id in both runs: a longer id costs calldata, not storage.
      const record = await (await recordWeft(f, f.provider.address, JOB_FEE, MEASURED_JOB)).wait();
      expect(await f.RewardDistributor.currentEpoch()).to.equal(epoch);
      expect((await f.RewardDistributor.epochTotals(epoch)).totalWeight).to.equal(BigInt(others + 1) * JOB_FEE);
      await startNextEpoch(f);
      const claim = await (await f.RewardDistributor.connect(f.provider).claim(epoch)).wait();
      return { record: record!.gasUsed, claim: claim!.gasUsed };
    }

    it("costs the same to record work and to claim with 10 or 1,000 providers and jobs in the epoch", async function () {
      const few = await measureWith(10);
      const many = await measureWith(1_000);
      expect(many.record).to.equal(few.record);
      expect(many.claim).to.equal(few.claim);
    });
  });
});
