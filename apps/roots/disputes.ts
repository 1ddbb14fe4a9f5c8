/**
 * What the dispute:* tasks do, one function each, over a connected system. Every request is checked against the
 * chain before a transaction is sent (the job's status and challenge window, the workload's checker, the result
 * itself, the bond, whose turn it is in the dispute, its deadline, the arbiter's role), so a refused request costs
 * nothing and says, in one line, what to do instead.
 *
 * The moves are the ones the agents make (ChallengeFollower for a challenger, DisputeResponder for a provider), made
 * here for one dispute at a time from the same pieces: the bisection helpers of commitments/bisection.ts, the
 * reference output of jobs/job-data.ts and the fraud proofs of ./proofs.ts and ./revealed-chunk.ts.
 */
import { formatEther, hexlify, type Signer } from "ethers";
import type { HardhatRuntimeEnvironment } from "hardhat/types";

import { isLocalNetwork } from "../../config/parameters";
import { Roles } from "../../config/roles";
import { chainTime } from "../../src/chain/clock";
import {
  bisectionSteps,
  disputeIdsOf,
  DisputeKind,
  disputeKindName,
  type DisputeRecord,
  DisputeStatus,
  disputeStatusName,
  isOpenDispute,
  isProviderTurn,
  readDispute,
  revealedChildrenAt,
  revealedChunk,
} from "../../src/chain/disputes";
import { committedTerms, type JobRecord, JobStatus, jobStatusName, readJob, readJobRecord } from "../../src/chain/jobs";
import {
  childNode,
  childToDispute,
  chunkIndexOfNode,
  isLeafNode,
  leafCountOf,
  proofFromSteps,
  revealedChildren,
} from "../../src/commitments/bisection";
import { ResultTree } from "../../src/commitments/result-tree";
import type { WeftSystem } from "../../src/deploy/system";
import { errorMessage, UserError } from "../../src/errors";
import { referenceOutput } from "../../src/jobs/job-data";
import { inputByteLength, inputRootOf } from "../../src/commitments/job-inputs";
import { formatMoment } from "../../src/jobs/status";
import { type ContentStoreConfig, fetchContent, fetchOutcome } from "../../src/store/factory";
import { checkResult } from "../../src/findings/checks/check-result";
import type { FindingBase, Verdict, WrongElementFinding, WrongPixelFinding } from "../../src/findings/verdict";
import { type DecodedJob, decodeJobParams } from "../../src/workloads/registry";
import { ensureBondAllowance } from "../../src/disputes/bond";
import { openedDisputeId } from "../../src/disputes/onchain-sink";
import { encodeFraudProof, proofCommitment } from "../../src/disputes/proofs";
import { checkRevealedChunk } from "../../src/disputes/revealed-chunk";
import { providerOf } from "../../src/chain/provider";

type Contracts = Pick<WeftSystem, "AccessManager" | "DisputeManager" | "JobEscrow" | "ComputeToken">;

/** Everything a dispute command needs: the contracts, who sends, and where to read from. */
export interface DisputeContext {
  readonly system: Contracts;
  readonly signer: Signer;
  /** Where job and dispute events are searched from (the deployment block). */
  readonly deploymentBlock: number;
  readonly fetchConfig?: ContentStoreConfig;
  /** The network's name, for the commands a message suggests. */
  readonly network?: string;
  /**
   * Mines one block (local networks: evm_mine). A proof is revealed in a later block than its commit; a local node
   * that mines only on transactions would otherwise never produce one.
   */
  readonly mineBlock?: () => Promise<unknown>;
  /** How often to look for a new block while waiting for one, in milliseconds (default 2,000). */
  readonly pollMs?: number;
  /** How long to wait for a new block before giving up, in milliseconds (default 300,000). */
  readonly blockTimeoutMs?: number;
}

/** The context of a task: the connected system, the signer, the store's gateway and, on local networks, a miner. */
export function disputeContext(
  hre: HardhatRuntimeEnvironment,
  loaded: { readonly system: Contracts; readonly signer: Signer; readonly book: { readonly deploymentBlock: number } },
  fetchConfig?: ContentStoreConfig,
): DisputeContext {
  return {
    system: loaded.system,
    signer: loaded.signer,
    deploymentBlock: loaded.book.deploymentBlock,
    fetchConfig,
    network: hre.network.name,
    mineBlock: isLocalNetwork(hre.network.name) ? () => hre.network.provider.send("evm_mine", []) : undefined,
  };
}

// ---------------------------------------------------------------- command-line values

export const DISPUTE_PATHS = ["proof", "withheld", "arbitration"] as const;
export type DisputePath = (typeof DISPUTE_PATHS)[number];

export function parseDisputePath(text: string): DisputePath {
  const path = DISPUTE_PATHS.find((p) => p === text);
  if (path === undefined) throw new UserError(`--path must be one of ${DISPUTE_PATHS.join(", ")}; got "${text}".`);
  return path;
}

