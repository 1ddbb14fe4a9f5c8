import { expect } from "chai";

import { UserError } from "../../src/errors";

/** Runs `attempt` (a promise, or a function that may throw or return one) and asserts it failed with a UserError
 * whose message matches `pattern`. */
export async function expectUserError(attempt: Promise<unknown> | (() => unknown), pattern: RegExp): Promise<void> {
  let caught: unknown;
  try {
    await (typeof attempt === "function" ? attempt() : attempt);
  } catch (error) {
    caught = error;
  }
  expect(caught, "expected a UserError, but the call succeeded").to.be.instanceOf(UserError);
  expect((caught as UserError).message).to.match(pattern);
}
