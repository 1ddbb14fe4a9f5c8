/** README's table "What a fault costs", from the economics matrix's figures (test/security/Economics.test.ts). */
import { ethers } from "ethers";

/** One cell of the matrix: a fault on a job paid in a token, with the provider's stake in a layout. */
export interface FaultCost {
  readonly token: string;
  readonly layout: string;
  readonly fault: string;
  /** The payment in the token's base units, and its value in WEFT base units. */
  readonly payment: bigint;
  readonly paymentValue: bigint;
  readonly collateral: bigint;
  /** What the fault could earn the provider, and what the provider and its second address lost, in WEFT. */
  readonly gain: bigint;
  readonly loss: bigint;
}

const FAULT_NAMES: Record<string, string> = {
  proof: "wrong result, proven",
  withheld: "output withheld",
  timeout: "missed deadline",
};

function weft(amount: bigint): string {
  const whole = Number(ethers.formatEther(amount));
  return whole.toLocaleString("en-US", { maximumFractionDigits: 2 });
}

/**
 * One row per fault and payment token: the job's value and collateral, what the fault could earn, and the least and
 * most the coalition lost over the four stake layouts, with the least loss over the gain.
 */
export function renderFaultCosts(figures: readonly FaultCost[]): string {
  const rows = [
    "| fault | paid in | job worth (WEFT) | collateral (WEFT) | could earn (WEFT) | loses, over the stake layouts (WEFT) | least loss / gain |",
    "| --- | --- | --- | --- | --- | --- | --- |",
  ];
  const keys = [...new Set(figures.map((c) => `${c.fault}\u0000${c.token}`))];
  for (const key of keys) {
    const cells = figures.filter((c) => `${c.fault}\u0000${c.token}` === key);
    const [first] = cells;
    const losses = cells.map((c) => c.loss);
    const least = losses.reduce((a, b) => (b < a ? b : a));
    const most = losses.reduce((a, b) => (b > a ? b : a));
    const ratio = first.gain === 0n ? "no gain" : `${(Number((least * 100n) / first.gain) / 100).toFixed(2)}x`;
    const span = least === most ? weft(least) : `${weft(least)} to ${weft(most)}`;
    rows.push(
      `| ${FAULT_NAMES[first.fault] ?? first.fault} | ${first.token} | ${weft(first.paymentValue)} | ` +
        `${weft(first.collateral)} | ${weft(first.gain)} | ${span} | ${ratio} |`,
    );
  }
  return rows.join("\n");
}