/** A --job id given on the command line. */
export function parseJobFlag(text: string): bigint {
  if (!/^\d+$/.test(text) || BigInt(text) === 0n) {
    throw new UserError(`--job must be a job id (1, 2, ...); got "${text}". List jobs with npx hardhat job:status.`);
  }
  return BigInt(text);
}

/** A --dispute id given on the command line. */
export function parseDisputeFlag(text: string): bigint {
  if (!/^\d+$/.test(text) || BigInt(text) === 0n) {
    throw new UserError(
      `--dispute must be a dispute id (1, 2, ...); got "${text}". List a job's disputes with npx hardhat dispute:status --job <id>.`,
    );
  }
  return BigInt(text);
}

/** --fault yes|no: whether the provider is at fault. */
export function parseFault(text: string): boolean {
  if (text !== "yes" && text !== "no") throw new UserError(`--fault must be yes or no; got "${text}".`);
  return text === "yes";
}

/** What dispute:status shows: every dispute of a job, or one dispute. */
export type StatusTarget = { readonly jobId: bigint } | { readonly disputeId: bigint };

export function parseStatusTarget(job: string | undefined, dispute: string | undefined): StatusTarget {
  if ((job === undefined) === (dispute === undefined)) {
    throw new UserError("Pass either --job <id> (every dispute of a job) or --dispute <id> (one dispute).");
  }
  return job !== undefined ? { jobId: parseJobFlag(job) } : { disputeId: parseDisputeFlag(dispute!) };
}

// ---------------------------------------------------------------- reading

function command(ctx: DisputeContext, task: string, args: string): string {
  return `npx hardhat ${task} ${args}${ctx.network === undefined ? "" : ` --network ${ctx.network}`}`;
}

/** " at <uri> (<why>)", or ": <why>" when the store's message names the URI already. */
function readFailure(uri: string, error: unknown): string {
  const why = errorMessage(error);
  return why.includes(uri) ? `: ${why}` : ` at ${uri} (${why})`;
}

/** Dispute `id`, or a refusal if it does not exist. */
async function requireDispute(ctx: DisputeContext, id: bigint): Promise<DisputeRecord> {
  const dispute = await readDispute(ctx.system.DisputeManager, id);
  if (dispute.status === DisputeStatus.None) {
    const count = await ctx.system.DisputeManager.disputeCount();
    throw new UserError(
      `Dispute ${id} does not exist (${count} disputes have been opened). List a job's disputes with ${command(ctx, "dispute:status", "--job <id>")}.`,
    );
  }
  return dispute;
}

/** Refuses an ended dispute; `what` ends the sentence ("nothing to resolve"). */
function requireOpen(dispute: DisputeRecord, what: string): void {
  if (!isOpenDispute(dispute.status)) {
    throw new UserError(`Dispute ${dispute.id} has ended (${disputeStatusName(dispute.status)}): ${what}.`);
  }
}

/** Refuses a move in a dispute whose job another dispute has slashed: it can only end Moot. */
function requireJobNotSlashed(ctx: DisputeContext, dispute: DisputeRecord, record: JobRecord): void {
  if (record.job.status === JobStatus.Slashed) {
    throw new UserError(
      `Job ${dispute.jobId} was slashed by another dispute: end dispute ${dispute.id} as Moot (its bond goes back to ` +
        `its challenger) with ${command(ctx, "dispute:resolve", `--dispute ${dispute.id}`)}.`,
    );
  }
}

/** Refuses a move after the dispute's current deadline. */
function requireBeforeDeadline(ctx: DisputeContext, dispute: DisputeRecord, now: bigint): void {
  if (now >= dispute.deadline) {
    throw new UserError(
      `Dispute ${dispute.id}'s deadline passed ${formatMoment(dispute.deadline, now)}: no move is left; end it with ` +
        `${command(ctx, "dispute:resolve", `--dispute ${dispute.id}`)}.`,
    );
  }
}

/** The chunk index of the leaf a withheld-data dispute has reached. */
function chunkOf(dispute: DisputeRecord): number {
  return chunkIndexOfNode(dispute.node, leafCountOf(dispute.totalWords));
}

/** Who moves next in an open dispute, and what the move is. */
interface Turn {
  readonly actor: "provider" | "challenger" | "anyone" | "arbiter";
  readonly action: string;
}

function turnOf(dispute: DisputeRecord): Turn {
  switch (dispute.status) {
    case DisputeStatus.AwaitingProof:
      return { actor: "challenger", action: "reveal its committed proof" };
    case DisputeStatus.AwaitingChildren:
      return { actor: "provider", action: `reveal the children of node ${dispute.node}` };
    case DisputeStatus.AwaitingChoice:
      return { actor: "challenger", action: `name the child of node ${dispute.node} it disputes` };
    case DisputeStatus.AwaitingChunk:
      return { actor: "provider", action: `reveal chunk ${chunkOf(dispute)}` };
    case DisputeStatus.ChunkRevealed:
      return { actor: "anyone", action: `prove a word of the revealed chunk ${chunkOf(dispute)} wrong` };
    default:
      return { actor: "arbiter", action: "rule" };
  }
}

