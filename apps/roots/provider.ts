/** `provider:run`: sets the provider up if asked, then runs the agent until SIGINT or SIGTERM. */
import type { HardhatRuntimeEnvironment } from "hardhat/types";

import { isLocalNetwork } from "../../config/parameters";
import { consoleLogger } from "../../src/agents/logger";
import { shutdownSignal } from "../../src/agents/loop";
import { loadSystem, parseAccountIndex } from "../../src/cli/context";
import { type RunningMetricsServer, startMetricsServer } from "../../src/metrics/server";
import { UserError } from "../../src/errors";
import { DEFAULT_STORE_DIR, ipfsGatewayFromEnv, storeForPublishing } from "../../src/store/factory";
import { ProviderAgent } from "../../src/provider/agent";
import {
  type BackendArgs,
  defaultStateFile,
  parseBackend,
  parseCheat,
  parseNonNegativeInteger,
  parsePolicy,
  parseProfile,
  parseSeconds,
  parseWeftAmount,
  type PolicyArgs,
} from "../../src/provider/options";
import { ensureProvider } from "../../src/provider/setup";
import { DisputeResponder } from "../../src/provider/disputes";
import { OutputKeeper } from "../../src/provider/outputs";

/** Confirmations on public networks unless --confirmations says otherwise: a reorg there can drop a job's log. */
const PUBLIC_CONFIRMATIONS = 3;
const DEFAULT_POLL_INTERVAL_SECONDS = 2;

export interface RunProviderArgs extends BackendArgs, PolicyArgs {
  readonly account?: string;
  readonly store?: string;
  readonly ipfsGateway?: string;
  readonly cheat?: string;
  readonly cheatRate?: string;
  readonly metricsPort?: string;
  readonly pollInterval?: string;
  readonly confirmations?: string;
  readonly state?: string;
  readonly stake?: string;
  readonly gpu?: string;
  readonly vram?: string;
  readonly metadataUri?: string;
}

function defaultConfirmations(network: string): number {
  return isLocalNetwork(network) ? 0 : PUBLIC_CONFIRMATIONS;
}

async function serveMetrics(agent: ProviderAgent, port: number): Promise<RunningMetricsServer> {
  try {
    return await startMetricsServer(agent.metrics.registry, port);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new UserError(`--metrics-port ${port} cannot be served (${code}); pick another port.`);
  }
}

export async function runProvider(hre: HardhatRuntimeEnvironment, args: RunProviderArgs): Promise<void> {
  // Every flag is checked before anything is sent or started.
  const backend = parseBackend(args);
  const policy = parsePolicy(args);
  const cheat = parseCheat(args.cheat, args.cheatRate);
  const minStake = args.stake === undefined ? undefined : parseWeftAmount(args.stake, "--stake");
  const profile = args.gpu === undefined ? undefined : parseProfile(args.gpu, args.vram, args.metadataUri);
  const metricsPort =
    args.metricsPort === undefined ? undefined : parseNonNegativeInteger(args.metricsPort, "--metrics-port");
  const intervalMs =
    1000 *
    (args.pollInterval === undefined
      ? DEFAULT_POLL_INTERVAL_SECONDS
      : parseSeconds(args.pollInterval, "--poll-interval"));
  const confirmations =
    args.confirmations === undefined
      ? defaultConfirmations(hre.network.name)
      : parseNonNegativeInteger(args.confirmations, "--confirmations");
  const account = args.account === undefined ? 0 : parseAccountIndex(args.account);

  const { book, signer, system } = await loadSystem(hre, account);
  const logger = consoleLogger("provider");
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
    confirmations,
    logger,
    disputes: new DisputeResponder({
      system,
      signer,
      fetchConfig: { ipfsGateway },
      logger,
      deploymentBlock: book.deploymentBlock,
      outputs,
      store,
      network: hre.network.name,
    }),
  });
  await ensureProvider(system, signer, { profile, minStake }, logger);
  if (cheat !== undefined) {
    logger.warn(
      `FAULT INJECTION ON: --cheat ${cheat.mode} at rate ${cheat.rate}; expect this provider to be caught and slashed`,
    );
  }
  const metrics = metricsPort === undefined ? undefined : await serveMetrics(agent, metricsPort);
  const shutdown = shutdownSignal(logger);
  logger.info(
    `provider ${address} on ${hre.network.name}: ${backend.name} backend, publishing to ${storeLocation}, ` +
      `state ${stateFile}, ${confirmations} confirmations, polling every ${intervalMs / 1000} s` +
      (metrics === undefined ? "" : `, metrics at ${metrics.url}`),
  );
  try {
    await agent.run(shutdown.signal, intervalMs);
  } finally {
    shutdown.dispose();
    await metrics?.close();
    logger.info("stopped");
  }
}
