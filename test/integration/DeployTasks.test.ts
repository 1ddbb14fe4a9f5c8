import { expect } from "chai";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

// The tasks read deployments/<network>.json from DEPLOYMENTS_DIR, fixed when src/deploy/addressBook first loads, so
// the variable is set before anything below imports it (see test/helpers/tasks.ts).
const deploymentsDir = fs.mkdtempSync(path.join(os.tmpdir(), "weft-deploy-tasks-"));
const previousDeploymentsDir = process.env.WEFT_DEPLOYMENTS_DIR;
process.env.WEFT_DEPLOYMENTS_DIR = deploymentsDir;

import hre, { ethers } from "hardhat";
import { loadFixture, mine, takeSnapshot } from "@nomicfoundation/hardhat-network-helpers";

import { LOCAL_PARAMETERS, PUBLIC_PARAMETERS } from "../../config/parameters";
import { writeAddressBook } from "../../src/deploy/addressBook";
import { PARAMETER_BOUNDS, checkParameterBounds } from "../../src/deploy/bounds";
import { runDeploy } from "../../src/deploy/run";
import type { WeftContractName } from "../../src/deploy/system";
import { deployWeftFixture } from "../fixtures/weft";
import { probe } from "../helpers/bounds";
import { expectUserError } from "../helpers/errors";
import { expectTaskError, preserveAddressBook } from "../helpers/tasks";

/** What the deployer's account has sent and the chain's height: a refused deployment changes neither. */
async function chainState(): Promise<{ nonce: number; block: number }> {
  const [deployer] = await ethers.getSigners();
  return {
    nonce: await ethers.provider.getTransactionCount(deployer.address),
    block: await ethers.provider.getBlockNumber(),
  };
}

