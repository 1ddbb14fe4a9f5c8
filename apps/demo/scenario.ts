/**
 * `npm run demo`: the whole protocol at work on a local chain, step by step, with the real deployment, the real
 * agents and the real client code. Each step checks what it must have brought about and stops the demo if it did
 * not; the last step prints the tables and checks that every WEFT is accounted for.
 *
 * The chain's clock is moved past each window (challenge, response, voting, timelock, reward epoch), never waited
 * for, which is why the demo runs on local networks only.
 */
import fs from "node:fs";
import path from "node:path";

import type { HardhatRuntimeEnvironment } from "hardhat/types";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { fromTwos, parseEther, toBigInt } from "ethers";

import { isLocalNetwork } from "../../config/parameters";
import { DEFAULT_EXPLORER_PORT } from "../../src/explorer/api";
import { Roles } from "../../config/roles";
import { advanceTo, chainTime } from "../../src/chain/clock";
import {
  DisputeKind,
  disputeIdsOf,
  disputeKindName,
  type DisputeRecord,
  DisputeStatus,
  disputeStatusName,
  isProviderTurn,
  readDispute,
} from "../../src/chain/disputes";
import { leafCountOf } from "../../src/commitments/bisection";
import { JobStatus, jobStatusName, readJob } from "../../src/chain/jobs";
import type { AddressBook } from "../../src/deploy/addressBook";
import { formatAddressBook } from "../../src/deploy/format";
import { runDeploy } from "../../src/deploy/run";
import { connectSystem, connectVestingWallet, type WeftSystem } from "../../src/deploy/system";
import { UserError } from "../../src/errors";
import { createJobFromSpec } from "../../src/jobs/create";
import { ensureProvider } from "../../src/provider/setup";
import { claimRewards } from "../../src/rewards/rewards";
import { DemoAgents } from "./agents";
import {
  type Check,
  type Conservation,
  checkConservation,
  contractHolders,
  type Holder,
  snapshot,
  type Snapshot,
} from "./conservation";
import { passProposal } from "./governance";
import {
  type DigitsDemo,
  type DigitsResult,
  describeMlpWord,
  loadDigitsDemo,
  publishDigitsModel,
  readDigitsResults,
} from "./inference";
import { checkerRegistration } from "../../src/dao/checkers";
import { parameterChange } from "../../src/dao/governedParameters";
import { mlpParamsOf } from "../../src/workloads/mlp-i8/model";
import { describeMlpParams, MLP_I8_NAME } from "../../src/workloads/mlp-i8/network";
import { type JobRecord, readJobRecords } from "./job-records";
import { prepareOutDir, type Receipt, saveReceipt, savePicture } from "./outputs";
import {
  DEMO_PROVIDERS,
  type DemoSize,
  describeSpec,
  demoPlan,
  digitsCount,
  FULL_SIZE,
  type Phase,
  type PlannedJob,
  type ProviderName,
} from "./plan";
import { DemoStepError, Progress } from "./progress";
import { checksList, jobsTable, ledgerTable, type ProviderRecord, providersTable, weft } from "./summary";

export interface DemoOptions {
  readonly seed: number;
  /** Recreated on every run: receipts, the picture, and the agents' work files under work/. */
  readonly outDir: string;
  readonly size?: DemoSize;
  readonly verbose?: boolean;
  /** Where progress lines go (the console by default). */
  readonly write?: (line: string) => void;
  readonly interactive?: boolean;
}

export interface DemoResult {
  /** Every step ran and every expected outcome happened. */
  readonly ok: boolean;
  /** The step that failed, e.g. "7. The verifier catches both cheaters". */
  readonly failedStep?: string;
  readonly error?: string;
  readonly checks: readonly Check[];
  readonly jobs: readonly JobRecord[];
  readonly providers: readonly ProviderRecord[];
  readonly receipts: readonly Receipt[];
  readonly picture?: string;
  /** What the neural network read, from its settled jobs. */
  readonly digits?: DigitsResult;
  readonly conservation?: Conservation;
}

const FUNDING = { client: parseEther("1000"), provider: parseEther("12000"), verifier: parseEther("1000") };
const STAKE = parseEther("10000");
/** What the DAO votes the protocol fee down to. */
const NEW_FEE_BPS = 200n;
const BPS = 10_000n;

