/**
 * A proposal's calls tried from the timelock before anyone votes on them: a value outside a parameter's bounds, a
 * call the timelock may not make or a function that does not exist is refused when proposed, not nine days later
 * at execution.
 */
import type { Provider } from "ethers";

import { decodeContractError } from "../chain/contract-errors";
import { describeContractError } from "../cli/contract-error-hints";
import type { WeftSystem } from "../deploy/system";
import { UserError } from "../errors";
import { type ContractDirectory, contractDirectory, decodeAction, describeAction, formatArgument } from "./decode";
import type { ProposalAction } from "./governedParameters";

/**
 * Runs each action as an eth_call from the timelock, which is what executes it, against today's state, and throws a
 * UserError naming the first that reverts and why. Each action runs alone: one that only works after an earlier
 * action of the same proposal (a role granted, then used) is refused, so the caller offers a way to skip this.
 */
export async function simulateActions(
  system: WeftSystem,
  provider: Provider,
  actions: readonly ProposalAction[],
): Promise<void> {
  const [timelock, directory] = await Promise.all([system.TimelockController.getAddress(), contractDirectory(system)]);
  for (const [index, action] of actions.entries()) {
    try {
      await provider.call({ from: timelock, to: action.target, data: action.calldata, value: action.value });
    } catch (error) {
      const refusal = refusalOf(directory, action, error);
      const position = actions.length === 1 ? "The proposal's call" : `Call ${index + 1} of ${actions.length}`;
      throw new UserError(
        `${position}, ${describeAction(directory, action)}, would fail when executed: ${refusal} ` +
          "(Tried from the timelock against the chain's current state; --skip-simulation proposes it anyway.)",
      );
    }
  }
}

/** Why `action` reverted, with a parameter's value and bounds in the parameter's own units. */
function refusalOf(directory: ContractDirectory, action: ProposalAction, error: unknown): string {
  const decoded = decodeContractError(error);
  if (decoded === undefined) return (error as Error).message.split("\n")[0];
  const call = decodeAction(directory, action);
  const param = call?.call.fragment.inputs[0];
  if (decoded.name !== "ParameterOutOfBounds" || call === undefined || param === undefined) {
    return describeContractError(decoded);
  }
  const [value, min, max] = [decoded.args[0], decoded.args[1], decoded.args[2]].map((v) =>
    formatArgument(call.contract, param, v),
  );
  return `${value} is outside the bounds ${call.contract} accepts, ${min} to ${max}.`;
}
