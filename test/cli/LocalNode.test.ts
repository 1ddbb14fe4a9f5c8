import { expect } from "chai";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { ethers } from "hardhat";

import { startLocalNode, type LocalNode } from "../../src/deploy/local-node";
import { execHardhat, onlyWithCliTests, ROOT } from "../helpers/cli";

/**
 * The real command line, as a user runs it, against a `hardhat node` that this test starts on a free port
 * (LOCALHOST_RPC_URL) with its address book in a temporary directory (WEFT_DEPLOYMENTS_DIR).
 */
describe("Command line against a local node", function () {
  let node: LocalNode | undefined;
  let env: NodeJS.ProcessEnv;
  let deploymentsDir: string;
  const deploymentId = `cli-test-${process.pid}`;

  // Tables are coloured; execHardhat compares their text.
  const hardhat = (...args: string[]) => execHardhat([...args, "--network", "localhost"], env);

  before(async function () {
    onlyWithCliTests(this);
    node = await startLocalNode(ROOT);
    deploymentsDir = fs.mkdtempSync(path.join(os.tmpdir(), "weft-cli-"));
    env = { ...process.env, LOCALHOST_RPC_URL: node.url, WEFT_DEPLOYMENTS_DIR: deploymentsDir };
  });

  after(async function () {
    await node?.stop();
    if (deploymentsDir) fs.rmSync(deploymentsDir, { recursive: true, force: true });
    fs.rmSync(path.join(ROOT, "ignition", "deployments", deploymentId), { recursive: true, force: true });
  });

  it("deploys, then changes the protocol fee through delegate, propose, vote, queue and execute", async function () {
    const deploy = await hardhat("deploy", "--deployment-id", deploymentId);
    expect(deploy.code, deploy.stderr).to.equal(0);
    const book = JSON.parse(fs.readFileSync(path.join(deploymentsDir, "localhost.json"), "utf8"));
    expect(book.chainId).to.equal(31337);
    expect(Object.keys(book.contracts)).to.include.members(["ComputeToken", "JobEscrow", "ComputeGovernor"]);

    // The deployer's 10M operations WEFT are below the 16M quorum: the ecosystem fund (account 9) joins with what
    // its vesting releases at the cliff.
    const early = await hardhat("dao:release", "--allocation", "ecosystem");
    expect(early.code).to.equal(1);
    expect(early.stderr + early.stdout).to.include("nothing to release yet");
    const release = await hardhat("dao:release", "--allocation", "ecosystem", "--advance");
    expect(release.code, release.stderr).to.equal(0);
    // 60M over 3 days from the cliff at 12 h: a little over 10M, the release being mined a second after the cliff.
    const beneficiary = book.parameters.launch.vested.ecosystem.beneficiary;
    expect(release.stdout).to.match(
      new RegExp(`^Released 10,000,\\d{3}(\\.\\d+)? WEFT of ecosystem to ${beneficiary}`),
    );
    expect((await hardhat("dao:delegate")).code).to.equal(0);
    expect((await hardhat("dao:delegate", "--account", "9")).code).to.equal(0);
    const proposal = await hardhat("dao:propose", "--set", "protocolFeeBps=250");
    expect(proposal.code, proposal.stderr).to.equal(0);
    const id = /Proposal id: (\d+)/.exec(proposal.stdout)![1];

    const vote = await hardhat("dao:vote", "--id", id, "--support", "for", "--by-sig", "--advance");
    expect(vote.code, vote.stderr).to.equal(0);
    const fundVote = await hardhat("dao:vote", "--id", id, "--support", "for", "--account", "9");
    expect(fundVote.code, fundVote.stderr).to.equal(0);
    const queued = await hardhat("dao:queue", "--id", id, "--advance");
    expect(queued.code, queued.stderr).to.equal(0);
    expect(queued.stdout).to.match(
      new RegExp(`^Queued ${id}; executable from \\d{4}-\\d\\d-\\d\\d [\\d:]{8} UTC \\(tx 0x`),
    );
    const execute = await hardhat("dao:execute", "--id", id, "--advance");
    expect(execute.code, execute.stderr).to.equal(0);

    const status = await hardhat("dao:status");
    expect(status.code).to.equal(0);
    expect(status.stdout).to.match(/protocolFeeBps\W+2\.50%/);
    expect(status.stdout).to.match(new RegExp(`ADMIN\\W+${book.contracts.TimelockController}`));
    // The voting power: the two voters lead, the treasury and vesting wallets hold the rest without votes.
    expect(status.stdout).to.match(/top holders by votes/);
    expect(status.stdout).to.match(/ecosystem beneficiary \(0x\w+\)\W+10,000,\d{3}/);
    expect(status.stdout).to.match(/founders beneficiary \(0x\w+\)\W+10,000,000\W/);
    expect(status.stdout).to.match(/treasury \(timelock, undelegated\)\W+260,000,000\W+65\.00%/);
    expect(status.stdout).to.match(/quorum \(for \+ abstain\)\W+16,000,000 WEFT \(4% of supply\)/);
    expect(status.stdout).to.include(`ecosystem vesting (${book.vestingWallets.ecosystem})`);
    const proposalStatus = await hardhat("dao:status", "--id", id);
    expect(proposalStatus.stdout).to.include("Executed");
  });

  it("resumes a re-run of deploy from Ignition's journal: the same addresses, no transaction sent", async function () {
    const bookFile = path.join(deploymentsDir, "localhost.json");
    const before = JSON.parse(fs.readFileSync(bookFile, "utf8"));
    const chain = new ethers.JsonRpcProvider(node!.url);
    const block = await chain.getBlockNumber();
    const again = await hardhat("deploy", "--deployment-id", deploymentId);
    expect(again.code, again.stderr).to.equal(0);
    expect(JSON.parse(fs.readFileSync(bookFile, "utf8")).contracts).to.deep.equal(before.contracts);
    expect(await chain.getBlockNumber()).to.equal(block);
    chain.destroy();
  });

  it("answers an unknown proposal id with a message that says what to do and exit code 1", async function () {
    const unknown = await hardhat("dao:queue", "--id", "123");
    expect(unknown.code).to.equal(1);
    expect(unknown.stderr + unknown.stdout).to.include("No proposal 123 on this network");
  });
});
