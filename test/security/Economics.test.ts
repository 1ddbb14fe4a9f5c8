/**
 * What a fault costs, in WEFT, whatever token paid for the job and however the provider arranged its stake. The
 * attacks of issue 18 (collateral in the payment token's units, a jail escaped with a fresh address) with exact
 * balances, then the economics matrix: payment tokens {WEFT, a 6-decimals stablecoin, an 18-decimals stablecoin,
 * both at 20 WEFT a token} x stake layouts {all free, all unbonding, all locked in other jobs, mixed} x faults {a wrong
 * result proven, a withheld output, a timeout}. In every cell the coalition of the provider and its second address
 * loses at least ten times what the fault could earn it, valued in WEFT. The matrix's figures make README's table
 * "What a fault costs": the last test checks the table against them (UPDATE_FAULT_COSTS=1 rewrites it).
 */
import fs from "node:fs";
import path from "node:path";
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";

import { LOCAL_PARAMETERS } from "../../config/parameters";
import { ResultTree } from "../../src/commitments/result-tree";
import { generateInputs, referenceOutput } from "../../src/jobs/job-data";
import { inputRootOf } from "../../src/commitments/job-inputs";
import { decodeJobParams, matmulI8 } from "../../src/workloads/registry";
import { WORD_BYTES } from "../../src/workloads/words";
import { type TestERC20Decimals, TestERC20Decimals__factory } from "../../typechain-types";
import { spareAccounts, weftHeldBy } from "../fixtures/attackers";
import {
  MATMUL_SHAPE,
  WRONG_MATMUL,
  type WorkloadJob,
  matmulFraudProof,
  openWithheld,
  proveFraud,
} from "../fixtures/disputes";
import { BPS, PROFILE, RESULT_URI, jobTerms } from "../fixtures/jobs";
import { deployWeftFixture } from "../fixtures/weft";
import { renderFaultCosts, type FaultCost } from "../helpers/fault-costs";

const WEFT = (amount: string) => ethers.parseEther(amount);
const { escrow: ESCROW, disputes: DISPUTES, rewards: REWARDS, registry: REGISTRY } = LOCAL_PARAMETERS;
/** A dollar at 0.05 per WEFT: what a DAO vote would set for a dollar stablecoin. */
const WEFT_PER_DOLLAR = WEFT("20");
/** The provider's stake in every cell: room for the job's collateral and 15,000 WEFT to arrange. */
const STAKE = WEFT("20000");
const README = path.join(__dirname, "..", "..", "README.md");

type TokenKey = "weft" | "usdc" | "dai";
type Layout = "free" | "unbonding" | "locked" | "mixed";
type Fault = "proof" | "withheld" | "timeout";

interface PaymentToken {
  readonly key: TokenKey;
  readonly label: string;
  /** The payment of every job in the matrix: worth 500 WEFT in each token. */
  readonly payment: bigint;
}

const PAYMENT_TOKENS: readonly PaymentToken[] = [
  { key: "weft", label: "WEFT (18 decimals)", payment: WEFT("500") },
  { key: "usdc", label: "6-decimals stablecoin at 20 WEFT", payment: 25_000_000n },
  { key: "dai", label: "18-decimals stablecoin at 20 WEFT", payment: WEFT("25") },
];
const LAYOUTS: readonly Layout[] = ["free", "unbonding", "locked", "mixed"];
const FAULTS: readonly Fault[] = ["proof", "withheld", "timeout"];

/** The deployment with a 6-decimals and an 18-decimals stablecoin allowed at 20 WEFT each, and four spare accounts. */
async function economicsFixture() {
  const f = await loadFixture(deployWeftFixture);
  const [sybil, verifier, cheater, fresh] = await spareAccounts(f, 4);
  const usdc = await new TestERC20Decimals__factory(f.deployer).deploy("USD Coin", "USDC", 6);
  const dai = await new TestERC20Decimals__factory(f.deployer).deploy("Dai", "DAI", 18);
  for (const token of [usdc, dai]) {
    await f.JobEscrow.connect(f.timelock).setPaymentToken(token, true, 1n, WEFT_PER_DOLLAR);
    await token.mint(f.client.address, WEFT("1000000"));
  }
  return { ...f, sybil, verifier, cheater, fresh, usdc, dai };
}
type EconomicsFixture = Awaited<ReturnType<typeof economicsFixture>>;

function tokenOf(f: EconomicsFixture, key: TokenKey) {
  return key === "weft" ? f.ComputeToken : key === "usdc" ? f.usdc : f.dai;
}

