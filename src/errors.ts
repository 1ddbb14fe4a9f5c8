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

/** The first line of what went wrong: ethers' short message where it has one, else the error's message. */
export function errorMessage(error: unknown): string {
  const e = error as { shortMessage?: string; message?: string } | undefined;
  return String(e?.shortMessage ?? e?.message ?? error).split("\n")[0];
}
