/**
 * Table-driven tests of the governed setters' bounds. Each table names the governed parameters of one contract with
 * the bounds the tests expect (literal values: a changed bound fails here), and every test first reads the bounds as
 * the audit report finds them (apps/audit/parameters.ts probes each setter for its ParameterOutOfBounds(value, min,
 * max)) and asserts they are the table's, so the report and the tests cannot disagree.
 */
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import type { BaseContract, ContractTransactionResponse } from "ethers";

import { Roles } from "../../config/roles";
import { readParameters, type GovernedParameterRow, type ParametersReport } from "../../apps/audit/parameters";
import { GOVERNED_PARAMETERS, type GovernedParameter } from "../../src/dao/governedParameters";
import { WEFT_CONTRACT_NAMES, connectSystem, type WeftAddresses } from "../../src/deploy/system";
import { deployWeftFixture, type WeftFixture } from "../fixtures/weft";

type AuditedDeployment = Parameters<typeof readParameters>[0];
export type GovernedContract = GovernedParameter["contract"];

export interface SetterBoundsRow {
  /** The governed parameter, by its name in src/dao/governedParameters.ts (its setter and getter come from there). */
  parameter: string;
  min: bigint;
  max: bigint;
  /** The event the setter emits, whose first two arguments are the old and the new value. */
  event: string;
  /**
   * A bound the setter refuses, even after the table's `prepare`, because another parameter limits it (e.g. an
   * unbonding period must outlast the escrow's dispute exposure): the custom error it reverts with there.
   */
  refusedAt?: { min?: string; max?: string };
}

export interface SetterBoundsTable {
  contract: GovernedContract;
  /**
   * Run on the deployment before each test: moves the parameters that limit others out of the way (e.g. the longest
   * unbonding period, so that the longest windows fit), as the timelock.
   */
  prepare?: (f: WeftFixture) => Promise<void>;
  rows: readonly SetterBoundsRow[];
}

/** The production deployment of the fixture, in the shape the audit report probes. */
async function auditedDeployment(f: WeftFixture): Promise<AuditedDeployment> {
  const addresses = {} as WeftAddresses;
  for (const name of WEFT_CONTRACT_NAMES) addresses[name] = await f[name].getAddress();
  return {
    addresses,
    vestingWallets: f.vestingWallets,
    launch: f.launch,
    system: connectSystem(addresses, f.deployer),
    deployer: f.deployer,
    deployerAddress: f.deployer.address,
    provider: ethers.provider,
    nameOf: (address) => address,
  };
}

/** Bounds are constants of the contracts, so one probe per deployment (the fixture's snapshot keeps its addresses). */
const probes = new Map<string, Promise<ParametersReport>>();

export async function probe(f: WeftFixture): Promise<ParametersReport> {
  const key = await f.TimelockController.getAddress();
  if (!probes.has(key)) probes.set(key, auditedDeployment(f).then(readParameters));
  return probes.get(key)!;
}

/** The row's bounds as the audit report probes them, asserted equal to the table's. */
async function probedBounds(f: WeftFixture, row: SetterBoundsRow): Promise<GovernedParameterRow & { getter: string }> {
  const probed = (await probe(f)).governed.find((g) => g.name === row.parameter);
  expect(probed, `the audit report probes ${row.parameter}`).not.to.equal(undefined);
  expect(probed!.min?.value, `${row.parameter}'s minimum as the audit report probes it`).to.equal(row.min);
  expect(probed!.max?.value, `${row.parameter}'s maximum as the audit report probes it`).to.equal(row.max);
  return { ...probed!, getter: GOVERNED_PARAMETERS[row.parameter].getter };
}

/** The deployment with the table's preparation done, and `contract` connected to the timelock. */
async function prepared(table: SetterBoundsTable): Promise<{ f: WeftFixture; contract: BaseContract }> {
  const f = await loadFixture(deployWeftFixture);
  await table.prepare?.(f);
  return { f, contract: (f[table.contract] as BaseContract).connect(f.timelock) };
}

/** The old and new value of the one `event` that `tx` emitted from `contract`. */
async function oldAndNew(contract: BaseContract, tx: ContractTransactionResponse, event: string): Promise<bigint[]> {
  const receipt = await tx.wait();
  const address = await contract.getAddress();
  const emitted = receipt!.logs
    .filter((log) => log.address === address)
    .map((log) => contract.interface.parseLog(log))
    .filter((parsed) => parsed?.name === event);
  expect(emitted.length, `${event} events`).to.equal(1);
  return [emitted[0]!.args[0], emitted[0]!.args[1]];
}

