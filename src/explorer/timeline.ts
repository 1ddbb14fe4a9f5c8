/** A job's events, and its disputes', as one line each in people's units. */
import { ethers } from "ethers";

import type { TokenUnits } from "../cli/flags";
import { disputeKindName, disputeStatusName } from "../chain/disputes";
import { formatAmount, formatWeft } from "../jobs/amounts";
import { formatUtc, shortAddress } from "../markdown";
import type { LedgerEvent } from "./ledger";

/** What `event` did, for the job page's timeline; `payment` is the job's payment token. */
export function summarize(event: LedgerEvent, payment: TokenUnits): string {
  const { args } = event;
  const paid = (key: string) => formatAmount(args[key] as bigint, payment);
  const weft = (key: string) => formatWeft(args[key] as bigint);
  switch (event.name) {
    case "JobCreated": {
      const provider = args.provider as string;
      const to = provider === ethers.ZeroAddress ? "open to any provider" : `directed to ${shortAddress(provider)}`;
      return `${shortAddress(args.client as string)} offers ${paid("payment")}, ${to}; submit by ${formatUtc(args.submitDeadline as bigint)}`;
    }
    case "JobAccepted":
      return `${shortAddress(args.provider as string)} accepted, locking ${weft("collateral")} of collateral`;
    case "ResultSubmitted":
      return `result submitted; the challenge window ends ${formatUtc(args.challengeEndsAt as bigint)}`;
    case "JobDisputed":
      return "a dispute froze the payment";
    case "JobFinalized":
      return `${paid("providerPayout")} paid to the provider, ${paid("fee")} protocol fee; receipt minted`;
    case "JobCancelled":
      return `cancelled; ${paid("refund")} refunded`;
    case "JobTimedOut":
      return `the provider missed the deadline: ${paid("refund")} refunded and ${weft("penalty")} penalty to the client`;
    case "DisputeResolved":
      return (args.providerAtFault as boolean)
        ? `provider at fault: ${paid("refund")} refunded to the client`
        : "no fault found: the job goes on";
    case "DisputeOpened":
      return `dispute ${args.disputeId} opened by ${shortAddress(args.challenger as string)} (${disputeKindName(Number(args.kind))}), bond ${weft("bond")}`;
    case "ChildrenRevealed":
      return `dispute ${args.disputeId}: the provider revealed node ${args.node}'s children`;
    case "ChildChosen":
      return `dispute ${args.disputeId}: the challenger chose node ${args.node}`;
    case "ChunkRevealed":
      return `dispute ${args.disputeId}: chunk ${args.chunkIndex} revealed`;
    case "FraudProven":
      return `dispute ${args.disputeId}: fraud proven at word ${args.wordIndex} (committed ${args.committedWord}, correct ${args.correctWord})`;
    case "ArbitrationRequested":
      return `dispute ${args.disputeId}: arbitration requested`;
    case "DisputeSettled":
      return `dispute ${args.disputeId} settled: ${settlement(event)}`;
    default:
      return event.name;
  }
}

/** How a DisputeSettled event ended its dispute. */
export function settlement(event: LedgerEvent): string {
  const { args } = event;
  const outcome = disputeStatusName(Number(args.outcome));
  const slashed = args.slashed as bigint;
  const bond = `bond to ${shortAddress(args.bondRecipient as string)}`;
  return slashed > 0n ? `${outcome}, ${formatWeft(slashed)} slashed, ${bond}` : `${outcome}, ${bond}`;
}