/** The outcomes the demo must bring about; each is made of checks on the jobs, accounts and parameters. */
const OUTCOME = {
  dao: "The DAO held every power from the start",
  honest: "Honest jobs were verified, settled after the challenge window and paid (payment minus fee)",
  cheaters:
    "Both cheaters were caught and slashed: one by a fraud proof on a hidden layer of the network, one for withholding its output",
  refunds: "The client got the cheated jobs' payments back",
  receipts: "Every settled job's receipt NFT is the client's, saved as SVG",
  picture: "The picture was assembled from verified tiles",
  inference:
    "The int8 network read the digits on the marketplace, as well as its float original (within 3 points), from settled jobs only",
  rewards: "Every provider with settled work claimed a reward",
  fee: "The DAO lowered the protocol fee, in force on the next job",
  checker: "The DAO registered the network's fraud-proof checker by its vote",
} as const;

interface Accounts {
  readonly deployer: HardhatEthersSigner;
  /** The ecosystem allocation's beneficiary: its WEFT vote once released at the cliff. */
  readonly ecosystemFund: HardhatEthersSigner;
  readonly client: HardhatEthersSigner;
  readonly verifier: HardhatEthersSigner;
  readonly providers: ReadonlyMap<ProviderName, HardhatEthersSigner>;
}

/** Runs the demo on `hre`'s network; never throws for a failed step, which the result names instead. */
export async function runDemo(hre: HardhatRuntimeEnvironment, options: DemoOptions): Promise<DemoResult> {
  if (!isLocalNetwork(hre.network.name)) {
    throw new UserError(
      `The demo moves the chain's clock past every window, which only a local network allows; ` +
        `run it in-process (no --network) or against npx hardhat node (--network localhost).`,
    );
  }
  prepareOutDir(options.outDir);
  const progress = new Progress({
    verbose: options.verbose ?? false,
    write: options.write,
    interactive: options.interactive,
  });
  const demo = new Demo(hre, options, progress);
  try {
    await demo.run();
  } catch (error) {
    if (!(error instanceof DemoStepError)) throw error;
    progress.print(`\nThe demo failed at step ${error.step}: ${error.reason}`);
    return { ...demo.result(), ok: false, failedStep: error.step, error: error.message };
  }
  // A node outlives the demo: its deployment stays to be looked at.
  if (hre.network.name !== "hardhat") {
    progress.print(
      `See it in a browser: npx hardhat explorer --network ${hre.network.name} (then open http://127.0.0.1:${DEFAULT_EXPLORER_PORT}/)`,
    );
  }
  return demo.result();
}

class Demo {
  private readonly size: DemoSize;
  private readonly plan: PlannedJob[];
  private readonly checks: Check[] = [];
  private readonly jobs = new Map<bigint, PlannedJob>();
  private readonly stakeBefore = new Map<ProviderName, bigint>();
  private readonly rewards = new Map<ProviderName, bigint>();
  private receipts: Receipt[] = [];
  private records: JobRecord[] = [];
  private providerRecords: ProviderRecord[] = [];
  private conservation?: Conservation;
  private picture?: string;
  private readonly digits: DigitsDemo;
  private digitsResult?: DigitsResult;
  // Set by the first steps.
  private book!: AddressBook;
  private system!: WeftSystem;
  private accounts!: Accounts;
  private holders: Holder[] = [];
  private start!: Snapshot;
  private agents!: DemoAgents;

  constructor(
    private readonly hre: HardhatRuntimeEnvironment,
    private readonly options: DemoOptions,
    private readonly progress: Progress,
  ) {
    this.size = options.size ?? FULL_SIZE;
    this.digits = loadDigitsDemo(hre.config.paths.root, options.seed, digitsCount(this.size));
    this.plan = demoPlan(this.size, options.seed, this.digits);
  }

  result(): DemoResult {
    return {
      ok: this.conservation !== undefined && this.checks.every((c) => c.ok),
      checks: this.checks,
      jobs: this.records,
      providers: this.providerRecords,
      receipts: this.receipts,
      picture: this.picture,
      digits: this.digitsResult,
      conservation: this.conservation,
    };
  }