describe("deploy command", function () {
  preserveAddressBook(deploymentsDir, previousDeploymentsDir);
  const writeParams = (name: string, overrides: object) => {
    const file = path.join(deploymentsDir, name);
    fs.writeFileSync(file, JSON.stringify(overrides));
    return file;
  };

  describe("--params", function () {
    it("refuses a value outside its contract's bounds, in human units, before sending anything", async function () {
      const before = await chainState();
      const fee = writeParams("fee.json", { escrow: { protocolFeeBps: 1_500 } });
      await expectTaskError(
        "deploy",
        { params: fee },
        /^--params \S+fee\.json: escrow\.protocolFeeBps is 15% \(1500 bps\); JobEscrow accepts 0% to 10%\.$/,
      );
      const unbonding = writeParams("unbonding.json", { registry: { unbondingPeriod: 5_400 * 24 * 100 } });
      await expectTaskError(
        "deploy",
        { params: unbonding },
        /registry\.unbondingPeriod is 150 d \(12960000 s\); ProviderRegistry accepts 1 min to 90 d\.$/,
      );
      const bond = writeParams("bond.json", { disputes: { bond: ethers.parseEther("0.5").toString() } });
      await expectTaskError(
        "deploy",
        { params: bond },
        /disputes\.bond is 0\.5 WEFT; DisputeManager accepts 1\.0 WEFT/,
      );
      expect(await chainState()).to.deep.equal(before);
    });

    it("refuses parameters that break a rule between them, naming both", async function () {
      const before = await chainState();
      const windows = writeParams("windows.json", { escrow: { challengeWindow: 7_200 } });
      await expectTaskError(
        "deploy",
        { params: windows },
        /escrow\.challengeWindow \+ escrow\.disputeWindow \(2 h 30 min\) exceed registry\.unbondingPeriod \(2 h\)/,
      );
      const split = writeParams("split.json", { disputes: { slashSplit: { clientBps: 1_000 } } });
      await expectTaskError("deploy", { params: split }, /disputes\.slashSplit adds up to 80%; it must add up to 100%/);
      expect(await chainState()).to.deep.equal(before);
    });

    it("refuses an unknown parameter, listing the known ones", async function () {
      const typo = writeParams("typo.json", { escrow: { feeBps: 100 } });
      await expectTaskError(
        "deploy",
        { params: typo },
        /unknown parameter escrow\.feeBps \(known: protocolFeeBps, collateralRatioBps, minCollateral, livenessPenaltyBps, minPaymentWeft, challengeWindow, disputeWindow\)/,
      );
    });
  });

  it("holds the contracts' bounds: each named constant and each governed setter's check", async function () {
    const f = await loadFixture(deployWeftFixture);
    for (const [name, bound] of Object.entries(PARAMETER_BOUNDS)) {
      if (bound.constants === undefined) continue;
      const contract = f[bound.contract as WeftContractName];
      for (const side of ["min", "max"] as const) {
        const constant = bound.constants[side];
        if (constant === undefined) continue;
        expect(await contract.getFunction(constant).staticCall(), `${name}: ${constant}`).to.equal(bound[side]);
      }
    }
    // The setters' own checks, literal bounds included (e.g. stakeShareBps up to 100%), as the audit report probes them.
    for (const row of (await probe(f)).governed) {
      const bound = PARAMETER_BOUNDS[row.configKey];
      expect(bound, row.configKey).not.to.equal(undefined);
      expect([row.min?.value, row.max?.value], row.configKey).to.deep.equal([bound.min, bound.max]);
    }
    for (const parameters of [LOCAL_PARAMETERS, PUBLIC_PARAMETERS]) checkParameterBounds(parameters, "defaults");
  });

  it("prints a line per step on stderr; refuses to resume a journal with other parameters or after a node restart until --reset", async function () {
    const deploymentId = `deploy-tasks-${process.pid}`;
    const journal = path.join(hre.config.paths.ignition, "deployments", deploymentId);
    // The in-process network keeps no journal; named localhost, it keeps one as a node's deployment does.
    const localhost = { ...hre, network: { ...hre.network, name: "localhost" } } as typeof hre;
    const restart = await takeSnapshot();
    // The first deployment starts later than the one after the restart will: its book's block is not the new one's.
    await mine(5);
    const nodeBooks = path.join(deploymentsDir, "node");
    const [stdout, stderr]: string[][] = [[], []];
    const { log, error } = console;
    console.log = (...parts: unknown[]) => stdout.push(parts.join(" "));
    console.error = (...parts: unknown[]) => stderr.push(parts.join(" "));
    try {
      const book = await runDeploy(localhost, { deploymentId, deploymentsDir: nodeBooks });
      writeAddressBook({ ...book, network: hre.network.name });
    } finally {
      Object.assign(console, { log, error });
    }
    expect(stdout).to.deep.equal([`Address book written to ${path.join(nodeBooks, "localhost.json")}`]);
    expect(stderr[0]).to.equal("Deploying Weft to localhost (chain 31337)...");
    const total = Number(/^(\d+) steps to run$/.exec(stderr[1])![1]);
    const steps = stderr.slice(2);
    expect(steps).to.have.length(total);
    expect(steps[0]).to.match(
      new RegExp(`^\\[ *1/${total}\\] Access#AccessManager 0x[0-9a-fA-F]{40} \\(\\d+\\.\\d s\\)$`),
    );
    expect(steps[total - 1]).to.match(new RegExp(`^\\[${total}/${total}\\] \\S+ `));

    try {
      // A re-run with other parameters than the journal's deploys nothing and says how to start over.
      const quiet = { deploymentId, log: () => undefined, progress: () => undefined };
      const unchanged = await chainState();
      await expectUserError(
        runDeploy(localhost, {
          ...quiet,
          paramsFile: writeParams("fee-200.json", { escrow: { protocolFeeBps: 200 } }),
        }),
        new RegExp(
          `^ignition/deployments/${deploymentId} records a deployment made with other parameters or code ` +
            `\\(Market#JobEscrow: .*changed.*\\)\\. Deploy under a new --deployment-id, or on a local network add --reset\\.$`,
        ),
      );
      expect(await chainState()).to.deep.equal(unchanged);

      await restart.restore();
      const before = await chainState();
      await expectUserError(
        runDeploy(localhost, quiet),
        new RegExp(
          `^Ignition's journal ignition/deployments/${deploymentId} records contracts that are not on localhost ` +
            `\\(no code at Access#AccessManager 0x[0-9a-fA-F]{40}\\): the node was restarted since that deployment, ` +
            `and its chain started empty\\. Run: npx hardhat deploy --network localhost --reset ` +
            `--deployment-id ${deploymentId}$`,
        ),
      );
      expect(await chainState()).to.deep.equal(before);
      await expectTaskError(
        "dao:status",
        {},
        /^deployments\/hardhat\.json records contracts that are not on hardhat \(no code at JobEscrow 0x\w+\): the in-process hardhat network starts empty with every command\. Start a node \(npx hardhat node\) and use --network localhost\.$/,
      );

      // --reset deploys afresh, from the block it starts at.
      const again = await runDeploy(localhost, { ...quiet, reset: true, deploymentsDir: nodeBooks });
      expect(again.deploymentBlock).to.equal(before.block);
      expect(await ethers.provider.getCode(again.contracts.JobEscrow)).not.to.equal("0x");
    } finally {
      await restart.restore();
      fs.rmSync(journal, { recursive: true, force: true });
    }
  });
});
