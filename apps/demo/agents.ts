/**
 * The real off-chain agents of the demo, in-process: a ProviderAgent (CPU backend, keeping a copy of each output and
 * answering every dispute of its jobs from it, like provider:run) per provider, and a Verifier that disputes on-chain
 * and carries its disputes to their end (reveals its committed proofs, plays its bisections) like verifier:run. They are driven by tick() in a fixed order instead of timers, so every run does the same thing.
 */
import path from "node:path";

import type { Signer } from "ethers";

import { readSubmittedResult } from "../../src/chain/jobs";
import type { AddressBook } from "../../src/deploy/addressBook";
import type { WeftSystem } from "../../src/deploy/system";
import { ChallengeFollower } from "../../src/disputes/follower";
import { OnChainDisputeSink } from "../../src/disputes/onchain-sink";
import type { DisputeReceipt, DisputeSink } from "../../src/findings/sink";
import type { Finding, FindingKind } from "../../src/findings/verdict";
import { ProviderAgent } from "../../src/provider/agent";
import { CpuBackend } from "../../src/provider/backends/cpu";
import type { CheatConfig } from "../../src/provider/cheat";
import { DisputeResponder } from "../../src/provider/disputes";
import { parseCheat } from "../../src/provider/options";
import { OutputKeeper } from "../../src/provider/outputs";
import { FileContentStore } from "../../src/store/fs-store";
import { VerifierMetrics } from "../../src/verifier/metrics";
import { eventIndexIn, Verifier } from "../../src/verifier/verifier";
import { EventIndex } from "../../src/agents/event-index";
import type { DemoProvider, ProviderName } from "./plan";
import type { Progress } from "./progress";
import { providerOf } from "../../src/chain/provider";
import { uniformStream } from "../../src/workloads/prng";

/** Most blocks per log query, as verifier:run and provider:run default to. */
const MAX_BLOCK_RANGE = 2_000;

export interface AgentsConfig {
  readonly system: WeftSystem;
  readonly book: AddressBook;
  readonly providers: ReadonlyMap<ProviderName, Signer>;
  /** The verifier's account: it pays dispute bonds and earns the challenger's share of a slash. */
  readonly challenger: Signer;
  /** Agent state files, the verifier's state and the content store live here. */
  readonly workDir: string;
  readonly progress: Progress;
  readonly seed: number;
}

export class DemoAgents {
  private constructor(
    private readonly config: AgentsConfig,
    private readonly providerAgents: Map<ProviderName, ProviderAgent>,
    readonly verifier: Verifier,
    /** What the verifier found on each job it filed: it forgets a finding once its disputes are over. */
    private readonly findings: RecordingSink,
  ) {}

  get storeDir(): string {
    return path.join(this.config.workDir, "store");
  }

  /** Starts an honest agent for every provider and the verifier. */
  static async start(config: AgentsConfig): Promise<DemoAgents> {
    const agents = new Map<ProviderName, ProviderAgent>();
    const { verifier, findings } = await openVerifier(config);
    const demo = new DemoAgents(config, agents, verifier, findings);
    for (const name of config.providers.keys()) agents.set(name, await demo.providerAgent(name));
    return demo;
  }

  /**
   * Restarts a provider's agent as `provider:run --cheat <mode>` would, with the same state file. The cheat's random
   * source comes from the seed, so the wrong word is the same on every run.
   */
  async restartCheating(provider: DemoProvider): Promise<CheatConfig> {
    if (provider.cheat === undefined) throw new Error(`${provider.name} has no cheat in the plan`);
    const cheat = { ...parseCheat(provider.cheat, undefined)!, random: uniformStream(this.config.seed) };
    this.providerAgents.set(provider.name, await this.providerAgent(provider.name, cheat));
    return cheat;
  }

  /** Every provider agent takes one step, in a fixed order, then the verifier checks whatever was submitted. */
  async round(): Promise<void> {
    await this.tickProviders();
    await this.tickVerifier();
  }

  async tickProviders(): Promise<void> {
    for (const agent of this.providerAgents.values()) await agent.tick();
  }

  async tickVerifier(): Promise<void> {
    await this.verifier.tick();
  }