function settingTitle(setter: string, row: SetterBoundsRow): string {
  const accepted = (["max", "min"] as const).filter((b) => !row.refusedAt?.[b]).map((b) => `${setter}(${row[b]})`);
  const refused = (["max", "min"] as const)
    .filter((b) => row.refusedAt?.[b])
    .map((b) => `, and reverts ${setter}(${row[b]}) with ${row.refusedAt![b]}, a limit other parameters set`);
  const each = accepted.length > 1 ? "each" : "it";
  return `accepts ${accepted.join(" and ")} from the timelock, storing ${each} and emitting the old and new value${refused.join("")}`;
}

/**
 * Defines, in the calling describe, the bounds tests of every row of `table`, on the production deployment: each
 * setter accepts its minimum and its maximum from the timelock (storing them, emitting the old and new value), reverts
 * with ParameterOutOfBounds(value, min, max) just below the minimum, just above the maximum and at 2^256 - 1 (leaving
 * the value as it was), and is a PARAMETERS function that the guardian and an outsider may not call. One more test
 * asserts the table has a row for every governed parameter of its contract.
 */
export function expectSetterBounds(table: SetterBoundsTable): void {
  it(`has a bounds row for every governed parameter of ${table.contract}`, function () {
    const governed = Object.entries(GOVERNED_PARAMETERS).filter(([, p]) => p.contract === table.contract);
    expect(table.rows.map((row) => row.parameter)).to.have.members(governed.map(([name]) => name));
  });

  for (const row of table.rows) {
    const { setter } = GOVERNED_PARAMETERS[row.parameter];

    it(settingTitle(setter, row), async function () {
      const { f, contract } = await prepared(table);
      const { min, max, getter } = await probedBounds(f, row);
      let current = (await contract.getFunction(getter)()) as bigint;
      // The maximum first: no deployed value is at it, so both calls change the value and emit.
      for (const [name, bound] of [
        ["max", max!.value],
        ["min", min!.value],
      ] as const) {
        const refusal = row.refusedAt?.[name];
        if (refusal) {
          await expect(contract.getFunction(setter)(bound), `${setter}(${bound})`).to.be.revertedWithCustomError(
            contract,
            refusal,
          );
          continue;
        }
        const tx = (await contract.getFunction(setter)(bound)) as ContractTransactionResponse;
        expect(await oldAndNew(contract, tx, row.event), `${row.event} at the ${name}`).to.deep.equal([current, bound]);
        expect(await contract.getFunction(getter)(), `${getter} after ${setter}(${bound})`).to.equal(bound);
        current = bound;
      }
    });

    it(`reverts ${setter} with ParameterOutOfBounds(value, ${row.min}, ${row.max}) just outside its bounds and at 2^256 - 1`, async function () {
      const { f, contract } = await prepared(table);
      const { min, max, getter } = await probedBounds(f, row);
      const before = (await contract.getFunction(getter)()) as bigint;
      const outside = [max!.value + 1n, ethers.MaxUint256];
      if (min!.value > 0n) outside.unshift(min!.value - 1n);
      for (const value of outside) {
        await expect(contract.getFunction(setter)(value), `${setter}(${value})`)
          .to.be.revertedWithCustomError(contract, "ParameterOutOfBounds")
          .withArgs(value, min!.value, max!.value);
      }
      expect(await contract.getFunction(getter)()).to.equal(before);
    });

    it(`lets only the timelock call ${setter} (a PARAMETERS function): the guardian and an outsider are refused`, async function () {
      const { f, contract } = await prepared(table);
      const { min } = await probedBounds(f, row);
      const selector = contract.interface.getFunction(setter)!.selector;
      expect(await f.AccessManager.getTargetFunctionRole(await contract.getAddress(), selector)).to.equal(
        Roles.PARAMETERS,
      );
      for (const caller of [f.guardian, f.outsider]) {
        await expect(contract.connect(caller).getFunction(setter)(min!.value), `${setter} from ${caller.address}`)
          .to.be.revertedWithCustomError(contract, "AccessManagedUnauthorized")
          .withArgs(caller.address);
      }
    });
  }
}
