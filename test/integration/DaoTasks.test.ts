import fs from "node:fs";
import os from "node:os";
import path from "node:path";

// Set before anything loads src/deploy/addressBook, which fixes the directory the tasks read (test/helpers/tasks.ts).
const deploymentsDir = fs.mkdtempSync(path.join(os.tmpdir(), "weft-dao-tasks-"));
const previousDeploymentsDir = process.env.WEFT_DEPLOYMENTS_DIR;
process.env.WEFT_DEPLOYMENTS_DIR = deploymentsDir;

import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";

import { disputesFixture } from "../fixtures/disputes";
import { fundVoters } from "../fixtures/voters";
import { expectTaskError, preserveAddressBook, runTask, writeFixtureAddressBook } from "../helpers/tasks";
import "../../tasks/dao/propose";
import "../../tasks/dao/vote";
import "../../tasks/dao/relay";
import "../../tasks/dao/queue";
import "../../tasks/dao/execute";
import "../../tasks/dao/status";
import "../../tasks/chain/advance";

const PROPOSER = 0;
const VOTER = 8;
const RELAYER = 9;

describe("DAO tasks", function () {
  preserveAddressBook(deploymentsDir, previousDeploymentsDir);

  async function daoTasksFixture() {
    const f = await disputesFixture();
    const signers = await ethers.getSigners();
    await fundVoters(f, [signers[PROPOSER], signers[VOTER]]);
    await writeFixtureAddressBook(f);
    return { ...f, signers };
  }

  const idOf = (printed: string) => BigInt(/Proposal id: (\d+)/.exec(printed)![1]);

  describe("dao:propose", function () {
    it("refuses a value outside the parameter's bounds before sending anything, in the parameter's units", async function () {
      const f = await loadFixture(daoTasksFixture);
      const nonce = await f.signers[PROPOSER].getNonce();
      await expectTaskError(
        "dao:propose",
        { set: "protocolFeeBps=5000" },
        /^The proposal's call, JobEscrow\.setProtocolFeeBps\(feeBps: 50\.00%\), would fail when executed: 50\.00% is outside the bounds JobEscrow accepts, 0\.00% to 10\.00%\. .*--skip-simulation/,
      );
      expect(await f.signers[PROPOSER].getNonce()).to.equal(nonce);
    });

    it("with --skip-simulation proposes it anyway, and its execution fails in one line naming the broken bound", async function () {
      const f = await loadFixture(daoTasksFixture);
      const id = idOf(await runTask("dao:propose", { set: "protocolFeeBps=5000", skipSimulation: true }));
      await runTask("dao:vote", { id: `${id}`, support: "for", advance: true });
      await runTask("dao:vote", { id: `${id}`, support: "for", account: `${VOTER}` });
      await runTask("dao:queue", { id: `${id}`, advance: true });
      await expectTaskError(
        "dao:execute",
        { id: `${id}`, advance: true },
        /^Refused by the contract: ParameterOutOfBounds\(5000, 0, 1000\): the value 5000 is outside the bounds 0\.\.1000 the contract accepts\.$/,
      );
      expect(await f.JobEscrow.protocolFeeBps()).to.not.equal(5000n);
    });

    it("--print-calldata prints the propose transaction, which another wallet sends to create that very proposal", async function () {
      const f = await loadFixture(daoTasksFixture);
      const nonce = await f.signers[PROPOSER].getNonce();
      const tx = JSON.parse(await runTask("dao:propose", { set: "protocolFeeBps=250", printCalldata: true }));
      expect(await f.signers[PROPOSER].getNonce()).to.equal(nonce);
      expect(tx).to.include({ to: await f.ComputeGovernor.getAddress(), value: "0", chainId: "31337" });
      expect(await f.ComputeGovernor.proposalSnapshot(tx.proposalId)).to.equal(0n);
      await (await f.signers[PROPOSER].sendTransaction({ to: tx.to, data: tx.data })).wait();
      expect(await f.ComputeGovernor.proposalSnapshot(tx.proposalId)).to.not.equal(0n);
    });
  });

  describe("dao:relay", function () {
    it("submits a ballot signed elsewhere: the vote counts for the signer, the relayer pays, and a second relay is refused", async function () {
      const f = await loadFixture(daoTasksFixture);
      const id = idOf(await runTask("dao:propose", { set: "protocolFeeBps=250" }));
      const ballot = await runTask("dao:vote", {
        id: `${id}`,
        support: "against",
        bySig: true,
        printOnly: true,
        advance: true,
        account: `${VOTER}`,
      });
      const [voter, relayer] = [f.signers[VOTER], f.signers[RELAYER]];
      const [voterNonce, relayerNonce] = [await voter.getNonce(), await relayer.getNonce()];
      expect(await runTask("dao:relay", { ballot, account: `${RELAYER}` })).to.match(
        new RegExp(`^Relayed ${voter.address}'s signed vote on ${id} \\(tx 0x[0-9a-f]{64}\\)$`),
      );
      const [against] = await f.ComputeGovernor.proposalVotes(id);
      expect(against).to.equal(
        await f.ComputeGovernor.getVotes(voter.address, await f.ComputeGovernor.proposalSnapshot(id)),
      );
      expect([await voter.getNonce(), await relayer.getNonce()]).to.deep.equal([voterNonce, relayerNonce + 1]);
      await expectTaskError(
        "dao:relay",
        { ballot, account: `${RELAYER}` },
        new RegExp(`^${voter.address} has already voted on proposal ${id}; a vote cannot be changed\\.$`),
      );
    });

    it("refuses a ballot that is not one dao:vote printed", async function () {
      await loadFixture(daoTasksFixture);
      await expectTaskError(
        "dao:relay",
        { ballot: '{"proposalId": 1}' },
        /^--ballot's proposalId must be a decimal string\./,
      );
      await expectTaskError("dao:relay", { ballot: "no-such-file.json" }, /^--ballot: no file no-such-file\.json/);
    });
  });

  describe("dao:status", function () {
    it("prints the parameters in their units, and the same facts as JSON with base units beside", async function () {
      const f = await loadFixture(daoTasksFixture);
      const text = await runTask("dao:status", {});
      expect(text).to.match(/disputeBond\W+100 WEFT/);
      expect(text).to.match(/protocolFeeBps\W+\d+\.\d\d%/);
      expect(text).to.match(/challengeWindow\W+\d+ (s|min|h|d)/);
      for (const line of text.split("\n")) expect(line.length, line).to.be.at.most(100);
      const json = JSON.parse(await runTask("dao:status", { json: true }));
      expect(json.parameters.disputeBond).to.deep.equal({
        unit: "weft",
        value: (await f.DisputeManager.bond()).toString(),
        formatted: "100 WEFT",
      });
      expect(json.treasury.address).to.equal(await f.TimelockController.getAddress());
    });

    it("--id --json gives one proposal with its decoded call", async function () {
      await loadFixture(daoTasksFixture);
      const id = idOf(await runTask("dao:propose", { set: "protocolFeeBps=250" }));
      const record = JSON.parse(await runTask("dao:status", { id: `${id}`, json: true }));
      expect(record).to.include({ id: `${id}`, state: "Pending" });
      expect(record.actions[0].decoded).to.equal("JobEscrow.setProtocolFeeBps(feeBps: 2.50%)");
    });
  });
});
