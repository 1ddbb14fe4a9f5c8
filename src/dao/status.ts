import { ethers } from "ethers";

import { Roles } from "../../config/roles";
import type { AddressBook } from "../deploy/addressBook";
import type { WeftSystem } from "../deploy/system";
import { formatWeft, weftJson } from "../jobs/amounts";
import { duration, formatBps, formatUtc } from "../markdown";
import { providerOf } from "../chain/provider";
import { textTable } from "../table";
import { readVotingPower, type Holding, type VotingPower } from "./distribution";
import { eventsSince } from "./events";
import { currentParameters, formatParameterValue, GOVERNED_PARAMETERS, type ParameterUnit } from "./governedParameters";

/** Everything dao:status reports about the system, read once for the table or the JSON. */
export interface SystemStatus {
  readonly parameters: readonly { readonly name: string; readonly unit: ParameterUnit; readonly value: bigint }[];
  /** Current holders of each role, by the role's name in config/roles. */
  readonly roles: Readonly<Record<string, readonly string[]>>;
  readonly treasury: { readonly address: string; readonly weft: bigint; readonly eth: bigint };
  readonly votingPower: VotingPower;
}

/** Reads the governed parameters, the role holders (from the AccessManager's events), the treasury and the votes. */
export async function readSystemStatus(system: WeftSystem, book: AddressBook): Promise<SystemStatus> {
  const values = await currentParameters(system);
  const parameters = Object.entries(GOVERNED_PARAMETERS).map(([name, { unit }]) => ({
    name,
    unit,
    value: values[name],
  }));
  const holders = await roleHolders(system, book.deploymentBlock);
  const roles = Object.fromEntries(Object.entries(Roles).map(([name, role]) => [name, holders.get(role) ?? []]));
  const address = await system.TimelockController.getAddress();
  const treasury = {
    address,
    weft: await system.ComputeToken.balanceOf(address),
    eth: await providerOf(system.ComputeToken).getBalance(address),
  };
  return { parameters, roles, treasury, votingPower: await readVotingPower(system, book) };
}

/** The system's status as tables for people, each within 100 columns. */
export function formatSystemStatus(status: SystemStatus): string {
  const parameters = textTable({ head: ["parameter", "value"] });
  for (const { name, unit, value } of status.parameters) parameters.push([name, formatParameterValue(unit, value)]);

  const roles = textTable({ head: ["role", "holders"] });
  for (const [name, holders] of Object.entries(status.roles)) {
    roles.push([name, holders.length === 0 ? "(none)" : holders.join("\n")]);
  }

  const funds = textTable({ head: ["treasury (timelock)", "balance"] });
  funds.push(["WEFT", formatWeft(status.treasury.weft)]);
  funds.push(["ETH", `${ethers.formatEther(status.treasury.eth)} ETH`]);

  return [parameters.toString(), roles.toString(), funds.toString(), formatVotingPower(status.votingPower)].join("\n");
}

/** The system's status for programs: amounts and durations as decimal strings of base units, and formatted. */
export function systemStatusJson(status: SystemStatus): string {
  const { votingPower: p } = status;
  const holding = (h: Holding) => ({
    address: h.address,
    name: h.name ?? null,
    ...weftJson(h.amount),
    bps: Number(h.bps),
  });
  return JSON.stringify(
    {
      parameters: Object.fromEntries(
        status.parameters.map(({ name, unit, value }) => [
          name,
          { unit, value: value.toString(), formatted: formatParameterValue(unit, value) },
        ]),
      ),
      roles: status.roles,
      treasury: {
        address: status.treasury.address,
        weft: weftJson(status.treasury.weft),
        eth: status.treasury.eth.toString(),
      },
      votingPower: {
        totalSupply: weftJson(p.totalSupply),
        delegated: holding(p.delegated),
        topByVotes: p.topByVotes.map(holding),
        topByBalance: p.topByBalance.map(holding),
        treasury: { ...holding(p.treasury), delegate: p.treasuryDelegate },
        vesting: p.vesting.map((v) => ({
          ...holding(v),
          allocation: v.allocation,
          beneficiary: v.beneficiary,
          releasable: weftJson(v.releasable),
        })),
        passing: {
          quorum: weftJson(p.rule.quorum),
          quorumPercent: Number(p.rule.quorumPercent),
          proposalThreshold: weftJson(p.rule.proposalThreshold),
          votingDelaySeconds: Number(p.rule.votingDelay),
          votingPeriodSeconds: Number(p.rule.votingPeriod),
          lateQuorumExtensionSeconds: Number(p.rule.lateQuorumExtension),
          timelockDelaySeconds: Number(p.rule.timelockDelay),
        },
        council: { ...p.council, bootstrapEnd: formatUtc(p.council.bootstrapEnd) },
      },
    },
    null,
    2,
  );
}