/** `account` registers and stakes `amount` WEFT (sent from the deployer first). */
async function stakeAs(f: EconomicsFixture, account: HardhatEthersSigner, amount: bigint) {
  await f.ComputeToken.connect(f.deployer).transfer(account.address, amount);
  await f.ProviderRegistry.connect(account).register(PROFILE);
  await f.ComputeToken.connect(account).approve(f.ProviderRegistry, amount);
  await f.ProviderRegistry.connect(account).stake(amount);
}

/**
 * A 12 x 16 x 20 matmul-i8 job paid by the client in `token`, directed at `provider` and accepted by it. Returns the
 * job's data (its committed output is the correct one with one word off by one).
 */
async function acceptedMatmulJob(
  f: EconomicsFixture,
  provider: HardhatEthersSigner,
  token: PaymentToken,
): Promise<WorkloadJob> {
  const params = matmulI8.params.encode(MATMUL_SHAPE);
  const decoded = decodeJobParams(matmulI8.id, params);
  const inputs = generateInputs(decoded, 7);
  const correct = await referenceOutput(decoded, inputs);
  const claimed = Uint8Array.from(correct);
  const view = new DataView(claimed.buffer);
  view.setUint32(WRONG_MATMUL.word * WORD_BYTES, (view.getUint32(WRONG_MATMUL.word * WORD_BYTES) + 1) >>> 0);
  const paymentToken = tokenOf(f, token.key);
  await paymentToken.connect(f.client).approve(f.JobEscrow, token.payment);
  await f.JobEscrow.connect(f.client).createJob({
    workloadId: matmulI8.id,
    params,
    inputRoot: inputRootOf(decoded, inputs),
    inputURI: "ipfs://inputs",
    paymentToken,
    payment: token.payment,
    provider: provider.address,
    submitDeadline: BigInt(await time.latest()) + 3600n,
  });
  const id = await f.JobEscrow.jobCount();
  await f.JobEscrow.connect(provider).acceptJob(id, await jobTerms(f, id));
  return { id, decoded, params, inputs, claimed, correct, result: new ResultTree(claimed) };
}

/** The sybil posts WEFT jobs directed at `provider` locking `amount` of its free stake, which it accepts. */
async function lockInSelfDealtJob(f: EconomicsFixture, provider: HardhatEthersSigner, amount: bigint) {
  const payment = (amount * BPS) / ESCROW.collateralRatioBps;
  await f.ComputeToken.connect(f.sybil).approve(f.JobEscrow, payment);
  await f.JobEscrow.connect(f.sybil).createJob({
    workloadId: ethers.encodeBytes32String("render-frames"),
    params: "0x",
    inputRoot: ethers.id("shield"),
    inputURI: "ipfs://shield",
    paymentToken: f.ComputeToken,
    payment,
    provider: provider.address,
    submitDeadline: BigInt(await time.latest()) + 3600n,
  });
  const id = await f.JobEscrow.jobCount();
  await f.JobEscrow.connect(provider).acceptJob(id, await jobTerms(f, id));
  return id;
}

/** Arranges the provider's free stake as `layout` says; returns the ids of the self-dealt jobs locking it. */
async function arrange(f: EconomicsFixture, provider: HardhatEthersSigner, layout: Layout): Promise<bigint[]> {
  const free = await f.ProviderRegistry.freeStake(provider.address);
  const third = free / 3n;
  const [unbond, lock] =
    layout === "unbonding"
      ? [free, 0n]
      : layout === "locked"
        ? [0n, free]
        : layout === "mixed"
          ? [third, third]
          : [0n, 0n];
  if (unbond !== 0n) await f.ProviderRegistry.connect(provider).requestUnbond(unbond);
  return lock === 0n ? [] : [await lockInSelfDealtJob(f, provider, lock)];
}

/** The coalition's wealth in WEFT: WEFT held and staked by the provider and the sybil, and their payment tokens. */
async function coalitionWealth(f: EconomicsFixture, members: readonly HardhatEthersSigner[]): Promise<bigint> {
  let wealth = await weftHeldBy(f, members);
  for (const token of [f.usdc, f.dai]) {
    for (const member of members) wealth += await f.JobEscrow.paymentValue(token, await token.balanceOf(member));
  }
  return wealth;
}