  /**
   * The verifier's verdict on job `id`: the kind of its finding, "valid" once its checkpoint has passed the job's
   * result without one, undefined before. (A job with unverifiable inputs would also leave no finding, which the
   * demo's client, publishing every input, never causes.)
   */
  async verdictOf(id: bigint): Promise<string | undefined> {
    const { state } = this.verifier;
    const found = this.findings.kindOf(id.toString());
    if (found !== undefined) return found;
    const record = state.findingRecord(id.toString());
    if (record?.finding !== undefined) return record.finding.kind;
    const submitted = await readSubmittedResult(this.config.system.JobEscrow, id, this.config.book.deploymentBlock);
    return submitted !== undefined && submitted.blockNumber < state.nextBlock ? "valid" : undefined;
  }

  private providerAgent(name: ProviderName, cheat?: CheatConfig): Promise<ProviderAgent> {
    const { system, book, providers, workDir, progress } = this.config;
    const signer = providers.get(name)!;
    const logger = progress.logger(name);
    const store = new FileContentStore(this.storeDir);
    const slug = `provider-${name.replace(/\W+/g, "-")}`;
    const stateFile = path.join(workDir, `${slug}.json`);
    // As provider:run, each provider keeps a copy of its outputs (a withholding cheater keeps none); the three share
    // a work directory, so each gets its own folder in it.
    const outputs = new OutputKeeper(path.join(workDir, `${slug}-outputs`));
    return ProviderAgent.create({
      system,
      signer,
      backend: new CpuBackend(),
      store,
      outputs,
      cheat,
      stateFile,
      startBlock: book.deploymentBlock,
      confirmations: 0,
      maxBlockRange: MAX_BLOCK_RANGE,
      logger,
      disputes: new DisputeResponder({
        system,
        signer,
        logger,
        outputs,
        store,
      }),
    });
  }
}

/** A sink that remembers the kind of every finding handed to it, then files it through `inner`. */
class RecordingSink implements DisputeSink {
  private readonly kinds = new Map<string, FindingKind>();

  constructor(private readonly inner: DisputeSink) {}

  get name(): string {
    return this.inner.name;
  }

  get filesOnChain(): boolean {
    return this.inner.filesOnChain;
  }

  kindOf(jobId: string): FindingKind | undefined {
    return this.kinds.get(jobId);
  }

  fileDispute(finding: Finding): Promise<DisputeReceipt> {
    this.kinds.set(finding.jobId, finding.kind);
    return this.inner.fileDispute(finding);
  }
}

async function openVerifier(config: AgentsConfig): Promise<{ verifier: Verifier; findings: RecordingSink }> {
  const { system, book, challenger, workDir, progress } = config;
  const logger = progress.logger("verifier");
  const stateDir = path.join(workDir, "verifier");
  const index = await EventIndex.forDeployment({
    file: eventIndexIn(stateDir),
    provider: providerOf(challenger),
    escrow: await system.JobEscrow.getAddress(),
    disputeManager: await system.DisputeManager.getAddress(),
    startBlock: book.deploymentBlock,
    deploymentBlock: book.deploymentBlock,
    maxBlockRange: MAX_BLOCK_RANGE,
  });
  const findings = new RecordingSink(
    new OnChainDisputeSink({ system, signer: challenger, logger, history: index.toHead() }),
  );
  const verifier = await Verifier.open({
    escrow: system.JobEscrow,
    provider: providerOf(challenger),
    stateDir,
    startBlock: book.deploymentBlock,
    deploymentBlock: book.deploymentBlock,
    confirmations: 0,
    maxBlockRange: MAX_BLOCK_RANGE,
    sink: findings,
    follower: new ChallengeFollower({ system, signer: challenger, history: index.toHead(), logger }),
    index,
    metrics: new VerifierMetrics(),
    logger,
    // Every pixel of every tile is recomputed: the picture is assembled from fully verified tiles only.
    check: { mandelbrot: { full: true } },
    // An unpublished output is retried once, briefly: the demo's store is local, so a miss is not a network blip.
    fetchRetry: { attempts: 2, initialDelayMs: 50 },
  });
  return { verifier, findings };
}