  async run(): Promise<void> {
    const { progress } = this;
    const jobs = this.plan.length;
    progress.print(`Weft demo on ${this.hre.network.name}, seed ${this.options.seed}: ${jobs} jobs, 3 providers\n`);
    await progress.step("Deploy the system with Ignition and hand it to the DAO", () => this.deploy());
    await progress.step("Fund a client, three providers and a verifier; providers register and stake", () =>
      this.fund(),
    );
    await progress.step("Start the provider agents and the verifier (in-process, ticked in turn)", () =>
      this.startAgents(),
    );
    await progress.step("The client creates jobs; providers compute and submit; the verifier checks", () =>
      this.runJobs("honest"),
    );
    await progress.step("The challenge window passes: the jobs finalize, providers are paid", () =>
      this.finalize("honest"),
    );
    await progress.step(
      "The DAO lowers the protocol fee and registers the network's checker: delegate, propose, vote, queue, execute",
      () => this.governance(),
    );
    await progress.step(
      "Two providers restart as cheaters (--cheat flip-hidden, --cheat withhold) and take a job",
      () => this.cheat(),
    );
    await progress.step(
      "The verifier catches both: a committed, then revealed, fraud proof; a bisection unanswered",
      () => this.catchCheaters(),
    );
    await progress.step("A job at the new fee", async () => {
      await this.runJobs("new-fee");
      await this.finalize("new-fee");
    });
    await progress.step("The reward epoch ends; providers claim", () => this.claimRewards());
    await progress.step("Receipts, the picture and the network's reading of the digits", () => this.saveOutputs());
    await progress.step("Summary and token conservation", () => this.summarize());
  }

  // ---------------------------------------------------------------- steps

  private async deploy(): Promise<void> {
    const { hre, progress } = this;
    // A local node keeps its address book where the other tasks look (deployments/localhost.json); the in-process
    // chain ends with the demo, so its address book goes with the demo's other outputs.
    const inProcess = hre.network.name === "hardhat";
    this.book = await runDeploy(hre, {
      deploymentsDir: inProcess ? path.join(this.options.outDir, "deployments") : undefined,
      reset: !inProcess,
      log: (line) => progress.detail(line),
    });
    progress.detail(formatAddressBook(this.book));
    const signers = await hre.ethers.getSigners();
    if (signers.length < 6) {
      throw new UserError(`The demo needs 6 accounts on ${hre.network.name}; it has ${signers.length}.`);
    }
    const [deployer, client, h100, rtx4090, a100, verifier] = signers;
    const providers = new Map<ProviderName, HardhatEthersSigner>([
      ["H100", h100],
      ["RTX 4090", rtx4090],
      ["A100", a100],
    ]);
    this.system = connectSystem(this.book.contracts, deployer);
    const ecosystemOwner = await connectVestingWallet(this.book.vestingWallets.ecosystem, deployer).owner();
    const ecosystemFund = signers.find((signer) => signer.address === ecosystemOwner);
    if (ecosystemFund === undefined) {
      throw new UserError(
        `The demo's vote needs the ecosystem allocation's beneficiary ${ecosystemOwner}, an account of the local ` +
          `launch (config/parameters.ts); ${hre.network.name} does not have it.`,
      );
    }
    this.accounts = { deployer, client, verifier, providers, ecosystemFund };

    const manager = this.system.AccessManager;
    const [deployerIsAdmin] = await manager.hasRole(Roles.ADMIN, deployer.address);
    const [timelockIsAdmin] = await manager.hasRole(Roles.ADMIN, this.book.contracts.TimelockController);
    this.expect(
      OUTCOME.dao,
      "the deployer kept no power: the timelock is the only admin",
      !deployerIsAdmin && timelockIsAdmin,
      `deployer admin ${deployerIsAdmin}, timelock admin ${timelockIsAdmin}`,
    );
    const governor = this.system.ComputeGovernor;
    const quorum = await governor.quorum((await governor.clock()) - 1n);
    const deployerWeft = await this.system.ComputeToken.balanceOf(deployer.address);
    this.expect(
      OUTCOME.dao,
      "the deployer cannot vote a proposal through alone: its WEFT are below quorum",
      deployerWeft < quorum,
      `deployer ${weft(deployerWeft)} WEFT, quorum ${weft(quorum)} WEFT`,
    );
    this.holders = [
      { name: "deployer", address: deployer.address },
      { name: "client", address: client.address },
      ...[...providers].map(([name, signer]) => ({ name, address: signer.address })),
      { name: "verifier", address: verifier.address },
      { name: "ecosystem fund", address: ecosystemFund.address },
      ...(await contractHolders(this.system)),
      ...Object.entries(this.book.vestingWallets).map(([name, address]) => ({ name: `${name} vesting`, address })),
    ];
    this.start = await snapshot(this.system, this.holders);
  }

