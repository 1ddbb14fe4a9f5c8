import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, setStorageAt } from "@nomicfoundation/hardhat-network-helpers";

import { readJob } from "../../../src/chain/jobs";

import { TestERC20Decimals__factory, TestERC20__factory } from "../../../typechain-types";
import {
  JOB_COLLATERAL,
  JOB_FEE,
  JOB_PAYMENT,
  JOB_VALUE,
  RESULT_ROOT,
  RESULT_URI,
  createJob,
  jobRequest,
  jobTerms,
  jobsFixture,
  stakedProvidersFixture,
  acceptAndSubmit,
} from "../../fixtures/jobs";
import { USD_WEFT_PER_TOKEN, deployWeftFixture, type WeftFixture } from "../../fixtures/weft";
import { expectJobCreated } from "../../helpers/job-events";
import { UINT96_MAX, WEFT_ONE, MAX_WEFT_PER_TOKEN, USDC_RATE, STRANGER, passChallengeWindow } from "./fixture";

describe("JobEscrow: payment tokens", function () {
  describe("payment-token indexes", function () {
    // PaymentTokenAllowList comes first in JobEscrow's storage (EscrowParameters inherits it before anything with
    // state), and its count is its first variable, alone in slot 0.
    const TOKEN_COUNT_SLOT = 0n;
    const MAX_PAYMENT_TOKENS = 2n ** 16n - 1n;

    it("numbers tokens from 1 in the order they are first configured and maps each index back", async function () {
      const f = await loadFixture(deployWeftFixture);
      const weft = await f.ComputeToken.getAddress();
      const usd = await f.usd.getAddress();
      const other = await (await new TestERC20__factory(f.deployer).deploy("Other", "OTH")).getAddress();
      await f.JobEscrow.connect(f.timelock).setPaymentToken(other, true, 0n, USD_WEFT_PER_TOKEN);
      expect(await f.JobEscrow.paymentTokenAt(1n)).to.equal(weft);
      expect(await f.JobEscrow.paymentTokenAt(2n)).to.equal(usd);
      expect(await f.JobEscrow.paymentTokenAt(3n)).to.equal(other);
      expect((await f.JobEscrow.paymentTokenConfig(other)).index).to.equal(3n);
      for (const unused of [0n, 4n]) expect(await f.JobEscrow.paymentTokenAt(unused)).to.equal(ethers.ZeroAddress);
      expect((await f.JobEscrow.paymentTokenConfig(STRANGER)).index).to.equal(0n);
    });

    it("keeps a token's index and decimals when it is disallowed and allowed again, and settles its jobs under it", async function () {
      const f = await loadFixture(jobsFixture);
      const usd = await f.usd.getAddress();
      await passChallengeWindow(f, f.submittedJob);
      // Disallowed, a token needs no rate: zero is stored as given.
      await expect(f.JobEscrow.connect(f.timelock).setPaymentToken(usd, false, 0n, 0n))
        .to.emit(f.JobEscrow, "PaymentTokenSet")
        .withArgs(usd, [true, 1000n, 2n, 18n, USD_WEFT_PER_TOKEN], [false, 0n, 2n, 18n, 0n]);
      // A job paid in a token since disallowed still settles, at the value it was created with, and its receipt names
      // that token.
      const epoch = await f.RewardDistributor.currentEpoch();
      const weight = await f.RewardDistributor.weightOf(f.provider.address, epoch);
      await f.JobEscrow.finalize(f.submittedJob, await jobTerms(f, f.submittedJob));
      expect(await f.RewardDistributor.weightOf(f.provider.address, epoch)).to.equal(weight + JOB_FEE);
      expect((await f.JobEscrow.settlement(f.submittedJob)).paymentToken).to.equal(usd);
      await f.JobEscrow.connect(f.timelock).setPaymentToken(usd, true, 5n, 2n * USD_WEFT_PER_TOKEN);
      expect(await f.JobEscrow.paymentTokenConfig(usd)).to.deep.equal([true, 5n, 2n, 18n, 2n * USD_WEFT_PER_TOKEN]);
      expect(await f.JobEscrow.paymentTokenAt(2n)).to.equal(usd);
      expect(await f.JobEscrow.paymentTokenAt(3n)).to.equal(ethers.ZeroAddress);
    });

    it("settles a job under the index of the token it was paid in", async function () {
      const f = await loadFixture(stakedProvidersFixture);
      const weft = await f.ComputeToken.getAddress();
      const jobId = await createJob(f, f.client, { paymentToken: weft });
      await f.JobEscrow.connect(f.provider).acceptJob(jobId, await jobTerms(f, jobId));
      await f.JobEscrow.connect(f.provider).submitResult(jobId, await jobTerms(f, jobId), RESULT_ROOT, RESULT_URI);
      await passChallengeWindow(f, jobId);
      await f.JobEscrow.finalize(jobId, await jobTerms(f, jobId));
      expect((await f.JobEscrow.settlement(jobId)).paymentToken).to.equal(weft);
    });

    it("gives out the last index, then reverts PaymentTokenLimitReached for a new token but not a known one", async function () {
      const f = await loadFixture(deployWeftFixture);
      const escrow = await f.JobEscrow.getAddress();
      // The slot holds what the layout says (two configured tokens, nothing else), so the write lands right.
      expect(BigInt(await ethers.provider.getStorage(escrow, TOKEN_COUNT_SLOT))).to.equal(2n);
      await setStorageAt(escrow, TOKEN_COUNT_SLOT, MAX_PAYMENT_TOKENS - 1n);

      const last = await (await new TestERC20__factory(f.deployer).deploy("Last", "LST")).getAddress();
      await f.JobEscrow.connect(f.timelock).setPaymentToken(last, true, 0n, USD_WEFT_PER_TOKEN);
      expect((await f.JobEscrow.paymentTokenConfig(last)).index).to.equal(MAX_PAYMENT_TOKENS);
      expect(await f.JobEscrow.paymentTokenAt(MAX_PAYMENT_TOKENS)).to.equal(last);

      const other = await (await new TestERC20__factory(f.deployer).deploy("Other", "OTH")).getAddress();
      await expect(f.JobEscrow.connect(f.timelock).setPaymentToken(other, true, 0n, USD_WEFT_PER_TOKEN))
        .to.be.revertedWithCustomError(f.JobEscrow, "PaymentTokenLimitReached")
        .withArgs(MAX_PAYMENT_TOKENS);
      await f.JobEscrow.connect(f.timelock).setPaymentToken(await f.usd.getAddress(), false, 0n, 0n);
      expect(await f.JobEscrow.paymentTokenConfig(await f.usd.getAddress())).to.deep.equal([false, 0n, 2n, 18n, 0n]);
      expect(await f.JobEscrow.workRecorder()).to.equal(await f.RewardDistributor.getAddress());
    });
  });

  describe("valuation", function () {
    /** The deployment with providers staked and a 6-decimals USDC, unconfigured, 1,000,000 of it held by the client. */
    async function usdcFixture() {
      const f = await stakedProvidersFixture();
      const usdc = await new TestERC20Decimals__factory(f.deployer).deploy("USD Coin", "USDC", 6);
      await usdc.mint(f.client.address, 1_000_000n * 10n ** 6n);
      return { ...f, usdc, usdcAddress: await usdc.getAddress() };
    }

    /** Creates, accepts (as f.provider), submits and finalizes job `jobId`; returns the finalize transaction. */
    async function settle(f: WeftFixture, jobId: bigint) {
      await acceptAndSubmit(f, jobId);
      await passChallengeWindow(f, jobId);
      return f.JobEscrow.finalize(jobId, await jobTerms(f, jobId));
    }

    it("values a 6-decimals token at its rate: 150 USDC at one WEFT each is worth 150 WEFT and locks 10x that", async function () {
      const f = await loadFixture(usdcFixture);
      await f.JobEscrow.connect(f.timelock).setPaymentToken(f.usdcAddress, true, 1n, USDC_RATE);
      const payment = 150n * 10n ** 6n;
      const value = ethers.parseEther("150");
      expect(await f.JobEscrow.paymentValue(f.usdcAddress, payment)).to.equal(value);

      const request = await jobRequest(f, { paymentToken: f.usdcAddress, payment });
      await f.usdc.connect(f.client).approve(await f.JobEscrow.getAddress(), payment);
      await expectJobCreated(f.JobEscrow.connect(f.client).createJob(request), f.JobEscrow, {
        jobId: 1n,
        client: f.client,
        request,
        paymentValue: value,
        feeBps: f.parameters.escrow.protocolFeeBps,
      });
      expect((await readJob(f.JobEscrow, 1n)).paymentValue).to.equal(value);
      await expect(f.JobEscrow.connect(f.provider).acceptJob(1n, await jobTerms(f, 1n)))
        .to.emit(f.JobEscrow, "JobAccepted")
        .withArgs(1n, f.provider.address, ethers.parseEther("1500"));
      await f.JobEscrow.connect(f.provider).submitResult(1n, await jobTerms(f, 1n), RESULT_ROOT, RESULT_URI);
      await passChallengeWindow(f, 1n);
      // The fee is paid in USDC (4.5 USDC) and weighs its value in WEFT (4.5 WEFT) for rewards.
      const epoch = await f.RewardDistributor.currentEpoch();
      const weight = await f.RewardDistributor.weightOf(f.provider.address, epoch);
      const tx = f.JobEscrow.finalize(1n, await jobTerms(f, 1n));
      await expect(tx)
        .to.emit(f.JobEscrow, "JobFinalized")
        .withArgs(1n, f.provider.address, payment - 4_500_000n, 4_500_000n);
      expect(await f.RewardDistributor.weightOf(f.provider.address, epoch)).to.equal(weight + ethers.parseEther("4.5"));
    });

    it("values an 18-decimals token at its rate: 100 tUSD at 2.5 WEFT each is worth 250 WEFT and locks 2,500", async function () {
      const f = await loadFixture(stakedProvidersFixture);
      const usd = await f.usd.getAddress();
      await f.JobEscrow.connect(f.timelock).setPaymentToken(usd, true, 1000n, ethers.parseEther("2.5"));
      expect(await f.JobEscrow.paymentValue(usd, JOB_PAYMENT)).to.equal(ethers.parseEther("250"));
      const jobId = await createJob(f);
      expect((await readJob(f.JobEscrow, jobId)).paymentValue).to.equal(ethers.parseEther("250"));
      await expect(f.JobEscrow.connect(f.provider).acceptJob(jobId, await jobTerms(f, jobId)))
        .to.emit(f.JobEscrow, "JobAccepted")
        .withArgs(jobId, f.provider.address, ethers.parseEther("2500"));
    });

    it("rounds a value down to whole WEFT base units", async function () {
      const f = await loadFixture(usdcFixture);
      // A third of a WEFT per USDC: one USDC base unit is worth 333,333,333,333.33 WEFT base units.
      const third = WEFT_ONE / 3n;
      await f.JobEscrow.connect(f.timelock).setPaymentToken(f.usdcAddress, true, 1n, third);
      expect(await f.JobEscrow.paymentValue(f.usdcAddress, 1n)).to.equal(333_333_333_333n);
      expect(await f.JobEscrow.paymentValue(f.usdcAddress, 3n * 10n ** 6n)).to.equal(WEFT_ONE - 1n);
      const jobId = await createJob(f, f.client, { paymentToken: f.usdcAddress, payment: 1n });
      expect((await readJob(f.JobEscrow, jobId)).paymentValue).to.equal(333_333_333_333n);
      // At the lowest rate (one base unit per whole 18-decimals token), anything below a whole token is worth 0.
      const usd = await f.usd.getAddress();
      await f.JobEscrow.connect(f.timelock).setPaymentToken(usd, true, 1000n, 1n);
      expect(await f.JobEscrow.paymentValue(usd, WEFT_ONE - 1n)).to.equal(0n);
      expect(await f.JobEscrow.paymentValue(usd, WEFT_ONE)).to.equal(1n);
    });

    it("values a token with 0 and with 36 decimals exactly", async function () {
      const f = await loadFixture(stakedProvidersFixture);
      const whole = await (await new TestERC20Decimals__factory(f.deployer).deploy("Whole", "WHL", 0)).getAddress();
      const fine = await (await new TestERC20Decimals__factory(f.deployer).deploy("Fine", "FIN", 36)).getAddress();
      await f.JobEscrow.connect(f.timelock).setPaymentToken(whole, true, 1n, ethers.parseEther("2"));
      await f.JobEscrow.connect(f.timelock).setPaymentToken(fine, true, 1n, ethers.parseEther("2"));
      expect((await f.JobEscrow.paymentTokenConfig(whole)).decimals).to.equal(0n);
      expect((await f.JobEscrow.paymentTokenConfig(fine)).decimals).to.equal(36n);
      expect(await f.JobEscrow.paymentValue(whole, 5n)).to.equal(ethers.parseEther("10"));
      expect(await f.JobEscrow.paymentValue(fine, 10n ** 36n)).to.equal(ethers.parseEther("2"));
      expect(await f.JobEscrow.paymentValue(fine, 10n ** 18n - 1n)).to.equal(1n);
    });

    it("values amounts whose product with the rate passes 2^256 exactly, without overflowing", async function () {
      const f = await loadFixture(stakedProvidersFixture);
      const fine = await (await new TestERC20Decimals__factory(f.deployer).deploy("Fine", "FIN", 36)).getAddress();
      const rate = 10n ** 27n;
      await f.JobEscrow.connect(f.timelock).setPaymentToken(fine, true, 1n, rate);
      const amount = 2n ** 200n + 12345n;
      expect(amount * rate).to.be.greaterThan(2n ** 256n);
      expect(await f.JobEscrow.paymentValue(fine, amount)).to.equal((amount * rate) / 10n ** 36n);
    });

    it("values a token never configured at zero", async function () {
      const f = await loadFixture(deployWeftFixture);
      expect(await f.JobEscrow.paymentValue(STRANGER, WEFT_ONE)).to.equal(0n);
    });

    it("snapshots the rate at creation: a later setPaymentToken changes neither a job's collateral nor its reward weight", async function () {
      const f = await loadFixture(stakedProvidersFixture);
      const usd = await f.usd.getAddress();
      const before = await createJob(f);
      // The DAO values tUSD at 5 WEFT after the first job and before the second.
      await f.JobEscrow.connect(f.timelock).setPaymentToken(usd, true, 1000n, 5n * USD_WEFT_PER_TOKEN);
      const after = await createJob(f);
      expect((await readJob(f.JobEscrow, before)).paymentValue).to.equal(JOB_VALUE);
      expect((await readJob(f.JobEscrow, after)).paymentValue).to.equal(5n * JOB_VALUE);

      await expect(f.JobEscrow.connect(f.provider).acceptJob(before, await jobTerms(f, before)))
        .to.emit(f.JobEscrow, "JobAccepted")
        .withArgs(before, f.provider.address, JOB_COLLATERAL);
      await expect(f.JobEscrow.connect(f.provider2).acceptJob(after, await jobTerms(f, after)))
        .to.emit(f.JobEscrow, "JobAccepted")
        .withArgs(after, f.provider2.address, 5n * JOB_COLLATERAL);
      await f.JobEscrow.connect(f.provider).submitResult(before, await jobTerms(f, before), RESULT_ROOT, RESULT_URI);
      await f.JobEscrow.connect(f.provider2).submitResult(after, await jobTerms(f, after), RESULT_ROOT, RESULT_URI);
      // Another change while both run: neither weight follows it.
      await f.JobEscrow.connect(f.timelock).setPaymentToken(usd, true, 1000n, USD_WEFT_PER_TOKEN / 10n);
      await passChallengeWindow(f, after);
      const epoch = await f.RewardDistributor.currentEpoch();
      const weights = async () =>
        Promise.all([f.provider, f.provider2].map((p) => f.RewardDistributor.weightOf(p.address, epoch)));
      const [weight, weight2] = await weights();
      await f.JobEscrow.finalize(before, await jobTerms(f, before));
      await f.JobEscrow.finalize(after, await jobTerms(f, after));
      expect(await weights()).to.deep.equal([weight + JOB_FEE, weight2 + 5n * JOB_FEE]);
    });

    it("locks the collateral floor for a job worth nothing, which earns no reward weight", async function () {
      const f = await loadFixture(stakedProvidersFixture);
      const usd = await f.usd.getAddress();
      await f.JobEscrow.connect(f.timelock).setPaymentToken(usd, true, 1000n, 1n);
      const jobId = await createJob(f, f.client, { payment: WEFT_ONE - 1n });
      expect((await readJob(f.JobEscrow, jobId)).paymentValue).to.equal(0n);
      const epoch = await f.RewardDistributor.currentEpoch();
      const totals = await f.RewardDistributor.epochTotals(epoch);
      const tx = await settle(f, jobId);
      await expect(tx).to.emit(f.JobEscrow, "JobFinalized");
      expect(await f.RewardDistributor.epochTotals(epoch)).to.deep.equal(totals);
      const accepted = await f.JobEscrow.queryFilter(f.JobEscrow.filters.JobAccepted(jobId));
      expect(accepted[0].args.collateral).to.equal(f.parameters.escrow.minCollateral);
    });

    it("reverts PaymentValueTooLarge when the payment's value does not fit 96 bits, and creates nothing", async function () {
      const f = await loadFixture(stakedProvidersFixture);
      const usd = await f.usd.getAddress();
      // At the highest rate a base unit of an 18-decimals token is worth 10^9 WEFT base units.
      await f.JobEscrow.connect(f.timelock).setPaymentToken(usd, true, 1000n, MAX_WEFT_PER_TOKEN);
      const largest = UINT96_MAX / 10n ** 9n;
      await f.usd.connect(f.client).approve(await f.JobEscrow.getAddress(), ethers.MaxUint256);
      await expect(f.JobEscrow.connect(f.client).createJob(await jobRequest(f, { payment: largest + 1n })))
        .to.be.revertedWithCustomError(f.JobEscrow, "PaymentValueTooLarge")
        .withArgs(usd, largest + 1n, (largest + 1n) * 10n ** 9n);
      expect(await f.JobEscrow.jobCount()).to.equal(0n);
      expect(await f.usd.balanceOf(await f.JobEscrow.getAddress())).to.equal(0n);
      // One base unit less fits.
      await f.JobEscrow.connect(f.client).createJob(await jobRequest(f, { payment: largest }));
      expect((await readJob(f.JobEscrow, 1n)).paymentValue).to.equal(largest * 10n ** 9n);
    });

    it("accepts a payment worth exactly 2^96 - 1 WEFT base units and reverts PaymentValueTooLarge at one worth 2^96", async function () {
      const f = await loadFixture(stakedProvidersFixture);
      const usd = await f.usd.getAddress();
      // At 1.5 WEFT per tUSD, two thirds of 2^96 - 1 base units (a whole number: 2^96 - 1 is a multiple of 3) are
      // worth exactly 2^96 - 1; one base unit more is worth 2^96 + 0.5, rounded down to 2^96. Both payments fit 96 bits.
      await f.JobEscrow.connect(f.timelock).setPaymentToken(usd, true, 1000n, ethers.parseEther("1.5"));
      const largest = (UINT96_MAX / 3n) * 2n;
      expect(await f.JobEscrow.paymentValue(usd, largest)).to.equal(UINT96_MAX);
      expect(await f.JobEscrow.paymentValue(usd, largest + 1n)).to.equal(UINT96_MAX + 1n);
      await f.usd.mint(f.client.address, largest + 1n);
      await f.usd.connect(f.client).approve(await f.JobEscrow.getAddress(), ethers.MaxUint256);
      await expect(f.JobEscrow.connect(f.client).createJob(await jobRequest(f, { payment: largest + 1n })))
        .to.be.revertedWithCustomError(f.JobEscrow, "PaymentValueTooLarge")
        .withArgs(usd, largest + 1n, UINT96_MAX + 1n);
      expect(await f.JobEscrow.jobCount()).to.equal(0n);

      await f.JobEscrow.connect(f.client).createJob(await jobRequest(f, { payment: largest }));
      const job = await readJob(f.JobEscrow, 1n);
      expect(job.payment).to.equal(largest);
      expect(job.paymentValue).to.equal(UINT96_MAX);
    });

    it("requires an allowed token's rate within [MIN_WEFT_PER_TOKEN, MAX_WEFT_PER_TOKEN], and none for a disallowed one", async function () {
      const f = await loadFixture(deployWeftFixture);
      const escrow = f.JobEscrow.connect(f.timelock);
      const usd = await f.usd.getAddress();
      for (const rate of [0n, MAX_WEFT_PER_TOKEN + 1n]) {
        await expect(escrow.setPaymentToken(usd, true, 1000n, rate))
          .to.be.revertedWithCustomError(f.JobEscrow, "PaymentTokenRateOutOfBounds")
          .withArgs(usd, rate, 1n, MAX_WEFT_PER_TOKEN);
      }
      expect(await f.JobEscrow.paymentTokenConfig(usd)).to.deep.equal([true, 1000n, 2n, 18n, USD_WEFT_PER_TOKEN]);
      for (const rate of [1n, MAX_WEFT_PER_TOKEN]) {
        await escrow.setPaymentToken(usd, true, 1000n, rate);
        expect((await f.JobEscrow.paymentTokenConfig(usd)).weftPerToken).to.equal(rate);
      }
      await escrow.setPaymentToken(usd, false, 0n, 0n);
      expect(await f.JobEscrow.paymentTokenConfig(usd)).to.deep.equal([false, 0n, 2n, 18n, 0n]);
    });

    it("reverts PaymentTokenDecimalsUnsupported for an account without code, a contract without decimals() and more than 36 decimals", async function () {
      const f = await loadFixture(deployWeftFixture);
      const escrow = f.JobEscrow.connect(f.timelock);
      const noDecimals = await f.AccessManager.getAddress();
      const tooFine = await (
        await new TestERC20Decimals__factory(f.deployer).deploy("Too fine", "TF", 37)
      ).getAddress();
      for (const token of [f.outsider.address, noDecimals, tooFine]) {
        await expect(escrow.setPaymentToken(token, true, 0n, USD_WEFT_PER_TOKEN))
          .to.be.revertedWithCustomError(f.JobEscrow, "PaymentTokenDecimalsUnsupported")
          .withArgs(token);
        expect(await f.JobEscrow.paymentTokenConfig(token)).to.deep.equal([false, 0n, 0n, 0n, 0n]);
      }
      expect(await f.JobEscrow.paymentTokenAt(3n)).to.equal(ethers.ZeroAddress);
      // Disallowing reads no decimals: any address can be listed as not allowed.
      await escrow.setPaymentToken(f.outsider.address, false, 0n, 0n);
      expect(await f.JobEscrow.paymentTokenConfig(f.outsider.address)).to.deep.equal([false, 0n, 3n, 0n, 0n]);
    });
  });
});
