/** The lifetime of a long-lived agent: its metrics endpoint, its graceful shutdown and its last log line. */
import type { Registry } from "prom-client";

import { UserError } from "../errors";
import type { Logger } from "./logger";
import { shutdownSignal } from "./loop";
import { type RunningMetricsServer, startMetricsServer } from "./metrics-server";

export interface AgentLifetime {
  readonly logger: Logger;
  readonly metrics: Registry;
  /** Serve `metrics` on this port (0: any free port); undefined: do not serve them. */
  readonly metricsPort?: number;
  /** Logged once the agent is up, with the metrics URL appended when they are served. */
  readonly startLine: string;
}

async function serveMetrics(registry: Registry, port: number): Promise<RunningMetricsServer> {
  try {
    return await startMetricsServer(registry, port);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new UserError(`--metrics-port ${port} cannot be served (${code}); pick another port.`);
  }
}

/**
 * Serves the metrics, logs `startLine`, then runs `run` until SIGINT or SIGTERM aborts the signal it is given;
 * whatever happens, the signal handlers are removed, the metrics server closed and "stopped" logged.
 */
export async function runAgent(lifetime: AgentLifetime, run: (signal: AbortSignal) => Promise<void>): Promise<void> {
  const { logger, metrics, metricsPort, startLine } = lifetime;
  const server = metricsPort === undefined ? undefined : await serveMetrics(metrics, metricsPort);
  const shutdown = shutdownSignal(logger);
  logger.info(server === undefined ? startLine : `${startLine}, metrics at ${server.url}`);
  try {
    await run(shutdown.signal);
  } finally {
    shutdown.dispose();
    await server?.close();
    logger.info("stopped");
  }
}
