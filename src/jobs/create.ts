/**
 * Creating a job as a client: check the payment against the escrow's allow-list first (cheap, and a refusal must
 * come before minutes of generating and uploading inputs), then load or generate the inputs, commit to them,
 * publish them, authorize the payment and call createJob.
 *
 * Authorizing: an allowance that already covers the payment is used as it is. Otherwise, a token that states its
 * EIP-712 domain (ERC-5267, as every OpenZeppelin ERC20Permit does) gets an ERC-2612 permit signed off-chain and
 * sent with createJobWithPermit: one transaction instead of two, and no allowance left standing afterwards. A
 * token without ERC-5267 is approved first: guessing its domain's name and version would risk a permit the
 * escrow silently ignores (it tolerates failed permits) and a createJob that then reverts.
 */
import { readFile } from "node:fs/promises";

import { ethers, type ContractTransactionResponse, type Signer, type TypedDataDomain } from "ethers";

import type { WeftSystem } from "../deploy/system";
import { UserError } from "../errors";
import { ContentStoreError } from "../store/content-store";
import { DEFAULT_STORE_DIR, storeForPublishing } from "../store/factory";
import { type DecodedJob, encodeJobParams } from "../workloads/registry";
import { publishJobInputs } from "./input-content";
import { IERC20__factory } from "../../typechain-types/factories/@openzeppelin/contracts/token/ERC20/IERC20__factory";
import { IERC20Permit__factory } from "../../typechain-types/factories/@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit__factory";
import { IERC5267__factory } from "../../typechain-types/factories/@openzeppelin/contracts/interfaces/IERC5267__factory";
import type { IJobEscrow } from "../../typechain-types/contracts/market/JobEscrow";
import { parseAmount } from "../cli/flags";
import { formatAmount, readTokenInfo, resolveTokenAddress, type TokenInfo } from "./amounts";
import { inputByteLength, inputRootOf } from "../commitments/job-inputs";
import { generateInputs } from "./job-data";
import type { JobSpec } from "./request";
import { PERMIT_TYPES } from "../chain/permit";
import { emittedEvent, requireReceipt } from "../chain/receipts";

/** How long a client gives providers to submit, unless told otherwise. */
export const DEFAULT_JOB_DURATION_SECONDS = 3600n;
/** A permit only has to outlive the transaction that uses it. */
const PERMIT_VALIDITY_SECONDS = 1800n;
/** ERC-5267 field bits: name, version, chainId and verifyingContract, and nothing else (no salt, no extensions). */
const STANDARD_DOMAIN_FIELDS = 0x0f;

export interface CreateJobOptions {
  /** WEFT or the address of an allow-listed token. */
  readonly token: string;
  /** A decimal amount of the token, e.g. "12.5". */
  readonly payment: string;
  /** Seconds from now (chain time) to the submit deadline. */
  readonly durationSeconds?: bigint;
  /** The only provider who may accept, for a directed job. */
  readonly provider?: string;
  /** Where to publish the inputs: a directory or a blob server's URL (default DEFAULT_STORE_DIR). */
  readonly store?: string;
  /** Told about each long step. */
  readonly progress?: (line: string) => void;
}

/** How the escrow was allowed to pull the payment. */
export type PaymentAuthorization = "allowance" | "permit" | "approve";

export interface CreatedJobResult {
  readonly jobId: bigint;
  readonly inputURI: string;
  readonly inputRoot: string;
  readonly txHash: string;
  readonly gasUsed: bigint;
  readonly authorization: PaymentAuthorization;
}

interface Payment {
  readonly token: TokenInfo;
  readonly amount: bigint;
}

/** The token and amount, checked against the escrow's allow-list and minimum and the client's balance. */
async function checkedPayment(system: WeftSystem, signer: Signer, options: CreateJobOptions): Promise<Payment> {
  const escrow = system.JobEscrow;
  const token = await readTokenInfo(await resolveTokenAddress(system, options.token), signer);
  const amount = parseAmount("--payment", options.payment, token);
  const config = await escrow.paymentTokenConfig(token.address);
  if (!config.allowed) {
    throw new UserError(
      `${token.symbol} (${token.address}) is not on the escrow's payment allow-list, which the DAO sets; ` +
        "pay with another --token (e.g. WEFT).",
    );
  }
  if (amount < config.minPayment) {
    throw new UserError(
      `--payment ${formatAmount(amount, token)} is below the escrow's minimum for ${token.symbol}: ` +
        `${formatAmount(config.minPayment, token)}.`,
    );
  }
  const client = await signer.getAddress();
  const balance = await IERC20__factory.connect(token.address, signer).balanceOf(client);
  if (balance < amount) {
    throw new UserError(
      `${client} holds ${formatAmount(balance, token)}; the payment needs ${formatAmount(amount, token)}.`,
    );
  }
  return { token, amount };
}

async function loadInputs(spec: JobSpec, progress: (line: string) => void): Promise<Uint8Array> {
  const { job, source } = spec;
  const expected = inputByteLength(job);
  switch (source.kind) {
    case "none":
      return new Uint8Array(0);
    case "bytes":
      progress(`Read ${expected.toLocaleString("en-US")} input bytes: ${source.description}.`);
      return source.bytes;
    case "seed":
      progress(`Generating ${expected.toLocaleString("en-US")} input bytes from seed ${source.seed}...`);
      return generateInputs(job, source.seed);
    case "file": {
      progress(`Reading ${expected.toLocaleString("en-US")} input bytes from ${source.path}...`);
      const bytes = await readFile(source.path);
      // Checked again: the file may have changed since the request was parsed.
      if (bytes.length !== expected) {
        throw new UserError(`--inputs ${source.path} now has ${bytes.length} bytes; it must have ${expected}.`);
      }
      return bytes;
    }
  }
}

