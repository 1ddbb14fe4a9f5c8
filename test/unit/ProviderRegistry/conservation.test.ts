import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";

import { decodeContractError } from "../../../src/chain/contract-errors";

import { DAY, DISPUTE_EXPOSURE, GPU_PROFILE, UNBONDING_PERIOD, deployRegistryFixture } from "../../fixtures/registry";
import { pick, seededRandom } from "../../helpers/random";
import { BPS, entriesOf, expectConserved } from "./fixture";

describe("ProviderRegistry: conservation", function () {
  describe("conservation", function () {
    // The same count under coverage: registry operations are cheap, and fewer steps leave some operations (or a
    // debt) unreached with this seed.
    const STEPS = 200;
    it(`keeps the token balance equal to the total stake and running collateral equal to locked + debt through ${STEPS} seeded random operations`, async function () {
      this.timeout(120_000);
      const f = await loadFixture(deployRegistryFixture);
      const { registry, token, escrow, disputes, governance } = f;
      const providers = [f.alice, f.bob];
      for (const p of providers) await registry.connect(p).register(GPU_PROFILE);

      // Seeded, so a failure replays exactly.
      const random = seededRandom(0x5eed_2025);
      const upTo = (max: bigint): bigint =>
        max <= 0n ? 1n : (BigInt(Math.floor(random() * 1e9)) * max) / 1_000_000_000n + 1n;

      // What the escrow would record for each job with collateral locked: the registry keeps only totals.
      const openJobs = new Map<bigint, { owner: string; collateral: bigint }>();
      let nextJob = 1n;
      const succeeded: Record<string, number> = {};
      let debtSeen = false;
      const ops = ["stake", "unbond", "withdraw", "lock", "unlock", "forfeit", "slash", "time", "period"] as const;

      // Locks (and stake to back them) come up more often than the rest, so that providers often run several jobs:
      // that is when a slash reaches other jobs' locks and a release repays debt.
      const weighted = [...ops, "stake", "lock", "lock", "unbond", "withdraw", "time"] as const;
      for (let step = 0; step < STEPS; step++) {
        const op = pick(random, weighted);
        const provider = pick(random, providers);
        const free = await registry.freeStake(provider.address);
        let ok = true;
        try {
          if (op === "stake") {
            await registry.connect(provider).stake(upTo(ethers.parseEther("5000")));
          } else if (op === "unbond") {
            await registry.connect(provider).requestUnbond(upTo(free));
          } else if (op === "withdraw") {
            await registry.connect(provider).withdraw();
          } else if (op === "lock") {
            const jobId = nextJob++;
            const collateral = upTo(free / 2n);
            await registry.connect(escrow).lockCollateral(provider.address, collateral);
            openJobs.set(jobId, { owner: provider.address, collateral });
          } else if (op === "unlock" || op === "forfeit") {
            // Sometimes a job with no lock, standing for a wrong release: more than the provider has locked.
            const jobId = pick(random, [...openJobs.keys(), nextJob]);
            const job = openJobs.get(jobId);
            // More than the provider's lock and debt together: no job of its could release that much.
            const { locked, debt } = await registry.providerState(provider.address);
            const { owner, collateral } = job ?? { owner: provider.address, collateral: locked + debt + 1n };
            if (op === "unlock") await registry.connect(escrow).unlockCollateral(owner, jobId, collateral);
            else {
              const penalty = job === undefined ? 0n : upTo(collateral) - 1n;
              await registry.connect(escrow).forfeitCollateral(owner, jobId, collateral, penalty, f.treasury.address);
            }
            openJobs.delete(jobId);
          } else if (op === "slash") {
            const jobId = pick(random, [...openJobs.keys(), nextJob]);
            const { owner, collateral } = openJobs.get(jobId) ?? { owner: provider.address, collateral: 0n };
            const share = pick(random, [0n, BPS, upTo(BPS / 4n), upTo(BPS) - 1n]);
            // The amount, computed here from the rule: the part of the collateral not already owed, plus the share
            // of the rest of the stake. The view and the slash must both agree with it.
            const before = await registry.providerState(owner);
            const backing = collateral - (collateral < before.debt ? collateral : before.debt);
            const expected = backing + ((before.staked + before.unbonding - backing) * share) / BPS;
            expect(await registry.slashAmount(owner, collateral, share)).to.equal(expected);
            await expect(
              registry
                .connect(disputes)
                .slash(owner, jobId, collateral, share, [f.outsider.address, f.treasury.address], [7000, 3000]),
            )
              .to.emit(registry, "Slashed")
              .withArgs(owner, jobId, expected, expected);
            const after = await registry.providerState(owner);
            expect(after.staked + after.unbonding).to.equal(before.staked + before.unbonding - expected);
            openJobs.delete(jobId);
          } else if (op === "time") {
            await time.increase(pick(random, [1n, DAY, 3n * DAY, UNBONDING_PERIOD]));
          } else {
            await registry
              .connect(governance)
              .setUnbondingPeriod(pick(random, [DISPUTE_EXPOSURE, UNBONDING_PERIOD, 10n * DAY]));
          }
        } catch (error) {
          ok = false;
          // Only the registry's own, expected refusals are acceptable here, told apart by their revert data (the
          // message text depends on Hardhat recognizing the deployed code).
          expect(decodeContractError(error)?.name, String(error)).to.be.oneOf([
            "InsufficientFreeStake",
            "TooManyUnbondingEntries",
            "NothingToWithdraw",
            "ReleaseExceedsLocked",
            "ProviderNotEligible",
          ]);
        }
        if (ok) succeeded[op] = (succeeded[op] ?? 0) + 1;

        // Invariants after every step.
        await expectConserved(registry, token);
        let sum = 0n;
        for (const p of providers) {
          const state = await registry.providerState(p.address);
          if (state.debt > 0n) debtSeen = true;
          expect(state.locked).to.be.lte(state.staked);
          sum += state.staked + state.unbonding;
          let lockedForJobs = 0n;
          for (const { owner, collateral } of openJobs.values()) {
            if (owner === p.address) lockedForJobs += collateral;
          }
          // A slash that reached other jobs' locks left debt that their releases pay back.
          expect(state.locked + state.debt).to.equal(lockedForJobs);
          const entries = await entriesOf(registry, p.address);
          for (let i = 1; i < entries.length; i++) expect(entries[i][1]).to.be.gte(entries[i - 1][1]);
        }
        expect(sum).to.equal(await registry.totalStake());
      }
      // Every kind of operation actually ran, so the invariants were checked against all of them, and debt arose.
      for (const op of ops) expect(succeeded[op] ?? 0, op).to.be.greaterThan(0);
      expect(debtSeen, "no slash reached another job's lock").to.equal(true);
    });
  });
});
