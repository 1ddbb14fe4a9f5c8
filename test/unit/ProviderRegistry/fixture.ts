/** Constants, fixtures and expectations shared by the ProviderRegistry unit tests (./*.test.ts). */
import { expect } from "chai";
import { ethers } from "hardhat";
import type { Addressable } from "ethers";

import type { ComputeToken, ProviderRegistry } from "../../../typechain-types";
import {
  GPU_PROFILE,
  JAIL_DURATION,
  MIN_PROVIDER_STAKE,
  PROVIDER_FUNDS,
  UNBONDING_PERIOD,
  deployRegistryFixture,
  wireRegistryRoles,
} from "../../fixtures/registry";

export const STAKE = ethers.parseEther("10000");
export const COLLATERAL = ethers.parseEther("1000");
export const JOB = 1n;
export const OTHER_JOB = 2n;
export const BPS = 10_000n;
export const UINT96_MAX = (1n << 96n) - 1n;
export const MAX_MIN_PROVIDER_STAKE = ethers.parseEther("1000000");

/** alice and bob registered, each with STAKE staked. */
export async function stakedFixture() {
  const f = await deployRegistryFixture();
  for (const provider of [f.alice, f.bob]) {
    await f.registry.connect(provider).register(GPU_PROFILE);
    await f.registry.connect(provider).stake(STAKE);
  }
  return f;
}

/** stakedFixture plus COLLATERAL of alice's locked for JOB. */
export async function lockedFixture() {
  const f = await stakedFixture();
  await f.registry.connect(f.escrow).lockCollateral(f.alice.address, COLLATERAL);
  return f;
}

/** A ProviderRegistry under `manager` staking `token`, at the fixtures' parameters, with no permission wired. */
export async function deployBareRegistry(manager: Addressable, token: Addressable): Promise<ProviderRegistry> {
  return ethers.deployContract("ProviderRegistry", [
    await manager.getAddress(),
    await token.getAddress(),
    UNBONDING_PERIOD,
    JAIL_DURATION,
    MIN_PROVIDER_STAKE,
  ]);
}

/**
 * A registry staking a ReentrantERC20, which calls back into the registry on every transfer, with ESCROW, DISPUTES
 * and PARAMETERS wired as in deployRegistryFixture; alice registered with STAKE staked, COLLATERAL of it locked for
 * JOB. `reentry` is the calldata the token is armed with: stake(1) from the token, which is not registered, so a call
 * the guard lets through reverts ProviderNotRegistered(token) instead of ReentrancyGuardReentrantCall.
 */
export async function reentrantStakeFixture() {
  const [admin, escrow, disputes, governance, alice, outsider] = await ethers.getSigners();
  const manager = await ethers.deployContract("AccessManager", [admin.address]);
  const token = await ethers.deployContract("ReentrantERC20");
  const registry = await deployBareRegistry(manager, token);
  await wireRegistryRoles(manager, registry, {
    escrow: escrow.address,
    disputes: disputes.address,
    parameters: governance.address,
  });
  await token.mint(alice.address, PROVIDER_FUNDS);
  await token.connect(alice).approve(await registry.getAddress(), ethers.MaxUint256);
  await registry.connect(alice).register(GPU_PROFILE);
  await registry.connect(alice).stake(STAKE);
  await registry.connect(escrow).lockCollateral(alice.address, COLLATERAL);
  const reentry = registry.interface.encodeFunctionData("stake", [1n]);
  const guarded = registry.interface.encodeErrorResult("ReentrancyGuardReentrantCall", []);
  return { manager, token, registry, escrow, disputes, alice, outsider, reentry, guarded };
}

export async function entriesOf(registry: ProviderRegistry, provider: string): Promise<[bigint, bigint][]> {
  return (await registry.unbondingEntries(provider)).map((e) => [e.amount, e.maturesAt]);
}

export async function expectConserved(registry: ProviderRegistry, token: ComputeToken): Promise<void> {
  expect(await token.balanceOf(await registry.getAddress())).to.equal(await registry.totalStake());
}

/** A provider's staked, locked, unbonding and debt, in that order. */
export async function accountOf(
  registry: ProviderRegistry,
  provider: string,
): Promise<[bigint, bigint, bigint, bigint]> {
  const s = await registry.providerState(provider);
  return [s.staked, s.locked, s.unbonding, s.debt];
}

/**
 * The registry's accounting after a step, given the collateral of each provider's running jobs as the escrow would
 * record it (`running`, by address): staked >= locked, the running jobs' collateral == locked + debt, and the registry
 * holds exactly totalStake, which is at least the sum of these providers' staked + unbonding.
 */
export async function expectAccounting(
  registry: ProviderRegistry,
  token: ComputeToken,
  running: Record<string, bigint>,
): Promise<void> {
  for (const [provider, collateral] of Object.entries(running)) {
    const s = await registry.providerState(provider);
    expect(s.staked >= s.locked, `${provider}: staked >= locked`).to.equal(true);
    expect(s.locked + s.debt, `${provider}: running collateral == locked + debt`).to.equal(collateral);
  }
  await expectConserved(registry, token);
}