function actorName(turn: Turn, dispute: DisputeRecord, provider: string): string {
  switch (turn.actor) {
    case "provider":
      return `the provider (${provider})`;
    case "challenger":
      return `the challenger (${dispute.challenger})`;
    case "anyone":
      return "anyone";
    case "arbiter":
      return "the arbiter (ARBITER role)";
  }
}

/** What ending dispute `dispute` at its deadline decides. */
function outcomeAtDeadline(dispute: DisputeRecord): string {
  return isProviderTurn(dispute.status) ? "the provider is slashed" : "the bond goes to the provider";
}

const OUTCOMES: Partial<Record<number, string>> = {
  [DisputeStatus.ProviderAtFault]: "the provider was slashed and the bond went back to the challenger",
  [DisputeStatus.NoFault]: "no fault: the bond went to the provider",
  [DisputeStatus.Moot]: "another dispute of the job proved the fault first: the bond went back to the challenger",
};

// ---------------------------------------------------------------- the job's data

function decodeJob(record: JobRecord): DecodedJob {
  try {
    return decodeJobParams(record.created.workloadId, record.created.params);
  } catch (error) {
    throw new UserError(`Job ${record.job.id}'s workload cannot be checked off-chain: ${errorMessage(error)}.`);
  }
}

/** Checks job `record`'s result as the verifier does (every pixel of a tile). */
async function checkJob(ctx: DisputeContext, record: JobRecord, job: DecodedJob): Promise<Verdict> {
  const { created, submitted } = record;
  return checkResult(
    {
      jobId: record.job.id,
      job,
      inputRoot: created.inputRoot,
      resultRoot: record.job.resultRoot,
      inputs:
        inputByteLength(job) > 0
          ? await fetchOutcome(created.inputURI, ctx.fetchConfig)
          : { ok: true, bytes: new Uint8Array(0) },
      output:
        submitted === undefined
          ? { ok: false, error: "no result submitted" }
          : await fetchOutcome(submitted.resultURI, ctx.fetchConfig),
    },
    { mandelbrot: { full: true } },
  );
}

function refuseUncheckable(
  id: bigint,
  verdict: Verdict,
): asserts verdict is Exclude<Verdict, { verdict: "inputs-unverifiable" }> {
  if (verdict.verdict === "inputs-unverifiable") {
    throw new UserError(
      `Job ${id} cannot be checked (${verdict.reason}); that is the client's fault, not the provider's.`,
    );
  }
}

/** The wrong element or pixel of job `record`'s result, or a refusal saying why there is none to prove. */
async function wrongWord(
  ctx: DisputeContext,
  record: JobRecord,
  job: DecodedJob,
): Promise<WrongElementFinding | WrongPixelFinding> {
  const id = record.job.id;
  const verdict = await checkJob(ctx, record, job);
  if (verdict.verdict === "valid") throw new UserError(`Job ${id}'s result checks out: there is no fraud to prove.`);
  refuseUncheckable(id, verdict);
  const { finding } = verdict;
  if (finding.kind !== "wrong-element" && finding.kind !== "wrong-pixel") {
    throw new UserError(`Job ${id}'s output is unusable (${finding.kind}): use --path withheld.`);
  }
  return finding;
}

function wordOf(finding: WrongElementFinding | WrongPixelFinding): number {
  return finding.kind === "wrong-element" ? finding.wordIndex : finding.pixelIndex;
}

/** The job's inputs, checked against its input root (what recomputing the correct output needs). */
async function jobInputs(ctx: DisputeContext, record: JobRecord, job: DecodedJob): Promise<Uint8Array> {
  if (inputByteLength(job) === 0) return new Uint8Array(0);
  const { id } = record.job;
  const uri = record.created.inputURI;
  let inputs: Uint8Array;
  try {
    inputs = await fetchContent(uri, ctx.fetchConfig);
  } catch (error) {
    throw new UserError(
      `Cannot read job ${id}'s inputs${readFailure(uri, error)}; the correct output is recomputed from them.`,
    );
  }
  let root: string | undefined;
  try {
    root = inputRootOf(job, inputs);
  } catch {
    root = undefined;
  }
  if (root !== record.created.inputRoot) {
    throw new UserError(`The inputs at ${uri} do not match job ${id}'s input root ${record.created.inputRoot}.`);
  }
  return inputs;
}

function findingBase(record: JobRecord, job: DecodedJob): FindingBase {
  return {
    jobId: record.job.id.toString(),
    workload: job.name,
    params: record.created.params,
    inputRoot: record.created.inputRoot,
    resultRoot: record.job.resultRoot,
  };
}

// ---------------------------------------------------------------- bond and blocks

