/**
 * Conservation property: random sequences of every escrow and registry operation, from several clients and
 * providers, paying in two tokens (a plain stablecoin and WEFT itself, which is also the stake token), checked
 * against a model after every step:
 * - the escrow holds exactly the payments of its open obligations (Open, Assigned, Submitted, Disputed jobs);
 * - the registry holds exactly totalStake, which is the sum of every provider's staked + unbonding;
 * - each provider's locked stake is at most its staked, and locked + debt is the collateral of its running jobs (and of
 *   Slashed jobs the disputer has not slashed yet): what a slash took of other jobs' locks is owed until they settle;
 * - every job keeps the value its payment had at creation, whatever the DAO later sets its token's rate to, and locks
 *   the collateral that value (or the minimum collateral) calls for;
 * - no token is created or destroyed: the balances of all participants, escrow, registry and treasury add up to a
 *   constant.
 * The model predicts every outcome: an operation it deems invalid must revert with the error it names, and a valid
 * one must succeed and leave the state the model computes. The model also keeps each job's terms, which every escrow
 * call takes: a step sends the terms the model predicts (so a wrong prediction reverts JobTermsMismatch and fails the
 * run), and a "forge" step sends them with one term changed, which must revert and move nothing.
 */
import { expect } from "chai";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import fc from "fast-check";

import { Status, conservationFixture, debt, outcomes, revertReasons } from "./Conservation/fixture";
import { Run } from "./Conservation/model";
import { NEEDS, opArbitrary } from "./Conservation/operations";

// Short in `npm test` (kept under its time budget); `npm run test:property` runs the full 200, as CI does.
const RUNS = Number(process.env.CONSERVATION_RUNS ?? 120);
const SEED = 20261125;

describe("Conservation (property test)", function () {
  it(`conserves tokens and keeps escrow and stake accounting exact over ${RUNS} random sequences`, async function () {
    this.timeout(600_000);
    const reached = new Set<Status>();
    let steps = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(opArbitrary, { minLength: 15, maxLength: 30 }), async (ops) => {
        const f = await loadFixture(conservationFixture);
        const run = new Run(f);
        await run.init();
        for (const op of ops) {
          const outcome = await run.step(op);
          steps++;
          // A forged step always reverts: checking after it shows that it moved nothing.
          const moved = outcome === "ok" && op.kind !== "wait" && op.kind !== "toDeadline";
          if (moved || op.kind === "forge") await run.checkInvariants(false);
        }
        await run.checkInvariants(true);
        for (const j of run.jobs) reached.add(j.status);
        // Then every job settles: the escrow ends up holding nothing, and no provider any lock or debt.
        await run.drain();
        await run.checkInvariants(true);
      }),
      { numRuns: RUNS, seed: SEED, endOnFailure: process.env.SHRINK === undefined },
    );
    if (process.env.VERBOSE !== undefined)
      console.log(
        steps,
        outcomes,
        revertReasons,
        [...reached].map((x) => Status[x]),
        debt,
      );
    // The sequences must exercise every path, or the property proves little.
    for (const kind of Object.keys(NEEDS).concat(["create", "unbond", "withdraw", "stake", "rate"])) {
      expect(outcomes[kind]?.ok ?? 0, `${kind} never succeeded`).to.be.greaterThan(3);
      expect(outcomes[kind]?.reverted ?? 0, `${kind} never reverted`).to.be.greaterThan(0);
    }
    expect(revertReasons.JobTermsMismatch ?? 0, "no forged terms reached the hash check").to.be.greaterThan(3);
    expect(revertReasons.ProviderNotEligible ?? 0, "no provider was refused as ineligible").to.be.greaterThan(3);
    expect(debt.incurred, "no slash reached another job's lock").to.be.greaterThan(3);
    expect(debt.repaid, "no release repaid a debt").to.be.greaterThan(3);
    for (const s of [Status.Finalized, Status.Cancelled, Status.TimedOut, Status.Slashed, Status.Disputed]) {
      expect(reached.has(s), `no job ended ${Status[s]}`).to.equal(true);
    }
  });
});
