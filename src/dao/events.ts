/**
 * Past events for the DAO's reports, read since the deployment block. Public endpoints refuse an eth_getLogs over
 * more than a few thousand blocks, so every read goes through src/chain/logs.ts, a bounded range at a time.
 */
import type { BaseContract } from "ethers";

import type { TypedContractEvent, TypedDeferredTopicFilter, TypedLogDescription } from "../../typechain-types/common";
import { type ChainLog, historyOf } from "../chain/logs";
import { providerOf } from "../chain/provider";

export type EventArgs<E extends TypedContractEvent> = TypedLogDescription<E>["args"];

/**
 * The arguments of each event `contract` emitted that matches `filter`, since block `fromBlock`, in chain order.
 * With `enough`, the chain is read back from the head and the reading stops as soon as it holds for what was found:
 * a recent event then costs a few requests whatever the length of the history.
 */
export async function eventsSince<E extends TypedContractEvent>(
  contract: BaseContract,
  filter: TypedDeferredTopicFilter<E>,
  fromBlock: number,
  enough?: (found: readonly EventArgs<E>[]) => boolean,
): Promise<EventArgs<E>[]> {
  const parse = (log: ChainLog): EventArgs<E> => {
    const event = contract.interface.parseLog(log);
    if (event === null) throw new Error(`Unexpected log ${log.topics[0]} from ${contract.target}`);
    return event.args as EventArgs<E>;
  };
  const logs = await historyOf(fromBlock, providerOf(contract)).logs(
    { address: await contract.getAddress(), topics: await filter.getTopicFilter() },
    enough && ((found) => enough(found.map(parse))),
  );
  return logs.map(parse);
}
