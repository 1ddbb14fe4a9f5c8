/**
 * Who holds which power once the production deployment has handed over to the DAO, read from chain state: the
 * AccessManager's grants (replayed from its events, each confirmed with hasRole), the role every restricted function
 * is mapped to, the timelock's own roles, who can mint WEFT, and what the deployer kept.
 */
import { PERMISSIONS, roleAssignments, type ManagedContractName } from "../../config/permissions";
import { Roles, type RoleName } from "../../config/roles";
import { WEFT_CONTRACT_NAMES } from "../../src/deploy/system";
import type { AuditedDeployment } from "./deployment";

export interface Holder {
  readonly name: string;
  readonly address: string;
  /** AccessManager execution delay in seconds (0: immediate); always 0 for the timelock's roles. */
  readonly executionDelay: bigint;
}

export interface RoleHolders {
  readonly role: string;
  readonly id: string;
  /** The role that grants and revokes this one. */
  readonly admin: string;
  readonly holders: readonly Holder[];
}

export interface FunctionRole {
  readonly contract: ManagedContractName;
  readonly fn: string;
  readonly selector: string;
  /** The role config/permissions.ts assigns. */
  readonly expected: RoleName;
  /** The role the deployed AccessManager returns for (target, selector). */
  readonly onChain: string;
}

export interface Wire {
  readonly what: string;
  readonly value: string;
}

export interface RolesReport {
  readonly managerRoles: readonly RoleHolders[];
  readonly functionRoles: readonly FunctionRole[];
  readonly timelockRoles: readonly RoleHolders[];
  /** Every known account the AccessManager lets call ComputeToken.mint. */
  readonly minters: readonly Holder[];
  readonly deployer: {
    readonly address: string;
    readonly managerRoles: readonly string[];
    readonly timelockRoles: readonly string[];
    readonly weftBalance: bigint;
  };
  readonly wiring: readonly Wire[];
}

const ROLE_NAMES = new Map<bigint, string>(Object.entries(Roles).map(([name, id]) => [id, name]));
/** OpenZeppelin's AccessManager PUBLIC_ROLE: anyone. */
const PUBLIC_ROLE = 2n ** 64n - 1n;
const roleName = (id: bigint): string =>
  id === PUBLIC_ROLE ? "PUBLIC (anyone)" : (ROLE_NAMES.get(id) ?? `role ${id}`);

/** Accounts whose latest event for each role is a grant, in first-granted order. */
function replay<Role>(
  events: readonly { role: Role; account: string; granted: boolean; block: number; index: number }[],
): Map<Role, string[]> {
  const members = new Map<Role, Set<string>>();
  for (const e of [...events].sort((a, b) => a.block - b.block || a.index - b.index)) {
    const set = members.get(e.role) ?? new Set<string>();
    if (e.granted) set.add(e.account);
    else set.delete(e.account);
    members.set(e.role, set);
  }
  return new Map([...members].map(([role, set]) => [role, [...set]]));
}

/** A RoleGranted or RoleRevoked log as `replay` orders it. */
function roleEvent<Role>(
  role: Role,
  log: { args: { account: string }; blockNumber: number; index: number },
  granted: boolean,
) {
  return { role, account: log.args.account, granted, block: log.blockNumber, index: log.index };
}

async function managerRoles(d: AuditedDeployment): Promise<RoleHolders[]> {
  const manager = d.system.AccessManager;
  const granted = await manager.queryFilter(manager.filters.RoleGranted(), 0);
  const revoked = await manager.queryFilter(manager.filters.RoleRevoked(), 0);
  const members = replay([
    ...granted.map((e) => roleEvent(e.args.roleId, e, true)),
    ...revoked.map((e) => roleEvent(e.args.roleId, e, false)),
  ]);
  return Promise.all(
    Object.values(Roles).map(async (id) => {
      const holders: Holder[] = [];
      for (const account of members.get(id) ?? []) {
        const [isMember, executionDelay] = await manager.hasRole(id, account);
        if (isMember) holders.push({ name: d.nameOf(account), address: account, executionDelay });
      }
      return { role: roleName(id), id: id.toString(), admin: roleName(await manager.getRoleAdmin(id)), holders };
    }),
  );
}

async function functionRoles(d: AuditedDeployment): Promise<FunctionRole[]> {
  const rows: FunctionRole[] = [];
  for (const contract of Object.keys(PERMISSIONS) as ManagedContractName[]) {
    const target = d.addresses[contract];
    for (const { roleName: expected, functions, selectors } of roleAssignments(contract)) {
      for (const [i, fn] of functions.entries()) {
        const onChainId = await d.system.AccessManager.getTargetFunctionRole(target, selectors[i]);
        rows.push({ contract, fn, selector: selectors[i], expected, onChain: roleName(onChainId) });
      }
    }
  }
  return rows;
}