  private async fund(): Promise<void> {
    const { system, accounts, progress } = this;
    const token = system.ComputeToken;
    const transfer = async (to: HardhatEthersSigner, amount: bigint) =>
      (await token.transfer(to.address, amount)).wait();
    await transfer(accounts.client, FUNDING.client);
    await transfer(accounts.verifier, FUNDING.verifier);
    progress.detail(`client   ${accounts.client.address}  ${weft(FUNDING.client)} WEFT to pay for jobs`);
    progress.detail(`verifier ${accounts.verifier.address}  ${weft(FUNDING.verifier)} WEFT for bonds`);
    for (const provider of DEMO_PROVIDERS) {
      const signer = accounts.providers.get(provider.name)!;
      await transfer(signer, FUNDING.provider);
      const profile = { gpuModel: provider.name, vramGb: provider.vramGb, metadataURI: "" };
      await ensureProvider(system, signer, { profile, minStake: STAKE }, progress.logger(provider.name));
      const staked = (await system.ProviderRegistry.providerState(signer.address)).staked;
      this.stakeBefore.set(provider.name, staked);
      progress.detail(
        `${provider.name.padEnd(8)} ${signer.address}  ${weft(FUNDING.provider)} WEFT, ` +
          `registered (${provider.vramGb} GB), staked ${weft(staked)}`,
      );
    }
  }

  private async startAgents(): Promise<void> {
    const { system, book, accounts, options, progress } = this;
    this.agents = await DemoAgents.start({
      system,
      book,
      providers: accounts.providers,
      challenger: accounts.verifier,
      workDir: path.join(options.outDir, "work"),
      progress,
      seed: options.seed,
    });
    progress.detail("3 provider agents (CPU backend), as provider:run; the verifier, as verifier:run");
    progress.detail(`content store and agent state: ${path.join(options.outDir, "work")}`);
  }

  /** The client creates the jobs of `phase`; one round lets the providers take them and the verifier check them. */
  private async runJobs(phase: Phase): Promise<void> {
    if (phase === "honest") await this.publishModel();
    const created = await this.createJobs(phase);
    await this.agents.round();
    for (const [id, plan] of created) {
      const job = await readJob(this.system.JobEscrow, id, this.book.deploymentBlock);
      const verdict = await this.verdict(id);
      this.progress.detail(
        `job ${id}: ${plan.spec.job.name} ${describeSpec(plan.spec)} -> ${plan.provider}, ${weft(job.payment)} WEFT: ` +
          `${jobStatusName(job.status).toLowerCase()}, verifier: ${verdict ?? "not checked"}`,
      );
      this.expect(
        OUTCOME.honest,
        `job ${id} (${plan.provider}) was submitted and verified valid`,
        job.status === JobStatus.Submitted && verdict === "valid",
        `status ${jobStatusName(job.status)}, verdict ${verdict}`,
      );
    }
  }

  /** Moves the clock past the challenge windows of `phase`'s jobs; one round lets the providers finalize. */
  private async finalize(phase: Phase): Promise<void> {
    const ids = this.jobIdsOf(phase);
    let end = 0n;
    for (const id of ids)
      end = [end, (await readJob(this.system.JobEscrow, id, this.book.deploymentBlock)).deadline].reduce((a, b) =>
        a > b ? a : b,
      );
    await this.advanceTo(end, "past the challenge window");
    await this.agents.round();
    for (const id of ids) {
      const job = await readJob(this.system.JobEscrow, id, this.book.deploymentBlock);
      const fee = (job.payment * BigInt(job.feeBps)) / BPS;
      this.expect(
        OUTCOME.honest,
        `job ${id} finalized: ${this.jobs.get(id)!.provider} paid, receipt minted`,
        job.status === JobStatus.Finalized,
        `status ${jobStatusName(job.status)}`,
      );
      this.progress.detail(
        `job ${id} finalized: ${weft(job.payment - fee)} WEFT to ${this.jobs.get(id)!.provider}, ` +
          `${weft(fee)} WEFT fee (${job.feeBps / 100}%) to the treasury, receipt #${id} to the client`,
      );
    }
  }

  /** The digit reader is stored once, named by its root; every inference job names it. */
  private async publishModel(): Promise<void> {
    const published = await publishDigitsModel(this.digits, this.agents.storeDir);
    const { model, root, bytes } = published.loaded;
    this.progress.detail(
      `model:publish models/digits.wmlp: ${describeMlpParams(mlpParamsOf(model, 1)).replace(/ x 1$/, "")} ` +
        `(${bytes.length.toLocaleString("en-US")} bytes), root ${root}`,
    );
  }

