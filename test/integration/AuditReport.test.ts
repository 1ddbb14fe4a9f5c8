import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

import { expect } from "chai";
import hre, { ethers } from "hardhat";
import { setBalance } from "@nomicfoundation/hardhat-network-helpers";
import type { BaseContract } from "ethers";

import { LOCAL_PARAMETERS, PUBLIC_PARAMETERS } from "../../config/parameters";
import { PERMISSIONS, type ManagedContractName } from "../../config/permissions";
import { Roles, type RoleName } from "../../config/roles";
import { attackCatalogue } from "../../apps/audit/attacks";
import { EIP170_LIMIT, deployedSize } from "../../apps/audit/contracts";
import { COVERAGE_GATE, readCoverage } from "../../apps/audit/coverage";
import { deployForAudit, type AuditedDeployment } from "../../apps/audit/deployment";
import { INVARIANTS_COMMAND, readInvariants } from "../../apps/audit/invariants";
import { flattenParameters } from "../../apps/audit/parameters";
import type { AuditFacts } from "../../apps/audit/render";
import { renderAudit } from "../../apps/audit/render";
import { AUDIT_PATHS, auditWarnings, collectAudit } from "../../apps/audit/report";
import { GOVERNED_PARAMETERS } from "../../src/dao/governedParameters";
import { UserError } from "../../src/errors";

const ROOT = hre.config.paths.root;

