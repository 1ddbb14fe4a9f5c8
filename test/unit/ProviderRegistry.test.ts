import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";

import { Roles } from "../../config/roles";
import type { ComputeToken, ProviderRegistry } from "../../typechain-types";
import {
  DAY,
  DISPUTE_EXPOSURE,
  GPU_PROFILE,
  JAIL_DURATION,
  MIN_PROVIDER_STAKE,
  UNBONDING_PERIOD,
  deployRegistryFixture,
} from "../fixtures/registry";
import { deployWeftFixture } from "../fixtures/weft";
import { signPermit } from "../helpers/permit";

const STAKE = ethers.parseEther("10000");
const COLLATERAL = ethers.parseEther("1000");
const JOB = 1n;
const OTHER_JOB = 2n;
const BPS = 10_000n;
const UINT96_MAX = (1n << 96n) - 1n;
const MAX_MIN_PROVIDER_STAKE = ethers.parseEther("1000000");

/** alice and bob registered, each with STAKE staked. */
async function stakedFixture() {
  const f = await deployRegistryFixture();
  for (const provider of [f.alice, f.bob]) {
    await f.registry.connect(provider).register(GPU_PROFILE);
    await f.registry.connect(provider).stake(STAKE);
  }
  return f;
}

/** stakedFixture plus COLLATERAL of alice's locked for JOB. */
async function lockedFixture() {
  const f = await stakedFixture();
  await f.registry.connect(f.escrow).lockCollateral(f.alice.address, JOB, COLLATERAL);
  return f;
}

async function entriesOf(registry: ProviderRegistry, provider: string): Promise<[bigint, bigint][]> {
  return (await registry.unbondingEntries(provider)).map((e) => [e.amount, e.maturesAt]);
}

async function expectConserved(registry: ProviderRegistry, token: ComputeToken): Promise<void> {
  expect(await token.balanceOf(await registry.getAddress())).to.equal(await registry.totalStake());
}

/** A provider's staked, locked, unbonding and debt, in that order. */
async function accountOf(registry: ProviderRegistry, provider: string): Promise<[bigint, bigint, bigint, bigint]> {
  const s = await registry.providerState(provider);
  return [s.staked, s.locked, s.unbonding, s.debt];
}

/**
 * The registry's accounting after a step, given the collateral of each provider's running jobs as the escrow would
 * record it (`running`, by address): staked >= locked, the running jobs' collateral == locked + debt, and the registry
 * holds exactly totalStake, which is at least the sum of these providers' staked + unbonding.
 */
