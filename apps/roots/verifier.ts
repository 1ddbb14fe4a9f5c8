/** The `verifier:run` command: its options, and the verifier wired to the deployed system. */
import path from "node:path";

import type { HardhatRuntimeEnvironment } from "hardhat/types";
import { collectDefaultMetrics } from "prom-client";

import { isLocalNetwork } from "../../config/parameters";
import { consoleLogger, type Logger } from "../../src/agents/logger";
import { shutdownSignal } from "../../src/agents/loop";
import { loadSystem, parseAccountIndex } from "../../src/cli/context";
import { ChallengeFollower } from "../../src/disputes/follower";
import { OnChainDisputeSink } from "../../src/disputes/onchain-sink";
import { UserError } from "../../src/errors";
import { startMetricsServer } from "../../src/metrics/server";
import { ipfsGatewayFromEnv } from "../../src/store/factory";
import { DEFAULT_DETECTION } from "../../src/findings/checks/mandelbrot";
import { VerifierMetrics } from "../../src/verifier/metrics";
import { EvidenceFileSink } from "../../src/verifier/sinks";
import { Verifier } from "../../src/verifier/verifier";

/** The command line as Hardhat hands it over. */
export interface VerifierCliArgs {
  readonly stateDir?: string;
  readonly confirmations?: string;
  readonly pollInterval?: string;
  readonly maxBlockRange?: string;
  readonly metricsPort?: string;
  readonly full: boolean;
  readonly detection?: string;
  readonly fromBlock?: string;
  readonly ipfsGateway?: string;
  readonly once: boolean;
  readonly evidenceOnly?: boolean;
  readonly account?: string;
}

export interface VerifierRunConfig {
  readonly stateDir: string;
  readonly confirmations: number;
  readonly pollIntervalMs: number;
  readonly maxBlockRange: number;
  readonly metricsPort?: number;
  readonly full: boolean;
  readonly detection: number;
  /** First block of a fresh state; the address book's deploymentBlock if not given. */
  readonly fromBlock?: number;
  readonly ipfsGateway?: string;
  readonly once: boolean;
  /** Write findings to files only; do not dispute on-chain. */
  readonly evidenceOnly: boolean;
  /** The challenger's account index. */
  readonly account: number;
}

/** Confirmations on public networks: reorgs deeper than this are rare on the networks Weft targets. */
export const PUBLIC_CONFIRMATIONS = 3;
export const DEFAULT_POLL_INTERVAL_MS = 5000;
/** Most public RPC endpoints accept eth_getLogs over this many blocks. */
export const DEFAULT_MAX_BLOCK_RANGE = 2000;

function parseInteger(flag: string, value: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const parsed = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(parsed) || parsed < min || parsed > max) {
    throw new UserError(`--${flag} must be an integer from ${min} to ${max}; got "${value}".`);
  }
  return parsed;
}

function parseDetection(value: string): number {
  const parsed = /^(0|1)?(\.\d+)?$/.test(value) ? Number(value) : NaN;
  if (!(parsed > 0 && parsed <= 1)) {
    throw new UserError(`--detection must be a probability in (0, 1], e.g. 0.5; got "${value}".`);
  }
  return parsed;
}

/** Checks the command line and fills in the defaults for `network`. */
export function parseVerifierArgs(args: VerifierCliArgs, network: string): VerifierRunConfig {
  if (args.full && args.detection !== undefined) {
    throw new UserError("--full recomputes every pixel; drop --detection or --full.");
  }
  const optional = (value: string | undefined, parse: (value: string) => number) =>
    value === undefined ? undefined : parse(value);
  return {
    stateDir: path.resolve(args.stateDir ?? path.join(".weft", `verifier-${network}`)),
    confirmations:
      optional(args.confirmations, (v) => parseInteger("confirmations", v, 0)) ??
      (isLocalNetwork(network) ? 0 : PUBLIC_CONFIRMATIONS),
    pollIntervalMs: optional(args.pollInterval, (v) => parseInteger("poll-interval", v, 1)) ?? DEFAULT_POLL_INTERVAL_MS,
    maxBlockRange:
      optional(args.maxBlockRange, (v) => parseInteger("max-block-range", v, 1)) ?? DEFAULT_MAX_BLOCK_RANGE,
    metricsPort: optional(args.metricsPort, (v) => parseInteger("metrics-port", v, 0, 65535)),
    full: args.full,
    detection: optional(args.detection, parseDetection) ?? DEFAULT_DETECTION,
    fromBlock: optional(args.fromBlock, (v) => parseInteger("from-block", v, 0)),
    ipfsGateway: args.ipfsGateway ?? ipfsGatewayFromEnv(),
    once: args.once,
    evidenceOnly: args.evidenceOnly ?? false,
    account: optional(args.account, parseAccountIndex) ?? 0,
  };
}

/** Runs the verifier until SIGINT/SIGTERM (or for one tick with --once). */
export async function runVerifier(
  hre: HardhatRuntimeEnvironment,
  config: VerifierRunConfig,
  logger: Logger = consoleLogger("verifier"),
): Promise<void> {
  const { system, book, signer } = await loadSystem(hre, config.account);
  const metrics = new VerifierMetrics();
  const evidence = EvidenceFileSink.inStateDir(config.stateDir);
  const sink = config.evidenceOnly
    ? evidence
    : new OnChainDisputeSink({ system, signer, logger, deploymentBlock: book.deploymentBlock });
  const follower = config.evidenceOnly
    ? undefined
    : new ChallengeFollower({
        system,
        signer,
        deploymentBlock: book.deploymentBlock,
        fetchConfig: { ipfsGateway: config.ipfsGateway },
        logger,
      });
  const verifier = await Verifier.open({
    escrow: system.JobEscrow,
    provider: hre.ethers.provider,
    stateDir: config.stateDir,
    startBlock: config.fromBlock ?? book.deploymentBlock,
    deploymentBlock: book.deploymentBlock,
    confirmations: config.confirmations,
    maxBlockRange: config.maxBlockRange,
    sink,
    follower,
    metrics,
    logger,
    ipfsGateway: config.ipfsGateway,
    check: { mandelbrot: { full: config.full, detection: config.detection } },
  });
  if (config.fromBlock !== undefined && verifier.state.nextBlock !== config.fromBlock) {
    logger.warn(
      `--from-block ${config.fromBlock} ignored: ${verifier.state.file} resumes at ${verifier.state.nextBlock}`,
    );
  }
  logger.info(
    `mandelbrot-q: ${config.full ? "recomputing every pixel" : `sampling for detection ${config.detection}`}; ` +
      (config.evidenceOnly
        ? `findings go to ${evidence.directory}`
        : `findings are disputed on-chain from ${await signer.getAddress()}`),
  );
  if (config.once) {
    const summary = await verifier.tick();
    logger.info(`checked ${summary.checked} jobs, filed ${summary.filed}; next block ${verifier.state.nextBlock}`);
    return;
  }
  collectDefaultMetrics({ register: metrics.registry, prefix: "weft_verifier_" });
  const server =
    config.metricsPort === undefined ? undefined : await startMetricsServer(metrics.registry, config.metricsPort);
  if (server !== undefined) logger.info(`metrics at ${server.url}`);
  const shutdown = shutdownSignal(logger);
  try {
    await verifier.run(shutdown.signal, config.pollIntervalMs);
  } finally {
    shutdown.dispose();
    await server?.close();
  }
}
