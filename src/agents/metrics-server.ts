/** Serves a prom-client registry for Prometheus to scrape: GET /metrics. */
import http from "node:http";
import type { AddressInfo } from "node:net";

import type { Registry } from "prom-client";

export const METRICS_PATH = "/metrics";
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
): Promise<RunningMetricsServer> {
  const server = http.createServer((request, response) => {
    if (request.method !== "GET" || request.url?.split("?")[0] !== METRICS_PATH) {
      response.writeHead(404, { "content-type": "text/plain" }).end(`only GET ${METRICS_PATH} is served\n`);
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