  private async cheat(): Promise<void> {
    for (const provider of DEMO_PROVIDERS) {
      if (provider.cheat === undefined) continue;
      await this.agents.restartCheating(provider);
      this.progress.detail(`${provider.name}: provider:run --cheat ${provider.cheat} (same state file)`);
    }
    const created = await this.createJobs("cheating");
    await this.agents.tickProviders();
    for (const [id, plan] of created) {
      const job = await readJob(this.system.JobEscrow, id, this.book.deploymentBlock);
      this.progress.detail(
        `job ${id}: ${plan.spec.job.name} ${describeSpec(plan.spec)} -> ${plan.provider}: ` +
          `${jobStatusName(job.status).toLowerCase()} (${plan.expected === "slashed by proof" ? "one hidden activation flipped" : "root committed, output never published"})`,
      );
      this.expect(
        OUTCOME.cheaters,
        `job ${id} was submitted by the cheating ${plan.provider}`,
        job.status === JobStatus.Submitted,
        `status ${jobStatusName(job.status)}`,
      );
    }
  }

  private async catchCheaters(): Promise<void> {
    const { system, book, progress } = this;
    const cheated = this.jobIdsOf("cheating");
    // One tick: the verifier checks both results and opens a dispute of its own on each; its follower then reveals
    // the committed proof as soon as a block later than the commit's can hold it.
    await this.agents.tickVerifier();
    const opened = new Map<bigint, DisputeRecord>();
    for (const id of cheated) {
      const [disputeId] = await disputeIdsOf(system.DisputeManager, id, book.deploymentBlock);
      if (disputeId === undefined) throw new Error(`the verifier opened no dispute on job ${id}`);
      opened.set(id, await readDispute(system.DisputeManager, disputeId));
    }
    // Only a block later than the commit's may hold the reveal: on a chain that mines on demand, make one.
    for (const dispute of opened.values()) {
      if (dispute.kind !== DisputeKind.Proof) continue;
      if ((await readDispute(system.DisputeManager, dispute.id)).status === DisputeStatus.AwaitingProof) {
        await this.hre.network.provider.send("evm_mine", []);
        await this.agents.tickVerifier();
      }
    }
    for (const [id, dispute] of opened) {
      progress.detail(
        `job ${id}: the verifier finds ${await this.verdict(id)} and opens dispute ${dispute.id} ` +
          `(${weft(dispute.bond)} WEFT bond)`,
      );
      if (dispute.kind === DisputeKind.Proof) {
        await this.describeProof(id, dispute.id);
      } else {
        const chunks = leafCountOf(dispute.totalWords);
        const clock = `a ${Number(await system.DisputeManager.responseWindow()) / 60}-minute clock`;
        progress.detail(
          chunks === 1
            ? `  disputeWithheld: the result tree is a single chunk, which the provider must reveal on ${clock}`
            : `  disputeWithheld: a bisection of the ${chunks}-chunk result tree from its root; the provider must ` +
                `reveal each node the verifier names, then the chunk, on ${clock} for all its moves`,
        );
      }
    }
    // The withholder's agent tries to answer and cannot: it kept no copy and published nothing.
    await this.agents.tickProviders();
    for (const [id, dispute] of opened) {
      if (dispute.kind !== DisputeKind.Withheld) continue;
      const current = await readDispute(system.DisputeManager, dispute.id);
      const provider = this.jobs.get(id)!.provider;
      this.expect(
        OUTCOME.cheaters,
        `${provider}'s agent could not answer dispute ${dispute.id}`,
        isProviderTurn(current.status),
        `dispute ${dispute.id} ${disputeStatusName(current.status)}`,
      );
      progress.detail(`  ${provider}'s agent cannot answer: it kept no copy of the output and published none`);
      await this.advanceTo(
        current.deadline,
        `past the deadline of dispute ${dispute.id}: the provider's clock ran out`,
      );
    }
    // The verifier's follower resolves the dispute whose provider missed its turn.
    await this.agents.round();
    for (const dispute of opened.values()) {
      if (dispute.kind !== DisputeKind.Withheld) continue;
      const [settled] = await system.DisputeManager.queryFilter(
        system.DisputeManager.filters.DisputeSettled(dispute.id),
        book.deploymentBlock,
      );
      if (settled !== undefined) {
        progress.detail(`  resolve(${dispute.id}) by the verifier: the provider missed its turn, a fault`);
      }
    }
    for (const id of cheated) {
      const plan = this.jobs.get(id)!;
      const job = await readJob(system.JobEscrow, id, book.deploymentBlock);
      const dispute = await readDispute(system.DisputeManager, opened.get(id)!.id);
      const kind = plan.expected === "slashed by proof" ? DisputeKind.Proof : DisputeKind.Withheld;
      const provider = await system.ProviderRegistry.providerState(job.provider);
      this.expect(
        OUTCOME.cheaters,
        `${plan.provider} was slashed on job ${id} through the ${kind === DisputeKind.Proof ? "proof" : "withheld-data"} path`,
        job.status === JobStatus.Slashed &&
          dispute.kind === kind &&
          dispute.status === DisputeStatus.ProviderAtFault &&
          provider.jobsSlashed === 1n,
        `job ${jobStatusName(job.status)}, dispute ${dispute.id} ${disputeKindName(dispute.kind)} ` +
          `${disputeStatusName(dispute.status)}, jobsSlashed ${provider.jobsSlashed}`,
      );
      progress.detail(
        `job ${id}: ${plan.provider} slashed (${weft(this.stakeBefore.get(plan.provider)! - provider.staked)} WEFT of stake), ` +
          `jailed; the client refunded ${weft(job.payment)} WEFT`,
      );
    }
  }

