import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { ZeroHash } from "ethers";

import { Roles } from "../../src/access/roles";
import { roleAssignments, type ManagedContractName } from "../../src/access/permissions";
import { deployWeftFixture } from "../fixtures/weft";

describe("Deployment", function () {
  it("leaves the deployer with no role on the AccessManager or the timelock", async function () {
    const { AccessManager, TimelockController, deployer } = await loadFixture(deployWeftFixture);
    for (const role of Object.values(Roles)) {
      const [isMember] = await AccessManager.hasRole(role, deployer.address);
      expect(isMember, `deployer holds role ${role}`).to.equal(false);
    }
    for (const role of ["PROPOSER_ROLE", "CANCELLER_ROLE", "EXECUTOR_ROLE"]) {
      expect(await TimelockController.hasRole(ethers.id(role), deployer.address)).to.equal(false);
    }
    expect(await TimelockController.hasRole(ZeroHash, deployer.address)).to.equal(false);
  });

  it("makes the timelock the AccessManager's only admin and the holder of PARAMETERS", async function () {
    const { AccessManager, TimelockController } = await loadFixture(deployWeftFixture);
    const timelock = await TimelockController.getAddress();
    expect((await AccessManager.hasRole(Roles.ADMIN, timelock))[0]).to.equal(true);
    expect((await AccessManager.hasRole(Roles.PARAMETERS, timelock))[0]).to.equal(true);
    const grants = await AccessManager.queryFilter(AccessManager.filters.RoleGranted(Roles.ADMIN));
    const revokes = await AccessManager.queryFilter(AccessManager.filters.RoleRevoked(Roles.ADMIN));
    const admins = new Set(grants.map((e) => e.args.account));
    for (const e of revokes) admins.delete(e.args.account);
    expect([...admins]).to.deep.equal([timelock]);
  });

  it("maps every restricted function to its role", async function () {
    const fixture = await loadFixture(deployWeftFixture);
    for (const name of ["ComputeToken", "ProviderRegistry", "JobEscrow"] as ManagedContractName[]) {
      const target = await fixture[name].getAddress();
      for (const { role, selectors } of roleAssignments(name)) {
        for (const selector of selectors) {
          expect(await fixture.AccessManager.getTargetFunctionRole(target, selector)).to.equal(role);
        }
      }
    }
  });

  it("refuses every setter to the deployer", async function () {
    const { JobEscrow, ProviderRegistry, deployer } = await loadFixture(deployWeftFixture);
    await expect(JobEscrow.connect(deployer).setProtocolFeeBps(100n))
      .to.be.revertedWithCustomError(JobEscrow, "AccessManagedUnauthorized")
      .withArgs(deployer.address);
    await expect(ProviderRegistry.connect(deployer).setJailDuration(1n))
      .to.be.revertedWithCustomError(ProviderRegistry, "AccessManagedUnauthorized")
      .withArgs(deployer.address);
  });

  it("wires the escrow, its receipt and the registry's dispute window source together", async function () {
    const { JobEscrow, ComputeReceipt, ProviderRegistry, TimelockController } = await loadFixture(deployWeftFixture);
    expect(await JobEscrow.receipt()).to.equal(await ComputeReceipt.getAddress());
    expect(await ComputeReceipt.escrow()).to.equal(await JobEscrow.getAddress());
    expect(await ProviderRegistry.disputeWindowsSource()).to.equal(await JobEscrow.getAddress());
    expect(await JobEscrow.treasury()).to.equal(await TimelockController.getAddress());
  });
});