async function expectAccounting(
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

describe("ProviderRegistry", function () {
  describe("deployment", function () {
    it("records the token, the parameters and their bounds, and emits the initial parameters", async function () {
      const { manager, token } = await loadFixture(deployRegistryFixture);
      const factory = await ethers.getContractFactory("ProviderRegistry");
      const registry = await factory.deploy(
        await manager.getAddress(),
        await token.getAddress(),
        UNBONDING_PERIOD,
        JAIL_DURATION,
        MIN_PROVIDER_STAKE,
      );
      const tx = registry.deploymentTransaction()!;
      await expect(tx).to.emit(registry, "UnbondingPeriodSet").withArgs(0n, UNBONDING_PERIOD);
      await expect(tx).to.emit(registry, "JailDurationSet").withArgs(0n, JAIL_DURATION);
      await expect(tx).to.emit(registry, "MinProviderStakeSet").withArgs(0n, MIN_PROVIDER_STAKE);
      expect(await registry.stakeToken()).to.equal(await token.getAddress());
      expect(await registry.authority()).to.equal(await manager.getAddress());
      expect(await registry.unbondingPeriod()).to.equal(UNBONDING_PERIOD);
      expect(await registry.jailDuration()).to.equal(JAIL_DURATION);
      expect(await registry.minProviderStake()).to.equal(MIN_PROVIDER_STAKE);
      expect(await registry.MAX_MIN_PROVIDER_STAKE()).to.equal(MAX_MIN_PROVIDER_STAKE);
      expect(await registry.MAX_TOTAL_STAKE()).to.equal(UINT96_MAX);
      expect(await registry.disputeWindowsSource()).to.equal(ethers.ZeroAddress);
      expect(await registry.totalStake()).to.equal(0n);
      expect(await registry.MAX_UNBONDING_ENTRIES()).to.equal(8n);
      expect(await registry.MIN_UNBONDING_PERIOD()).to.equal(60n);
      expect(await registry.MAX_UNBONDING_PERIOD()).to.equal(90n * DAY);
      expect(await registry.MAX_JAIL_DURATION()).to.equal(365n * DAY);
    });

    it("reverts when the authority or the stake token is the zero address", async function () {
      const { manager, token } = await loadFixture(deployRegistryFixture);
      const factory = await ethers.getContractFactory("ProviderRegistry");
      const tokenAddress = await token.getAddress();
      await expect(
        factory.deploy(ethers.ZeroAddress, tokenAddress, UNBONDING_PERIOD, JAIL_DURATION, MIN_PROVIDER_STAKE),
      ).to.be.revertedWithCustomError(factory, "ZeroAddress");
      await expect(
        factory.deploy(
          await manager.getAddress(),
          ethers.ZeroAddress,
          UNBONDING_PERIOD,
          JAIL_DURATION,
          MIN_PROVIDER_STAKE,
        ),
      ).to.be.revertedWithCustomError(factory, "ZeroAddress");
    });

    it("reverts when the initial parameters are out of bounds", async function () {
      const { manager, token } = await loadFixture(deployRegistryFixture);
      const factory = await ethers.getContractFactory("ProviderRegistry");
      const args = [await manager.getAddress(), await token.getAddress()] as const;
      await expect(factory.deploy(...args, 59n, JAIL_DURATION, MIN_PROVIDER_STAKE))
        .to.be.revertedWithCustomError(factory, "ParameterOutOfBounds")
        .withArgs(59n, 60n, 90n * DAY);
      await expect(factory.deploy(...args, UNBONDING_PERIOD, 365n * DAY + 1n, MIN_PROVIDER_STAKE))
        .to.be.revertedWithCustomError(factory, "ParameterOutOfBounds")
        .withArgs(365n * DAY + 1n, 60n, 365n * DAY);
      await expect(factory.deploy(...args, UNBONDING_PERIOD, JAIL_DURATION, MAX_MIN_PROVIDER_STAKE + 1n))
        .to.be.revertedWithCustomError(factory, "ParameterOutOfBounds")
        .withArgs(MAX_MIN_PROVIDER_STAKE + 1n, 0n, MAX_MIN_PROVIDER_STAKE);
    });
  });

  describe("register and updateProfile", function () {
    it("registers the caller with its profile", async function () {
      const { registry, alice } = await loadFixture(deployRegistryFixture);
      await expect(registry.connect(alice).register(GPU_PROFILE))
        .to.emit(registry, "ProviderRegistered")
        .withArgs(alice.address, GPU_PROFILE.gpuModel, GPU_PROFILE.vramGb, GPU_PROFILE.metadataURI);
      const profile = await registry.profile(alice.address);
      expect([profile.gpuModel, profile.vramGb, profile.metadataURI]).to.deep.equal([
        GPU_PROFILE.gpuModel,
        BigInt(GPU_PROFILE.vramGb),
        GPU_PROFILE.metadataURI,
      ]);
      expect((await registry.providerState(alice.address)).registered).to.equal(true);
      // Registered, but with no stake it cannot take jobs yet (see "minimum provider stake").
      expect(await registry.canAcceptJobs(alice.address)).to.equal(false);
    });

    it("accepts strings at their length limits and an empty metadata URI", async function () {
      const { registry, alice, bob } = await loadFixture(deployRegistryFixture);
      await registry.connect(alice).register({ gpuModel: "g".repeat(64), vramGb: 1, metadataURI: "u".repeat(256) });
      await registry.connect(bob).register({ gpuModel: "A100", vramGb: 80, metadataURI: "" });
      expect((await registry.profile(alice.address)).gpuModel).to.equal("g".repeat(64));
      expect((await registry.profile(bob.address)).metadataURI).to.equal("");
    });

    it("reverts when the caller is already registered", async function () {
      const { registry, alice } = await loadFixture(deployRegistryFixture);
      await registry.connect(alice).register(GPU_PROFILE);
      await expect(registry.connect(alice).register(GPU_PROFILE))
        .to.be.revertedWithCustomError(registry, "ProviderAlreadyRegistered")
        .withArgs(alice.address);
    });

    for (const [name, bad] of [
      ["the GPU model is empty", { ...GPU_PROFILE, gpuModel: "" }],
      ["the GPU model is too long", { ...GPU_PROFILE, gpuModel: "g".repeat(65) }],
      ["the VRAM is zero", { ...GPU_PROFILE, vramGb: 0 }],
      ["the metadata URI is too long", { ...GPU_PROFILE, metadataURI: "u".repeat(257) }],
    ] as const) {
      it(`reverts registration when ${name}`, async function () {
        const { registry, alice } = await loadFixture(deployRegistryFixture);
        await expect(registry.connect(alice).register(bad)).to.be.revertedWithCustomError(registry, "InvalidProfile");
        expect((await registry.providerState(alice.address)).registered).to.equal(false);
      });
    }

    it("replaces the profile of a registered provider", async function () {
      const { registry, alice } = await loadFixture(deployRegistryFixture);
      await registry.connect(alice).register(GPU_PROFILE);
      const updated = { gpuModel: "NVIDIA H100", vramGb: 80, metadataURI: "https://example.org/h100.json" };
      await expect(registry.connect(alice).updateProfile(updated))
        .to.emit(registry, "ProfileUpdated")
        .withArgs(alice.address, updated.gpuModel, updated.vramGb, updated.metadataURI);
      expect((await registry.profile(alice.address)).gpuModel).to.equal(updated.gpuModel);
      expect((await registry.profile(alice.address)).vramGb).to.equal(80n);
    });

    it("reverts a profile update from an unregistered account", async function () {
      const { registry, alice } = await loadFixture(deployRegistryFixture);
      await expect(registry.connect(alice).updateProfile(GPU_PROFILE))
        .to.be.revertedWithCustomError(registry, "ProviderNotRegistered")
        .withArgs(alice.address);
    });

    it("reverts a profile update with an invalid profile", async function () {
      const { registry, alice } = await loadFixture(deployRegistryFixture);
      await registry.connect(alice).register(GPU_PROFILE);
      await expect(registry.connect(alice).updateProfile({ ...GPU_PROFILE, vramGb: 0 })).to.be.revertedWithCustomError(
        registry,
        "InvalidProfile",
      );
    });
  });

  describe("stake", function () {
    it("pulls the tokens and adds them to the provider's free stake and the total", async function () {
      const { registry, token, alice } = await loadFixture(deployRegistryFixture);
      await registry.connect(alice).register(GPU_PROFILE);
      const tx = registry.connect(alice).stake(STAKE);
      await expect(tx).to.emit(registry, "Staked").withArgs(alice.address, STAKE, STAKE);
      await expect(tx).to.changeTokenBalances(token, [alice, registry], [-STAKE, STAKE]);
      await expect(registry.connect(alice).stake(1n))
        .to.emit(registry, "Staked")
        .withArgs(alice.address, 1n, STAKE + 1n);
      expect(await registry.freeStake(alice.address)).to.equal(STAKE + 1n);
      expect((await registry.providerState(alice.address)).staked).to.equal(STAKE + 1n);
      expect(await registry.totalStake()).to.equal(STAKE + 1n);
      await expectConserved(registry, token);
    });

    it("reverts when the amount is zero", async function () {
      const { registry, alice } = await loadFixture(deployRegistryFixture);
      await registry.connect(alice).register(GPU_PROFILE);
      await expect(registry.connect(alice).stake(0n)).to.be.revertedWithCustomError(registry, "ZeroAmount");
    });

    it("reverts when the caller is not registered", async function () {
      const { registry, alice } = await loadFixture(deployRegistryFixture);
      await expect(registry.connect(alice).stake(STAKE))
        .to.be.revertedWithCustomError(registry, "ProviderNotRegistered")
        .withArgs(alice.address);
    });

    it("reverts when the amount alone exceeds MAX_TOTAL_STAKE (96 bits)", async function () {
      const { registry, alice } = await loadFixture(deployRegistryFixture);
      await registry.connect(alice).register(GPU_PROFILE);
      await expect(registry.connect(alice).stake(UINT96_MAX + 1n))
        .to.be.revertedWithCustomError(registry, "AmountTooLarge")
        .withArgs(UINT96_MAX + 1n);
    });

    it("reverts when the total stake would exceed MAX_TOTAL_STAKE, whoever stakes it", async function () {
      const { registry, token, bob, alice } = await loadFixture(stakedFixture);
      const tooMuch = UINT96_MAX - 2n * STAKE + 1n;
      await expect(registry.connect(alice).stake(tooMuch))
        .to.be.revertedWithCustomError(registry, "AmountTooLarge")
        .withArgs(tooMuch);
      await expect(registry.connect(bob).stake(tooMuch)).to.be.revertedWithCustomError(registry, "AmountTooLarge");
      // Exactly up to the bound passes the check (and then needs the tokens: the token's error, not the registry's).
      await expect(registry.connect(alice).stake(tooMuch - 1n)).to.be.revertedWithCustomError(
        token,
        "ERC20InsufficientBalance",
      );
    });

    it("reverts with the token's error when the allowance is missing", async function () {
      const { registry, token, carol } = await loadFixture(deployRegistryFixture);
      await registry.connect(carol).register(GPU_PROFILE);
      await expect(registry.connect(carol).stake(STAKE))
        .to.be.revertedWithCustomError(token, "ERC20InsufficientAllowance")
        .withArgs(await registry.getAddress(), 0n, STAKE);
    });
  });

  describe("stakeWithPermit", function () {
    it("stakes in one transaction with a permit instead of an approval", async function () {
      const { registry, token, carol } = await loadFixture(deployRegistryFixture);
      await registry.connect(carol).register(GPU_PROFILE);
      const deadline = BigInt(await time.latest()) + 3600n;
      const sig = await signPermit(token, carol, await registry.getAddress(), STAKE, deadline);
      const tx = registry.connect(carol).stakeWithPermit(STAKE, deadline, sig.v, sig.r, sig.s);
      await expect(tx).to.emit(registry, "Staked").withArgs(carol.address, STAKE, STAKE);
      await expect(tx).to.changeTokenBalances(token, [carol, registry], [-STAKE, STAKE]);
      expect(await token.allowance(carol.address, await registry.getAddress())).to.equal(0n);
    });

    it("still stakes when someone front-ran the permit", async function () {
      const { registry, token, carol, outsider } = await loadFixture(deployRegistryFixture);
      await registry.connect(carol).register(GPU_PROFILE);
      const registryAddress = await registry.getAddress();
      const deadline = BigInt(await time.latest()) + 3600n;
      const sig = await signPermit(token, carol, registryAddress, STAKE, deadline);
      await token.connect(outsider).permit(carol.address, registryAddress, STAKE, deadline, sig.v, sig.r, sig.s);
      await expect(registry.connect(carol).stakeWithPermit(STAKE, deadline, sig.v, sig.r, sig.s))
        .to.emit(registry, "Staked")
        .withArgs(carol.address, STAKE, STAKE);
    });

    it("reverts with the token's error when the permit fails and there is no allowance", async function () {
      const { registry, token, carol } = await loadFixture(deployRegistryFixture);
      await registry.connect(carol).register(GPU_PROFILE);
      const deadline = BigInt(await time.latest()) + 3600n;
      // Signed for a smaller value than staked, so the permit's signature check fails.
      const sig = await signPermit(token, carol, await registry.getAddress(), STAKE - 1n, deadline);
      await expect(registry.connect(carol).stakeWithPermit(STAKE, deadline, sig.v, sig.r, sig.s))
        .to.be.revertedWithCustomError(token, "ERC20InsufficientAllowance")
        .withArgs(await registry.getAddress(), 0n, STAKE);
    });

    it("reverts when the caller is not registered", async function () {
      const { registry, token, carol } = await loadFixture(deployRegistryFixture);
      const deadline = BigInt(await time.latest()) + 3600n;
      const sig = await signPermit(token, carol, await registry.getAddress(), STAKE, deadline);
      await expect(registry.connect(carol).stakeWithPermit(STAKE, deadline, sig.v, sig.r, sig.s))
        .to.be.revertedWithCustomError(registry, "ProviderNotRegistered")
        .withArgs(carol.address);
    });
  });

  describe("requestUnbond", function () {
    it("moves free stake into the queue, maturing after the unbonding period", async function () {
      const { registry, token, alice } = await loadFixture(stakedFixture);
      const amount = ethers.parseEther("400");
      const tx = await registry.connect(alice).requestUnbond(amount);
      const maturesAt = BigInt(await time.latest()) + UNBONDING_PERIOD;
      await expect(tx).to.emit(registry, "UnbondRequested").withArgs(alice.address, amount, maturesAt);
      expect(await entriesOf(registry, alice.address)).to.deep.equal([[amount, maturesAt]]);
      const state = await registry.providerState(alice.address);
      expect(state.staked).to.equal(STAKE - amount);
      expect(state.unbonding).to.equal(amount);
      expect(await registry.freeStake(alice.address)).to.equal(STAKE - amount);
      expect(await registry.totalStake()).to.equal(2n * STAKE);
      await expectConserved(registry, token);
    });

    it("keeps entries oldest first and never lets a newer entry mature before an older one", async function () {
      const { registry, governance, alice } = await loadFixture(stakedFixture);
      await registry.connect(alice).requestUnbond(1n);
      const first = BigInt(await time.latest()) + UNBONDING_PERIOD;
      await registry.connect(governance).setUnbondingPeriod(3n * DAY);
      await registry.connect(alice).requestUnbond(2n); // now + 3 days < first: clamped to first
      await time.increase(5n * DAY);
      await registry.connect(alice).requestUnbond(3n);
      const third = BigInt(await time.latest()) + 3n * DAY;
      expect(await entriesOf(registry, alice.address)).to.deep.equal([
        [1n, first],
        [2n, first],
        [3n, third],
      ]);
    });

    it("reverts when the amount is zero", async function () {
      const { registry, alice } = await loadFixture(stakedFixture);
      await expect(registry.connect(alice).requestUnbond(0n)).to.be.revertedWithCustomError(registry, "ZeroAmount");
    });

    it("reverts when the provider lacks free stake (locked stake cannot be unbonded)", async function () {
      const { registry, alice } = await loadFixture(lockedFixture);
      await expect(registry.connect(alice).requestUnbond(STAKE))
        .to.be.revertedWithCustomError(registry, "InsufficientFreeStake")
        .withArgs(alice.address, STAKE - COLLATERAL, STAKE);
    });

    it("reverts when the queue already holds the maximum number of entries", async function () {
      const { registry, alice } = await loadFixture(stakedFixture);
      for (let i = 0; i < 8; i++) await registry.connect(alice).requestUnbond(1n);
      await expect(registry.connect(alice).requestUnbond(1n))
        .to.be.revertedWithCustomError(registry, "TooManyUnbondingEntries")
        .withArgs(alice.address, 8n);
    });
  });

  describe("withdraw", function () {
    it("reverts when no entry has matured", async function () {
      const { registry, alice } = await loadFixture(stakedFixture);
      await expect(registry.connect(alice).withdraw())
        .to.be.revertedWithCustomError(registry, "NothingToWithdraw")
        .withArgs(alice.address);
      await registry.connect(alice).requestUnbond(STAKE);
      await time.increase(UNBONDING_PERIOD - 2n);
      await expect(registry.connect(alice).withdraw())
        .to.be.revertedWithCustomError(registry, "NothingToWithdraw")
        .withArgs(alice.address);
    });

    it("pays every matured entry and leaves the immature ones in order", async function () {
      const { registry, token, alice } = await loadFixture(stakedFixture);
      await registry.connect(alice).requestUnbond(100n);
      await time.increase(DAY);
      await registry.connect(alice).requestUnbond(200n);
      await time.increase(DAY);
      await registry.connect(alice).requestUnbond(300n);
      const thirdMaturity = BigInt(await time.latest()) + UNBONDING_PERIOD;
      await time.increase(UNBONDING_PERIOD - DAY); // first two matured, third not yet
      expect(await registry.connect(alice).withdraw.staticCall()).to.equal(300n);
      const tx = registry.connect(alice).withdraw();
      await expect(tx).to.emit(registry, "Withdrawn").withArgs(alice.address, 300n);
      await expect(tx).to.changeTokenBalances(token, [alice, registry], [300n, -300n]);
      expect(await entriesOf(registry, alice.address)).to.deep.equal([[300n, thirdMaturity]]);
      expect(await registry.totalStake()).to.equal(2n * STAKE - 300n);
      await expectConserved(registry, token);
    });

    it("reuses the queue's slots after a full queue is drained, keeping the order", async function () {
      const { registry, token, alice } = await loadFixture(stakedFixture);
      for (let i = 1n; i <= 8n; i++) {
        await registry.connect(alice).requestUnbond(i);
        await time.increase(DAY);
      }
      const sixth = (await entriesOf(registry, alice.address))[5];
      await time.increaseTo(sixth[1]); // entries 1..6 matured on the next block, 7 and 8 not
      await expect(registry.connect(alice).withdraw()).to.emit(registry, "Withdrawn").withArgs(alice.address, 21n);
      for (let i = 9n; i <= 14n; i++) await registry.connect(alice).requestUnbond(i);
      const amounts = (await entriesOf(registry, alice.address)).map(([amount]) => amount);
      expect(amounts).to.deep.equal([7n, 8n, 9n, 10n, 11n, 12n, 13n, 14n]);
      await expect(registry.connect(alice).requestUnbond(1n)).to.be.revertedWithCustomError(
        registry,
        "TooManyUnbondingEntries",
      );
      await time.increase(UNBONDING_PERIOD);
      await expect(registry.connect(alice).withdraw())
        .to.emit(registry, "Withdrawn")
        .withArgs(alice.address, 7n + 8n + 9n + 10n + 11n + 12n + 13n + 14n);
      expect(await registry.unbondingEntries(alice.address)).to.deep.equal([]);
      await expectConserved(registry, token);
    });
  });

  describe("lockCollateral", function () {
    it("locks free stake for a job", async function () {
      const { registry, escrow, alice } = await loadFixture(stakedFixture);
      await expect(registry.connect(escrow).lockCollateral(alice.address, JOB, COLLATERAL))
        .to.emit(registry, "CollateralLocked")
        .withArgs(alice.address, JOB, COLLATERAL);
      expect((await registry.providerState(alice.address)).locked).to.equal(COLLATERAL);
      expect((await registry.providerState(alice.address)).staked).to.equal(STAKE);
      expect(await registry.freeStake(alice.address)).to.equal(STAKE - COLLATERAL);
    });

    it("locks exactly all the free stake", async function () {
      const { registry, escrow, alice } = await loadFixture(lockedFixture);
      await registry.connect(escrow).lockCollateral(alice.address, OTHER_JOB, STAKE - COLLATERAL);
      expect(await registry.freeStake(alice.address)).to.equal(0n);
    });

    it("reverts when the amount is zero", async function () {
      const { registry, escrow, alice } = await loadFixture(stakedFixture);
      await expect(registry.connect(escrow).lockCollateral(alice.address, JOB, 0n)).to.be.revertedWithCustomError(
        registry,
        "ZeroAmount",
      );
    });

    it("reverts when the amount exceeds the per-job maximum", async function () {
      const { registry, escrow, alice } = await loadFixture(stakedFixture);
      await expect(registry.connect(escrow).lockCollateral(alice.address, JOB, UINT96_MAX + 1n))
        .to.be.revertedWithCustomError(registry, "AmountTooLarge")
        .withArgs(UINT96_MAX + 1n);
    });

    it("adds each lock to the provider's locked total, keeping no record per job (the escrow holds it)", async function () {
      const { registry, escrow, alice } = await loadFixture(lockedFixture);
      await registry.connect(escrow).lockCollateral(alice.address, OTHER_JOB, COLLATERAL);
      expect((await registry.providerState(alice.address)).locked).to.equal(2n * COLLATERAL);
      await registry.connect(escrow).unlockCollateral(alice.address, JOB, COLLATERAL);
      expect((await registry.providerState(alice.address)).locked).to.equal(COLLATERAL);
    });

    it("reverts when the provider is not registered", async function () {
      const { registry, escrow, outsider } = await loadFixture(stakedFixture);
      await expect(registry.connect(escrow).lockCollateral(outsider.address, JOB, 1n))
        .to.be.revertedWithCustomError(registry, "ProviderNotRegistered")
        .withArgs(outsider.address);
    });

    it("reverts when the provider lacks free stake", async function () {
      const { registry, escrow, alice } = await loadFixture(lockedFixture);
      await expect(registry.connect(escrow).lockCollateral(alice.address, OTHER_JOB, STAKE))
        .to.be.revertedWithCustomError(registry, "InsufficientFreeStake")
        .withArgs(alice.address, STAKE - COLLATERAL, STAKE);
    });

    it("reverts for a caller without the ESCROW role", async function () {
      const { registry, alice } = await loadFixture(stakedFixture);
      await expect(registry.connect(alice).lockCollateral(alice.address, JOB, 1n))
        .to.be.revertedWithCustomError(registry, "AccessManagedUnauthorized")
        .withArgs(alice.address);
    });
  });

  describe("unlockCollateral", function () {
    it("releases the job's collateral to free stake and counts a completed job", async function () {
      const { registry, escrow, alice } = await loadFixture(lockedFixture);
      const tx = registry.connect(escrow).unlockCollateral(alice.address, JOB, COLLATERAL);
      await expect(tx).to.emit(registry, "CollateralUnlocked").withArgs(alice.address, JOB, COLLATERAL);
      await expect(tx).not.to.emit(registry, "CollateralDebtRepaid");
      const state = await registry.providerState(alice.address);
      expect(state.locked).to.equal(0n);
      expect(state.staked).to.equal(STAKE);
      expect(state.jobsCompleted).to.equal(1n);
    });

    it("reverts when releasing more than the provider has locked (a second unlock of the same job)", async function () {
      const { registry, escrow, alice } = await loadFixture(lockedFixture);
      await registry.connect(escrow).unlockCollateral(alice.address, JOB, COLLATERAL);
      await expect(registry.connect(escrow).unlockCollateral(alice.address, JOB, COLLATERAL))
        .to.be.revertedWithCustomError(registry, "ReleaseExceedsLocked")
        .withArgs(alice.address, 0n, COLLATERAL);
    });

    it("reverts for a caller without the ESCROW role", async function () {
      const { registry, disputes, alice } = await loadFixture(lockedFixture);
      await expect(registry.connect(disputes).unlockCollateral(alice.address, JOB, COLLATERAL))
        .to.be.revertedWithCustomError(registry, "AccessManagedUnauthorized")
        .withArgs(disputes.address);
    });
  });

  describe("forfeitCollateral", function () {
    it("pays part of the collateral to the recipient, releases the rest and counts a timeout", async function () {
      const { registry, token, escrow, alice, outsider } = await loadFixture(lockedFixture);
      const penalty = COLLATERAL / 4n;
      expect(
        await registry
          .connect(escrow)
          .forfeitCollateral.staticCall(alice.address, JOB, COLLATERAL, penalty, outsider.address),
      ).to.equal(penalty);
      const tx = registry.connect(escrow).forfeitCollateral(alice.address, JOB, COLLATERAL, penalty, outsider.address);
      await expect(tx).not.to.emit(registry, "CollateralDebtRepaid");
      await expect(tx).to.emit(registry, "CollateralForfeited").withArgs(alice.address, JOB, penalty, outsider.address);
      await expect(tx).to.changeTokenBalances(token, [outsider, registry], [penalty, -penalty]);
      const state = await registry.providerState(alice.address);
      expect(state.staked).to.equal(STAKE - penalty);
      expect(state.locked).to.equal(0n);
      expect(state.jobsTimedOut).to.equal(1n);
      expect(await registry.totalStake()).to.equal(2n * STAKE - penalty);
      await expectConserved(registry, token);
    });

    it("forfeits the whole collateral", async function () {
      const { registry, token, escrow, alice, outsider } = await loadFixture(lockedFixture);
      await expect(
        registry.connect(escrow).forfeitCollateral(alice.address, JOB, COLLATERAL, COLLATERAL, outsider.address),
      ).to.changeTokenBalance(token, outsider, COLLATERAL);
      expect(await registry.freeStake(alice.address)).to.equal(STAKE - COLLATERAL);
    });

    it("with a zero penalty, only releases the collateral and counts the timeout", async function () {
      const { registry, token, escrow, alice, outsider } = await loadFixture(lockedFixture);
      const tx = registry.connect(escrow).forfeitCollateral(alice.address, JOB, COLLATERAL, 0n, outsider.address);
      await expect(tx).to.emit(registry, "CollateralForfeited").withArgs(alice.address, JOB, 0n, outsider.address);
      await expect(tx).to.not.emit(token, "Transfer");
      expect(await registry.freeStake(alice.address)).to.equal(STAKE);
      expect((await registry.providerState(alice.address)).jobsTimedOut).to.equal(1n);
    });

    it("reverts when the recipient is the zero address", async function () {
      const { registry, escrow, alice } = await loadFixture(lockedFixture);
      await expect(
        registry.connect(escrow).forfeitCollateral(alice.address, JOB, COLLATERAL, 1n, ethers.ZeroAddress),
      ).to.be.revertedWithCustomError(registry, "ZeroAddress");
    });

    it("reverts when releasing more than the provider has locked", async function () {
      const { registry, escrow, bob, outsider } = await loadFixture(lockedFixture);
      await expect(registry.connect(escrow).forfeitCollateral(bob.address, OTHER_JOB, 1n, 1n, outsider.address))
        .to.be.revertedWithCustomError(registry, "ReleaseExceedsLocked")
        .withArgs(bob.address, 0n, 1n);
    });

    it("reverts when the penalty exceeds the job's collateral", async function () {
      const { registry, escrow, alice, outsider } = await loadFixture(lockedFixture);
      await expect(
        registry.connect(escrow).forfeitCollateral(alice.address, JOB, COLLATERAL, COLLATERAL + 1n, outsider.address),
      )
        .to.be.revertedWithCustomError(registry, "ForfeitExceedsCollateral")
        .withArgs(JOB, COLLATERAL + 1n, COLLATERAL);
    });

    it("reverts for a caller without the ESCROW role", async function () {
      const { registry, alice, outsider } = await loadFixture(lockedFixture);
      await expect(registry.connect(outsider).forfeitCollateral(alice.address, JOB, COLLATERAL, 1n, outsider.address))
        .to.be.revertedWithCustomError(registry, "AccessManagedUnauthorized")
        .withArgs(outsider.address);
    });
  });

  describe("slash", function () {
    it("releases the job's collateral and takes exactly it with a zero stake share", async function () {
      const { registry, token, disputes, alice, outsider } = await loadFixture(lockedFixture);
      expect(await registry.slashAmount(alice.address, COLLATERAL, 0n)).to.equal(COLLATERAL);
      expect(
        await registry
          .connect(disputes)
          .slash.staticCall(alice.address, JOB, COLLATERAL, 0n, [outsider.address], [10_000]),
      ).to.equal(COLLATERAL);
      const tx = await registry
        .connect(disputes)
        .slash(alice.address, JOB, COLLATERAL, 0n, [outsider.address], [10_000]);
      const jailedUntil = BigInt(await time.latest()) + JAIL_DURATION;
      await expect(tx).to.emit(registry, "Slashed").withArgs(alice.address, JOB, COLLATERAL, COLLATERAL);
      await expect(tx).to.emit(registry, "SlashPaid").withArgs(alice.address, JOB, outsider.address, COLLATERAL);
      await expect(tx).to.emit(registry, "Jailed").withArgs(alice.address, jailedUntil);
      await expect(tx).not.to.emit(registry, "CollateralDebtIncurred");
      await expect(tx).not.to.emit(registry, "CollateralDebtRepaid");
      await expect(tx).to.changeTokenBalances(token, [outsider, registry], [COLLATERAL, -COLLATERAL]);
      expect(await accountOf(registry, alice.address)).to.deep.equal([STAKE - COLLATERAL, 0n, 0n, 0n]);
      const state = await registry.providerState(alice.address);
      expect(state.jailedUntil).to.equal(jailedUntil);
      expect(state.jobsSlashed).to.equal(1n);
      expect(await registry.canAcceptJobs(alice.address)).to.equal(false);
      await expectAccounting(registry, token, { [alice.address]: 0n });
    });

    it("takes the collateral plus the stake share of the rest of the stake, from free stake first", async function () {
      const { registry, token, disputes, alice, outsider } = await loadFixture(lockedFixture);
      // 1,000 collateral + 50% of the other 9,000.
      const amount = ethers.parseEther("5500");
      expect(await registry.slashAmount(alice.address, COLLATERAL, 5_000n)).to.equal(amount);
      const tx = registry.connect(disputes).slash(alice.address, JOB, COLLATERAL, 5_000n, [outsider.address], [10_000]);
      await expect(tx).to.emit(registry, "Slashed").withArgs(alice.address, JOB, amount, amount);
      await expect(tx).to.changeTokenBalances(token, [outsider, registry], [amount, -amount]);
      await expect(tx).not.to.emit(registry, "CollateralDebtIncurred");
      expect(await accountOf(registry, alice.address)).to.deep.equal([STAKE - amount, 0n, 0n, 0n]);
      await expectAccounting(registry, token, { [alice.address]: 0n });
    });

    it("takes free stake, then unbonding entries newest first, leaving the oldest", async function () {
      const { registry, token, disputes, alice, outsider } = await loadFixture(lockedFixture);
      await registry.connect(alice).requestUnbond(ethers.parseEther("3000"));
      const [[, firstMaturity]] = await entriesOf(registry, alice.address);
      await registry.connect(alice).requestUnbond(ethers.parseEther("2000"));
      await registry.connect(alice).requestUnbond(ethers.parseEther("1000"));
      // staked 4,000 (1,000 of it locked for JOB), unbonding 3,000 + 2,000 + 1,000: 1,000 + 60% of 9,000.
      const amount = ethers.parseEther("6400");
      expect(await registry.slashAmount(alice.address, COLLATERAL, 6_000n)).to.equal(amount);
      const tx = registry.connect(disputes).slash(alice.address, JOB, COLLATERAL, 6_000n, [outsider.address], [10_000]);
      await expect(tx).to.emit(registry, "Slashed").withArgs(alice.address, JOB, amount, amount);
      await expect(tx).to.changeTokenBalance(token, outsider, amount);
      // 4,000 of staked (the released collateral included), then the newest 1,000 and 1,400 of the 2,000 entry.
      const entries = await entriesOf(registry, alice.address);
      expect(entries.map(([a]) => a)).to.deep.equal([ethers.parseEther("3000"), ethers.parseEther("600")]);
      expect(entries[0][1]).to.equal(firstMaturity);
      expect(await accountOf(registry, alice.address)).to.deep.equal([0n, 0n, ethers.parseEther("3600"), 0n]);
      await expectAccounting(registry, token, { [alice.address]: 0n });
    });

    it("takes everything with a 100% stake share: free, unbonding and the other jobs' locks", async function () {
      const { registry, token, escrow, disputes, alice, outsider } = await loadFixture(lockedFixture);
      const otherCollateral = ethers.parseEther("2000");
      await registry.connect(escrow).lockCollateral(alice.address, OTHER_JOB, otherCollateral);
      await registry.connect(alice).requestUnbond(ethers.parseEther("2000"));
      expect(await registry.slashAmount(alice.address, COLLATERAL, BPS)).to.equal(STAKE);
      expect(
        await registry
          .connect(disputes)
          .slash.staticCall(alice.address, JOB, COLLATERAL, BPS, [outsider.address], [10_000]),
      ).to.equal(STAKE);
      const tx = registry.connect(disputes).slash(alice.address, JOB, COLLATERAL, BPS, [outsider.address], [10_000]);
      await expect(tx).to.emit(registry, "Slashed").withArgs(alice.address, JOB, STAKE, STAKE);
      await expect(tx)
        .to.emit(registry, "CollateralDebtIncurred")
        .withArgs(alice.address, JOB, otherCollateral, otherCollateral);
      await expect(tx).to.changeTokenBalance(token, outsider, STAKE);
      expect(await accountOf(registry, alice.address)).to.deep.equal([0n, 0n, 0n, otherCollateral]);
      expect(await registry.unbondingEntries(alice.address)).to.deep.equal([]);
      expect(await registry.totalStake()).to.equal(STAKE); // bob's
      await expectAccounting(registry, token, { [alice.address]: otherCollateral });
    });

    it("splits what it takes by shares and gives the rounding dust to the last recipient", async function () {
      const { registry, token, escrow, disputes, bob, treasury, outsider, carol } = await loadFixture(stakedFixture);
      await registry.connect(escrow).lockCollateral(bob.address, JOB, 1001n);
      const recipients = [outsider.address, carol.address, treasury.address];
      const tx = registry.connect(disputes).slash(bob.address, JOB, 1001n, 0n, recipients, [3333, 3333, 3334]);
      // 1001 * 3333 / 10000 = 333 (rounded down) twice; the last gets 1001 - 666 = 335.
      await expect(tx).to.emit(registry, "SlashPaid").withArgs(bob.address, JOB, outsider.address, 333n);
      await expect(tx).to.emit(registry, "SlashPaid").withArgs(bob.address, JOB, carol.address, 333n);
      await expect(tx).to.emit(registry, "SlashPaid").withArgs(bob.address, JOB, treasury.address, 335n);
      await expect(tx).to.changeTokenBalances(token, [outsider, carol, treasury, registry], [333n, 333n, 335n, -1001n]);
      await expectConserved(registry, token);
    });

    it("pays a zero share without a transfer", async function () {
      const { registry, token, escrow, disputes, bob, outsider, carol } = await loadFixture(stakedFixture);
      await registry.connect(escrow).lockCollateral(bob.address, JOB, 1n);
      const tx = registry
        .connect(disputes)
        .slash(bob.address, JOB, 1n, 0n, [outsider.address, carol.address], [5000, 5000]);
      await expect(tx).to.emit(registry, "SlashPaid").withArgs(bob.address, JOB, outsider.address, 0n);
      await expect(tx).to.emit(registry, "SlashPaid").withArgs(bob.address, JOB, carol.address, 1n);
      await expect(tx).to.changeTokenBalances(token, [outsider, carol], [0n, 1n]);
    });

    it("still reaches a provider who requested unbonding right after finishing a job", async function () {
      const { registry, token, escrow, disputes, alice, outsider } = await loadFixture(lockedFixture);
      await registry.connect(escrow).unlockCollateral(alice.address, JOB, COLLATERAL);
      await registry.connect(alice).requestUnbond(STAKE);
      await time.increase(UNBONDING_PERIOD - DAY); // the dispute lands before the entry matures
      // No collateral left: the stake share alone, 10% of the 10,000 unbonding.
      const tx = registry.connect(disputes).slash(alice.address, JOB, 0n, 1_000n, [outsider.address], [10_000]);
      await expect(tx).to.emit(registry, "Slashed").withArgs(alice.address, JOB, COLLATERAL, COLLATERAL);
      await expect(tx).to.changeTokenBalance(token, outsider, COLLATERAL);
      expect((await registry.providerState(alice.address)).unbonding).to.equal(STAKE - COLLATERAL);
      await time.increase(DAY);
      await expect(registry.connect(alice).withdraw())
        .to.emit(registry, "Withdrawn")
        .withArgs(alice.address, STAKE - COLLATERAL);
      await expectConserved(registry, token);
    });

    it("slashes a provider with nothing left: takes zero but still jails and counts", async function () {
      const { registry, token, disputes, alice, outsider } = await loadFixture(deployRegistryFixture);
      await registry.connect(alice).register(GPU_PROFILE);
      expect(await registry.slashAmount(alice.address, 0n, BPS)).to.equal(0n);
      const tx = registry.connect(disputes).slash(alice.address, JOB, 0n, BPS, [outsider.address], [10_000]);
      await expect(tx).to.emit(registry, "Slashed").withArgs(alice.address, JOB, 0n, 0n);
      await expect(tx).to.emit(registry, "SlashPaid").withArgs(alice.address, JOB, outsider.address, 0n);
      await expect(tx).to.emit(registry, "Jailed");
      await expect(tx).to.not.emit(token, "Transfer");
      expect((await registry.providerState(alice.address)).jobsSlashed).to.equal(1n);
    });

    it("never shortens an existing jail, and the provider can accept jobs again once it ends", async function () {
      const { registry, governance, disputes, bob, outsider } = await loadFixture(stakedFixture);
      await registry.connect(disputes).slash(bob.address, JOB, 0n, 1n, [outsider.address], [10_000]);
      const firstJail = (await registry.providerState(bob.address)).jailedUntil;
      await registry.connect(governance).setJailDuration(60n);
      await expect(registry.connect(disputes).slash(bob.address, OTHER_JOB, 0n, 1n, [outsider.address], [10_000]))
        .to.emit(registry, "Jailed")
        .withArgs(bob.address, firstJail);
      expect((await registry.providerState(bob.address)).jobsSlashed).to.equal(2n);
      await time.increaseTo(firstJail - 1n);
      expect(await registry.canAcceptJobs(bob.address)).to.equal(false);
      await time.increaseTo(firstJail);
      expect(await registry.canAcceptJobs(bob.address)).to.equal(true);
      // A later slash with the shorter duration extends from now.
      const tx = await registry.connect(disputes).slash(bob.address, 3n, 0n, 1n, [outsider.address], [10_000]);
      await expect(tx)
        .to.emit(registry, "Jailed")
        .withArgs(bob.address, BigInt(await time.latest()) + 60n);
    });

    for (const [name, recipientCount, shares, total] of [
      ["recipients and shares differ in length", 2, [10_000], 10_000n],
      ["shares do not add up to 10,000 bps", 2, [5000, 4999], 9999n],
      ["there are no recipients", 0, [], 0n],
      ["there are more than 8 recipients", 9, [...Array(8).fill(1111), 1112], 10_000n],
    ] as const) {
      it(`reverts when ${name}`, async function () {
        const { registry, disputes, alice, outsider } = await loadFixture(lockedFixture);
        const recipients = Array(recipientCount).fill(outsider.address);
        await expect(registry.connect(disputes).slash(alice.address, JOB, COLLATERAL, 1n, recipients, [...shares]))
          .to.be.revertedWithCustomError(registry, "InvalidSlashSplit")
          .withArgs(recipientCount, shares.length, total);
      });
    }

    it("reverts a stake share above 100% with ParameterOutOfBounds, before anything moves", async function () {
      const { registry, token, disputes, alice, outsider } = await loadFixture(lockedFixture);
      await expect(
        registry.connect(disputes).slash(alice.address, JOB, COLLATERAL, BPS + 1n, [outsider.address], [10_000]),
      )
        .to.be.revertedWithCustomError(registry, "ParameterOutOfBounds")
        .withArgs(BPS + 1n, 0n, BPS);
      expect(await accountOf(registry, alice.address)).to.deep.equal([STAKE, COLLATERAL, 0n, 0n]);
      await expectConserved(registry, token);
    });

    it("reverts when a recipient is the zero address", async function () {
      const { registry, disputes, alice, outsider } = await loadFixture(lockedFixture);
      await expect(
        registry
          .connect(disputes)
          .slash(alice.address, JOB, COLLATERAL, 1n, [outsider.address, ethers.ZeroAddress], [5000, 5000]),
      ).to.be.revertedWithCustomError(registry, "ZeroAddress");
    });

    it("reverts when the provider is not registered", async function () {
      const { registry, disputes, outsider } = await loadFixture(lockedFixture);
      await expect(registry.connect(disputes).slash(outsider.address, OTHER_JOB, 0n, 1n, [outsider.address], [10_000]))
        .to.be.revertedWithCustomError(registry, "ProviderNotRegistered")
        .withArgs(outsider.address);
    });

    it("reverts when releasing more collateral than the provider has locked (another provider's job)", async function () {
      const { registry, disputes, bob, outsider } = await loadFixture(lockedFixture);
      await expect(registry.connect(disputes).slash(bob.address, JOB, COLLATERAL, 1n, [outsider.address], [10_000]))
        .to.be.revertedWithCustomError(registry, "ReleaseExceedsLocked")
        .withArgs(bob.address, 0n, COLLATERAL);
    });

    it("reverts for a caller without the DISPUTES role", async function () {
      const { registry, escrow, alice, outsider } = await loadFixture(lockedFixture);
      await expect(registry.connect(escrow).slash(alice.address, JOB, COLLATERAL, 1n, [outsider.address], [10_000]))
        .to.be.revertedWithCustomError(registry, "AccessManagedUnauthorized")
        .withArgs(escrow.address);
    });
  });

  describe("collateral debt", function () {
    const OTHER_COLLATERAL = ethers.parseEther("6000");

    /**
     * lockedFixture, plus OTHER_COLLATERAL of alice's locked for OTHER_JOB and 1,000 then 500 requested for unbonding:
     * staked 8,500 (7,000 of it locked), unbonding 1,500, free 1,500.
     */
    async function otherJobFixture() {
      const f = await lockedFixture();
      await f.registry.connect(f.escrow).lockCollateral(f.alice.address, OTHER_JOB, OTHER_COLLATERAL);
      await f.registry.connect(f.alice).requestUnbond(ethers.parseEther("1000"));
      await f.registry.connect(f.alice).requestUnbond(ethers.parseEther("500"));
      return f;
    }

    /** otherJobFixture after JOB's slash at a 50% share, which took 1,500 of OTHER_JOB's lock as debt. */
    async function indebtedFixture() {
      const f = await otherJobFixture();
      await f.registry
        .connect(f.disputes)
        .slash(f.alice.address, JOB, COLLATERAL, 5_000n, [f.outsider.address], [10_000]);
      return f;
    }

    it("takes from free stake, then unbonding newest first, then other jobs' locks, which become debt", async function () {
      const { registry, token, disputes, alice, outsider } = await loadFixture(otherJobFixture);
      expect(await accountOf(registry, alice.address)).to.deep.equal([
        ethers.parseEther("8500"),
        COLLATERAL + OTHER_COLLATERAL,
        ethers.parseEther("1500"),
        0n,
      ]);
      await expectAccounting(registry, token, { [alice.address]: COLLATERAL + OTHER_COLLATERAL });
      // 1,000 collateral + 50% of (8,500 + 1,500 - 1,000): 2,500 free (the released collateral included), the 1,500
      // unbonding (the newest 500, then 1,000), and 1,500 of OTHER_JOB's lock.
      const amount = ethers.parseEther("5500");
      const debt = ethers.parseEther("1500");
      expect(await registry.slashAmount(alice.address, COLLATERAL, 5_000n)).to.equal(amount);
      const tx = registry.connect(disputes).slash(alice.address, JOB, COLLATERAL, 5_000n, [outsider.address], [10_000]);
      await expect(tx).to.emit(registry, "Slashed").withArgs(alice.address, JOB, amount, amount);
      await expect(tx).to.emit(registry, "CollateralDebtIncurred").withArgs(alice.address, JOB, debt, debt);
      await expect(tx).not.to.emit(registry, "CollateralDebtRepaid");
      await expect(tx).to.changeTokenBalances(token, [outsider, registry], [amount, -amount]);
      expect(await accountOf(registry, alice.address)).to.deep.equal([
        ethers.parseEther("4500"),
        ethers.parseEther("4500"),
        0n,
        debt,
      ]);
      expect(await registry.unbondingEntries(alice.address)).to.deep.equal([]);
      expect(await registry.freeStake(alice.address)).to.equal(0n);
      expect(await registry.totalStake()).to.equal(STAKE + ethers.parseEther("4500"));
      // OTHER_JOB is still running: its 6,000 of collateral is the 4,500 locked plus the 1,500 owed.
      await expectAccounting(registry, token, { [alice.address]: OTHER_COLLATERAL });
    });

    it("pays the debt back first when another job's collateral is unlocked, and frees only the rest", async function () {
      const { registry, token, escrow, alice } = await loadFixture(indebtedFixture);
      const tx = registry.connect(escrow).unlockCollateral(alice.address, OTHER_JOB, OTHER_COLLATERAL);
      await expect(tx)
        .to.emit(registry, "CollateralDebtRepaid")
        .withArgs(alice.address, OTHER_JOB, ethers.parseEther("1500"), 0n);
      await expect(tx)
        .to.emit(registry, "CollateralUnlocked")
        .withArgs(alice.address, OTHER_JOB, ethers.parseEther("4500"));
      await expect(tx).not.to.emit(token, "Transfer");
      expect(await accountOf(registry, alice.address)).to.deep.equal([ethers.parseEther("4500"), 0n, 0n, 0n]);
      expect(await registry.freeStake(alice.address)).to.equal(ethers.parseEther("4500"));
      expect((await registry.providerState(alice.address)).jobsCompleted).to.equal(1n);
      await expectAccounting(registry, token, { [alice.address]: 0n });
    });

    it("pays the debt back first on a forfeit, then pays the penalty out of the free stake", async function () {
      const { registry, token, escrow, alice, outsider } = await loadFixture(indebtedFixture);
      const penalty = OTHER_COLLATERAL / 10n;
      expect(
        await registry
          .connect(escrow)
          .forfeitCollateral.staticCall(alice.address, OTHER_JOB, OTHER_COLLATERAL, penalty, outsider.address),
      ).to.equal(penalty);
      const tx = registry
        .connect(escrow)
        .forfeitCollateral(alice.address, OTHER_JOB, OTHER_COLLATERAL, penalty, outsider.address);
      await expect(tx)
        .to.emit(registry, "CollateralDebtRepaid")
        .withArgs(alice.address, OTHER_JOB, ethers.parseEther("1500"), 0n);
      await expect(tx)
        .to.emit(registry, "CollateralForfeited")
        .withArgs(alice.address, OTHER_JOB, penalty, outsider.address);
      await expect(tx).to.changeTokenBalances(token, [outsider, registry], [penalty, -penalty]);
      expect(await accountOf(registry, alice.address)).to.deep.equal([ethers.parseEther("3900"), 0n, 0n, 0n]);
      expect((await registry.providerState(alice.address)).jobsTimedOut).to.equal(1n);
      await expectAccounting(registry, token, { [alice.address]: 0n });
    });

    it("caps a forfeit's penalty at the free stake left once the debt is repaid, and reports what it paid", async function () {
      const { registry, token, escrow, disputes, alice, outsider } = await loadFixture(lockedFixture);
      // All of alice's stake locked: JOB's 1,000 and 9,000 for OTHER_JOB.
      const otherCollateral = STAKE - COLLATERAL;
      await registry.connect(escrow).lockCollateral(alice.address, OTHER_JOB, otherCollateral);
      // JOB's slash at 10%: 1,000 + 10% of 9,000 = 1,900, of which 900 from OTHER_JOB's lock.
      const slashTx = registry
        .connect(disputes)
        .slash(alice.address, JOB, COLLATERAL, 1_000n, [outsider.address], [10_000]);
      await expect(slashTx)
        .to.emit(registry, "Slashed")
        .withArgs(alice.address, JOB, ethers.parseEther("1900"), ethers.parseEther("1900"));
      const debt = ethers.parseEther("900");
      await expect(slashTx).to.emit(registry, "CollateralDebtIncurred").withArgs(alice.address, JOB, debt, debt);
      expect(await accountOf(registry, alice.address)).to.deep.equal([
        ethers.parseEther("8100"),
        ethers.parseEther("8100"),
        0n,
        debt,
      ]);
      await expectAccounting(registry, token, { [alice.address]: otherCollateral });

      // OTHER_JOB times out with a 100% penalty: 900 repays the debt, 8,100 is left to pay the 9,000 penalty.
      const paid = ethers.parseEther("8100");
      expect(
        await registry
          .connect(escrow)
          .forfeitCollateral.staticCall(alice.address, OTHER_JOB, otherCollateral, otherCollateral, outsider.address),
      ).to.equal(paid);
      const tx = registry
        .connect(escrow)
        .forfeitCollateral(alice.address, OTHER_JOB, otherCollateral, otherCollateral, outsider.address);
      await expect(tx).to.emit(registry, "CollateralDebtRepaid").withArgs(alice.address, OTHER_JOB, debt, 0n);
      await expect(tx)
        .to.emit(registry, "CollateralForfeited")
        .withArgs(alice.address, OTHER_JOB, paid, outsider.address);
      await expect(tx).to.changeTokenBalances(token, [outsider, registry], [paid, -paid]);
      expect(await accountOf(registry, alice.address)).to.deep.equal([0n, 0n, 0n, 0n]);
      await expectAccounting(registry, token, { [alice.address]: 0n });
    });

    it("lets a release smaller than the debt only pay it down: nothing freed, no penalty paid", async function () {
      const { registry, token, escrow, disputes, alice, outsider } = await loadFixture(lockedFixture);
      const [j2, j3] = [3n, 4n];
      const [c2, c3] = [ethers.parseEther("4000"), ethers.parseEther("5000")];
      await registry.connect(escrow).lockCollateral(alice.address, j2, c2);
      await registry.connect(escrow).lockCollateral(alice.address, j3, c3);
      await registry.connect(disputes).slash(alice.address, JOB, COLLATERAL, BPS, [outsider.address], [10_000]);
      expect(await accountOf(registry, alice.address)).to.deep.equal([0n, 0n, 0n, c2 + c3]);
      await expectAccounting(registry, token, { [alice.address]: c2 + c3 });

      // A release of more than locked + debt still reverts, with what is left after the debt.
      await expect(registry.connect(escrow).unlockCollateral(alice.address, j2, c2 + c3 + 1n))
        .to.be.revertedWithCustomError(registry, "ReleaseExceedsLocked")
        .withArgs(alice.address, 0n, 1n);

      const unlock = registry.connect(escrow).unlockCollateral(alice.address, j2, c2);
      await expect(unlock).to.emit(registry, "CollateralDebtRepaid").withArgs(alice.address, j2, c2, c3);
      await expect(unlock).to.emit(registry, "CollateralUnlocked").withArgs(alice.address, j2, 0n);
      expect(await accountOf(registry, alice.address)).to.deep.equal([0n, 0n, 0n, c3]);
      await expectAccounting(registry, token, { [alice.address]: c3 });

      const forfeit = registry.connect(escrow).forfeitCollateral(alice.address, j3, c3, c3 / 10n, outsider.address);
      await expect(forfeit).to.emit(registry, "CollateralDebtRepaid").withArgs(alice.address, j3, c3, 0n);
      await expect(forfeit).to.emit(registry, "CollateralForfeited").withArgs(alice.address, j3, 0n, outsider.address);
      await expect(forfeit).not.to.emit(token, "Transfer");
      expect(await accountOf(registry, alice.address)).to.deep.equal([0n, 0n, 0n, 0n]);
      await expectAccounting(registry, token, { [alice.address]: 0n });
    });

    it("pays the debt back first on a second slash, which takes the job's backing plus the share of the rest", async function () {
      const { registry, token, disputes, alice, outsider } = await loadFixture(indebtedFixture);
      const extra = ethers.parseEther("1000");
      await registry.connect(alice).stake(extra);
      // staked 5,500 (4,500 locked), debt 1,500: OTHER_JOB's backing is 4,500, plus 50% of the other 1,000.
      const amount = ethers.parseEther("5000");
      expect(await registry.slashAmount(alice.address, OTHER_COLLATERAL, 5_000n)).to.equal(amount);
      const tx = registry
        .connect(disputes)
        .slash(alice.address, OTHER_JOB, OTHER_COLLATERAL, 5_000n, [outsider.address], [10_000]);
      await expect(tx)
        .to.emit(registry, "CollateralDebtRepaid")
        .withArgs(alice.address, OTHER_JOB, ethers.parseEther("1500"), 0n);
      await expect(tx).to.emit(registry, "Slashed").withArgs(alice.address, OTHER_JOB, amount, amount);
      await expect(tx).not.to.emit(registry, "CollateralDebtIncurred");
      await expect(tx).to.changeTokenBalances(token, [outsider, registry], [amount, -amount]);
      expect(await accountOf(registry, alice.address)).to.deep.equal([ethers.parseEther("500"), 0n, 0n, 0n]);
      expect((await registry.providerState(alice.address)).jobsSlashed).to.equal(2n);
      await expectAccounting(registry, token, { [alice.address]: 0n });
    });

    it("reports in slashAmount only the part of a collateral not already owed, and zero for an unknown provider", async function () {
      const { registry, alice, outsider } = await loadFixture(indebtedFixture);
      // staked 4,500 (all locked), debt 1,500. A collateral below the debt backs nothing: the share of 4,500 alone.
      expect(await registry.slashAmount(alice.address, COLLATERAL, 5_000n)).to.equal(ethers.parseEther("2250"));
      expect(await registry.slashAmount(alice.address, ethers.parseEther("1500"), BPS)).to.equal(
        ethers.parseEther("4500"),
      );
      // Above the debt, the rest backs the job: 4,500 backing + 50% of nothing else.
      expect(await registry.slashAmount(alice.address, OTHER_COLLATERAL, 5_000n)).to.equal(ethers.parseEther("4500"));
      expect(await registry.slashAmount(alice.address, 0n, 0n)).to.equal(0n);
      expect(await registry.slashAmount(outsider.address, 0n, BPS)).to.equal(0n);
    });
  });

  describe("minimum provider stake", function () {
    it("lets a registered provider accept jobs only with at least the minimum staked, locked stake included", async function () {
      const { registry, escrow, alice } = await loadFixture(deployRegistryFixture);
      await registry.connect(alice).register(GPU_PROFILE);
      await registry.connect(alice).stake(MIN_PROVIDER_STAKE - 1n);
      expect(await registry.canAcceptJobs(alice.address)).to.equal(false);
      await registry.connect(alice).stake(1n);
      expect(await registry.canAcceptJobs(alice.address)).to.equal(true);
      // Locked stake still counts: a provider busy with its own jobs stays eligible.
      await registry.connect(escrow).lockCollateral(alice.address, JOB, MIN_PROVIDER_STAKE);
      expect(await registry.canAcceptJobs(alice.address)).to.equal(true);
      await registry.connect(escrow).unlockCollateral(alice.address, JOB, MIN_PROVIDER_STAKE);
      // Unbonding stake does not.
      await registry.connect(alice).requestUnbond(1n);
      expect(await registry.canAcceptJobs(alice.address)).to.equal(false);
    });

    it("makes a provider slashed below the minimum ineligible after its jail too, until it stakes again", async function () {
      const { registry, disputes, alice, outsider } = await loadFixture(stakedFixture);
      // 100% of 10,000: nothing left.
      await registry.connect(disputes).slash(alice.address, JOB, 0n, BPS, [outsider.address], [10_000]);
      await time.increaseTo((await registry.providerState(alice.address)).jailedUntil);
      expect(await registry.canAcceptJobs(alice.address)).to.equal(false);
      await registry.connect(alice).stake(MIN_PROVIDER_STAKE);
      expect(await registry.canAcceptJobs(alice.address)).to.equal(true);
    });

    it("sets the minimum within bounds, emitting the old and new value; zero lets an unstaked provider accept", async function () {
      const { registry, governance, alice } = await loadFixture(deployRegistryFixture);
      await registry.connect(alice).register(GPU_PROFILE);
      await expect(registry.connect(governance).setMinProviderStake(0n))
        .to.emit(registry, "MinProviderStakeSet")
        .withArgs(MIN_PROVIDER_STAKE, 0n);
      expect(await registry.minProviderStake()).to.equal(0n);
      expect(await registry.canAcceptJobs(alice.address)).to.equal(true);
      await expect(registry.connect(governance).setMinProviderStake(MAX_MIN_PROVIDER_STAKE))
        .to.emit(registry, "MinProviderStakeSet")
        .withArgs(0n, MAX_MIN_PROVIDER_STAKE);
      expect(await registry.minProviderStake()).to.equal(MAX_MIN_PROVIDER_STAKE);
      expect(await registry.canAcceptJobs(alice.address)).to.equal(false);
    });

    it("reverts a minimum above MAX_MIN_PROVIDER_STAKE", async function () {
      const { registry, governance } = await loadFixture(deployRegistryFixture);
      await expect(registry.connect(governance).setMinProviderStake(MAX_MIN_PROVIDER_STAKE + 1n))
        .to.be.revertedWithCustomError(registry, "ParameterOutOfBounds")
        .withArgs(MAX_MIN_PROVIDER_STAKE + 1n, 0n, MAX_MIN_PROVIDER_STAKE);
      expect(await registry.minProviderStake()).to.equal(MIN_PROVIDER_STAKE);
    });

    it("is a PARAMETERS function in the deployment: the timelock sets it, the guardian cannot", async function () {
      const f = await loadFixture(deployWeftFixture);
      const registry = await f.ProviderRegistry.getAddress();
      const selector = f.ProviderRegistry.interface.getFunction("setMinProviderStake").selector;
      expect(await f.AccessManager.getTargetFunctionRole(registry, selector)).to.equal(Roles.PARAMETERS);
      expect(await f.ProviderRegistry.minProviderStake()).to.equal(f.parameters.registry.minProviderStake);
      await expect(f.ProviderRegistry.connect(f.guardian).setMinProviderStake(0n))
        .to.be.revertedWithCustomError(f.ProviderRegistry, "AccessManagedUnauthorized")
        .withArgs(f.guardian.address);
      await expect(f.ProviderRegistry.connect(f.timelock).setMinProviderStake(ethers.parseEther("2000")))
        .to.emit(f.ProviderRegistry, "MinProviderStakeSet")
        .withArgs(f.parameters.registry.minProviderStake, ethers.parseEther("2000"));
    });
  });

  describe("governance", function () {
    it("sets the unbonding period within bounds and above the dispute exposure", async function () {
      const { registry, governance } = await loadFixture(deployRegistryFixture);
      await expect(registry.connect(governance).setUnbondingPeriod(DISPUTE_EXPOSURE))
        .to.emit(registry, "UnbondingPeriodSet")
        .withArgs(UNBONDING_PERIOD, DISPUTE_EXPOSURE);
      expect(await registry.unbondingPeriod()).to.equal(DISPUTE_EXPOSURE);
      await registry.connect(governance).setUnbondingPeriod(90n * DAY);
      expect(await registry.unbondingPeriod()).to.equal(90n * DAY);
    });

    it("reverts an unbonding period outside its bounds", async function () {
      const { registry, governance } = await loadFixture(deployRegistryFixture);
      await expect(registry.connect(governance).setUnbondingPeriod(59n))
        .to.be.revertedWithCustomError(registry, "ParameterOutOfBounds")
        .withArgs(59n, 60n, 90n * DAY);
      await expect(registry.connect(governance).setUnbondingPeriod(90n * DAY + 1n))
        .to.be.revertedWithCustomError(registry, "ParameterOutOfBounds")
        .withArgs(90n * DAY + 1n, 60n, 90n * DAY);
    });

    it("reverts an unbonding period shorter than the dispute exposure", async function () {
      const { registry, governance } = await loadFixture(deployRegistryFixture);
      await expect(registry.connect(governance).setUnbondingPeriod(DISPUTE_EXPOSURE - 1n))
        .to.be.revertedWithCustomError(registry, "UnbondingShorterThanDisputeExposure")
        .withArgs(DISPUTE_EXPOSURE - 1n, DISPUTE_EXPOSURE);
    });

    it("skips the exposure check while no dispute-windows source is set", async function () {
      const { manager, token, governance } = await loadFixture(deployRegistryFixture);
      const registry = await ethers.deployContract("ProviderRegistry", [
        await manager.getAddress(),
        await token.getAddress(),
        UNBONDING_PERIOD,
        JAIL_DURATION,
        MIN_PROVIDER_STAKE,
      ]);
      const selector = registry.interface.getFunction("setUnbondingPeriod").selector;
      await manager.setTargetFunctionRole(await registry.getAddress(), [selector], Roles.PARAMETERS);
      await expect(registry.connect(governance).setUnbondingPeriod(60n))
        .to.emit(registry, "UnbondingPeriodSet")
        .withArgs(UNBONDING_PERIOD, 60n);
    });

    it("sets the jail duration within bounds", async function () {
      const { registry, governance } = await loadFixture(deployRegistryFixture);
      await expect(registry.connect(governance).setJailDuration(365n * DAY))
        .to.emit(registry, "JailDurationSet")
        .withArgs(JAIL_DURATION, 365n * DAY);
      expect(await registry.jailDuration()).to.equal(365n * DAY);
    });

    it("reverts a jail duration outside its bounds", async function () {
      const { registry, governance } = await loadFixture(deployRegistryFixture);
      await expect(registry.connect(governance).setJailDuration(59n))
        .to.be.revertedWithCustomError(registry, "ParameterOutOfBounds")
        .withArgs(59n, 60n, 365n * DAY);
      await expect(registry.connect(governance).setJailDuration(365n * DAY + 1n))
        .to.be.revertedWithCustomError(registry, "ParameterOutOfBounds")
        .withArgs(365n * DAY + 1n, 60n, 365n * DAY);
    });

    it("sets the dispute-windows source when the unbonding period covers its exposure", async function () {
      const { registry, stub, governance } = await loadFixture(deployRegistryFixture);
      const next = await ethers.deployContract("DisputeWindowsStub", [UNBONDING_PERIOD]);
      await expect(registry.connect(governance).setDisputeWindowsSource(await next.getAddress()))
        .to.emit(registry, "DisputeWindowsSourceSet")
        .withArgs(await stub.getAddress(), await next.getAddress());
      expect(await registry.disputeWindowsSource()).to.equal(await next.getAddress());
    });

    it("reverts a zero dispute-windows source", async function () {
      const { registry, governance } = await loadFixture(deployRegistryFixture);
      await expect(
        registry.connect(governance).setDisputeWindowsSource(ethers.ZeroAddress),
      ).to.be.revertedWithCustomError(registry, "ZeroAddress");
    });

    it("reverts a source whose exposure exceeds the current unbonding period", async function () {
      const { registry, governance } = await loadFixture(deployRegistryFixture);
      const next = await ethers.deployContract("DisputeWindowsStub", [UNBONDING_PERIOD + 1n]);
      await expect(registry.connect(governance).setDisputeWindowsSource(await next.getAddress()))
        .to.be.revertedWithCustomError(registry, "UnbondingShorterThanDisputeExposure")
        .withArgs(UNBONDING_PERIOD, UNBONDING_PERIOD + 1n);
    });

    it("reverts every setter for a caller without the PARAMETERS role", async function () {
      const { registry, admin, alice } = await loadFixture(deployRegistryFixture);
      for (const caller of [admin, alice]) {
        const r = registry.connect(caller);
        for (const call of [
          () => r.setUnbondingPeriod(UNBONDING_PERIOD),
          () => r.setJailDuration(JAIL_DURATION),
          () => r.setMinProviderStake(0n),
          () => r.setDisputeWindowsSource(alice.address),
        ]) {
          await expect(call())
            .to.be.revertedWithCustomError(registry, "AccessManagedUnauthorized")
            .withArgs(caller.address);
        }
      }
    });
  });

  describe("views", function () {
    it("report empty state for unknown providers", async function () {
      const { registry, outsider } = await loadFixture(stakedFixture);
      expect(await registry.canAcceptJobs(outsider.address)).to.equal(false);
      expect(await registry.freeStake(outsider.address)).to.equal(0n);
      expect(await registry.unbondingEntries(outsider.address)).to.deep.equal([]);
      const profile = await registry.profile(outsider.address);
      expect([profile.gpuModel, profile.vramGb, profile.metadataURI]).to.deep.equal(["", 0n, ""]);
      const state = await registry.providerState(outsider.address);
      expect(state.registered).to.equal(false);
      expect(await accountOf(registry, outsider.address)).to.deep.equal([0n, 0n, 0n, 0n]);
    });
  });

  describe("conservation", function () {
    // The same count under coverage: registry operations are cheap, and fewer steps leave some operations (or a
    // debt) unreached with this seed.
    const STEPS = 200;
    it(`keeps the token balance equal to the total stake and running collateral equal to locked + debt through ${STEPS} seeded random operations`, async function () {
      this.timeout(120_000);
      const f = await loadFixture(deployRegistryFixture);
      const { registry, token, escrow, disputes, governance } = f;
      const providers = [f.alice, f.bob];
      for (const p of providers) await registry.connect(p).register(GPU_PROFILE);

      // mulberry32: a tiny seeded PRNG, so a failure replays exactly.
      let seed = 0x5eed_2025;
      const random = () => {
        seed = (seed + 0x6d2b79f5) | 0;
        let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
        t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
      };
      const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
      const upTo = (max: bigint): bigint =>
        max <= 0n ? 1n : (BigInt(Math.floor(random() * 1e9)) * max) / 1_000_000_000n + 1n;

      // What the escrow would record for each job with collateral locked: the registry keeps only totals.
      const openJobs = new Map<bigint, { owner: string; collateral: bigint }>();
      let nextJob = 1n;
      const succeeded: Record<string, number> = {};
      let debtSeen = false;
      const ops = ["stake", "unbond", "withdraw", "lock", "unlock", "forfeit", "slash", "time", "period"] as const;

      // Locks (and stake to back them) come up more often than the rest, so that providers often run several jobs:
      // that is when a slash reaches other jobs' locks and a release repays debt.
      const weighted = [...ops, "stake", "lock", "lock", "unbond", "withdraw", "time"] as const;
      for (let step = 0; step < STEPS; step++) {
        const op = pick(weighted);
        const provider = pick(providers);
        const free = await registry.freeStake(provider.address);
        let ok = true;
        try {
          if (op === "stake") {
            await registry.connect(provider).stake(upTo(ethers.parseEther("5000")));
          } else if (op === "unbond") {
            await registry.connect(provider).requestUnbond(upTo(free));
          } else if (op === "withdraw") {
            await registry.connect(provider).withdraw();
          } else if (op === "lock") {
            const jobId = nextJob++;
            const collateral = upTo(free / 2n);
            await registry.connect(escrow).lockCollateral(provider.address, jobId, collateral);
            openJobs.set(jobId, { owner: provider.address, collateral });
          } else if (op === "unlock" || op === "forfeit") {
            // Sometimes a job with no lock, standing for a wrong release: more than the provider has locked.
            const jobId = pick([...openJobs.keys(), nextJob]);
            const job = openJobs.get(jobId);
            // More than the provider's lock and debt together: no job of its could release that much.
            const { locked, debt } = await registry.providerState(provider.address);
            const { owner, collateral } = job ?? { owner: provider.address, collateral: locked + debt + 1n };
            if (op === "unlock") await registry.connect(escrow).unlockCollateral(owner, jobId, collateral);
            else {
              const penalty = job === undefined ? 0n : upTo(collateral) - 1n;
              await registry.connect(escrow).forfeitCollateral(owner, jobId, collateral, penalty, f.treasury.address);
            }
            openJobs.delete(jobId);
          } else if (op === "slash") {
            const jobId = pick([...openJobs.keys(), nextJob]);
            const { owner, collateral } = openJobs.get(jobId) ?? { owner: provider.address, collateral: 0n };
            const share = pick([0n, BPS, upTo(BPS / 4n), upTo(BPS) - 1n]);
            // The amount, computed here from the rule: the part of the collateral not already owed, plus the share
            // of the rest of the stake. The view and the slash must both agree with it.
            const before = await registry.providerState(owner);
            const backing = collateral - (collateral < before.debt ? collateral : before.debt);
            const expected = backing + ((before.staked + before.unbonding - backing) * share) / BPS;
            expect(await registry.slashAmount(owner, collateral, share)).to.equal(expected);
            await expect(
              registry
                .connect(disputes)
                .slash(owner, jobId, collateral, share, [f.outsider.address, f.treasury.address], [7000, 3000]),
            )
              .to.emit(registry, "Slashed")
              .withArgs(owner, jobId, expected, expected);
            const after = await registry.providerState(owner);
            expect(after.staked + after.unbonding).to.equal(before.staked + before.unbonding - expected);
            openJobs.delete(jobId);
          } else if (op === "time") {
            await time.increase(pick([1n, DAY, 3n * DAY, UNBONDING_PERIOD]));
          } else {
            await registry
              .connect(governance)
              .setUnbondingPeriod(pick([DISPUTE_EXPOSURE, UNBONDING_PERIOD, 10n * DAY]));
          }
        } catch (error) {
          ok = false;
          // Only the registry's own, expected refusals are acceptable here.
          const message = String(error);
          expect(message).to.match(
            /InsufficientFreeStake|TooManyUnbondingEntries|NothingToWithdraw|ReleaseExceedsLocked/,
          );
        }
        if (ok) succeeded[op] = (succeeded[op] ?? 0) + 1;

        // Invariants after every step.
        await expectConserved(registry, token);
        let sum = 0n;
        for (const p of providers) {
          const state = await registry.providerState(p.address);
          if (state.debt > 0n) debtSeen = true;
          expect(state.locked).to.be.lte(state.staked);
          sum += state.staked + state.unbonding;
          let lockedForJobs = 0n;
          for (const { owner, collateral } of openJobs.values()) {
            if (owner === p.address) lockedForJobs += collateral;
          }
          // A slash that reached other jobs' locks left debt that their releases pay back.
          expect(state.locked + state.debt).to.equal(lockedForJobs);
          const entries = await entriesOf(registry, p.address);
          for (let i = 1; i < entries.length; i++) expect(entries[i][1]).to.be.gte(entries[i - 1][1]);
        }
        expect(sum).to.equal(await registry.totalStake());
      }
      // Every kind of operation actually ran, so the invariants were checked against all of them, and debt arose.
      for (const op of ops) expect(succeeded[op] ?? 0, op).to.be.greaterThan(0);
      expect(debtSeen, "no slash reached another job's lock").to.equal(true);
    });
  });
});
