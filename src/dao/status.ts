import { textTable } from "../table";
import { ethers } from "ethers";

import { Roles } from "../../config/roles";
import type { AddressBook } from "../deploy/addressBook";
import type { WeftSystem } from "../deploy/system";
import { duration } from "../markdown";
import { readVotingPower, type Holding, type VotingPower } from "./distribution";
import { eventsSince } from "./events";
import { currentParameters } from "./governedParameters";
import type { Proposal, ProposalStatus } from "./governor";
import { providerOf } from "../chain/provider";

export function formatProposalStatus(proposal: Proposal, status: ProposalStatus): string {
  const table = textTable();
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
  const parameters = textTable({ head: ["parameter", "value"] });
  for (const [name, value] of Object.entries(await currentParameters(system)))
    parameters.push([name, value.toString()]);

  const holders = await roleHolders(system, book.deploymentBlock);
  const roles = textTable({ head: ["role", "holders"] });
  for (const [name, role] of Object.entries(Roles)) roles.push([name, holders.get(role)?.join("\n") ?? "(none)"]);

  const treasury = await system.TimelockController.getAddress();
  const funds = textTable({ head: ["treasury (timelock)", "balance"] });
  funds.push(["WEFT", ethers.formatEther(await system.ComputeToken.balanceOf(treasury))]);
  funds.push(["ETH", ethers.formatEther(await providerOf(system.ComputeToken).getBalance(treasury))]);

  const power = formatVotingPower(await readVotingPower(system, book));
  return [parameters.toString(), roles.toString(), funds.toString(), power].join("\n");
}

const weft = (wei: bigint) => Number(ethers.formatEther(wei)).toLocaleString("en-US", { maximumFractionDigits: 2 });
const percent = (bps: bigint) => `${(Number(bps) / 100).toFixed(2)}%`;
const who = (h: Holding) => (h.name === undefined ? h.address : `${h.name} (${h.address})`);

/** Who can vote and what passing a proposal takes, as tables. */
export function formatVotingPower(p: VotingPower): string {
  const { rule, council } = p;
  const rankings = [
    { head: "top holders by votes", list: p.topByVotes },
    { head: "top holders by balance", list: p.topByBalance },
  ].map(({ head, list }) => {
    const table = textTable({ head: [head, "WEFT", "of supply"] });
    for (const h of list) table.push([who(h), weft(h.amount), percent(h.bps)]);
    if (list.length === 0) table.push(["(none)", "", ""]);
    return table.toString();
  });

  const shares = textTable({ head: ["voting power", "WEFT", "of supply"] });
  shares.push(["total supply", weft(p.totalSupply), "100.00%"]);
  shares.push(["delegated (can vote now)", weft(p.delegated.amount), percent(p.delegated.bps)]);
  const treasuryVotes =
    p.treasuryDelegate === ethers.ZeroAddress ? "undelegated" : `delegated to ${p.treasuryDelegate}`;
  shares.push([`treasury (timelock, ${treasuryVotes})`, weft(p.treasury.amount), percent(p.treasury.bps)]);
  for (const v of p.vesting) {
    // A vesting wallet cannot delegate: its tokens vote only once released to the beneficiary.
    shares.push([`${v.allocation} vesting (${weft(v.releasable)} releasable now)`, weft(v.amount), percent(v.bps)]);
  }

  const passing = textTable({ head: ["to pass a proposal", ""] });
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
        new Date(Number(council.bootstrapEnd) * 1000).toISOString(),
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
