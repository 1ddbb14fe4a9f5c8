/** Thrown when workload parameters or serialized workload data break a documented rule. */
export class InvalidWorkloadError extends Error {
  constructor(workload: string, problem: string) {
    super(`${workload}: ${problem}`);
    this.name = "InvalidWorkloadError";
  }
}

/** Throws unless `value` is an integer in [min, max]; `what` names the field in the message. */
export function requireIntegerInRange(workload: string, what: string, value: number, min: number, max: number): void {
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new InvalidWorkloadError(workload, `${what} must be an integer in [${min}, ${max}], got ${value}`);
  }
}
