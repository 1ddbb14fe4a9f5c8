/**
 * An unsuccessful Ignition deployment as one line that says what to do. Ignition's own report
 * (errorDeploymentResultToExceptionMessage) is a multi-line list with no next step, and a changed parameter between
 * two runs of the same journal reads there as "Argument at index 3 has been changed".
 */
import { DeploymentResultType, type DeploymentResult } from "@nomicfoundation/ignition-core";

import { UserError } from "../errors";

type Unsuccessful = Exclude<DeploymentResult, { type: DeploymentResultType.SUCCESSFUL_DEPLOYMENT }>;

/** Where the deployment ran: its journal (none on the in-process network) and the id that names it. */
export interface FailedRun {
  readonly deploymentId: string;
  readonly journal?: string;
}

const listed = (errors: Record<string, string[]>): string =>
  Object.entries(errors)
    .flatMap(([futureId, messages]) => messages.map((message) => `${futureId}: ${message}`))
    .join("; ");

/** The failure, naming each step that failed and why, and the command that continues. */
export function deploymentFailure(result: Unsuccessful, run: FailedRun): UserError {
  const resume =
    run.journal === undefined ? "" : ` What was done is kept in ${run.journal}: run the same command again.`;
  switch (result.type) {
    case DeploymentResultType.VALIDATION_ERROR:
      return new UserError(`Ignition refused the deployment before sending anything: ${listed(result.errors)}.`);
    case DeploymentResultType.RECONCILIATION_ERROR:
      return new UserError(
        `${run.journal} records a deployment made with other parameters or code (${listed(result.errors)}). ` +
          `Deploy under a new --deployment-id, or on a local network add --reset.`,
      );
    case DeploymentResultType.PREVIOUS_RUN_ERROR:
      return new UserError(
        `A step failed in an earlier run (${listed(result.errors)}). Once its cause is fixed, clear it with ` +
          `npx hardhat ignition wipe ${run.deploymentId} <step>, then run the same command again.`,
      );
    case DeploymentResultType.EXECUTION_ERROR: {
      const steps = [
        ...result.failed.map(({ futureId, error }) => `${futureId} failed: ${error}`),
        ...result.timedOut.map(({ futureId }) => `${futureId} timed out`),
        ...result.held.map(({ futureId, reason }) => `${futureId} held: ${reason}`),
      ];
      return new UserError(`The deployment stopped: ${steps.join("; ")}.${resume}`);
    }
  }
}
