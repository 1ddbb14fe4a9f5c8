/**
 * Which blocks an eth_getLogs filter spans, read the way a node reads it: `fromBlock` and `toBlock` are hex numbers
 * or tags, and an absent one means "latest" (so a filter naming only "earliest" spans the whole chain).
 */

export interface BlockSpan {
  readonly from: number;
  readonly to: number;
}

/** The number of blocks in `span` (0 when it is inverted, which the node itself refuses). */
export function blocksIn(span: BlockSpan): number {
  return Math.max(0, span.to - span.from + 1);
}

/** "pending" is the block being built on top of the head; the others are the head itself on a chain that never reorgs. */
const HEAD_TAGS = new Set(["latest", "pending", "safe", "finalized"]);

type BlockRef = { readonly number: number } | "head" | "invalid";

function blockRef(value: unknown): BlockRef {
  if (value === undefined || value === null) return "head";
  if (typeof value !== "string") return "invalid";
  if (value === "earliest") return { number: 0 };
  if (HEAD_TAGS.has(value)) return "head";
  return /^0x[0-9a-fA-F]+$/.test(value) ? { number: Number.parseInt(value, 16) } : "invalid";
}

/**
 * The blocks `filter` (eth_getLogs' only parameter) spans on a chain whose head `head()` reads, called only when a
 * bound is a tag or absent. Undefined when the filter names a block hash (one block) or is malformed: the node
 * answers those itself.
 */
export async function blockSpan(filter: unknown, head: () => Promise<number>): Promise<BlockSpan | undefined> {
  if (typeof filter !== "object" || filter === null) return undefined;
  const { fromBlock, toBlock, blockHash } = filter as Record<string, unknown>;
  if (blockHash !== undefined) return undefined;
  const bounds = [blockRef(fromBlock), blockRef(toBlock)];
  if (bounds.includes("invalid")) return undefined;
  const headNumber = bounds.includes("head") ? await head() : 0;
  const [from, to] = bounds.map((bound) => (typeof bound === "object" ? bound.number : headNumber));
  return { from, to };
}