/** Plays `fault` on the accepted `job` of `f.cheater`, with the verifier proving it; the job ends Slashed or TimedOut. */
async function commit(f: EconomicsFixture, fault: Fault, job: WorkloadJob) {
  if (fault === "timeout") {
    await time.increaseTo(BigInt((await jobTerms(f, job.id)).deadline) + 1n);
    await f.JobEscrow.connect(f.client).claimTimeout(job.id, await jobTerms(f, job.id));
    return;
  }
  await f.JobEscrow.connect(f.cheater).submitResult(job.id, await jobTerms(f, job.id), job.result.root, RESULT_URI);
  if (fault === "proof") {
    await proveFraud(f, f.verifier, job, matmulFraudProof(job, WRONG_MATMUL.row, WRONG_MATMUL.col));
    return;
  }
  // Withheld: the output is never published and the provider never answers; its clock runs out.
  const disputeId = await openWithheld(f, f.verifier, job);
  await time.increase(DISPUTES.responseWindow + 1n);
  await f.DisputeManager.resolve(disputeId, await jobTerms(f, job.id));
}

/** Lets every self-dealt job time out, refunding the sybil and paying it the liveness penalties that stake allows. */
async function unwindShield(f: EconomicsFixture, ids: readonly bigint[]) {
  for (const id of ids) {
    const terms = await jobTerms(f, id);
    if (BigInt(await time.latest()) <= BigInt(terms.deadline)) await time.increaseTo(BigInt(terms.deadline) + 1n);
    await f.JobEscrow.connect(f.sybil).claimTimeout(id, terms);
  }
}

/**
 * What a fault could earn its provider, valued in WEFT: for a wrong or withheld result, the payment it would be paid
 * (net of the protocol fee) plus the most rewards that fee could earn; a timed-out job is never paid, so nothing.
 */
function possibleGain(fault: Fault, paymentValue: bigint): bigint {
  if (fault === "timeout") return 0n;
  const feeValue = (paymentValue * ESCROW.protocolFeeBps) / BPS;
  return paymentValue - feeValue + (feeValue * REWARDS.rewardCapBps) / BPS;
}

async function measure(f: EconomicsFixture, token: PaymentToken, layout: Layout, fault: Fault): Promise<FaultCost> {
  await stakeAs(f, f.cheater, STAKE);
  const coalition = [f.cheater, f.sybil];
  const before = await coalitionWealth(f, coalition);
  const job = await acceptedMatmulJob(f, f.cheater, token);
  const terms = await jobTerms(f, job.id);
  const shield = await arrange(f, f.cheater, layout);
  await commit(f, fault, job);
  await unwindShield(f, shield);
  const loss = before - (await coalitionWealth(f, coalition));
  const paymentValue = BigInt(terms.paymentValue);
  return {
    token: token.label,
    layout,
    fault,
    payment: token.payment,
    paymentValue,
    collateral: BigInt(terms.collateral),
    gain: possibleGain(fault, paymentValue),
    loss,
  };
}

const figures: FaultCost[] = [];