  /** The proof path of dispute `disputeId` on job `id`, from its events: the commit, then the reveal a block later. */
  private async describeProof(id: bigint, disputeId: bigint): Promise<void> {
    const { system, book, progress } = this;
    const disputes = system.DisputeManager;
    const [openedEvent] = await disputes.queryFilter(disputes.filters.DisputeOpened(disputeId), book.deploymentBlock);
    const [proven] = await disputes.queryFilter(disputes.filters.FraudProven(disputeId), book.deploymentBlock);
    if (proven === undefined) throw new Error(`dispute ${disputeId} on job ${id}: no fraud was proven`);
    const int32 = (word: string) => fromTwos(toBigInt(word), 32);
    progress.detail(
      `  commitProof in block ${openedEvent.blockNumber}: a hash binding the fraud proof to the verifier, so a ` +
        "copied proof earns a copier nothing",
    );
    const { job } = this.jobs.get(id)!.spec;
    const word = Number(proven.args.wordIndex);
    const what =
      job.name === MLP_I8_NAME
        ? `output word ${word}, ${describeMlpWord(job.params, word)}, from the committed input row and the unit's ` +
          `weights (committed ${proven.args.committedWord}, correct ${proven.args.correctWord})`
        : `output word ${word} (committed ${int32(proven.args.committedWord)}, correct ${int32(proven.args.correctWord)})`;
    progress.detail(
      `  revealProof in block ${proven.blockNumber}: the checker recomputed ${what} on-chain, ` +
        "slashing the provider in the same transaction",
    );
  }

  private async governance(): Promise<void> {
    const { hre, system, book, accounts, progress } = this;
    // No account can reach quorum alone after the launch: the deployer's operations WEFT need the ecosystem fund's,
    // which vote only once its vesting wallet releases them, from the cliff on.
    const wallet = connectVestingWallet(book.vestingWallets.ecosystem, accounts.deployer);
    await this.advanceTo(await wallet.cliff(), "to the ecosystem vesting's cliff");
    const token = await system.ComputeToken.getAddress();
    const releasable = await wallet["releasable(address)"](token);
    await (await wallet["release(address)"](token)).wait();
    progress.detail(`the ecosystem vesting releases ${weft(releasable)} WEFT to the ecosystem fund`);
    const before = await system.JobEscrow.protocolFeeBps();
    const registration = await checkerRegistration(system, MLP_I8_NAME);
    const description =
      `Lower the protocol fee from ${Number(before) / 100}% to ${Number(NEW_FEE_BPS) / 100}%, and register the ` +
      `${MLP_I8_NAME} fraud-proof checker`;
    const actions = [await parameterChange(system, `protocolFeeBps=${NEW_FEE_BPS}`), registration.action];
    await passProposal(
      hre,
      system,
      book.deploymentBlock,
      [
        { name: "deployer", signer: accounts.deployer },
        { name: "ecosystem fund", signer: accounts.ecosystemFund },
        { name: "client", signer: accounts.client },
        { name: "H100", signer: accounts.providers.get("H100")!, bySignature: { relayer: accounts.verifier } },
      ],
      actions,
      description,
      (line) => progress.detail(line),
    );
    const after = await system.JobEscrow.protocolFeeBps();
    const checker = await system.DisputeManager.checker(registration.workloadId);
    progress.detail(
      `executed by the timelock: protocol fee ${Number(before) / 100}% -> ${Number(after) / 100}%; ` +
        `${MLP_I8_NAME}'s checker ${checker}`,
    );
    this.expect(
      OUTCOME.fee,
      "the DAO's vote lowered the protocol fee",
      after === NEW_FEE_BPS && before !== NEW_FEE_BPS,
      `fee ${before} -> ${after} bps`,
    );
    this.expect(
      OUTCOME.checker,
      `the DAO's vote registered ${MLP_I8_NAME}'s checker`,
      checker === registration.checker,
      `registered ${checker}`,
    );
  }

