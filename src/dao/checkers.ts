/**
 * Registering a workload's checker with the DisputeManager: a DAO decision (DisputeManager.setChecker is the
 * timelock's). The system deploys a checker for every workload that has one, but only the first ones are passed to
 * the DisputeManager's constructor; a checker added later (mlp-i8's) is registered by a proposal built here.
 */
import type { WeftSystem } from "../deploy/system";
import { UserError } from "../errors";
import { WORKLOADS } from "../workloads/registry";
import type { ProposalAction } from "./governedParameters";

/** The deployed checker contract of each workload with one, by the workload's name. */
const CHECKER_OF = {
  "matmul-i8": "MatmulI8Checker",
  "mandelbrot-q": "MandelbrotChecker",
  "mlp-i8": "MlpI8Checker",
} as const satisfies Record<(typeof WORKLOADS)[number]["name"], keyof WeftSystem>;

/** A workload's checker registration, with what it changes. */
export interface CheckerRegistration {
  readonly workload: string;
  /** The workload's id (bytes32), as jobs name it. */
  readonly workloadId: string;
  readonly checker: string;
  /** The checker registered now (the zero address if none). */
  readonly current: string;
  /** The proposal's one call: DisputeManager.setChecker(workloadId, checker). */
  readonly action: ProposalAction;
  /** A description for the proposal. */
  readonly description: string;
}

/** The workload names that have a deployed checker. */
export const CHECKED_WORKLOADS: readonly string[] = Object.keys(CHECKER_OF);

/**
 * The call that registers workload `workload`'s deployed checker with the DisputeManager, for a proposal. Throws a
 * UserError for a workload without a checker, a checker that decides another workload, or one already registered.
 */
export async function checkerRegistration(system: WeftSystem, workload: string): Promise<CheckerRegistration> {
  const known = WORKLOADS.find((w) => w.name === workload);
  if (known === undefined || !(workload in CHECKER_OF)) {
    throw new UserError(`No deployed checker for workload "${workload}"; known: ${CHECKED_WORKLOADS.join(", ")}.`);
  }
  const contract = system[CHECKER_OF[workload as keyof typeof CHECKER_OF]];
  const checker = await contract.getAddress();
  const decides = await contract.workloadId();
  if (decides !== known.id) {
    throw new UserError(`The checker at ${checker} decides workload ${decides}, not ${workload} (${known.id}).`);
  }
  const current = await system.DisputeManager.checker(known.id);
  if (current.toLowerCase() === checker.toLowerCase()) {
    throw new UserError(`${workload}'s checker ${checker} is already registered with the DisputeManager.`);
  }
  return {
    workload,
    workloadId: known.id,
    checker,
    current,
    action: {
      target: await system.DisputeManager.getAddress(),
      value: 0n,
      calldata: system.DisputeManager.interface.encodeFunctionData("setChecker", [known.id, checker]),
    },
    description: `Weft: register the ${workload} fraud-proof checker ${checker} with the DisputeManager`,
  };
}
