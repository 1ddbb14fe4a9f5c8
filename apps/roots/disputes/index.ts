/**
 * What the dispute:* tasks do, one function each, over a connected system. Every request is checked against the
 * chain before a transaction is sent (the job's status and challenge window, the workload's checker, the result
 * itself, the bond, whose turn it is in the dispute, its deadline, the arbiter's role), so a refused request costs
 * nothing and says, in one line, what to do instead.
 *
 * The moves are the ones the agents make (ChallengeFollower for a challenger, DisputeResponder for a provider), made
 * here for one dispute at a time from the same pieces: the bisection helpers of commitments/bisection.ts, the
 * reference output of jobs/job-data.ts and the fraud proofs of disputes/proofs.ts and disputes/revealed-chunk.ts.
 */
export {
  DISPUTE_PATHS,
  type DisputeContext,
  disputeContext,
  type DisputePath,
  parseDisputeFlag,
  parseDisputePath,
  parseFault,
  parseJobFlag,
  parseStatusTarget,
  type StatusTarget,
} from "./context";
export { type Move, revealForDispute, stepDispute } from "./moves";
export { openDispute, type OpenDisputeRequest, type OpenedDispute } from "./open";
export { arbitrate, resolveDispute, type Settled } from "./settle";
export {
  type DisputeStatusReport,
  disputeStatusJson,
  formatDisputeStatus,
  formatMove,
  formatOpened,
  formatSettled,
  readDisputeStatus,
} from "./status";
