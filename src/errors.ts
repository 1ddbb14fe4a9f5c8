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
