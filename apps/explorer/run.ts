/** The `explorer` command: its options, and the explorer's follower and server wired to the deployed system. */
import path from "node:path";

import type { HardhatRuntimeEnvironment } from "hardhat/types";

import { parseChainFollowing } from "../../src/agents/following";
import { consoleLogger, type Logger } from "../../src/agents/logger";
import { runPollingLoop, shutdownSignal } from "../../src/agents/loop";
import { readSystem } from "../../src/cli/context";
import { parsePort } from "../../src/cli/flags";
import { errorMessage, UserError } from "../../src/errors";
import { DEFAULT_EXPLORER_PORT } from "../../src/explorer/api";
import { ExplorerFollower } from "../../src/explorer/follower";
import { buildExplorerAssets } from "./assets";
import { startExplorerServer } from "./server";

/** The command line as Hardhat hands it over. */
export interface ExplorerCliArgs {
  readonly port?: string;
  readonly host?: string;
  readonly stateDir?: string;
  readonly confirmations?: string;
  readonly pollInterval?: string;
  readonly maxBlockRange?: string;
}

export interface ExplorerConfig {
  readonly port: number;
  readonly host: string;
  readonly stateDir: string;
  readonly confirmations: number;
  readonly pollIntervalMs: number;
  readonly maxBlockRange: number;
}

/** The explorer is private to the machine unless its operator opens it up. */
const DEFAULT_HOST = "127.0.0.1";

/** The explorer's state (its event index and block times) for `network`. */
export const explorerStateDir = (network: string) => path.join(".weft", `explorer-${network}`);

export function parseExplorerArgs(args: ExplorerCliArgs, network: string): ExplorerConfig {
  const following = parseChainFollowing(args, network, "ms");
  return {
    port: args.port === undefined ? DEFAULT_EXPLORER_PORT : parsePort("--port", args.port),
    host: args.host ?? DEFAULT_HOST,
    stateDir: path.resolve(args.stateDir ?? explorerStateDir(network)),
    confirmations: following.confirmations,
    pollIntervalMs: following.pollIntervalMs,
    maxBlockRange: following.maxBlockRange,
  };
}

/** Indexes the deployment, serves the explorer and follows the chain until SIGINT or SIGTERM. */
export async function runExplorer(
  hre: HardhatRuntimeEnvironment,
  config: ExplorerConfig,
  logger: Logger = consoleLogger("explorer", "text"),
): Promise<void> {
  const { system, book } = await readSystem(hre);
  const follower = await ExplorerFollower.open({
    system,
    provider: hre.ethers.provider,
    network: hre.network.name,
    deploymentBlock: book.deploymentBlock,
    stateDir: config.stateDir,
    confirmations: config.confirmations,
    maxBlockRange: config.maxBlockRange,
    onProgress: ({ scannedBlocks, totalBlocks }) => {
      // A line per tenth of a long first read, not one per range.
      const tenth = Math.max(1, Math.floor(totalBlocks / 10));
      if (scannedBlocks % tenth < config.maxBlockRange)
        logger.info(`indexed ${scannedBlocks} of ${totalBlocks} blocks`);
    },
    retry: {
      onRetry: (error, attempt, delayMs) =>
        logger.warn(`reading the chain failed (attempt ${attempt}), retrying in ${delayMs} ms: ${errorMessage(error)}`),
    },
  });
  logger.info(`indexing ${hre.network.name} from block ${book.deploymentBlock} into ${config.stateDir}`);
  await follower.tick();
  const assets = await buildExplorerAssets({ title: `Weft Explorer · ${hre.network.name}` });
  const server = await startExplorerServer(follower.reader, assets, {
    port: config.port,
    host: config.host,
    head: () => follower.head,
  }).catch((error: NodeJS.ErrnoException) => {
    throw new UserError(
      `--port ${config.port} on --host ${config.host} cannot be served (${error.code ?? error}); pick another.`,
    );
  });
  logger.info(`explorer at ${server.url} (indexed to block ${follower.head.indexed})`);
  const shutdown = shutdownSignal(logger);
  try {
    await runPollingLoop(
      async () => {
        if (await follower.tick()) server.indexed(follower.head);
      },
      { intervalMs: config.pollIntervalMs, signal: shutdown.signal, logger },
    );
  } finally {
    shutdown.dispose();
    await server.close();
    logger.info("stopped");
  }
}