const weft = (wei: bigint) => Number(ethers.formatEther(wei)).toLocaleString("en-US", { maximumFractionDigits: 2 });
const who = (h: Holding) => (h.name === undefined ? h.address : `${h.name} (${h.address})`);

/** Who can vote and what passing a proposal takes, as tables. */
export function formatVotingPower(p: VotingPower): string {
  const { rule, council } = p;
  const rankings = [
    { head: "top holders by votes", list: p.topByVotes },
    { head: "top holders by balance", list: p.topByBalance },
  ].map(({ head, list }) => {
    const table = textTable({ head: [head, "WEFT", "of supply"] });
    for (const h of list) table.push([who(h), weft(h.amount), formatBps(h.bps)]);
    if (list.length === 0) table.push(["(none)", "", ""]);
    return table.toString();
  });

  const shares = textTable({ head: ["voting power", "WEFT", "of supply"] });
  shares.push(["total supply", weft(p.totalSupply), "100.00%"]);
  shares.push(["delegated (can vote now)", weft(p.delegated.amount), formatBps(p.delegated.bps)]);
  const treasuryVotes =
    p.treasuryDelegate === ethers.ZeroAddress ? "undelegated" : `delegated to ${p.treasuryDelegate}`;
  shares.push([`treasury (timelock, ${treasuryVotes})`, weft(p.treasury.amount), formatBps(p.treasury.bps)]);
  for (const v of p.vesting) {
    // A vesting wallet cannot delegate: its tokens vote only once released to the beneficiary.
    shares.push([`${v.allocation} vesting (${weft(v.releasable)} releasable now)`, weft(v.amount), formatBps(v.bps)]);
  }

  // The council's line holds an address and a date: wrapped, it keeps the table within 100 columns.
  const passing = textTable({ head: ["to pass a proposal", ""], colWidths: [24, 72], wordWrap: true });
  passing.push(
    ["quorum (for + abstain)", `${weft(rule.quorum)} WEFT (${rule.quorumPercent}% of supply)`],
    ["majority", "more for than against"],
    ["proposal threshold", `${weft(rule.proposalThreshold)} WEFT of votes`],
    [
      "voting delay / period",
      `${duration(rule.votingDelay)} / ${duration(rule.votingPeriod)} ` +
        `(+${duration(rule.lateQuorumExtension)} after a late quorum)`,
    ],
    ["timelock delay", duration(rule.timelockDelay)],
    [
      "security council",
      `${council.council} may cancel queued proposals ` +
        `${council.active ? "until" : "no longer: its bootstrap ended"} ` +
        formatUtc(council.bootstrapEnd),
    ],
  );
  return [...rankings, shares.toString(), passing.toString()].join("\n");
}

/** Current holders of every role: one log query for all grants, then a check that each grant still stands. */
async function roleHolders(system: WeftSystem, fromBlock: number): Promise<Map<bigint, string[]>> {
  const manager = system.AccessManager;
  const granted = await eventsSince(manager, manager.filters.RoleGranted(), fromBlock);
  const candidates = new Map<string, { role: bigint; account: string }>();
  for (const args of granted) {
    candidates.set(`${args.roleId}:${args.account}`, { role: args.roleId, account: args.account });
  }
  const holders = new Map<bigint, string[]>();
  for (const { role, account } of candidates.values()) {
    if (!(await manager.hasRole(role, account))[0]) continue;
    holders.set(role, [...(holders.get(role) ?? []), account]);
  }
  return holders;
}