describe("audit:report", function () {
  let tmp: string;
  let deployment: AuditedDeployment;
  let facts: AuditFacts;
  let report: string;

  before(async function () {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "weft-audit-"));
    deployment = await deployForAudit(hre);
    facts = await collectAudit(hre, { ...AUDIT_PATHS, invariants: path.join(tmp, "absent.json") }, deployment);
    report = renderAudit(facts);
  });

  after(function () {
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it("sizes every production contract by its artifact's runtime bytecode, against EIP-170, leaving mocks out", async function () {
    const names = facts.inventory.contracts.map((c) => c.name);
    expect(names).to.include.members(["JobEscrow", "ProviderRegistry", "DisputeManager", "ComputeToken"]);
    expect(names).not.to.include.members(["TestERC20", "ReentrantERC20"]);
    expect(facts.inventory.contracts.every((c) => c.source.startsWith("contracts/"))).to.equal(true);
    expect(facts.inventory.contracts.some((c) => /contracts\/(test|interfaces)\//.test(c.source))).to.equal(false);
    for (const c of [...facts.inventory.contracts, ...facts.inventory.dependencies]) {
      const size = deployedSize(await hre.artifacts.readArtifact(c.name));
      expect(c.deployedBytes, c.name).to.equal(size);
      expect(c.margin, c.name).to.equal(EIP170_LIMIT - size);
      expect(report).to.include(`| ${c.name} | \`${c.source}\` |`);
      expect(report).to.include(
        `| ${size.toLocaleString("en-US")} | ${(EIP170_LIMIT - size).toLocaleString("en-US")} |`,
      );
    }
    // The code at each deployed address is as long as its artifact's (immutables only change bytes, not length).
    for (const [name, size] of facts.codeSizes) {
      expect(size, name).to.equal(deployedSize(await hre.artifacts.readArtifact(name)));
    }
    expect(facts.inventory.dependencies.map((c) => c.name)).to.have.members(["AccessManager", "TimelockController"]);
    expect(facts.inventory.libraries.map((l) => l.name)).to.include("BpsMath");
  });

  it("counts source lines from the files themselves", function () {
    const escrow = facts.inventory.contracts.find((c) => c.name === "JobEscrow")!;
    const text = fs.readFileSync(path.join(ROOT, escrow.source), "utf8").replace(/\n$/, "").split("\n");
    expect(escrow.lines.total).to.equal(text.length);
    expect(escrow.lines.nonBlank).to.equal(text.filter((line) => line.trim() !== "").length);
  });

  it("lists every permission of config/permissions.ts with the role the deployed AccessManager returns", async function () {
    const table = PERMISSIONS as Record<ManagedContractName, Partial<Record<RoleName, readonly string[]>>>;
    let count = 0;
    for (const [contract, roles] of Object.entries(table) as [ManagedContractName, typeof table.JobEscrow][]) {
      const target = deployment.system[contract] as BaseContract;
      for (const [role, functions] of Object.entries(roles) as [RoleName, readonly string[]][]) {
        for (const fn of functions) {
          const selector = target.interface.getFunction(fn)!.selector;
          const onChain = await deployment.system.AccessManager.getTargetFunctionRole(
            await target.getAddress(),
            selector,
          );
          expect(onChain, `${contract}.${fn}`).to.equal(Roles[role]);
          expect(report).to.include(`| ${contract} | \`${fn}\` | \`${selector}\` | ${role} | ${role} | yes |`);
          count++;
        }
      }
    }
    expect(facts.roles.functionRoles).to.have.length(count);
  });

  it("shows the hand-over: the deployer keeps no role, the timelock administers, only the distributor mints", async function () {
    const { AccessManager, TimelockController } = deployment.system;
    expect(facts.roles.deployer.managerRoles).to.deep.equal([]);
    expect(facts.roles.deployer.timelockRoles).to.deep.equal([]);
    expect((await AccessManager.hasRole(Roles.ADMIN, deployment.deployerAddress))[0]).to.equal(false);
    expect(await TimelockController.hasRole(ethers.ZeroHash, deployment.deployerAddress)).to.equal(false);
    expect(report).to.include("keeps no role");

    const holders = Object.fromEntries(facts.roles.managerRoles.map((r) => [r.role, r.holders.map((h) => h.name)]));
    expect(holders).to.deep.equal({
      ADMIN: ["TimelockController"],
      PARAMETERS: ["TimelockController"],
      ESCROW: ["JobEscrow"],
      DISPUTES: ["DisputeManager"],
      MINTER: ["RewardDistributor"],
      ARBITER: [],
      GUARDIAN: [],
    });
    expect(facts.roles.minters.map((m) => m.name)).to.deep.equal(["RewardDistributor"]);
    const proposers = facts.roles.timelockRoles.find((r) => r.role === "PROPOSER_ROLE")!.holders;
    expect(proposers.map((h) => h.name)).to.deep.equal(["ComputeGovernor"]);
    expect(facts.roles.deployer.weftBalance).to.equal(LOCAL_PARAMETERS.launch.liquid.operations.amount);
  });

  it("reports the launch: each allocation, the largest account's voting share, what passing takes, the council", async function () {
    const { launch } = facts;
    const weft = (amount: string) => ethers.parseEther(amount);
    expect(launch.allocations.map((a) => [a.name, a.kind, a.amount])).to.deep.equal([
      ["treasury", "treasury", weft("260000000")],
      ["operations", "liquid", weft("10000000")],
      ["founders", "vested", weft("20000000")],
      ["contributors", "vested", weft("50000000")],
      ["ecosystem", "vested", weft("60000000")],
    ]);
    expect(launch.largestLocal).to.deep.equal({ who: "deployer", amount: weft("10000000") });
    expect(launch.largestPublic).to.deep.equal({ who: "deployer", amount: weft("10000000") });
    expect(launch.deployerAtFoundersCliff).to.equal(weft("15000000"));
    expect(launch.local.quorum).to.equal(weft("16000000"));
    expect(launch.public.quorum).to.equal(weft("16000000"));
    expect(launch.public.proposalThreshold).to.equal(PUBLIC_PARAMETERS.governor.proposalThreshold);
    expect(launch.council).to.deep.include({
      holdsCanceller: true,
      holdsProposer: false,
      council: "council account",
    });
    expect(report).to.include("**Largest voting share of one account right after deployment**");
    expect(report).to.include("local deployer, 10,000,000 WEFT (2.50%); public `deployer`, 10,000,000 WEFT (2.50%)");
    expect(report).to.include("| local (deployed) | 16,000,000 WEFT (4% of 400,000,000 WEFT) | 1,000 WEFT |");
  });

  it("gives every governed parameter its defaults and the bounds its setter enforces, equal to the contract's constants", async function () {
    const timelock = await ethers.getImpersonatedSigner(deployment.addresses.TimelockController);
    await setBalance(timelock.address, ethers.parseEther("1"));
    const local = flattenParameters(LOCAL_PARAMETERS);
    const pub = flattenParameters(PUBLIC_PARAMETERS);
    expect(facts.parameters.governed.map((g) => g.name)).to.deep.equal(Object.keys(GOVERNED_PARAMETERS));
    for (const g of facts.parameters.governed) {
      expect(g.local, g.name).to.equal(local.get(g.configKey));
      expect(g.public, g.name).to.equal(pub.get(g.configKey));
      expect(g.deployed, g.name).to.equal(g.local);
      expect(g.min, g.name).not.to.equal(undefined);
      const contract = (deployment.system[g.contract] as BaseContract).connect(timelock);
      for (const b of [g.min!, g.max!]) {
        for (const constant of b.constants) {
          expect(await contract.getFunction(constant).staticCall(), `${g.name} ${constant}`).to.equal(b.value);
        }
      }
      await expect(contract.getFunction(g.setter)(g.max!.value + 1n))
        .to.be.revertedWithCustomError(contract, "ParameterOutOfBounds")
        .withArgs(g.max!.value + 1n, g.min!.value, g.max!.value);
      expect(report).to.include(`| ${g.name} | \`${g.contract}.${g.setter}\` | \`${g.configKey}\` |`);
    }
    const byName = Object.fromEntries(facts.parameters.governed.map((g) => [g.name, g]));
    expect(byName.protocolFeeBps.max!.constants).to.deep.equal(["MAX_PROTOCOL_FEE_BPS"]);
    expect(byName.protocolFeeBps.max!.value).to.equal(await deployment.system.JobEscrow.MAX_PROTOCOL_FEE_BPS());
    expect(byName.unbondingPeriod.min!.constants).to.deep.equal(["MIN_UNBONDING_PERIOD"]);
    // A limit that depends on another parameter shows at the bound: the windows must fit the unbonding period.
    expect(byName.challengeWindow.atMax).to.match(/^DisputeExposureExceedsUnbonding/);
    expect(facts.parameters.other.map((o) => o.configKey)).to.include.members(["token.cap", "timelock.minDelay"]);
  });

  it("says the invariants were not run, and warns, when their file is missing", function () {
    expect(facts.invariants.found).to.equal(false);
    expect(report).to.match(/## 4\. Invariants\n\n> \*\*Not run:\*\* .*absent\.json/);
    expect(report).to.include(`Run \`${INVARIANTS_COMMAND}\``);
    expect(auditWarnings(facts).some((w) => w.includes(INVARIANTS_COMMAND))).to.equal(true);
  });

  it("reports each invariant of the last run, and refuses a file of another shape", function () {
    const file = path.join(tmp, "invariants.json");
    const invariant = {
      contract: "EscrowInvariants",
      name: "invariant_fundsConserved",
      runs: 256,
      calls: 128000,
      reverts: 12,
      passed: true,
    };
    const run = {
      command: INVARIANTS_COMMAND,
      profile: "default",
      date: "2026-11-25",
      wallSeconds: 42,
      runs: 256,
      depth: 500,
      invariants: [invariant],
    };
    fs.writeFileSync(file, JSON.stringify(run));
    const section = readInvariants(ROOT, file);
    const rendered = renderAudit({ ...facts, invariants: section });
    expect(rendered).to.include("| EscrowInvariants | `invariant_fundsConserved` | 256 | 128,000 | 12 | yes |");
    expect(rendered).to.include("1 of 1 invariants held");
    expect(auditWarnings({ ...facts, invariants: section }).some((w) => w.includes(INVARIANTS_COMMAND))).to.equal(
      false,
    );

    fs.writeFileSync(file, JSON.stringify({ ...run, invariants: [{ ...invariant, passed: "yes" }] }));
    expect(() => readInvariants(ROOT, file)).to.throw(UserError, INVARIANTS_COMMAND);
  });

  it("totals coverage over the contracts without the mocks, and judges the gate", function () {
    const counts = (covered: number, total: number) => ({ covered, total, pct: (100 * covered) / total });
    const all = (c: ReturnType<typeof counts>) => ({ lines: c, functions: c, branches: c, statements: c });
    const summary = {
      total: all(counts(1, 2)),
      [path.join(ROOT, "contracts/market/JobEscrow.sol")]: { ...all(counts(10, 10)), branches: counts(19, 20) },
      [path.join(ROOT, "contracts/test/TestERC20.sol")]: all(counts(0, 10)),
    };
    const file = path.join(tmp, "coverage-summary.json");
    fs.writeFileSync(file, JSON.stringify(summary));
    const section = readCoverage(ROOT, file);
    if (!section.found) expect.fail("the summary was not found");
    expect(section.files.map((f) => f.file)).to.deep.equal(["contracts/market/JobEscrow.sol"]);
    expect(section.totals.find((t) => t.metric === "branches")).to.deep.include({
      pct: 95,
      gate: COVERAGE_GATE.branches,
      holds: true,
    });
    expect(section.gateHolds).to.equal(true);

    summary[path.join(ROOT, "contracts/market/JobEscrow.sol")].branches = counts(18, 20);
    fs.writeFileSync(file, JSON.stringify(summary));
    const failing = readCoverage(ROOT, file);
    expect(failing.found && failing.gateHolds).to.equal(false);
    expect(renderAudit({ ...facts, coverage: failing })).to.include("**does not hold**");
  });

  it("catalogues the attacks as Mocha loads them, without running a test", async function () {
    const guardian = facts.attacks.find((a) => a.path.at(-1) === "guardian pausing exits")!;
    expect(guardian.file).to.equal("test/security/Attacks/governance.test.ts");
    expect(guardian.tests.map((t) => t.title)).to.include("lets the client cancel its open job for a full refund");
    expect(report).to.include("  - lets the client cancel its open job for a full refund");

    const file = path.join(tmp, "sample.test.js");
    fs.writeFileSync(
      file,
      [
        'describe("outer", function () {',
        '  describe("an attack", function () {',
        '    before(function () { throw new Error("a hook ran"); });',
        '    it("fails if run", function () { throw new Error("a test ran"); });',
        '    it.skip("is skipped", function () {});',
        "  });",
        "});",
      ].join("\n"),
    );
    const globalIt = globalThis.it;
    const sample = await attackCatalogue(ROOT, [file]);
    expect(globalThis.it).to.equal(globalIt);
    expect(sample).to.deep.equal([
      {
        file: path.relative(ROOT, file),
        path: ["outer", "an attack"],
        tests: [
          { title: "fails if run", pending: false },
          { title: "is skipped", pending: true },
        ],
      },
    ]);
  });

  it("heads the report with the commit and includes the known limitations verbatim", function () {
    const commit = execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: ROOT, encoding: "utf8" }).trim();
    expect(report).to.include(`- Commit: \`${commit}\``);
    expect(report).to.include(`solc ${facts.header.compiler.longVersion}`);
    expect(report).to.include(fs.readFileSync(path.join(ROOT, AUDIT_PATHS.limitations), "utf8").trim());
  });
});
