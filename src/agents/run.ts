/** The lifetime of a long-lived agent: its metrics endpoint, its graceful shutdown and its last log line. */
import type { Registry } from "prom-client";

import { UserError } from "../errors";
import type { LoopHealth } from "./health";
import type { Logger } from "./logger";
import { shutdownSignal } from "./loop";
import {
  DEFAULT_METRICS_HOST,
  HEALTH_PATH,
  METRICS_PATH,
  type RunningMetricsServer,
  startMetricsServer,
} from "./metrics-server";

export interface AgentLifetime {
  readonly logger: Logger;
  readonly metrics: Registry;
  /** Serve `metrics` on this port (0: any free port); undefined: do not serve them. */
  readonly metricsPort?: number;
  /** The interface to serve them on; 127.0.0.1 unless given (0.0.0.0: every interface, for a scraper elsewhere). */
  readonly metricsHost?: string;
  /** The loop's health, served at GET /healthz beside the metrics. */
  readonly health?: LoopHealth;
  /** Logged once the agent is up, with the metrics URL appended when they are served. */
  readonly startLine: string;
}

async function serveMetrics(
  registry: Registry,
  port: number,
  host = DEFAULT_METRICS_HOST,
  health?: LoopHealth,
): Promise<RunningMetricsServer> {
  try {
    return await startMetricsServer(registry, port, host, health);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new UserError(
      `--metrics-port ${port} on --metrics-host ${host} cannot be served (${code}); pick another port or host.`,
    );
  }
}

/**
 * Serves the metrics, logs `startLine`, then runs `run` until SIGINT or SIGTERM aborts the signal it is given;
 * whatever happens, the signal handlers are removed, the metrics server closed and "stopped" logged.
 */
export async function runAgent(lifetime: AgentLifetime, run: (signal: AbortSignal) => Promise<void>): Promise<void> {
  const { logger, metrics, metricsPort, metricsHost, health, startLine } = lifetime;
  const server = metricsPort === undefined ? undefined : await serveMetrics(metrics, metricsPort, metricsHost, health);
  const shutdown = shutdownSignal(logger);
  const served = health === undefined ? "" : ` and health at ${server?.url.replace(METRICS_PATH, HEALTH_PATH)}`;
  logger.info(server === undefined ? startLine : `${startLine}, metrics at ${server.url}${served}`);
  try {
    await run(shutdown.signal);
  } finally {
    shutdown.dispose();
    await server?.close();
    logger.info("stopped");
  }
}