/** Refuses a challenger that cannot pay the bond (nothing is sent). */
async function requireBond(ctx: DisputeContext, challenger: string): Promise<bigint> {
  const bond = await ctx.system.DisputeManager.bond();
  const balance = await ctx.system.ComputeToken.balanceOf(challenger);
  if (balance < bond) {
    throw new UserError(`The bond is ${formatEther(bond)} WEFT and ${challenger} holds ${formatEther(balance)} WEFT.`);
  }
  return bond;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Waits until the latest block is later than `committedAt` (the proof's commit), so a reveal lands, and is
 * estimated, in a later block than its commit. A local node that mines only on transactions is asked for a block.
 */
async function waitForBlockAfter(ctx: DisputeContext, dispute: DisputeRecord, committedAt: bigint): Promise<void> {
  const provider = providerOf(ctx.signer);
  const timeoutMs = ctx.blockTimeoutMs ?? 300_000;
  const started = Date.now();
  while ((await chainTime(provider)) <= committedAt) {
    if (Date.now() - started >= timeoutMs) {
      throw new UserError(
        `No block came after dispute ${dispute.id}'s commit within ${timeoutMs / 1000} s; reveal its proof before ` +
          `${formatMoment(dispute.deadline, committedAt)} with ${command(ctx, "dispute:step", `--dispute ${dispute.id}`)}.`,
      );
    }
    if (ctx.mineBlock !== undefined) await ctx.mineBlock();
    else await sleep(ctx.pollMs ?? 2_000);
  }
}

/** Reveals the proof committed in `dispute` (once a later block has come); returns the transaction's hash. */
async function revealCommittedProof(
  ctx: DisputeContext,
  dispute: DisputeRecord,
  record: JobRecord,
  proof: string,
): Promise<string> {
  await waitForBlockAfter(ctx, dispute, dispute.deadline - dispute.challengerTime);
  const tx = await ctx.system.DisputeManager.connect(ctx.signer).revealProof(
    dispute.id,
    committedTerms(record.job),
    record.created.params,
    proof,
  );
  return (await tx.wait())!.hash;
}

// ---------------------------------------------------------------- dispute:open

export interface OpenDisputeRequest {
  readonly jobId: bigint;
  readonly path: DisputePath;
  /** arbitration: where the arbiter finds the evidence. */
  readonly evidenceURI?: string;
}

export type OpenedDispute =
  | {
      readonly path: "proof";
      readonly disputeId: bigint;
      readonly jobId: bigint;
      readonly commitTx: string;
      readonly revealTx: string;
      /** The output word proven wrong. */
      readonly wordIndex: number;
    }
  | {
      readonly path: "withheld" | "arbitration";
      readonly disputeId: bigint;
      readonly jobId: bigint;
      readonly tx: string;
      /** Who moves first and by when (the provider in a bisection, the arbiter in arbitration). */
      readonly next: string;
    };

/**
 * Opens a dispute on a Submitted (or already Disputed) job inside its challenge window. The proof path checks the
 * whole result as the verifier does and refuses when there is no wrong element or pixel to prove; otherwise it
 * commits to the proof, waits for a later block and reveals it. The withheld path refuses a result that checks out
 * (the bisection would end at a correct chunk and cost the bond) and opens the bisection, which dispute:step plays.
 */
export async function openDispute(ctx: DisputeContext, request: OpenDisputeRequest): Promise<OpenedDispute> {
  const { jobId, path } = request;
  if (path === "arbitration" && !request.evidenceURI) {
    throw new UserError("--path arbitration needs --evidence <uri>.");
  }
  const { system, signer, deploymentBlock } = ctx;
  const record = await readJobRecord(system.JobEscrow, jobId, deploymentBlock);
  const { job } = record;
  if (job.status !== JobStatus.Submitted && job.status !== JobStatus.Disputed) {
    throw new UserError(
      `Job ${jobId} is ${jobStatusName(job.status)}; only a Submitted or Disputed job can be disputed.`,
    );
  }
  const now = await chainTime(providerOf(signer));
  if (now >= job.deadline) {
    throw new UserError(`Job ${jobId}'s challenge window closed ${formatMoment(job.deadline, now)}.`);
  }
  const hasChecker = (await system.DisputeManager.checker(job.workloadId)) !== "0x" + "0".repeat(40);
  if (path === "arbitration" && hasChecker) {
    throw new UserError(`Job ${jobId}'s workload has an on-chain checker: use --path proof or --path withheld.`);
  }
  if (path !== "arbitration" && !hasChecker) {
    throw new UserError(`Job ${jobId}'s workload has no on-chain checker: use --path arbitration --evidence <uri>.`);
  }
  const challenger = await signer.getAddress();
  for (const earlier of await disputeIdsOf(system.DisputeManager, jobId, deploymentBlock, challenger)) {
    const dispute = await readDispute(system.DisputeManager, earlier);
    if (isOpenDispute(dispute.status)) {
      throw new UserError(
        `${challenger} already has dispute ${earlier} open on job ${jobId} (${disputeKindName(dispute.kind)}, ` +
          `${disputeStatusName(dispute.status)}): play it with ${command(ctx, "dispute:step", `--dispute ${earlier}`)}.`,
      );
    }
  }
  const bond = await requireBond(ctx, challenger);
  const disputes = system.DisputeManager.connect(signer);
  const terms = committedTerms(job);

  if (path === "arbitration") {
    await ensureBondAllowance(ctx.system, ctx.signer, bond);
    const receipt = (await (await disputes.disputeForArbitration(jobId, terms, request.evidenceURI!)).wait())!;
    const disputeId = openedDisputeId(system.DisputeManager, receipt);
    return { path, disputeId, jobId, tx: receipt.hash, next: await nextOf(ctx, disputeId, job.provider) };
  }

  const decoded = decodeJob(record);
  if (path === "withheld") {
    const verdict = await checkJob(ctx, record, decoded);
    if (verdict.verdict === "valid") {
      throw new UserError(
        `Job ${jobId}'s result checks out: a bisection would end at a correct chunk and the bond would go to the provider.`,
      );
    }
    refuseUncheckable(jobId, verdict);
    await ensureBondAllowance(ctx.system, ctx.signer, bond);
    const receipt = (await (await disputes.disputeWithheld(jobId, terms, record.created.params)).wait())!;
    const disputeId = openedDisputeId(system.DisputeManager, receipt);
    return { path, disputeId, jobId, tx: receipt.hash, next: await nextOf(ctx, disputeId, job.provider) };
  }

  const finding = await wrongWord(ctx, record, decoded);
  const proof = encodeFraudProof(finding);
  await ensureBondAllowance(ctx.system, ctx.signer, bond);
  const receipt = (await (await disputes.commitProof(jobId, terms, proofCommitment(challenger, jobId, proof))).wait())!;
  const disputeId = openedDisputeId(system.DisputeManager, receipt);
  const dispute = await readDispute(system.DisputeManager, disputeId);
  let revealTx: string;
  try {
    revealTx = await revealCommittedProof(ctx, dispute, record, proof);
  } catch (error) {
    if (error instanceof UserError) throw error;
    throw new UserError(
      `The proof is committed in dispute ${disputeId} (tx ${receipt.hash}) but its reveal failed: ${errorMessage(error)}. ` +
        `Reveal it before ${formatMoment(dispute.deadline, now)} with ${command(ctx, "dispute:step", `--dispute ${disputeId}`)}.`,
    );
  }
  return { path, disputeId, jobId, commitTx: receipt.hash, revealTx, wordIndex: wordOf(finding) };
}

// ---------------------------------------------------------------- dispute:step and dispute:reveal

/** A move made: what it was, its transaction, and what the dispute waits for now. */
export interface Move {
  readonly disputeId: bigint;
  readonly jobId: bigint;
  readonly did: string;
  readonly tx: string;
  readonly next: string;
}

/** What dispute `id` waits for now, in a sentence for people. */
async function nextOf(ctx: DisputeContext, id: bigint, provider: string): Promise<string> {
  const dispute = await readDispute(ctx.system.DisputeManager, id);
  if (!isOpenDispute(dispute.status)) return `The dispute ended: ${OUTCOMES[dispute.status]}.`;
  const now = await chainTime(providerOf(ctx.signer));
  const turn = turnOf(dispute);
  return `Next: ${actorName(turn, dispute, provider)} to ${turn.action}, by ${formatMoment(dispute.deadline, now)}.`;
}

/** The dispute, its job and the chain time, for a move; refuses an ended dispute or one past its deadline. */
async function moveContext(
  ctx: DisputeContext,
  id: bigint,
): Promise<{ dispute: DisputeRecord; record: JobRecord; now: bigint; me: string }> {
  const dispute = await requireDispute(ctx, id);
  requireOpen(dispute, "there is no move to make");
  const record = await readJobRecord(ctx.system.JobEscrow, dispute.jobId, ctx.deploymentBlock);
  requireJobNotSlashed(ctx, dispute, record);
  const now = await chainTime(providerOf(ctx.signer));
  requireBeforeDeadline(ctx, dispute, now);
  return { dispute, record, now, me: await ctx.signer.getAddress() };
}

/** Refuses a caller that is not the one whose turn it is. */
function requireActor(dispute: DisputeRecord, record: JobRecord, now: bigint, me: string): void {
  const turn = turnOf(dispute);
  const expected = turn.actor === "provider" ? record.job.provider : dispute.challenger;
  if (me.toLowerCase() === expected.toLowerCase()) return;
  throw new UserError(
    `Dispute ${dispute.id} waits for ${actorName(turn, dispute, record.job.provider)} to ${turn.action}, by ` +
      `${formatMoment(dispute.deadline, now)}; ${me} has no move in it now.`,
  );
}

/** The provider's move: the children of the disputed node, or its chunk, from the output at `resultURI`. */
async function providerMove(
  ctx: DisputeContext,
  dispute: DisputeRecord,
  record: JobRecord,
  resultURI: string | undefined,
): Promise<Move> {
  const { id, jobId, node } = dispute;
  // A disputed job has a submitted result.
  const uri = resultURI ?? record.submitted!.resultURI;
  let output: Uint8Array;
  try {
    output = await fetchContent(uri, ctx.fetchConfig);
  } catch (error) {
    throw new UserError(
      `Cannot read the output to reveal${readFailure(uri, error)}; pass --result-uri where job ${jobId}'s output is.`,
    );
  }
  let tree: ResultTree | undefined;
  try {
    tree = new ResultTree(output);
  } catch {
    tree = undefined;
  }
  if (tree?.root !== record.job.resultRoot) {
    throw new UserError(
      `The output at ${uri} is not the one job ${jobId} committed to (root ${record.job.resultRoot}); pass --result-uri where that output is.`,
    );
  }
  const disputes = ctx.system.DisputeManager.connect(ctx.signer);
  const terms = committedTerms(record.job);
  let did: string;
  let tx: string;
  if (dispute.status === DisputeStatus.AwaitingChildren) {
    const { left, right } = revealedChildren(tree, node);
    tx = (await (await disputes.revealChildren(id, terms, left, right)).wait())!.hash;
    did = `revealed the children of node ${node}`;
  } else {
    const chunkIndex = chunkOf(dispute);
    tx = (await (await disputes.revealChunk(id, terms, tree.chunk(chunkIndex))).wait())!.hash;
    did = `revealed chunk ${chunkIndex}`;
  }
  return { disputeId: id, jobId, did, tx, next: await nextOf(ctx, id, record.job.provider) };
}

/** The challenger's move at a node: the child whose revealed hash differs from the correct output's tree. */
async function chooseChild(ctx: DisputeContext, dispute: DisputeRecord, record: JobRecord, now: bigint): Promise<Move> {
  const { id, jobId, node } = dispute;
  const job = decodeJob(record);
  const correct = new ResultTree(await referenceOutput(job, await jobInputs(ctx, record, job)));
  const children = await revealedChildrenAt(ctx.system.DisputeManager, id, node, ctx.deploymentBlock);
  const disputeRight = childToDispute(correct, node, children);
  if (disputeRight === undefined) {
    throw new UserError(
      `Both children the provider revealed at node ${node} of dispute ${id} are correct: this dispute cannot be won; ` +
        `at its deadline ${formatMoment(dispute.deadline, now)} the bond goes to the provider.`,
    );
  }
  const tx = await ctx.system.DisputeManager.connect(ctx.signer).chooseChild(
    id,
    children.left,
    children.right,
    disputeRight,
  );
  const hash = (await tx.wait())!.hash;
  const side = disputeRight ? "right" : "left";
  return {
    disputeId: id,
    jobId,
    did: `disputed the ${side} child of node ${node} (node ${childNode(node, disputeRight)})`,
    tx: hash,
    next: await nextOf(ctx, id, record.job.provider),
  };
}

/** The challenger's move in the proof path: reveals the proof it committed to, recomputed from the job's data. */
async function revealProofMove(ctx: DisputeContext, dispute: DisputeRecord, record: JobRecord): Promise<Move> {
  const { id, jobId } = dispute;
  const finding = await wrongWord(ctx, record, decodeJob(record));
  const proof = encodeFraudProof(finding);
  if (proofCommitment(dispute.challenger, jobId, proof) !== dispute.hash) {
    throw new UserError(
      `The proof of word ${wordOf(finding)} found in job ${jobId} is not the one dispute ${id} committed to, so it ` +
        `cannot be revealed there; at the deadline the bond goes to the provider.`,
    );
  }
  const tx = await revealCommittedProof(ctx, dispute, record, proof);
  return {
    disputeId: id,
    jobId,
    did: `revealed the proof that word ${wordOf(finding)} is wrong`,
    tx,
    next: await nextOf(ctx, id, record.job.provider),
  };
}

/** Anyone's move after a chunk is revealed: proves a word of it wrong, or refuses if every word is right. */
async function proveChunkWrong(
  ctx: DisputeContext,
  dispute: DisputeRecord,
  record: JobRecord,
  now: bigint,
): Promise<Move> {
  const { id, jobId } = dispute;
  const { system, deploymentBlock } = ctx;
  const job = decodeJob(record);
  const inputs = await jobInputs(ctx, record, job);
  const { chunkIndex, chunk } = await revealedChunk(system.DisputeManager, id, deploymentBlock);
  const proof = proofFromSteps(await bisectionSteps(system.DisputeManager, id, deploymentBlock));
  const wrong = checkRevealedChunk(findingBase(record, job), job, inputs, { chunkIndex, chunk: hexlify(chunk), proof });
  if (wrong === undefined) {
    throw new UserError(
      `Chunk ${chunkIndex} revealed in dispute ${id} checks out: there is nothing to prove; after ` +
        `${formatMoment(dispute.deadline, now)} the bond goes to the provider.`,
    );
  }
  const tx = await system.DisputeManager.connect(ctx.signer).proveChunkWrong(
    id,
    committedTerms(record.job),
    record.created.params,
    encodeFraudProof(wrong),
  );
  return {
    disputeId: id,
    jobId,
    did: `proved word ${wordOf(wrong)} of the revealed chunk ${chunkIndex} wrong`,
    tx: (await tx.wait())!.hash,
    next: await nextOf(ctx, id, record.job.provider),
  };
}

/**
 * Makes the caller's next move in dispute `id`: the challenger reveals its committed proof or names the child it
 * disputes (recomputing the correct output from the job's inputs); the provider reveals children or the chunk from
 * its output (`resultURI`, default the submitted one); anyone proves a revealed chunk wrong if it is.
 */
export async function stepDispute(ctx: DisputeContext, id: bigint, resultURI?: string): Promise<Move> {
  const { dispute, record, now, me } = await moveContext(ctx, id);
  switch (dispute.status) {
    case DisputeStatus.AwaitingRuling:
      throw new UserError(
        `Dispute ${id} waits for the arbiter's ruling, by ${formatMoment(dispute.deadline, now)}: an ARBITER runs ` +
          `${command(ctx, "dispute:arbitrate", `--dispute ${id} --fault yes|no`)}.`,
      );
    case DisputeStatus.ChunkRevealed:
      return proveChunkWrong(ctx, dispute, record, now);
    case DisputeStatus.AwaitingChildren:
    case DisputeStatus.AwaitingChunk:
      requireActor(dispute, record, now, me);
      return providerMove(ctx, dispute, record, resultURI);
    case DisputeStatus.AwaitingChoice:
      requireActor(dispute, record, now, me);
      return chooseChild(ctx, dispute, record, now);
    default:
      requireActor(dispute, record, now, me);
      return revealProofMove(ctx, dispute, record);
  }
}

/** The provider's manual move in dispute `id`: reveals the children or the chunk asked for, from `resultURI`. */
export async function revealForDispute(ctx: DisputeContext, id: bigint, resultURI?: string): Promise<Move> {
  const dispute = await requireDispute(ctx, id);
  if (!isProviderTurn(dispute.status)) {
    throw new UserError(`Dispute ${id} is ${disputeStatusName(dispute.status)}; there is nothing to reveal.`);
  }
  const { record, now, me } = await moveContext(ctx, id);
  requireActor(dispute, record, now, me);
  return providerMove(ctx, dispute, record, resultURI);
}

// ---------------------------------------------------------------- dispute:resolve, dispute:arbitrate

export interface Settled {
  readonly disputeId: bigint;
  readonly jobId: bigint;
  readonly tx: string;
  /** The dispute's final status and what it meant. */
  readonly status: string;
  readonly outcome: string;
}

async function settled(ctx: DisputeContext, dispute: DisputeRecord, tx: string): Promise<Settled> {
  const { status } = await readDispute(ctx.system.DisputeManager, dispute.id);
  return {
    disputeId: dispute.id,
    jobId: dispute.jobId,
    tx,
    status: disputeStatusName(status),
    outcome: OUTCOMES[status] ?? "",
  };
}

/**
 * Ends dispute `id` once its deadline has passed (the side whose turn it was loses), or at any time as Moot when
 * another dispute has slashed its job.
 */
export async function resolveDispute(ctx: DisputeContext, id: bigint): Promise<Settled> {
  const dispute = await requireDispute(ctx, id);
  requireOpen(dispute, "nothing to resolve");
  const record = await readJobRecord(ctx.system.JobEscrow, dispute.jobId, ctx.deploymentBlock);
  const now = await chainTime(providerOf(ctx.signer));
  if (record.job.status !== JobStatus.Slashed && now < dispute.deadline) {
    throw new UserError(
      `Dispute ${id}'s deadline is ${formatMoment(dispute.deadline, now)}; resolve after it (then ${outcomeAtDeadline(dispute)}).`,
    );
  }
  const tx = await ctx.system.DisputeManager.connect(ctx.signer).resolve(id, committedTerms(record.job));
  return settled(ctx, dispute, (await tx.wait())!.hash);
}

/** The arbiter's ruling on dispute `id`. */
export async function arbitrate(ctx: DisputeContext, id: bigint, providerAtFault: boolean): Promise<Settled> {
  const dispute = await requireDispute(ctx, id);
  if (dispute.status !== DisputeStatus.AwaitingRuling) {
    throw new UserError(`Dispute ${id} is ${disputeStatusName(dispute.status)}, not awaiting a ruling.`);
  }
  const record = await readJobRecord(ctx.system.JobEscrow, dispute.jobId, ctx.deploymentBlock);
  requireJobNotSlashed(ctx, dispute, record);
  const now = await chainTime(providerOf(ctx.signer));
  if (now >= dispute.deadline) {
    throw new UserError(
      `Dispute ${id}'s ruling was due ${formatMoment(dispute.deadline, now)}: a silent arbiter rules for the provider; ` +
        `end it with ${command(ctx, "dispute:resolve", `--dispute ${id}`)}.`,
    );
  }
  const arbiter = await ctx.signer.getAddress();
  const [isArbiter] = await ctx.system.AccessManager.hasRole(Roles.ARBITER, arbiter);
  if (!isArbiter) throw new UserError(`${arbiter} does not hold the ARBITER role; the DAO grants it.`);
  const tx = await ctx.system.DisputeManager.connect(ctx.signer).arbitrate(
    id,
    committedTerms(record.job),
    providerAtFault,
  );
  return settled(ctx, dispute, (await tx.wait())!.hash);
}

// ---------------------------------------------------------------- dispute:status

function clockLines(dispute: DisputeRecord, now: bigint): string[] {
  const left = (seconds: bigint) => `${seconds > 0n ? seconds : 0n} s left`;
  const running = dispute.deadline - now;
  const provider = isProviderTurn(dispute.status) ? `${left(running)} (running)` : left(dispute.providerTime);
  const challenger =
    dispute.status === DisputeStatus.AwaitingChoice ? `${left(running)} (running)` : left(dispute.challengerTime);
  return [`  provider clock    ${provider}`, `  challenger clock  ${challenger}`];
}

function nodeLine(dispute: DisputeRecord): string {
  const leaves = leafCountOf(dispute.totalWords);
  const where = isLeafNode(dispute.node, leaves)
    ? `the leaf of chunk ${chunkOf(dispute)}`
    : dispute.node === 0
      ? "the root"
      : "an inner node";
  return `  node              ${dispute.node}, ${where}, of a ${dispute.totalWords}-word output in ${leaves} chunks`;
}

/** One dispute, in lines for people. */
function formatOne(dispute: DisputeRecord, provider: string, now: bigint): string[] {
  const lines = [
    `Dispute ${dispute.id} on job ${dispute.jobId}: ${disputeKindName(dispute.kind)}, ${disputeStatusName(dispute.status)}`,
    `  challenger        ${dispute.challenger}`,
    `  bond              ${formatEther(dispute.bond)} WEFT`,
  ];
  if (!isOpenDispute(dispute.status)) return [...lines, `  outcome           ${OUTCOMES[dispute.status] ?? ""}`];
  const turn = turnOf(dispute);
  const when = formatMoment(dispute.deadline, now);
  lines.push(
    now < dispute.deadline
      ? `  turn              ${actorName(turn, dispute, provider)}: ${turn.action}, by ${when}`
      : `  turn              over: the deadline passed ${when}; dispute:resolve ends it (${outcomeAtDeadline(dispute)})`,
  );
  if (dispute.kind === DisputeKind.Proof) {
    lines.push(`  committed         ${formatMoment(dispute.deadline - dispute.challengerTime, now)}`);
  }
  if (dispute.kind === DisputeKind.Withheld) lines.push(nodeLine(dispute), ...clockLines(dispute, now));
  return lines;
}

/** Every dispute of a job, or one dispute, in lines for people. */
export async function formatDisputeStatus(ctx: DisputeContext, target: StatusTarget, now: bigint): Promise<string> {
  const { system, deploymentBlock } = ctx;
  if ("disputeId" in target) {
    const dispute = await requireDispute(ctx, target.disputeId);
    const job = await readJob(system.JobEscrow, dispute.jobId, deploymentBlock);
    return formatOne(dispute, job.provider, now).join("\n");
  }
  const job = await readJob(system.JobEscrow, target.jobId, deploymentBlock);
  const ids = await disputeIdsOf(system.DisputeManager, target.jobId, deploymentBlock);
  if (ids.length === 0) return `Job ${target.jobId} has never been disputed.`;
  const disputes = await Promise.all(ids.map((id) => readDispute(system.DisputeManager, id)));
  const open = disputes.filter((d) => isOpenDispute(d.status)).length;
  const header = `Job ${target.jobId} (${jobStatusName(job.status)}): ${ids.length} dispute${ids.length === 1 ? "" : "s"}, ${open} open`;
  return [header, ...disputes.flatMap((d) => ["", ...formatOne(d, job.provider, now)])].join("\n");
}

// ---------------------------------------------------------------- what the tasks print

/** What dispute:open did, and what comes next. */
export function formatOpened(ctx: DisputeContext, opened: OpenedDispute): string {
  const { disputeId, jobId } = opened;
  if (opened.path === "proof") {
    return [
      `Dispute ${disputeId} on job ${jobId} (proof): proof committed in tx ${opened.commitTx}`,
      `Dispute ${disputeId}: proof revealed in tx ${opened.revealTx}; word ${opened.wordIndex} is wrong and the provider is slashed.`,
    ].join("\n");
  }
  const first = `Dispute ${disputeId} on job ${jobId} (${opened.path}) opened in tx ${opened.tx}`;
  if (opened.path === "arbitration") return `${first}\n${opened.next} A silent arbiter rules for the provider.`;
  return (
    `${first}\n${opened.next} Play this account's moves with ` +
    `${command(ctx, "dispute:step", `--dispute ${disputeId}`)} (a verifier:run with this account that finds the ` +
    `job wrong plays them too).`
  );
}

/** What dispute:step or dispute:reveal did. */
export function formatMove(move: Move): string {
  return `Dispute ${move.disputeId} on job ${move.jobId}: ${move.did} in tx ${move.tx}. ${move.next}`;
}

/** What dispute:resolve or dispute:arbitrate did. */
export function formatSettled(settledDispute: Settled, verb: string): string {
  const { disputeId, jobId, tx, status, outcome } = settledDispute;
  return `Dispute ${disputeId} on job ${jobId} ${verb} in tx ${tx}: ${status} (${outcome}).`;
}
