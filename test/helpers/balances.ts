import { expect } from "chai";
import { ethers } from "hardhat";
import type { AddressLike } from "ethers";

/** What a balance sheet reads: any ERC20 (ComputeToken, TestERC20, the hostile test tokens, ...). */
export interface BalanceToken {
  balanceOf(account: AddressLike): Promise<bigint>;
}

/** Expected balance changes by token name, then holder name; a pair left out is expected not to change. */
export type BalanceChanges<T extends string, H extends string> = { [token in T]?: { [holder in H]?: bigint } };

/** Every named holder's balance of every named token at one moment. */
export interface BalanceSnapshot<T extends string, H extends string> {
  tokens: Record<T, BalanceToken>;
  holders: Record<H, string>;
  balances: Record<T, Record<H, bigint>>;
}

function keysOf<K extends string>(record: Record<K, unknown>): K[] {
  return Object.keys(record) as K[];
}

async function readBalances<T extends string, H extends string>(
  tokens: Record<T, BalanceToken>,
  holders: Record<H, string>,
): Promise<Record<T, Record<H, bigint>>> {
  const balances = {} as Record<T, Record<H, bigint>>;
  for (const token of keysOf(tokens)) {
    balances[token] = {} as Record<H, bigint>;
    for (const holder of keysOf(holders)) balances[token][holder] = await tokens[token].balanceOf(holders[holder]);
  }
  return balances;
}

/** Reads the balances of `holders` (accounts or contracts, by name) in `tokens` (by name). */
export async function snapshotBalances<T extends string, H extends string>(
  tokens: Record<T, BalanceToken>,
  holders: Record<H, AddressLike>,
): Promise<BalanceSnapshot<T, H>> {
  const addresses = {} as Record<H, string>;
  for (const holder of keysOf(holders)) addresses[holder] = await ethers.resolveAddress(holders[holder]);
  return { tokens, holders: addresses, balances: await readBalances(tokens, addresses) };
}

/**
 * Asserts that since `snapshot` every balance moved by exactly `changes` and all the others did not move at all;
 * a failure shows the whole table of changes, named, next to the expected one.
 */
export async function expectBalanceChanges<T extends string, H extends string>(
  snapshot: BalanceSnapshot<T, H>,
  changes: BalanceChanges<T, H>,
): Promise<void> {
  const now = await readBalances(snapshot.tokens, snapshot.holders);
  const actual = {} as Record<T, Record<H, bigint>>;
  const expected = {} as Record<T, Record<H, bigint>>;
  for (const token of keysOf(snapshot.tokens)) {
    actual[token] = {} as Record<H, bigint>;
    expected[token] = {} as Record<H, bigint>;
    for (const holder of keysOf(snapshot.holders)) {
      const [current, previous]: bigint[] = [now[token][holder], snapshot.balances[token][holder]];
      actual[token][holder] = current - previous;
      expected[token][holder] = changes[token]?.[holder] ?? 0n;
    }
  }
  expect(actual, "balance changes (token -> holder -> change)").to.deep.equal(expected);
}

/** Asserts that no balance in `snapshot` has moved. */
export async function expectBalancesUnchanged<T extends string, H extends string>(
  snapshot: BalanceSnapshot<T, H>,
): Promise<void> {
  await expectBalanceChanges(snapshot, {});
}
