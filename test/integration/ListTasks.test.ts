import fs from "node:fs";
import os from "node:os";
import path from "node:path";

// Set before anything loads src/deploy/addressBook, which fixes the directory the tasks read (test/helpers/tasks.ts).
const deploymentsDir = fs.mkdtempSync(path.join(os.tmpdir(), "weft-list-tasks-"));
const previousDeploymentsDir = process.env.WEFT_DEPLOYMENTS_DIR;
process.env.WEFT_DEPLOYMENTS_DIR = deploymentsDir;

import { expect } from "chai";
import hre, { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";

import { shortProposalId } from "../../src/dao/proposals";
import { formatWeft } from "../../src/jobs/amounts";
import { formatUtc } from "../../src/markdown";
import { disputesFixture } from "../fixtures/disputes";
import { jobTerms } from "../fixtures/jobs";
import { fundVoters, VOTER_GRANT } from "../fixtures/voters";
import { expectTaskError, preserveAddressBook, runTask, writeFixtureAddressBook } from "../helpers/tasks";
import "../../tasks/dao/propose";
import "../../tasks/dao/vote";
import "../../tasks/dao/queue";
import "../../tasks/dao/execute";
import "../../tasks/dao/proposals";
import "../../tasks/dispute/list";
import "../../tasks/chain/advance";

/** Configured accounts the tasks act as: the deployer proposes and votes for, the others abstain and vote against. */
const DEPLOYER = 0;
const ABSTAINER = 8;
const AGAINST_VOTER = 9;
const NEW_BOND = ethers.parseEther("150");
/** The widest a listing may print. */
const MAX_COLUMNS = 100;

/** A listing's text with the table drawn away: its cells' words in order, single-spaced. */
function cells(listing: string): string {
  return listing.replace(/[│┌┐└┘├┤┬┴┼─]/g, " ").replace(/\s+/g, " ");
}

function expectNarrow(listing: string): void {
  for (const line of listing.split("\n")) expect(line.length, line).to.be.at.most(MAX_COLUMNS);
}

describe("List tasks", function () {
  preserveAddressBook(deploymentsDir, previousDeploymentsDir);

  /** The disputes fixture (a Submitted job of a workload without a checker), three funded voters, the address book. */
  async function listTasksFixture() {
    const f = await disputesFixture();
    const signers = await ethers.getSigners();
    await fundVoters(f, [signers[DEPLOYER], signers[ABSTAINER], signers[AGAINST_VOTER]]);
    await writeFixtureAddressBook(f);
    return { ...f, signers };
  }

  describe("dao:proposals", function () {
    it("follows a proposal from Pending to Executed, and dao:vote, dao:queue and dao:execute take its short id", async function () {
      const f = await loadFixture(listTasksFixture);
      const governor = f.ComputeGovernor;
      const proposed = await runTask("dao:propose", { set: `disputeBond=${NEW_BOND}`, description: "Raise the bond" });
      const id = BigInt(/Proposal id: (\d+)/.exec(proposed)![1]);
      const short = shortProposalId(id);
      expect(short).to.match(/^[0-9a-f]{8}$/);
      expect(id.toString(16).padStart(64, "0").startsWith(short)).to.equal(true);

      const pending = await runTask("dao:proposals", { account: `${AGAINST_VOTER}` });
      expectNarrow(pending);
      const snapshot = await governor.proposalSnapshot(id);
      expect(cells(pending)).to.include(`${short} Pending Raise the bond`);
      expect(cells(pending)).to.include("calls DisputeManager.setBond(newBond: 150 WEFT)");
      expect(cells(pending)).to.include("votes for 0 WEFT, against 0 WEFT, abstain 0 WEFT");
      expect(cells(pending)).to.include("quorum (counted at the snapshot) (for + abstain)");
      expect(cells(pending)).to.match(
        new RegExp(`next voting starts ${formatUtc(snapshot + 1n)} \\(in 1 min( 1 s)?\\)`),
      );
      expect(cells(pending)).to.include("your vote not voted");

      await runTask("chain:advance", { time: "61s" });
      await runTask("dao:vote", { id: short, support: "abstain", account: `${ABSTAINER}` });
      await runTask("dao:vote", { id: `0x${short}`, support: "against", account: `${AGAINST_VOTER}` });
      await runTask("dao:vote", { id: short, support: "for", account: `${DEPLOYER}` });
      const deployerVotes = await governor.getVotes(f.signers[DEPLOYER].address, snapshot);

      const active = cells(await runTask("dao:proposals", { account: `${AGAINST_VOTER}` }));
      const grant = formatWeft(VOTER_GRANT);
      expect(grant).to.equal("6,000,000 WEFT");
      expect(active).to.include(`${short} Active Raise the bond`);
      expect(active).to.include(`votes for ${formatWeft(deployerVotes)}, against ${grant}, abstain ${grant}`);
      expect(active).to.include(`quorum ${formatWeft(await governor.quorum(snapshot))} (for + abstain)`);
      const deadline = await governor.proposalDeadline(id);
      expect(active).to.match(
        new RegExp(
          `next voting ends ${formatUtc(deadline)} \\(in \\d+ min( \\d+ s)?\\); npx hardhat dao:vote --id ${short}`,
        ),
      );
      expect(active).to.include(`your vote against with ${grant}`);
      const mine = cells(await runTask("dao:proposals", { account: `${ABSTAINER}` }));
      expect(mine).to.include(`your vote abstain with ${grant}`);

      await runTask("chain:advance", { time: "10m" });
      const succeeded = cells(await runTask("dao:proposals", {}));
      expect(succeeded).to.include(`${short} Succeeded Raise the bond`);
      expect(succeeded).to.include(`next passed; npx hardhat dao:queue --id ${short}`);

      await runTask("dao:queue", { id: short });
      const eta = await governor.proposalEta(id);
      const queued = cells(await runTask("dao:proposals", {}));
      expect(queued).to.include(`${short} Queued Raise the bond`);
      expect(queued).to.include(
        `next queued until ${formatUtc(eta)} (in 5 min); then npx hardhat dao:execute --id ${short}`,
      );

      await runTask("chain:advance", { time: "5m" });
      await runTask("dao:execute", { id: short });
      expect(await f.DisputeManager.bond()).to.equal(NEW_BOND);

      expect(await runTask("dao:proposals", {})).to.equal(
        "No proposal in play (1 settled: --all lists them). Propose one with npx hardhat dao:propose.",
      );
      const all = cells(await runTask("dao:proposals", { all: true }));
      expect(all).to.include(`${short} Executed Raise the bond`);
      expect(all).to.match(new RegExp(`next voting ended ${formatUtc(deadline)} \\(\\d+ min( \\d+ s)? ago\\)`));

      const [listed] = JSON.parse(await runTask("dao:proposals", { all: true, json: true, account: `${ABSTAINER}` }));
      expect(listed).to.deep.include({
        id: id.toString(),
        shortId: short,
        state: "Executed",
        description: "Raise the bond",
      });
      expect(listed.actions[0].decoded).to.equal("DisputeManager.setBond(newBond: 150 WEFT)");
      expect(listed.votes.abstain).to.deep.equal({ wei: VOTER_GRANT.toString(), formatted: grant });
      expect(listed.ownVote).to.deep.equal({
        support: "abstain",
        weight: { wei: VOTER_GRANT.toString(), formatted: grant },
      });
    });

    it("names a short id that matches no proposal, and points dao:execute's user to dao:proposals", async function () {
      await loadFixture(listTasksFixture);
      await expectTaskError(
        "dao:execute",
        { id: "0123abcd" },
        /^No proposal 0123abcd on this network\. List proposals with npx hardhat dao:proposals\.$/,
      );
      await expectTaskError(
        "dao:queue",
        { id: "12345678901234567890" },
        /No proposal 12345678901234567890 .*dao:proposals/,
      );
    });
  });

  describe("dispute:list", function () {
    it("lists a dispute with its job, kind, status, challenger, bond in WEFT and deadline", async function () {
      const f = await loadFixture(listTasksFixture);
      const job = f.customJob;
      await f.DisputeManager.connect(f.challenger).disputeForArbitration(
        job,
        await jobTerms(f, job),
        "ipfs://evidence",
      );
      const bond = formatWeft(await f.DisputeManager.bond());
      const deadline = (await f.DisputeManager.dispute(1n)).deadline;

      const listing = await runTask("dispute:list", {});
      expectNarrow(listing);
      const challenger = `${f.challenger.address.slice(0, 6)}…${f.challenger.address.slice(-4)}`;
      expect(cells(listing)).to.match(
        new RegExp(
          ` 1 ${job} Arbitration AwaitingRuling ${challenger} ${bond} ${formatUtc(deadline)} in 20 min `.replace(
            /[()]/g,
            "\\$&",
          ),
        ),
      );
      expect(cells(await runTask("dispute:list", { job: `${job}`, open: true }))).to.include(` 1 ${job} Arbitration `);
      expect(await runTask("dispute:list", { job: `${f.honestMatmul.id}` })).to.equal("No disputes.");

      const [listed] = JSON.parse(await runTask("dispute:list", { json: true }));
      expect(listed).to.deep.equal({
        id: "1",
        jobId: job.toString(),
        kind: "Arbitration",
        status: "AwaitingRuling",
        open: true,
        challenger: f.challenger.address,
        bond: { wei: (await f.DisputeManager.bond()).toString(), formatted: bond },
        deadline: { unix: deadline.toString(), utc: formatUtc(deadline) },
      });
    });
  });

  describe("chain:advance", function () {
    it("moves a local chain's clock by the duration given, weeks included", async function () {
      await loadFixture(listTasksFixture);
      const before = BigInt(await time.latest());
      const out = await runTask("chain:advance", { time: "2w" });
      const after = before + 14n * 86_400n;
      expect(BigInt(await time.latest())).to.equal(after);
      expect(out).to.equal(`Advanced the clock by 14 d; chain time is ${formatUtc(after)}`);
      await expectTaskError(
        "chain:advance",
        { time: "2 fortnights" },
        /--time must be a positive duration: seconds, .* w or y/,
      );
    });

    it("refuses on a network that is not local, in one line", async function () {
      const network = hre.network;
      Object.assign(hre, { network: { ...network, name: "sepolia" } });
      try {
        await expectTaskError(
          "chain:advance",
          { time: "1h" },
          /^chain:advance only works on local networks \(hardhat, localhost\); sepolia's clock cannot be moved\.$/,
        );
      } finally {
        Object.assign(hre, { network });
      }
    });
  });
});
