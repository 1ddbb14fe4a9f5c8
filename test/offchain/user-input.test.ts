import { expect } from "chai";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import hre from "hardhat";

import { ethers } from "ethers";
import { LOCAL_PARAMETERS, PUBLIC_PARAMETERS } from "../../config/parameters";
import { proposalActions } from "../../src/dao/actions";
import { parameterChange } from "../../src/dao/governedParameters";
import { parseSupport } from "../../src/dao/governor";
import { parseProposalId } from "../../src/cli/context";
import { readAddressBook } from "../../src/deploy/addressBook";
import { resolveLaunch } from "../../src/deploy/launch";
import { applyParameterOverrides } from "../../src/deploy/overrides";
import { runDeploy } from "../../src/deploy/run";
import type { WeftSystem } from "../../src/deploy/system";
import { expectUserError } from "../helpers/errors";

/** Bad input to the deploy and DAO commands: every case is a UserError that says what to do, before any send. */
describe("User input to the deploy and DAO commands", function () {
  let dir: string;
  const write = (name: string, content: string) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, content);
    return file;
  };
  // Only the parts of a system these parsers touch; no transaction is ever sent from here.
  const system = {
    JobEscrow: {
      getAddress: async () => "0x0000000000000000000000000000000000000001",
      interface: hre.ethers.Interface.from(["function setProtocolFeeBps(uint256)"]),
    },
  } as unknown as WeftSystem;

  beforeEach(function () {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "weft-input-"));
  });
  afterEach(function () {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  describe("deploy --params", function () {
    it("overrides the named parameters and keeps the rest", function () {
      const file = write(
        "p.json",
        JSON.stringify({ escrow: { protocolFeeBps: 200 }, registry: { jailDuration: "7200" } }),
      );
      const merged = applyParameterOverrides(LOCAL_PARAMETERS, file);
      expect(merged.escrow.protocolFeeBps).to.equal(200n);
      expect(merged.registry.jailDuration).to.equal(7200n);
      expect(merged.escrow.challengeWindow).to.equal(LOCAL_PARAMETERS.escrow.challengeWindow);
      expect(LOCAL_PARAMETERS.escrow.protocolFeeBps).to.equal(300n);
    });

    it("refuses a missing file", async function () {
      await expectUserError(
        () => applyParameterOverrides(LOCAL_PARAMETERS, path.join(dir, "none.json")),
        /does not exist/,
      );
    });

    it("refuses invalid JSON", async function () {
      const file = write("bad.json", "{ escrow: ");
      await expectUserError(() => applyParameterOverrides(LOCAL_PARAMETERS, file), /not valid JSON/);
    });

    it("refuses an unknown group or parameter", async function () {
      const group = write("g.json", JSON.stringify({ escrw: {} }));
      await expectUserError(() => applyParameterOverrides(LOCAL_PARAMETERS, group), /unknown group "escrw"/);
      const key = write("k.json", JSON.stringify({ escrow: { feeBps: 1 } }));
      await expectUserError(() => applyParameterOverrides(LOCAL_PARAMETERS, key), /unknown parameter escrow.feeBps/);
    });

    it("refuses a value that is not a whole number", async function () {
      const file = write("v.json", JSON.stringify({ escrow: { protocolFeeBps: 2.5 } }));
      await expectUserError(() => applyParameterOverrides(LOCAL_PARAMETERS, file), /must be a whole number/);
    });

    it("overrides nested groups, the launch's amounts and accounts included", async function () {
      const council = "0x000000000000000000000000000000000000c0DE";
      const file = write(
        "launch.json",
        JSON.stringify({ launch: { council, vested: { ecosystem: { amount: "1000" } } } }),
      );
      const merged = applyParameterOverrides(LOCAL_PARAMETERS, file);
      expect(merged.launch.council).to.equal(council);
      expect(merged.launch.vested.ecosystem.amount).to.equal(1000n);
      expect(merged.launch.vested.founders).to.deep.equal(LOCAL_PARAMETERS.launch.vested.founders);
      const bad = write("launch-bad.json", JSON.stringify({ launch: { council: 7 } }));
      await expectUserError(() => applyParameterOverrides(LOCAL_PARAMETERS, bad), /launch.council must be a string/);
    });
  });

  describe("launch accounts", function () {
    const deployer = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266";
    const context = { deployer, network: "sepolia", readVar: () => undefined };

    it("names every unset account variable of a public launch, with the command that sets it", async function () {
      await expectUserError(
        () => resolveLaunch(PUBLIC_PARAMETERS, context),
        /npx hardhat vars set WEFT_FOUNDERS .*\n.*WEFT_CONTRIBUTORS .*\n.*WEFT_ECOSYSTEM .*\n.*WEFT_SECURITY_COUNCIL/,
      );
    });

    it("resolves variables to addresses and gives the treasury what the allocations leave", async function () {
      const council = "0x000000000000000000000000000000000000c0de";
      const resolved = resolveLaunch(PUBLIC_PARAMETERS, { ...context, readVar: () => council });
      expect(resolved.council).to.equal(ethers.getAddress(council));
      expect(resolved.treasury).to.equal(ethers.parseEther("260000000"));
      expect(resolved.allocations.find((a) => a.name === "operations")!.beneficiary).to.equal(deployer);
    });

    it("refuses an account variable that is not an address", async function () {
      await expectUserError(
        () => resolveLaunch(PUBLIC_PARAMETERS, { ...context, readVar: () => "multisig" }),
        /WEFT_FOUNDERS \(beneficiary of the founders vesting\) must be a non-zero address; got "multisig"/,
      );
    });

    it("refuses a launch that gives one account liquid WEFT reaching quorum", async function () {
      const rich = structuredClone(LOCAL_PARAMETERS);
      rich.launch.liquid.operations.amount = ethers.parseEther("16000000");
      await expectUserError(
        () => resolveLaunch(rich, { ...context, network: "hardhat" }),
        /would receive 16000000.0 liquid WEFT at launch, at least the quorum \(16000000.0\)/,
      );
    });

    it("refuses allocations beyond the genesis supply and a cliff longer than the vesting", async function () {
      const over = structuredClone(LOCAL_PARAMETERS);
      over.launch.vested.ecosystem.amount = ethers.parseEther("400000000");
      await expectUserError(() => resolveLaunch(over, { ...context, network: "hardhat" }), /fit the genesis supply/);
      const cliff = structuredClone(LOCAL_PARAMETERS);
      cliff.launch.vested.founders.cliff = cliff.launch.vested.founders.duration + 1n;
      await expectUserError(
        () => resolveLaunch(cliff, { ...context, network: "hardhat" }),
        /launch.vested.founders: the cliff .* is longer than the vesting/,
      );
    });
  });

  describe("deploy flags", function () {
    it("refuses --verify on a local network", async function () {
      await expectUserError(runDeploy(hre, { verify: true, log: () => undefined }), /--verify needs a public network/);
    });

    it("refuses --reset on a public network", async function () {
      const sepolia = { ...hre, network: { ...hre.network, name: "sepolia" } } as typeof hre;
      await expectUserError(
        runDeploy(sepolia, { reset: true, log: () => undefined }),
        /--reset only applies to local networks/,
      );
    });
  });

  describe("address book", function () {
    it("says how to deploy when the network has no deployment", async function () {
      await expectUserError(() => readAddressBook("nowhere", dir), /npx hardhat deploy --network nowhere/);
    });

    it("refuses a book that lacks a contract", async function () {
      write("old.json", JSON.stringify({ contracts: { ComputeToken: "0x01" } }));
      await expectUserError(() => readAddressBook("old", dir), /lacks AccessManager/);
    });
  });

  describe("dao:propose and dao:vote arguments", function () {
    it("encodes a named parameter change", async function () {
      const action = await parameterChange(system, "protocolFeeBps=250");
      expect(action.calldata).to.equal(system.JobEscrow.interface.encodeFunctionData("setProtocolFeeBps", [250n]));
    });

    it("refuses a malformed or unknown --set", async function () {
      await expectUserError(parameterChange(system, "protocolFeeBps=2.5"), /--set expects name=value/);
      await expectUserError(parameterChange(system, "feeBps=1"), /Unknown parameter feeBps/);
    });

    it("needs exactly one of --set and --calls", async function () {
      await expectUserError(proposalActions(system, {}), /exactly one of/);
      await expectUserError(proposalActions(system, { set: "protocolFeeBps=1", calls: "x.json" }), /exactly one of/);
    });

    it("reads a calls file and refuses malformed entries", async function () {
      const calldata = "0x12345678";
      const good = write(
        "c.json",
        JSON.stringify([{ target: "0x0000000000000000000000000000000000000002", value: "5", calldata }]),
      );
      expect(await proposalActions(system, { calls: good })).to.deep.equal([
        { target: "0x0000000000000000000000000000000000000002", value: 5n, calldata },
      ]);
      await expectUserError(proposalActions(system, { calls: path.join(dir, "none.json") }), /does not exist/);
      await expectUserError(proposalActions(system, { calls: write("e.json", "[]") }), /non-empty array/);
      await expectUserError(
        proposalActions(system, { calls: write("t.json", JSON.stringify([{ target: "x", calldata }])) }),
        /target must be an address/,
      );
      const noHex = write(
        "h.json",
        JSON.stringify([{ target: "0x0000000000000000000000000000000000000002", calldata: "zz" }]),
      );
      await expectUserError(proposalActions(system, { calls: noHex }), /calldata must be a 0x-prefixed hex string/);
      const badValue = write(
        "w.json",
        JSON.stringify([{ target: "0x0000000000000000000000000000000000000002", value: "-1", calldata }]),
      );
      await expectUserError(proposalActions(system, { calls: badValue }), /value must be a whole number of wei/);
    });

    it("refuses an unknown vote choice or a malformed proposal id", async function () {
      expect(parseSupport("abstain")).to.equal(2);
      await expectUserError(() => parseSupport("yes"), /for, against or abstain/);
      await expectUserError(() => parseProposalId("0x12"), /decimal number/);
    });
  });
});
