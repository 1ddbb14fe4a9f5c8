/**
 * Ignition's progress as one line per step, for `npx hardhat deploy` to print on stderr. Ignition's own display
 * (PrettyEventHandler) redraws the terminal on stdout, which a script reading the address table there would get
 * mixed in, and shows nothing useful in a log file; a deployer waiting on a public network's blocks needs to see each
 * step land.
 */
import path from "node:path";

import {
  ExecutionEventResultType,
  type ExecutionEventListener,
  type ExecutionEventResult,
  type BatchInitializeEvent,
  type DeploymentStartEvent,
  type ReconciliationWarningsEvent,
} from "@nomicfoundation/ignition-core";
import { isAddress } from "ethers";

type FutureEvent = { futureId: string };
type CompleteEvent = FutureEvent & { result: ExecutionEventResult };

/** Writes a line as each step (a deployment, a call, a read) of the deployment completes, numbered out of the total. */
export class ProgressLines implements ExecutionEventListener {
  private total = 0;
  private done = 0;
  private readonly started = Date.now();

  constructor(private readonly write: (line: string) => void) {}

  deploymentStart(event: DeploymentStartEvent): void {
    if (!event.isResumed || event.deploymentDir === undefined) return;
    this.write(`Resuming the deployment recorded in ${path.relative(process.cwd(), event.deploymentDir)}`);
  }

  batchInitialize(event: BatchInitializeEvent): void {
    this.total = event.batches.flat().length;
    this.write(this.total === 0 ? "Every step is already done." : `${this.total} steps to run`);
  }

  reconciliationWarnings(event: ReconciliationWarningsEvent): void {
    for (const warning of event.warnings) this.write(`warning: ${warning}`);
  }

  deploymentExecutionStateComplete(event: CompleteEvent): void {
    this.complete(event);
  }
  callExecutionStateComplete(event: CompleteEvent): void {
    this.complete(event);
  }
  staticCallExecutionStateComplete(event: CompleteEvent): void {
    this.complete(event);
  }
  sendDataExecutionStateComplete(event: CompleteEvent): void {
    this.complete(event);
  }
  // These three steps complete as they start: they read what an earlier step left, or encode a call.
  contractAtExecutionStateInitialize(event: FutureEvent): void {
    this.complete({ ...event, result: { type: ExecutionEventResultType.SUCCESS } });
  }
  readEventArgumentExecutionStateInitialize(event: CompleteEvent): void {
    this.complete(event);
  }
  encodeFunctionCallExecutionStateInitialize(event: CompleteEvent): void {
    this.complete(event);
  }

  onchainInteractionBumpFees(event: FutureEvent): void {
    this.write(`${event.futureId}: not mined yet, resent with higher fees`);
  }
  onchainInteractionDropped(event: FutureEvent): void {
    this.write(`${event.futureId}: the transaction was dropped from the mempool; it will be resent`);
  }
  onchainInteractionReplacedByUser(event: FutureEvent): void {
    this.write(`${event.futureId}: the transaction was replaced by another from the same account`);
  }
  onchainInteractionTimeout(event: FutureEvent): void {
    this.write(`${event.futureId}: timed out waiting for the transaction to be mined`);
  }

  // Steps starting, transactions sent and confirmed: a line each would triple the output for no decision to take.
  wipeApply(): void {}
  deploymentExecutionStateInitialize(): void {}
  callExecutionStateInitialize(): void {}
  staticCallExecutionStateInitialize(): void {}
  sendDataExecutionStateInitialize(): void {}
  networkInteractionRequest(): void {}
  transactionSend(): void {}
  transactionConfirm(): void {}
  staticCallComplete(): void {}
  deploymentInitialize(): void {}
  runStart(): void {}
  beginNextBatch(): void {}
  deploymentComplete(): void {}
  setModuleId(): void {}
  setStrategy(): void {}

  private complete({ futureId, result }: CompleteEvent): void {
    this.done++;
    const width = String(this.total).length;
    const step = `[${String(this.done).padStart(width)}/${this.total}]`;
    const seconds = ((Date.now() - this.started) / 1000).toFixed(1);
    this.write(`${step} ${futureId}${outcome(result)} (${seconds} s)`);
  }
}

/** What a step left: a deployed contract's address, nothing for a call, or why it failed. */
function outcome(result: ExecutionEventResult): string {
  switch (result.type) {
    case ExecutionEventResultType.SUCCESS:
      return result.result !== undefined && isAddress(result.result) ? ` ${result.result}` : "";
    case ExecutionEventResultType.ERROR:
      return ` failed: ${result.error}`;
    case ExecutionEventResultType.HELD:
      return ` held: ${result.reason}`;
  }
}
