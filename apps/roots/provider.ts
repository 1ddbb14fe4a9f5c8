/** `provider:run`: sets the provider up if asked, then runs the agent until SIGINT or SIGTERM. */
import type { HardhatRuntimeEnvironment } from "hardhat/types";

import { isLocalNetwork } from "../../config/parameters";

import { parseChainFollowing } from "../../src/agents/following";
import { defaultHealthMaxAgeMs, LoopHealth } from "../../src/agents/health";
import { consoleLogger, parseLogFormat } from "../../src/agents/logger";
import { runAgent } from "../../src/agents/run";
import { loadSystem } from "../../src/cli/context";
import { parseAmount, parseDuration, parseInteger, parsePort, WEFT_UNITS } from "../../src/cli/flags";
import { DEFAULT_STORE_DIR, ipfsGatewayFromEnv, storeForPublishing } from "../../src/store/factory";
import { ProviderAgent } from "../../src/provider/agent";
import {
  type BackendArgs,
  defaultStateFile,
  parseBackend,
  parseCheat,
  parsePolicy,
  parseProfile,
  type PolicyArgs,
} from "../../src/provider/options";
import { DEFAULT_JOB_RETRY } from "../../src/provider/job-retries";
import { selfTestBackend } from "../../src/provider/self-test";
import { ensureProvider } from "../../src/provider/setup";
import { DisputeResponder } from "../../src/provider/disputes";
import { OutputKeeper } from "../../src/provider/outputs";

export interface RunProviderArgs extends BackendArgs, PolicyArgs {
  readonly account?: string;
  readonly keystore?: string;
  readonly store?: string;
  readonly ipfsGateway?: string;
  readonly cheat?: string;
  readonly cheatRate?: string;
  readonly metricsPort?: string;
  readonly metricsHost?: string;
  readonly logFormat?: string;
  readonly pollInterval?: string;
  readonly confirmations?: string;
  readonly state?: string;
  readonly stake?: string;
  readonly gpu?: string;
  readonly vram?: string;
  readonly metadataUri?: string;
  readonly jobAttempts?: string;
  readonly healthMaxAge?: string;
}

/** How often, on a public network, jobs waiting for collateral, eligibility or their inputs are checked again. */
const PUBLIC_WAITING_RETRY_MS = 30_000;

export async function runProvider(hre: HardhatRuntimeEnvironment, args: RunProviderArgs): Promise<void> {
  // Every flag is checked before anything is sent or started.
  const backend = parseBackend(args);
  const policy = parsePolicy(args);
  const cheat = parseCheat(args.cheat, args.cheatRate);
  const minStake = args.stake === undefined ? undefined : parseAmount("--stake", args.stake, WEFT_UNITS);
  const profile = args.gpu === undefined ? undefined : parseProfile(args.gpu, args.vram, args.metadataUri);
  const metricsPort = args.metricsPort === undefined ? undefined : parsePort("--metrics-port", args.metricsPort);
  const following = parseChainFollowing(args, hre.network.name, "s");
  const logFormat = parseLogFormat(args.logFormat);
  const jobRetry = {
    ...DEFAULT_JOB_RETRY,
    attempts:
      args.jobAttempts === undefined
        ? DEFAULT_JOB_RETRY.attempts
        : parseInteger("--job-attempts", args.jobAttempts, { min: 1 }),
  };
  const health = new LoopHealth(
    args.healthMaxAge === undefined
      ? defaultHealthMaxAgeMs(following.pollIntervalMs)
      : parseDuration("--health-max-age", args.healthMaxAge),
  );

  // Before anything is registered, staked or accepted: a backend that computes wrong never takes on a job.
  const logger = consoleLogger("provider", logFormat);
  await selfTestBackend(backend, policy.workloads);
  logger.info(`backend self-test passed: the ${backend.name} backend computes ${policy.workloads.join(", ")} exactly`);

  const { book, signer, system } = await loadSystem(hre, {
    account: args.account,
    keystore: args.keystore,
    role: "provider",
  });
  const address = await signer.getAddress();
  const stateFile = args.state ?? defaultStateFile(hre.network.name, address);
  const storeLocation = args.store ?? DEFAULT_STORE_DIR;
  const ipfsGateway = args.ipfsGateway ?? ipfsGatewayFromEnv();
  const store = storeForPublishing(storeLocation);
  const outputs = OutputKeeper.besideState(stateFile);
  const agent = await ProviderAgent.create({
    system,
    signer,
    backend,
    store,
    outputs,
    fetchConfig: { ipfsGateway },
    policy,
    cheat,
    stateFile,
    startBlock: book.deploymentBlock,
    confirmations: following.confirmations,
    maxBlockRange: following.maxBlockRange,
    // A public endpoint is not asked about every waiting job on every poll.
    waitingRetryMs: isLocalNetwork(hre.network.name) ? 0 : PUBLIC_WAITING_RETRY_MS,
    logger,
    jobRetry,
    disputes: new DisputeResponder({
      system,
      signer,
      fetchConfig: { ipfsGateway },
      logger,
      outputs,
      store,
      network: hre.network.name,
    }),
  });
  await ensureProvider(system, signer, { profile, minStake, network: hre.network.name }, logger);
  if (cheat !== undefined) {
    logger.warn(
      `FAULT INJECTION ON: --cheat ${cheat.mode} at rate ${cheat.rate}; expect this provider to be caught and slashed`,
    );
  }
  const startLine =
    `provider ${address} on ${hre.network.name}: ${backend.name} backend, publishing to ${storeLocation}, ` +
    `state ${stateFile}, ${following.confirmations} confirmations, polling every ${following.pollIntervalMs / 1000} s`;
  await runAgent(
    { logger, metrics: agent.metrics.registry, metricsPort, metricsHost: args.metricsHost, health, startLine },
    (signal) => agent.run(signal, following.pollIntervalMs, health),
  );
}
