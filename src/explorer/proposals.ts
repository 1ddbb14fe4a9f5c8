/**
 * Proposals as the explorer shows them: the governor's state and votes (view calls), each call decoded, a parameter
 * change beside the parameter's value now and its bounds, the clock that matters in the proposal's state, and the
 * command that takes it its next step.
 */
import { ethers } from "ethers";

import type { WeftSystem } from "../deploy/system";
import { type ContractDirectory, decodeAction, describeAction } from "../dao/decode";
import { type ProposalStatus, proposalStatus } from "../dao/governor";
import type { ProposalAction as Call } from "../dao/governedParameters";
import { shortProposalId } from "../dao/proposals";
import { formatWeft } from "../jobs/amounts";
import { formatUtc } from "../markdown";
import type { Amount, Moment, ProposalAction, ProposalRow } from "./api";
import type { LedgerProposal } from "./ledger";
import { amountOf, type GovernedValue } from "./parameters";

const weft = (value: bigint): Amount => ({ raw: value.toString(), text: formatWeft(value) });
const moment = (unix: bigint): Moment => ({ unix: Number(unix), utc: formatUtc(unix) });

/** The calls a ProposalCreated event names. */
export function callsOf(proposal: LedgerProposal): Call[] {
  const { args } = proposal.created;
  // args[3] is `values`, which ethers shadows with Result.values().
  return (args.targets as string[]).map((target, i) => ({
    target,
    value: (args[3] as bigint[])[i],
    calldata: (args.calldatas as string[])[i],
  }));
}

/** One call decoded, with the parameter it sets (if it sets one) now and within its bounds. */
export function proposalAction(directory: ContractDirectory, governed: readonly GovernedValue[], call: Call) {
  const action: ProposalAction = { call: describeAction(directory, call) };
  const setter = governed.find(
    (g) => g.target === ethers.getAddress(call.target) && call.calldata.toLowerCase().startsWith(g.selector),
  );
  const decoded = setter === undefined ? undefined : decodeAction(directory, call);
  if (setter === undefined || decoded === undefined) return action;
  const { name, parameter, value, min, max } = setter;
  return {
    ...action,
    parameter: {
      name,
      current: amountOf(parameter, value),
      proposed: amountOf(parameter, decoded.call.args[0] as bigint),
      min: amountOf(parameter, min),
      max: amountOf(parameter, max),
    },
  };
}

/** The moment the proposal waits for in its state, and the command that moves it on. */
function nextStep(status: ProposalStatus, shortId: string, network: string): Pick<ProposalRow, "clock" | "command"> {
  const hardhat = (task: string, extra = "") => `npx hardhat ${task} --network ${network} --id ${shortId}${extra}`;
  switch (status.state) {
    case "Pending":
      return {
        clock: { label: "voting starts", at: moment(status.snapshot + 1n) },
        command: hardhat("dao:vote", " --support for"),
      };
    case "Active":
      return {
        clock: { label: "voting ends", at: moment(status.deadline) },
        command: hardhat("dao:vote", " --support for"),
      };
    case "Succeeded":
      return { clock: { label: "voting ended", at: moment(status.deadline) }, command: hardhat("dao:queue") };
    case "Queued":
      return { clock: { label: "executable", at: moment(status.eta) }, command: hardhat("dao:execute") };
    default:
      return { clock: { label: "voting ended", at: moment(status.deadline) } };
  }
}

/** Every proposal of the ledger, newest first, with the governor's view of it. */
export async function proposalRows(
  system: WeftSystem,
  directory: ContractDirectory,
  governed: readonly GovernedValue[],
  proposals: readonly LedgerProposal[],
  network: string,
): Promise<ProposalRow[]> {
  const rows = await Promise.all(
    proposals.map(async (proposal): Promise<ProposalRow> => {
      const status = await proposalStatus(system.ComputeGovernor, proposal.id);
      const shortId = shortProposalId(proposal.id);
      const { args } = proposal.created;
      return {
        id: proposal.id.toString(),
        shortId,
        description: args.description as string,
        proposer: args.proposer as string,
        state: status.state,
        actions: callsOf(proposal).map((call) => proposalAction(directory, governed, call)),
        votes: { for: weft(status.forVotes), against: weft(status.againstVotes), abstain: weft(status.abstainVotes) },
        quorum: status.quorum === 0n ? { raw: "0", text: "counted at the snapshot" } : weft(status.quorum),
        ...nextStep(status, shortId, network),
      };
    }),
  );
  return rows.reverse();
}
