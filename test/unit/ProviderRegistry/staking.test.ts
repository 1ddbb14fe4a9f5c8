import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";

import {
  DAY,
  GPU_PROFILE,
  JAIL_DURATION,
  MIN_PROVIDER_STAKE,
  UNBONDING_PERIOD,
  deployRegistryFixture,
} from "../../fixtures/registry";
import { signPermit } from "../../helpers/permit";
import {
  STAKE,
  COLLATERAL,
  UINT96_MAX,
  MAX_MIN_PROVIDER_STAKE,
  stakedFixture,
  lockedFixture,
  entriesOf,
  expectConserved,
  accountOf,
  reentrantStakeFixture,
} from "./fixture";

describe("ProviderRegistry: staking", function () {
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

    it("counts every entry of a full queue once, wherever the queue starts in its slots", async function () {
      const { registry, alice } = await loadFixture(stakedFixture);
      await registry.connect(alice).requestUnbond(1_000n);
      await time.increase(UNBONDING_PERIOD);
      await registry.connect(alice).withdraw(); // the queue now starts at its second slot
      for (let i = 1n; i <= 8n; i++) await registry.connect(alice).requestUnbond(i);
      const [staked, , unbonding] = await accountOf(registry, alice.address);
      expect(unbonding).to.equal(36n);
      expect(staked).to.equal(STAKE - 1_000n - 36n);
      // The slash amount reads the same total: collateral 0, a 100% share takes staked + unbonding exactly.
      expect(await registry.slashAmount(alice.address, 0n, 10_000n)).to.equal(STAKE - 1_000n);
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

    it("pays an entry at exactly its maturity second", async function () {
      const { registry, token, alice } = await loadFixture(stakedFixture);
      await registry.connect(alice).requestUnbond(100n);
      const [[, maturesAt]] = await entriesOf(registry, alice.address);
      await time.setNextBlockTimestamp(maturesAt);
      const tx = registry.connect(alice).withdraw();
      await expect(tx).to.emit(registry, "Withdrawn").withArgs(alice.address, 100n);
      await expect(tx).to.changeTokenBalances(token, [alice, registry], [100n, -100n]);
      expect(await time.latest()).to.equal(maturesAt);
      expect(await registry.unbondingEntries(alice.address)).to.deep.equal([]);
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

  describe("re-entry from the stake token", function () {
    it("refuses a stake re-entered from the token's transferFrom with ReentrancyGuardReentrantCall, staking once", async function () {
      const { token, registry, alice, reentry, guarded } = await loadFixture(reentrantStakeFixture);
      await token.arm(await registry.getAddress(), reentry);
      await expect(registry.connect(alice).stake(5n))
        .to.emit(registry, "Staked")
        .withArgs(alice.address, 5n, STAKE + 5n);
      expect(await token.lastReentrySucceeded()).to.equal(false);
      expect(await token.lastReentryError()).to.equal(guarded);
      expect(await registry.totalStake()).to.equal(STAKE + 5n);
    });

    it("refuses a stakeWithPermit re-entered from the token's transferFrom with ReentrancyGuardReentrantCall", async function () {
      // The token has no permit: the permit call's revert is ignored and the approval pays.
      const { token, registry, alice, reentry, guarded } = await loadFixture(reentrantStakeFixture);
      await token.arm(await registry.getAddress(), reentry);
      await expect(registry.connect(alice).stakeWithPermit(5n, 0n, 27, ethers.ZeroHash, ethers.ZeroHash))
        .to.emit(registry, "Staked")
        .withArgs(alice.address, 5n, STAKE + 5n);
      expect(await token.lastReentrySucceeded()).to.equal(false);
      expect(await token.lastReentryError()).to.equal(guarded);
      expect(await registry.totalStake()).to.equal(STAKE + 5n);
    });

    it("refuses a call re-entered from the token's transfer of a withdrawal with ReentrancyGuardReentrantCall", async function () {
      const { token, registry, alice, reentry, guarded } = await loadFixture(reentrantStakeFixture);
      await registry.connect(alice).requestUnbond(100n);
      await time.increase(UNBONDING_PERIOD);
      await token.arm(await registry.getAddress(), reentry);
      const tx = registry.connect(alice).withdraw();
      await expect(tx).to.emit(registry, "Withdrawn").withArgs(alice.address, 100n);
      await expect(tx).to.changeTokenBalances(token, [alice, registry], [100n, -100n]);
      expect(await token.lastReentrySucceeded()).to.equal(false);
      expect(await token.lastReentryError()).to.equal(guarded);
      expect(await registry.totalStake()).to.equal(STAKE - 100n);
    });
  });
});