async function publishInputs(
  job: DecodedJob,
  inputs: Uint8Array,
  location: string,
  progress: (line: string) => void,
): Promise<string> {
  progress(`Publishing ${inputs.length.toLocaleString("en-US")} input bytes to ${location}...`);
  try {
    return await publishJobInputs(job, inputs, storeForPublishing(location));
  } catch (error) {
    if (error instanceof ContentStoreError) throw new UserError(`Publishing the inputs failed: ${error.message}`);
    throw error;
  }
}

async function latestTimestamp(signer: Signer): Promise<bigint> {
  const block = await signer.provider?.getBlock("latest");
  if (!block) throw new UserError("The node returned no latest block; is it running?");
  return BigInt(block.timestamp);
}

/** The token's own EIP-712 domain (ERC-5267), or undefined if it does not state a standard one. */
async function permitDomain(token: string, signer: Signer): Promise<TypedDataDomain | undefined> {
  try {
    const domain = await IERC5267__factory.connect(token, signer).eip712Domain();
    if (Number(domain.fields) !== STANDARD_DOMAIN_FIELDS || ethers.getAddress(domain.verifyingContract) !== token) {
      return undefined;
    }
    const { name, version, chainId, verifyingContract } = domain;
    return { name, version, chainId, verifyingContract };
  } catch {
    // No such function (nodes report that in different ways) or no answer: approving works for every ERC-20.
    return undefined;
  }
}

/** Sends createJob or createJobWithPermit, approving first where neither an allowance nor a permit will do. */
async function sendCreateJob(
  system: WeftSystem,
  signer: Signer,
  request: IJobEscrow.JobRequestStruct,
  payment: Payment,
  now: bigint,
): Promise<{ tx: ContractTransactionResponse; authorization: PaymentAuthorization }> {
  const escrow = system.JobEscrow.connect(signer);
  const owner = await signer.getAddress();
  const spender = await escrow.getAddress();
  const token = IERC20Permit__factory.connect(payment.token.address, signer);
  const erc20 = IERC20__factory.connect(payment.token.address, signer);
  if ((await erc20.allowance(owner, spender)) >= payment.amount) {
    return { tx: await escrow.createJob(request), authorization: "allowance" };
  }
  const domain = await permitDomain(payment.token.address, signer);
  if (domain !== undefined) {
    const deadline = now + PERMIT_VALIDITY_SECONDS;
    const message = { owner, spender, value: payment.amount, nonce: await token.nonces(owner), deadline };
    const { v, r, s } = ethers.Signature.from(await signer.signTypedData(domain, PERMIT_TYPES, message));
    return { tx: await escrow.createJobWithPermit(request, deadline, v, r, s), authorization: "permit" };
  }
  await (await erc20.approve(spender, payment.amount)).wait();
  return { tx: await escrow.createJob(request), authorization: "approve" };
}

/**
 * Creates the job `spec` describes, paid and published as `options` say. Refuses (UserError) before any upload or
 * transaction when the escrow is paused, the token is not allowed, the payment is below the minimum or the client
 * cannot pay.
 */
export async function createJobFromSpec(
  system: WeftSystem,
  signer: Signer,
  spec: JobSpec,
  options: CreateJobOptions,
): Promise<CreatedJobResult> {
  const progress = options.progress ?? (() => undefined);
  if (await system.JobEscrow.paused()) {
    throw new UserError("The escrow is paused: no new jobs until a DAO vote unpauses it (npx hardhat dao:status).");
  }
  const payment = await checkedPayment(system, signer, options);
  const duration = options.durationSeconds ?? DEFAULT_JOB_DURATION_SECONDS;
  const maxDuration = await system.JobEscrow.MAX_JOB_DURATION();
  if (duration > maxDuration) {
    throw new UserError(
      `--duration must be at most ${maxDuration} seconds (${maxDuration / 86_400n} days); got ${duration}.`,
    );
  }

  const inputs = await loadInputs(spec, progress);
  if (inputs.length > 0) progress("Computing the input root...");
  const inputRoot = inputRootOf(spec.job, inputs);
  // A job whose params are its whole input has nothing to fetch.
  const inputURI =
    inputs.length > 0 ? await publishInputs(spec.job, inputs, options.store ?? DEFAULT_STORE_DIR, progress) : "";

  const now = await latestTimestamp(signer);
  const request: IJobEscrow.JobRequestStruct = {
    workloadId: spec.job.workload.id,
    params: encodeJobParams(spec.job),
    inputRoot,
    inputURI,
    paymentToken: payment.token.address,
    payment: payment.amount,
    provider: options.provider ?? ethers.ZeroAddress,
    submitDeadline: now + duration,
  };
  progress(`Creating the job, paying ${formatAmount(payment.amount, payment.token)}...`);
  const { tx, authorization } = await sendCreateJob(system, signer, request, payment, now);
  const receipt = requireReceipt(await tx.wait(), "createJob");
  const created = await emittedEvent(system.JobEscrow, receipt, "JobCreated", "createJob");
  return {
    jobId: created.args.jobId as bigint,
    inputURI,
    inputRoot,
    txHash: tx.hash,
    gasUsed: receipt.gasUsed,
    authorization,
  };
}
