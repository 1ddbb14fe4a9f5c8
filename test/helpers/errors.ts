import { expect } from "chai";

import { UserError } from "../../src/errors";

/** Awaits `promise` and asserts it failed with a UserError whose message matches `pattern`. */
export async function expectUserError(promise: Promise<unknown>, pattern: RegExp): Promise<void> {
  let caught: unknown;
  try {
    await promise;
  } catch (error) {
    caught = error;
  }
  expect(caught, "expected a UserError, but the call succeeded").to.be.instanceOf(UserError);
  expect((caught as UserError).message).to.match(pattern);
}