async function timelockRoles(d: AuditedDeployment): Promise<RoleHolders[]> {
  const timelock = d.system.TimelockController;
  const ids: [string, string][] = [
    ["DEFAULT_ADMIN_ROLE", await timelock.DEFAULT_ADMIN_ROLE()],
    ["PROPOSER_ROLE", await timelock.PROPOSER_ROLE()],
    ["EXECUTOR_ROLE", await timelock.EXECUTOR_ROLE()],
    ["CANCELLER_ROLE", await timelock.CANCELLER_ROLE()],
  ];
  const names = new Map(ids.map(([name, id]) => [id, name]));
  const granted = await timelock.queryFilter(timelock.filters.RoleGranted(), 0);
  const revoked = await timelock.queryFilter(timelock.filters.RoleRevoked(), 0);
  const members = replay([
    ...granted.map((e) => roleEvent(e.args.role, e, true)),
    ...revoked.map((e) => roleEvent(e.args.role, e, false)),
  ]);
  return Promise.all(
    ids.map(async ([role, id]) => {
      const holders: Holder[] = [];
      for (const account of members.get(id) ?? []) {
        if (await timelock.hasRole(id, account))
          holders.push({ name: d.nameOf(account), address: account, executionDelay: 0n });
      }
      const admin = await timelock.getRoleAdmin(id);
      return { role, id, admin: names.get(admin) ?? admin, holders };
    }),
  );
}

/** Every account the report knows of: the system's contracts, the deployer and every role holder. */
function knownAccounts(d: AuditedDeployment, roles: readonly RoleHolders[]): string[] {
  const all = [...WEFT_CONTRACT_NAMES.map((name) => d.addresses[name]), d.deployerAddress];
  for (const { holders } of roles) all.push(...holders.map((h) => h.address));
  return [...new Set(all.map((a) => a.toLowerCase()))];
}

async function minters(d: AuditedDeployment, roles: readonly RoleHolders[]): Promise<Holder[]> {
  const token = d.addresses.ComputeToken;
  const selector = d.system.ComputeToken.interface.getFunction("mint").selector;
  const found: Holder[] = [];
  for (const account of knownAccounts(d, roles)) {
    const [immediate, delay] = await d.system.AccessManager.canCall(account, token, selector);
    if (immediate || delay > 0n)
      found.push({ name: d.nameOf(account), address: account, executionDelay: BigInt(delay) });
  }
  return found;
}

async function wiring(d: AuditedDeployment): Promise<Wire[]> {
  const s = d.system;
  const reads: [string, () => Promise<string>][] = [
    ...(Object.keys(PERMISSIONS) as ManagedContractName[]).map((name): [string, () => Promise<string>] => [
      `${name}.authority()`,
      () => s[name].authority(),
    ]),
    ["JobEscrow.treasury()", () => s.JobEscrow.treasury()],
    ["JobEscrow.workRecorder()", () => s.JobEscrow.workRecorder()],
    ["JobEscrow.registry()", () => s.JobEscrow.registry()],
    ["JobEscrow.receipt()", () => s.JobEscrow.receipt()],
    ["ComputeReceipt.escrow()", () => s.ComputeReceipt.escrow()],
    ["ProviderRegistry.disputeWindowsSource()", () => s.ProviderRegistry.disputeWindowsSource()],
    ["DisputeManager.escrow()", () => s.DisputeManager.escrow()],
    ["DisputeManager.registry()", () => s.DisputeManager.registry()],
    ["RewardDistributor.token()", () => s.RewardDistributor.token()],
    ["ComputeGovernor.timelock()", () => s.ComputeGovernor.timelock()],
  ];
  const wires: Wire[] = [];
  for (const [what, read] of reads) wires.push({ what, value: d.nameOf(await read()) });
  for (const name of Object.keys(PERMISSIONS) as ManagedContractName[]) {
    const closed = await s.AccessManager.isTargetClosed(d.addresses[name]);
    wires.push({ what: `AccessManager.isTargetClosed(${name})`, value: String(closed) });
  }
  return wires;
}

export async function readRoles(d: AuditedDeployment): Promise<RolesReport> {
  const manager = await managerRoles(d);
  const timelock = await timelockRoles(d);
  const deployer = d.deployerAddress;
  const heldInManager = [];
  for (const [name, id] of Object.entries(Roles)) {
    if ((await d.system.AccessManager.hasRole(id, deployer))[0]) heldInManager.push(name);
  }
  const heldInTimelock = [];
  for (const { role, id } of timelock) {
    if (await d.system.TimelockController.hasRole(id, deployer)) heldInTimelock.push(role);
  }
  return {
    managerRoles: manager,
    functionRoles: await functionRoles(d),
    timelockRoles: timelock,
    minters: await minters(d, [...manager, ...timelock]),
    deployer: {
      address: deployer,
      managerRoles: heldInManager,
      timelockRoles: heldInTimelock,
      weftBalance: await d.system.ComputeToken.balanceOf(deployer),
    },
    wiring: await wiring(d),
  };
}