  private async claimRewards(): Promise<void> {
    const { system, accounts, progress } = this;
    const rewards = system.RewardDistributor;
    const epoch = await rewards.currentEpoch();
    await this.advanceTo(await rewards.epochEnd(epoch), `to the end of reward epoch ${epoch}`);
    const earners = new Set([...this.jobs.values()].filter((j) => j.expected === "finalized").map((j) => j.provider));
    for (const provider of DEMO_PROVIDERS.filter((p) => earners.has(p.name))) {
      const claim = await claimRewards(system, accounts.providers.get(provider.name)!);
      this.rewards.set(provider.name, claim.amount);
      progress.detail(`${provider.name} claims ${weft(claim.amount)} WEFT for epoch ${claim.epochs.join(", ")}`);
      this.expect(
        OUTCOME.rewards,
        `${provider.name} claimed a reward`,
        claim.amount > 0n,
        `claimed ${claim.amount} wei`,
      );
    }
  }

  private async saveOutputs(): Promise<void> {
    const { system, progress, options, book } = this;
    const client = this.accounts.client.address;
    for (const [id, plan] of this.jobs) {
      if (plan.expected !== "finalized") continue;
      const receipt = await saveReceipt(system, id, options.outDir);
      this.receipts.push(receipt);
      this.expect(
        OUTCOME.receipts,
        `receipt #${id} is owned by the client and saved`,
        receipt.owner === client && fs.existsSync(receipt.file),
        `owner ${receipt.owner}`,
      );
    }
    progress.detail(
      `${this.receipts.length} receipt NFTs (on-chain SVG), owned by the client: ` +
        `${this.receipts.map((r) => path.basename(r.file)).join(", ")}`,
    );
    const tiles = new Map([...this.jobs].filter(([, plan]) => plan.placement !== undefined));
    const file = path.join(options.outDir, "mandelbrot.png");
    const placed = await savePicture(system, book.deploymentBlock, this.size.picture, tiles, file);
    this.picture = file;
    const { width, height, tilesX, tilesY } = this.size.picture;
    this.expect(
      OUTCOME.picture,
      `${path.basename(file)} holds all ${tilesX * tilesY} tiles, each settled and matching its committed root`,
      placed === tilesX * tilesY && fs.existsSync(file),
      `${placed} tiles placed`,
    );
    const makers = [...tiles.values()].map((t) => t.provider).join(", ");
    progress.detail(`${file}: ${width}x${height} from ${tiles.size} verified tiles (${makers})`);
    await this.readDigits();
  }

  /** The network's answers, from the settled inference jobs only, against the labels and the float network. */
  private async readDigits(): Promise<void> {
    const { system, book, options, progress } = this;
    const parts = new Map(
      [...this.jobs]
        .filter(([, plan]) => plan.batchPart !== undefined && plan.expected === "finalized")
        .map(([id, plan]) => [id, plan.batchPart!]),
    );
    const file = path.join(options.outDir, "digits.png");
    const result = await readDigitsResults(system, book.deploymentBlock, this.digits, parts, file);
    this.digitsResult = result;
    const read = [...parts.values()].reduce((sum, part) => sum + part.count, 0);
    const percent = (x: number) => `${(100 * x).toFixed(1)}%`;
    progress.detail(
      `${read} digits read by ${parts.size} settled mlp-i8 jobs: int8 accuracy ${percent(result.int8Accuracy)}, ` +
        `its float original ${percent(result.floatAccuracy)}, the two agree on ${percent(result.agreement)}`,
    );
    progress.detail(`${file}: each digit with its predicted label (red where it is wrong)`);
    this.expect(
      OUTCOME.inference,
      `the int8 network's accuracy is within 3 points of its float original's on ${read} digits`,
      result.int8Accuracy >= result.floatAccuracy - 0.03 && fs.existsSync(file),
      `int8 ${percent(result.int8Accuracy)}, float ${percent(result.floatAccuracy)}`,
    );
  }

