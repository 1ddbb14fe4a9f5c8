import { type CallExceptionError, isError } from "ethers";

/**
 * An error caused by the user's input or environment, with a message that says what to do. Command-line entry
 * points print only its message (no stack trace) and exit with code 1.
 */
export class UserError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UserError";
  }
}

/** Reverts that ethers' short message already words well: the reason string, the panic's meaning. */
const BUILTIN_REVERTS = new Set(["Error(string)", "Panic(uint256)"]);

/** A decoded revert argument as Solidity would write it: numbers in decimal, arrays and structs in brackets. */
function formatRevertArg(value: unknown): string {
  return Array.isArray(value) ? `[${value.map(formatRevertArg).join(", ")}]` : String(value);
}

/**
 * A revert in one line. ethers names a decoded custom error by its signature only: this gives its arguments; an
 * undecoded one gets its selector, to look up. A transaction that was mined and reverted is named by its hash.
 */
function revertMessage(error: CallExceptionError): string {
  const { revert, data, receipt } = error;
  let what = error.shortMessage;
  if (revert && !BUILTIN_REVERTS.has(revert.signature)) {
    what = `execution reverted: ${revert.name}(${revert.args.map(formatRevertArg).join(", ")})`;
  } else if (!revert && data && data.length >= 10) {
    what = `${what} (selector ${data.slice(0, 10)})`;
  }
  return receipt ? `${what} (tx ${receipt.hash})` : what;
}

/**
 * What went wrong, in one line for a log or a message. An ethers error gives its short message, never its full one:
 * that embeds the transaction and, for a mined revert, the whole receipt with its 512-digit bloom. Anything else
 * gives its message's first line.
 */
export function errorMessage(error: unknown): string {
  if (isError(error, "CALL_EXCEPTION")) return revertMessage(error);
  const e = error as { shortMessage?: string; message?: string } | undefined;
  return String(e?.shortMessage ?? e?.message ?? error).split("\n")[0];
}
