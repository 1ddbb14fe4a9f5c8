/**
 * Which job an indexed log is about. Every job event of the escrow names the job in its first indexed topic, and
 * every dispute event of the dispute manager in its second (after the dispute id), so an agent following the chain
 * routes each new log to the job it concerns without a call.
 */
import { toBigInt } from "ethers";

import { DisputeManager__factory } from "../../typechain-types/factories/contracts/disputes/DisputeManager__factory";
import { JobEscrow__factory } from "../../typechain-types/factories/contracts/market/JobEscrow__factory";
import type { ChainLog } from "./logs";

const escrowInterface = JobEscrow__factory.createInterface();
const disputesInterface = DisputeManager__factory.createInterface();

/** The escrow events about one job (JobDisputed included: it is how a job enters a dispute). */
export const JOB_EVENT_NAMES = [
  "JobCreated",
  "JobAccepted",
  "ResultSubmitted",
  "JobDisputed",
  "JobFinalized",
  "JobCancelled",
  "JobTimedOut",
  "DisputeResolved",
] as const;

const DISPUTE_EVENT_NAMES = [
  "DisputeOpened",
  "FraudProven",
  "ChildrenRevealed",
  "ChildChosen",
  "ChunkRevealed",
  "ArbitrationRequested",
  "DisputeSettled",
] as const;

const JOB_TOPICS = new Set(JOB_EVENT_NAMES.map((name) => escrowInterface.getEvent(name).topicHash));
const DISPUTE_TOPICS = new Set(DISPUTE_EVENT_NAMES.map((name) => disputesInterface.getEvent(name).topicHash));

/** The contracts whose logs are routed. */
export interface JobEventSources {
  readonly escrow: string;
  readonly disputeManager: string;
}

/** The job `log` is about, or undefined for a log about no single job (a parameter change, say). */
export function jobIdOf(log: ChainLog, sources: JobEventSources): bigint | undefined {
  const address = log.address.toLowerCase();
  if (address === sources.escrow.toLowerCase() && JOB_TOPICS.has(log.topics[0])) return toBigInt(log.topics[1]);
  if (address === sources.disputeManager.toLowerCase() && DISPUTE_TOPICS.has(log.topics[0])) {
    return toBigInt(log.topics[2]);
  }
  return undefined;
}