  private async summarize(): Promise<void> {
    const { system, book, accounts, progress } = this;
    const provider = this.hre.ethers.provider;
    this.records = await readJobRecords(system, provider, book.deploymentBlock, this.jobs, (id) => this.verdict(id));
    const names = new Map<string, string>();
    for (const [name, signer] of accounts.providers) names.set(signer.address.toLowerCase(), name);
    this.providerRecords = [];
    for (const [name, signer] of accounts.providers) {
      const address = signer.address;
      const state = await system.ProviderRegistry.providerState(address);
      const feesEarned = this.records
        .filter((r) => r.provider === address)
        .reduce((total, r) => total + (r.settlement?.payout ?? 0n), 0n);
      this.providerRecords.push({
        name,
        address,
        stakeBefore: this.stakeBefore.get(name)!,
        stakeAfter: state.staked,
        jobsCompleted: Number(state.jobsCompleted),
        jobsSlashed: Number(state.jobsSlashed),
        feesEarned,
        rewards: this.rewards.get(name) ?? 0n,
      });
    }
    for (const record of this.records) {
      if (record.plan.expected === "finalized") {
        const fee = (record.payment * BigInt(record.feeBps)) / BPS;
        this.check(
          OUTCOME.honest,
          `job ${record.id} paid ${record.plan.provider} the payment minus the fee`,
          record.settlement?.payout === record.payment - fee && record.settlement.fee === fee,
          `payout ${record.settlement?.payout}, fee ${record.settlement?.fee}`,
        );
      } else {
        this.check(
          OUTCOME.refunds,
          `the client got job ${record.id}'s payment back`,
          record.refund === record.payment && record.client === accounts.client.address,
          `refund ${record.refund} of ${record.payment}`,
        );
      }
    }
    const [newFeeJob] = this.jobIdsOf("new-fee");
    const newFee = this.records.find((r) => r.id === newFeeJob)!;
    this.check(
      OUTCOME.fee,
      `job ${newFeeJob}, created after the vote, paid the new fee`,
      BigInt(newFee.feeBps) === NEW_FEE_BPS && newFee.settlement?.fee === (newFee.payment * NEW_FEE_BPS) / BPS,
      `feeBps ${newFee.feeBps}, fee ${newFee.settlement?.fee}`,
    );
    const minted = [...this.rewards.values()].reduce((a, b) => a + b, 0n);
    const providerAddresses = [...accounts.providers.values()].map((signer) => signer.address);
    this.conservation = await checkConservation(system, this.holders, providerAddresses, this.start, minted);
    this.checks.push(...this.conservation.checks);

    const nameOf = (address: string) => names.get(address.toLowerCase()) ?? address;
    progress.print();
    progress.print("Providers");
    progress.print(providersTable(this.providerRecords));
    progress.print("Jobs");
    progress.print(jobsTable(this.records, nameOf));
    progress.print("WEFT ledger (every holder; the supply grows only by reward claims)");
    progress.print(ledgerTable(this.conservation));
    progress.print("Expected outcomes");
    progress.print(checksList(this.checks));
    progress.print();
    const failed = this.checks.filter((c) => !c.ok);
    if (failed.length > 0) throw new Error(failed.map((c) => c.name).join("; "));
  }

  // ---------------------------------------------------------------- helpers

  private async createJobs(phase: Phase): Promise<Map<bigint, PlannedJob>> {
    const { system, accounts, agents } = this;
    const created = new Map<bigint, PlannedJob>();
    for (const plan of this.plan.filter((job) => job.phase === phase)) {
      const { jobId } = await createJobFromSpec(system, accounts.client, plan.spec, {
        token: "WEFT",
        payment: plan.payment,
        provider: accounts.providers.get(plan.provider)!.address,
        store: agents.storeDir,
      });
      created.set(jobId, plan);
      this.jobs.set(jobId, plan);
    }
    return created;
  }

  private jobIdsOf(phase: Phase): bigint[] {
    return [...this.jobs].filter(([, plan]) => plan.phase === phase).map(([id]) => id);
  }

  private verdict(id: bigint): Promise<string | undefined> {
    return this.agents.verdictOf(id);
  }

  private async advanceTo(timestamp: bigint, why: string): Promise<void> {
    const before = await chainTime(this.hre.ethers.provider);
    await advanceTo(this.hre, timestamp);
    const minutes = Number(timestamp - before) / 60;
    if (minutes > 0) this.progress.detail(`clock +${minutes.toFixed(1)} min, ${why}`);
  }

  /** Records an expected outcome; a missing one stops the demo at this step. */
  private expect(outcome: string, name: string, ok: boolean, detail: string): void {
    if (!this.check(outcome, name, ok, detail)) throw new Error(`${name}: not so (${detail})`);
  }

  /** Records an expected outcome, to be reported with the others. */
  private check(outcome: string, name: string, ok: boolean, detail: string): boolean {
    this.checks.push({ outcome, name, ok, detail });
    return ok;
  }
}
