/**
 * Serves a prom-client registry for Prometheus to scrape (GET /metrics) and, when the agent's loop reports its
 * health, a liveness check (GET /healthz: 200 with a small JSON while the loop ticks, 503 once it is stale).
 */
import http from "node:http";
import type { AddressInfo } from "node:net";

import type { Registry } from "prom-client";

import type { LoopHealth } from "./health";

export const METRICS_PATH = "/metrics";
export const HEALTH_PATH = "/healthz";
/** Metrics are private to the machine unless an operator opens them up. */
export const DEFAULT_METRICS_HOST = "127.0.0.1";

export interface RunningMetricsServer {
  /** e.g. http://127.0.0.1:9464/metrics */
  readonly url: string;
  close(): Promise<void>;
}

export function startMetricsServer(
  registry: Registry,
  port: number,
  host = DEFAULT_METRICS_HOST,
  health?: LoopHealth,
): Promise<RunningMetricsServer> {
  const served = health === undefined ? METRICS_PATH : `${METRICS_PATH} and ${HEALTH_PATH}`;
  const server = http.createServer((request, response) => {
    const path = request.method === "GET" ? request.url?.split("?")[0] : undefined;
    if (path === HEALTH_PATH && health !== undefined) {
      const report = health.report();
      response
        .writeHead(report.status === "ok" ? 200 : 503, { "content-type": "application/json" })
        .end(`${JSON.stringify(report)}\n`);
      return;
    }
    if (path !== METRICS_PATH) {
      response.writeHead(404, { "content-type": "text/plain" }).end(`only GET ${served} is served\n`);
      return;
    }
    registry.metrics().then(
      (body) => response.writeHead(200, { "content-type": registry.contentType }).end(body),
      (error: Error) => response.writeHead(500, { "content-type": "text/plain" }).end(`${error.message}\n`),
    );
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      const { port: bound } = server.address() as AddressInfo;
      resolve({
        url: `http://${host}:${bound}${METRICS_PATH}`,
        close: () => new Promise((done, fail) => server.close((error) => (error ? fail(error) : done()))),
      });
    });
  });
}
