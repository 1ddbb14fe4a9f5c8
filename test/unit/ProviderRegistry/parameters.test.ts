import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";

import { Roles } from "../../../config/roles";
import {
  DAY,
  DISPUTE_EXPOSURE,
  GPU_PROFILE,
  JAIL_DURATION,
  MIN_PROVIDER_STAKE,
  UNBONDING_PERIOD,
  deployRegistryFixture,
} from "../../fixtures/registry";
import { deployWeftFixture } from "../../fixtures/weft";
import { expectSetterBounds } from "../../helpers/bounds";
import { JOB, BPS, MAX_MIN_PROVIDER_STAKE, stakedFixture, accountOf, deployBareRegistry } from "./fixture";

describe("ProviderRegistry: parameters", function () {
  describe("minimum provider stake", function () {
    it("lets a registered provider accept jobs only with at least the minimum staked, locked stake included", async function () {
      const { registry, escrow, alice } = await loadFixture(deployRegistryFixture);
      await registry.connect(alice).register(GPU_PROFILE);
      await registry.connect(alice).stake(MIN_PROVIDER_STAKE - 1n);
      expect(await registry.canAcceptJobs(alice.address)).to.equal(false);
      await registry.connect(alice).stake(1n);
      expect(await registry.canAcceptJobs(alice.address)).to.equal(true);
      // Locked stake still counts: a provider busy with its own jobs stays eligible.
      await registry.connect(escrow).lockCollateral(alice.address, MIN_PROVIDER_STAKE);
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

    it("reverts an unbonding period shorter than the dispute exposure", async function () {
      const { registry, governance } = await loadFixture(deployRegistryFixture);
      await expect(registry.connect(governance).setUnbondingPeriod(DISPUTE_EXPOSURE - 1n))
        .to.be.revertedWithCustomError(registry, "UnbondingShorterThanDisputeExposure")
        .withArgs(DISPUTE_EXPOSURE - 1n, DISPUTE_EXPOSURE);
    });

    it("skips the exposure check while no dispute-windows source is set", async function () {
      const { manager, token, governance } = await loadFixture(deployRegistryFixture);
      const registry = await deployBareRegistry(manager, token);
      const selector = registry.interface.getFunction("setUnbondingPeriod").selector;
      await manager.setTargetFunctionRole(await registry.getAddress(), [selector], Roles.PARAMETERS);
      await expect(registry.connect(governance).setUnbondingPeriod(60n))
        .to.emit(registry, "UnbondingPeriodSet")
        .withArgs(UNBONDING_PERIOD, 60n);
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

    expectSetterBounds({
      contract: "ProviderRegistry",
      rows: [
        // The shortest unbonding period is below any dispute exposure the escrow can have (two windows of at least
        // MIN_WINDOW each), so the production deployment never reaches it; "skips the exposure check while no
        // dispute-windows source is set" shows it accepted.
        {
          parameter: "unbondingPeriod",
          min: 60n,
          max: 90n * DAY,
          event: "UnbondingPeriodSet",
          refusedAt: { min: "UnbondingShorterThanDisputeExposure" },
        },
        { parameter: "jailDuration", min: 60n, max: 365n * DAY, event: "JailDurationSet" },
        { parameter: "minProviderStake", min: 0n, max: MAX_MIN_PROVIDER_STAKE, event: "MinProviderStakeSet" },
      ],
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
});
