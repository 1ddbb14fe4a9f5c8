/** The `verifier:run` command: its options, and the verifier wired to the deployed system. */
import path from "node:path";

import type { HardhatRuntimeEnvironment } from "hardhat/types";
import { collectDefaultMetrics } from "prom-client";

import { consoleLogger, type LogFormat, type Logger, parseLogFormat } from "../../src/agents/logger";
import { parseChainFollowing } from "../../src/agents/following";
import { defaultHealthMaxAgeMs, LoopHealth } from "../../src/agents/health";
import { runAgent } from "../../src/agents/run";
import { loadSystem } from "../../src/cli/context";
import { parseInteger, parsePort } from "../../src/cli/flags";
import type { SignerChoice } from "../../src/cli/signer";
import { EventIndex } from "../../src/agents/event-index";
import { ChallengeFollower } from "../../src/disputes/follower";
import { OnChainDisputeSink } from "../../src/disputes/onchain-sink";
import { errorMessage, UserError } from "../../src/errors";
import { ipfsGatewayFromEnv } from "../../src/store/factory";
import { DEFAULT_DETECTION } from "../../src/findings/checks/mandelbrot";
import { VerifierMetrics } from "../../src/verifier/metrics";
import { EvidenceFileSink } from "../../src/verifier/sinks";
import { eventIndexIn, Verifier } from "../../src/verifier/verifier";

/** The command line as Hardhat hands it over. */
export interface VerifierCliArgs {
  readonly stateDir?: string;
  readonly confirmations?: string;
  readonly pollInterval?: string;
  readonly maxBlockRange?: string;
  readonly metricsPort?: string;
  readonly metricsHost?: string;
  readonly logFormat?: string;
  readonly full: boolean;
  readonly detection?: string;
  readonly fromBlock?: string;
  readonly ipfsGateway?: string;
  readonly once: boolean;
  readonly evidenceOnly?: boolean;
  readonly account?: string;
  readonly keystore?: string;
}

export interface VerifierRunConfig {
  readonly stateDir: string;
  readonly confirmations: number;
  readonly pollIntervalMs: number;
  readonly maxBlockRange: number;
  readonly metricsPort?: number;
  /** The interface the metrics are served on (127.0.0.1 unless given). */
  readonly metricsHost?: string;
  readonly logFormat: LogFormat;
  readonly full: boolean;
  readonly detection: number;
  /** First block of a fresh state; the address book's deploymentBlock if not given. */
  readonly fromBlock?: number;
  readonly ipfsGateway?: string;
  readonly once: boolean;
  /** Write findings to files only; do not dispute on-chain. */
  readonly evidenceOnly: boolean;
  /** The challenger's key. */
  readonly signer: SignerChoice;
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
  const optional = <T>(value: string | undefined, parse: (value: string) => T) =>
    value === undefined ? undefined : parse(value);
  const following = parseChainFollowing(args, network, "ms");
  return {
    stateDir: path.resolve(args.stateDir ?? path.join(".weft", `verifier-${network}`)),
    confirmations: following.confirmations,
    pollIntervalMs: following.pollIntervalMs,
    maxBlockRange: following.maxBlockRange,
    metricsPort: optional(args.metricsPort, (v) => parsePort("--metrics-port", v)),
    metricsHost: args.metricsHost,
    logFormat: parseLogFormat(args.logFormat),
    full: args.full,
    detection: optional(args.detection, parseDetection) ?? DEFAULT_DETECTION,
    fromBlock: optional(args.fromBlock, (v) => parseInteger("--from-block", v)),
    ipfsGateway: args.ipfsGateway ?? ipfsGatewayFromEnv(),
    once: args.once,
    evidenceOnly: args.evidenceOnly ?? false,
    signer: { account: args.account, keystore: args.keystore, role: "verifier" },
  };
}

/** Runs the verifier until SIGINT/SIGTERM (or for one tick with --once). */
export async function runVerifier(
  hre: HardhatRuntimeEnvironment,
  config: VerifierRunConfig,
  logger: Logger = consoleLogger("verifier", config.logFormat),
): Promise<void> {
  const { system, book, signer } = await loadSystem(hre, config.signer);
  const metrics = new VerifierMetrics();
  const evidence = EvidenceFileSink.inStateDir(config.stateDir);
  const startBlock = config.fromBlock ?? book.deploymentBlock;
  const index = await EventIndex.forDeployment({
    file: eventIndexIn(config.stateDir),
    provider: hre.ethers.provider,
    escrow: await system.JobEscrow.getAddress(),
    disputeManager: await system.DisputeManager.getAddress(),
    startBlock,
    deploymentBlock: book.deploymentBlock,
    maxBlockRange: config.maxBlockRange,
    retry: {
      onRetry: (error, attempt, delayMs) =>
        logger.warn(`reading logs failed (attempt ${attempt}), retrying in ${delayMs} ms: ${errorMessage(error)}`),
    },
  });
  const sink = config.evidenceOnly
    ? evidence
    : new OnChainDisputeSink({ system, signer, logger, history: index.toHead() });
  const follower = config.evidenceOnly
    ? undefined
    : new ChallengeFollower({
        system,
        signer,
        history: index.toHead(),
        fetchConfig: { ipfsGateway: config.ipfsGateway },
        logger,
      });
  const verifier = await Verifier.open({
    escrow: system.JobEscrow,
    provider: hre.ethers.provider,
    stateDir: config.stateDir,
    startBlock,
    deploymentBlock: book.deploymentBlock,
    index,
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
  collectDefaultMetrics({ register: metrics.registry, prefix: metrics.prefix });
  const startLine = `verifier on ${hre.network.name}: state ${config.stateDir}, polling every ${config.pollIntervalMs} ms`;
  const health = new LoopHealth(defaultHealthMaxAgeMs(config.pollIntervalMs));
  const { metricsPort, metricsHost } = config;
  await runAgent({ logger, metrics: metrics.registry, metricsPort, metricsHost, health, startLine }, (signal) =>
    verifier.run(signal, config.pollIntervalMs, health),
  );
}