describe("Economics", function () {
  describe("collateral in the payment token's units", function () {
    // A job paid 1,000,000 base units of a 6-decimals stablecoin (one dollar) used to lock 1,000,000 x 10 WEFT base
    // units (0.00001 WEFT) and slash as little, so that nobody would watch such jobs. Every amount now follows the
    // payment's value in WEFT at the token's rate, with the collateral floor on top.
    it("locks the floor for a one-dollar job, and a proven fault slashes it with the stake share", async function () {
      const f = await loadFixture(economicsFixture);
      await stakeAs(f, f.cheater, STAKE);
      const dollar = { key: "usdc", label: "USDC", payment: 1_000_000n } as const;
      const parties = [f.cheater, f.sybil];
      const before = await coalitionWealth(f, parties);
      const verifierBefore = await f.ComputeToken.balanceOf(f.verifier);
      const job = await acceptedMatmulJob(f, f.cheater, dollar);
      const terms = await jobTerms(f, job.id);
      expect(terms.paymentValue).to.equal(WEFT("20"));
      // 20 WEFT x 10 is below the floor: the floor is locked.
      expect(terms.collateral).to.equal(ESCROW.minCollateral);

      await commit(f, "proof", job);
      const taken = ESCROW.minCollateral + ((STAKE - ESCROW.minCollateral) * DISPUTES.stakeShareBps) / BPS;
      expect(before - (await coalitionWealth(f, parties))).to.equal(taken);
      expect((await f.ComputeToken.balanceOf(f.verifier)) - verifierBefore).to.equal(
        (taken * DISPUTES.slashSplit.challengerBps) / BPS,
      );
      expect(await f.usdc.balanceOf(f.JobEscrow)).to.equal(0n);
    });

    it("refuses to allow a token without a rate, and values an 18-decimals token at its rate", async function () {
      const f = await loadFixture(economicsFixture);
      const unrated: TestERC20Decimals = await new TestERC20Decimals__factory(f.deployer).deploy("X", "X", 18);
      await expect(f.JobEscrow.connect(f.timelock).setPaymentToken(unrated, true, 1n, 0n))
        .to.be.revertedWithCustomError(f.JobEscrow, "PaymentTokenRateOutOfBounds")
        .withArgs(await unrated.getAddress(), 0n, 1n, WEFT("1000000000"));
      expect(await f.JobEscrow.paymentValue(f.dai, WEFT("25"))).to.equal(WEFT("500"));
      expect(await f.JobEscrow.paymentValue(f.usdc, 25_000_000n)).to.equal(WEFT("500"));
    });
  });

  describe("escaping jail with a fresh address", function () {
    // A slashed provider is jailed; with no minimum stake, a fresh address with a token of stake took jobs again at
    // once. Accepting now needs the minimum provider stake, so the escape costs that much stake put at risk again.
    it("refuses a fresh address below the minimum stake, and accepts it once it stakes the minimum", async function () {
      const f = await loadFixture(economicsFixture);
      const below = REGISTRY.minProviderStake - 1n;
      await stakeAs(f, f.fresh, below);
      const token = PAYMENT_TOKENS[0];
      await f.ComputeToken.connect(f.client).approve(f.JobEscrow, token.payment);
      expect(await f.ProviderRegistry.canAcceptJobs(f.fresh.address)).to.equal(false);
      const params = matmulI8.params.encode(MATMUL_SHAPE);
      await f.JobEscrow.connect(f.client).createJob({
        workloadId: matmulI8.id,
        params,
        inputRoot: ethers.id("inputs"),
        inputURI: "ipfs://inputs",
        paymentToken: f.ComputeToken,
        payment: token.payment,
        provider: ethers.ZeroAddress,
        submitDeadline: BigInt(await time.latest()) + 3600n,
      });
      const id = await f.JobEscrow.jobCount();
      const stakeBefore = await f.ProviderRegistry.providerState(f.fresh.address);
      await expect(f.JobEscrow.connect(f.fresh).acceptJob(id, await jobTerms(f, id)))
        .to.be.revertedWithCustomError(f.JobEscrow, "ProviderNotEligible")
        .withArgs(f.fresh.address);
      expect(await f.ProviderRegistry.providerState(f.fresh.address)).to.deep.equal(stakeBefore);

      await f.ComputeToken.connect(f.deployer).transfer(f.fresh.address, WEFT("10000"));
      await f.ComputeToken.connect(f.fresh).approve(f.ProviderRegistry, WEFT("10000"));
      await f.ProviderRegistry.connect(f.fresh).stake(WEFT("10000"));
      await f.JobEscrow.connect(f.fresh).acceptJob(id, await jobTerms(f, id));
      expect((await f.ProviderRegistry.providerState(f.fresh.address)).locked).to.equal(WEFT("5000"));
    });
  });

  describe("the matrix", function () {
    for (const token of PAYMENT_TOKENS) {
      for (const layout of LAYOUTS) {
        for (const fault of FAULTS) {
          it(`${fault} on a job paid in ${token.label}, stake ${layout}: loses at least 10x what it could earn`, async function () {
            const f = await loadFixture(economicsFixture);
            const cost = await measure(f, token, layout, fault);
            figures.push(cost);
            expect(cost.paymentValue, "every token's job is worth 500 WEFT").to.equal(WEFT("500"));
            expect(cost.loss, "the loss is at least 10x the gain").to.be.at.least(10n * cost.gain);
            // A timeout earns nothing, and still costs at least one payment's worth, paid to the client.
            expect(cost.loss, "the loss is at least the payment's value").to.be.at.least(cost.paymentValue);
          });
        }
      }
    }

    it("README's table of what a fault costs is the one these figures make", function () {
      if (figures.length !== PAYMENT_TOKENS.length * LAYOUTS.length * FAULTS.length) this.skip();
      const table = renderFaultCosts(figures);
      const readme = fs.readFileSync(README, "utf8");
      const [start, end] = ["<!-- fault-costs:start -->", "<!-- fault-costs:end -->"];
      const [from, to] = [readme.indexOf(start), readme.indexOf(end)];
      expect(from, "README has the fault-costs markers").to.be.greaterThan(-1);
      const current = readme.slice(from + start.length, to).trim();
      if (process.env.UPDATE_FAULT_COSTS === "1") {
        fs.writeFileSync(README, `${readme.slice(0, from + start.length)}\n${table}\n${readme.slice(to)}`);
        return;
      }
      expect(
        current,
        "README's table is stale: run UPDATE_FAULT_COSTS=1 npx hardhat test test/security/Economics.test.ts",
      ).to.equal(table);
    });
  });
});
