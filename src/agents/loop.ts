/** The polling loop of a long-lived agent and its graceful shutdown. */
import { sleep } from "../chain/retry";
import { errorMessage } from "../errors";
import type { LoopHealth, TickReport } from "./health";
import type { Logger } from "./logger";

export interface PollingLoopOptions {
  readonly intervalMs: number;
  readonly signal: AbortSignal;
  readonly logger: Logger;
  /** Told how each tick ended, for GET /healthz. */
  readonly health?: LoopHealth;
}

/**
 * Calls `tick` every `intervalMs` until `signal` aborts. A tick that throws is logged and the loop goes on:
 * an agent outlives a bad RPC response or a full disk; the next tick starts again from the saved state.
 * A tick in progress when the signal aborts runs to its end, so no state is left half-written.
 */
export async function runPollingLoop(
  tick: () => Promise<TickReport | void>,
  options: PollingLoopOptions,
): Promise<void> {
  const { intervalMs, signal, logger, health } = options;
  while (!signal.aborted) {
    try {
      // Not inside the optional call: without a health, its arguments would never be evaluated.
      const report = await tick();
      health?.succeeded(report);
    } catch (error) {
      health?.failed(errorMessage(error));
      logger.error(`tick failed, retrying in ${intervalMs} ms: ${errorMessage(error)}`);
    }
    try {
      await sleep(intervalMs, signal);
    } catch {
      break;
    }
  }
}

/** An AbortSignal that aborts on the first SIGINT or SIGTERM; `dispose` removes the handlers. */
export function shutdownSignal(logger: Logger): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const onSignal = (name: NodeJS.Signals) => {
    if (controller.signal.aborted) return;
    logger.info(`${name} received: finishing the current step, then stopping`);
    controller.abort(new Error(name));
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  return {
    signal: controller.signal,
    dispose: () => {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
    },
  };
}
