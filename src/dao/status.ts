import Table from "cli-table3";
import { ethers } from "ethers";

import { Roles } from "../access/roles";
import type { AddressBook } from "../deploy/addressBook";
import type { WeftSystem } from "../deploy/system";
import { currentParameters } from "./governedParameters";
import type { Proposal, ProposalStatus } from "./governor";

export function formatProposalStatus(proposal: Proposal, status: ProposalStatus): string {
  const table = new Table();
  table.push(
    { proposal: proposal.id.toString() },
    { description: proposal.description },
    { state: status.state },
    { for: ethers.formatEther(status.forVotes) },
    { against: ethers.formatEther(status.againstVotes) },
    { abstain: ethers.formatEther(status.abstainVotes) },
    { quorum: status.quorum === 0n ? "(after the snapshot)" : ethers.formatEther(status.quorum) },
    { "voting starts": status.snapshot.toString() },
    { deadline: status.deadline.toString() },
    { eta: status.eta === 0n ? "(not queued)" : status.eta.toString() },
  );
  return table.toString();
}

/** The system's governed parameters, who holds each role (from the AccessManager's events) and the treasury. */
export async function formatSystemStatus(system: WeftSystem, book: AddressBook): Promise<string> {
  const parameters = new Table({ head: ["parameter", "value"] });
  for (const [name, value] of Object.entries(await currentParameters(system)))
    parameters.push([name, value.toString()]);

  const holders = await roleHolders(system, book.deploymentBlock);
  const roles = new Table({ head: ["role", "holders"] });
  for (const [name, role] of Object.entries(Roles)) roles.push([name, holders.get(role)?.join("\n") ?? "(none)"]);

  const treasury = await system.TimelockController.getAddress();
  const funds = new Table({ head: ["treasury (timelock)", "balance"] });
  funds.push(["WEFT", ethers.formatEther(await system.ComputeToken.balanceOf(treasury))]);
  funds.push(["ETH", ethers.formatEther(await system.ComputeToken.runner!.provider!.getBalance(treasury))]);

  return [parameters.toString(), roles.toString(), funds.toString()].join("\n");
}

/** Current holders of every role: one log query for all grants, then a check that each grant still stands. */
async function roleHolders(system: WeftSystem, fromBlock: number): Promise<Map<bigint, string[]>> {
  const manager = system.AccessManager;
  const granted = await manager.queryFilter(manager.filters.RoleGranted(), fromBlock);
  const candidates = new Map<string, { role: bigint; account: string }>();
  for (const { args } of granted) {
    candidates.set(`${args.roleId}:${args.account}`, { role: args.roleId, account: args.account });
  }
  const holders = new Map<bigint, string[]>();
  for (const { role, account } of candidates.values()) {
    if (!(await manager.hasRole(role, account))[0]) continue;
    holders.set(role, [...(holders.get(role) ?? []), account]);
  }
  return holders;
}
