import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";
import type { NamedArtifactContractDeploymentFuture } from "@nomicfoundation/ignition-core";
import { ZeroAddress, ZeroHash, id } from "ethers";

import { LIQUID_ALLOCATIONS, VESTED_ALLOCATIONS, type VestedAllocationName } from "../../config/parameters";
import { Roles } from "../../config/roles";
import { roleAssignments } from "../../config/permissions";

/**
 * The whole Weft system, one module per domain, composed by `WeftModule`. The same modules serve production
 * deployments (`npx hardhat deploy`), test fixtures and the demo: there is one deployment path.
 * Parameters come from config/parameters.ts through src/deploy/parameters.ts.
 */

/** The AccessManager: the single permission table. The deployer administers it until the hand-over. */
export const AccessModule = buildModule("Access", (m) => {
  const manager = m.contract("AccessManager", [m.getAccount(0)]);
  return { manager };
});

/** The TimelockController: executes passed proposals and holds the treasury. Anyone may execute. */
export const TreasuryModule = buildModule("Treasury", (m) => {
  const timelock = m.contract("TimelockController", [
    m.getParameter<bigint>("minDelay"),
    [],
    [ZeroAddress],
    m.getAccount(0),
  ]);
  return { timelock };
});

/** ComputeToken: the genesis supply is minted to the deployer, and LaunchModule shares it out at once. */
export const TokenModule = buildModule("Token", (m) => {
  const { manager } = m.useModule(AccessModule);
  const token = m.contract("ComputeToken", [
    manager,
    m.getParameter<bigint>("cap"),
    m.getAccount(0),
    m.getParameter<bigint>("genesisSupply"),
  ]);
  return { token };
});

/**
 * The genesis split (config/parameters.ts `launch`, resolved by src/deploy/launch.ts): a CliffVestingWallet per
 * vested allocation, the liquid allocations paid out, and the rest to the treasury. The deployer keeps only its own
 * liquid allocations (a transfer to itself changes nothing), so no account can vote alone after the launch.
 */
export const LaunchModule = buildModule("Launch", (m) => {
  const { timelock } = m.useModule(TreasuryModule);
  const { token } = m.useModule(TokenModule);
  type Wallet = NamedArtifactContractDeploymentFuture<"CliffVestingWallet">;
  const vestingWallets = Object.fromEntries(
    VESTED_ALLOCATIONS.map((name): [`${VestedAllocationName}Vesting`, Wallet] => {
      const wallet = m.contract(
        "CliffVestingWallet",
        [
          m.getParameter<string>(`${name}Beneficiary`),
          m.getParameter<bigint>(`${name}StartOffset`),
          m.getParameter<bigint>(`${name}Duration`),
          m.getParameter<bigint>(`${name}Cliff`),
        ],
        { id: `${name}Vesting` },
      );
      m.call(token, "transfer", [wallet, m.getParameter<bigint>(`${name}Amount`)], { id: `fund_${name}` });
      return [`${name}Vesting`, wallet];
    }),
  ) as Record<`${VestedAllocationName}Vesting`, Wallet>;
  for (const name of LIQUID_ALLOCATIONS) {
    const beneficiary = m.getParameter<string>(`${name}Beneficiary`);
    m.call(token, "transfer", [beneficiary, m.getParameter<bigint>(`${name}Amount`)], { id: `pay_${name}` });
  }
  m.call(token, "transfer", [timelock, m.getParameter<bigint>("treasuryAmount")], { id: "fundTreasury" });
  return vestingWallets;
});

/**
 * The SecurityCouncil, given the timelock's CANCELLER_ROLE while the deployer still administers the timelock: the
 * council may cancel queued proposals until the bootstrap ends, and do nothing else.
 */
export const CouncilModule = buildModule("Council", (m) => {
  const { timelock } = m.useModule(TreasuryModule);
  const securityCouncil = m.contract("SecurityCouncil", [
    timelock,
    m.getParameter<string>("council"),
    m.getParameter<bigint>("bootstrapDuration"),
  ]);
  m.call(timelock, "grantRole", [id("CANCELLER_ROLE"), securityCouncil], { id: "grantCouncilCanceller" });
  return { securityCouncil };
});

/** ProviderRegistry: stake, collateral and slashing. */
export const StakingModule = buildModule("Staking", (m) => {
  const { manager } = m.useModule(AccessModule);
  const { token } = m.useModule(TokenModule);
  const registry = m.contract("ProviderRegistry", [
    manager,
    token,
    m.getParameter<bigint>("unbondingPeriod"),
    m.getParameter<bigint>("jailDuration"),
    m.getParameter<bigint>("minProviderStake"),
  ]);
  return { registry };
});

const WEFT_PER_WEFT = 10n ** 18n;

/** JobEscrow and the ComputeReceipt it creates; WEFT is allowed as a payment token from the start. */
export const MarketModule = buildModule("Market", (m) => {
  const { manager } = m.useModule(AccessModule);
  const { timelock } = m.useModule(TreasuryModule);
  const { token } = m.useModule(TokenModule);
  const { registry } = m.useModule(StakingModule);
  const escrow = m.contract("JobEscrow", [
    manager,
    registry,
    timelock,
    {
      protocolFeeBps: m.getParameter<bigint>("protocolFeeBps"),
      collateralRatioBps: m.getParameter<bigint>("collateralRatioBps"),
      minCollateral: m.getParameter<bigint>("minCollateral"),
      challengeWindow: m.getParameter<bigint>("challengeWindow"),
      disputeWindow: m.getParameter<bigint>("disputeWindow"),
      livenessPenaltyBps: m.getParameter<bigint>("livenessPenaltyBps"),
    },
  ]);
  const receipt = m.contractAt("ComputeReceipt", m.staticCall(escrow, "receipt"));
  // Until the Weft module maps these setters to PARAMETERS they need ADMIN, which the deployer still holds.
  m.call(registry, "setDisputeWindowsSource", [escrow]);
  // WEFT values itself one for one: 10^18 base units per whole token.
  m.call(escrow, "setPaymentToken", [token, true, m.getParameter<bigint>("minPaymentWeft"), WEFT_PER_WEFT]);
  return { escrow, receipt };
});

/**
 * DisputeManager with a checker for each workload that has one (more are added by DAO proposals).
 * It slashes through the registry and resolves jobs through the escrow with the DISPUTES role granted in WeftModule.
 * The mlp-i8 checker is deployed with the system but not registered: the DAO registers it by a proposal
 * (src/dao/checkers.ts, `dao:propose-checker`), as it would any checker added later.
 */
export const DisputesModule = buildModule("Disputes", (m) => {
  const { manager } = m.useModule(AccessModule);
  const { escrow } = m.useModule(MarketModule);
  const matmulChecker = m.contract("MatmulI8Checker");
  const mandelbrotChecker = m.contract("MandelbrotChecker");
  const mlpChecker = m.contract("MlpI8Checker");
  const disputes = m.contract("DisputeManager", [
    manager,
    escrow,
    {
      bond: m.getParameter<bigint>("bond"),
      responseWindow: m.getParameter<bigint>("responseWindow"),
      followUpWindow: m.getParameter<bigint>("followUpWindow"),
      arbitrationWindow: m.getParameter<bigint>("arbitrationWindow"),
      slashSplit: m.getParameter("slashSplit"),
      stakeShareBps: m.getParameter<bigint>("stakeShareBps"),
    },
    [matmulChecker, mandelbrotChecker],
  ]);
  return { disputes, matmulChecker, mandelbrotChecker, mlpChecker };
});

/**
 * RewardDistributor: the escrow reports settled work to it (set here while the deployer still administers the
 * manager), and it alone gets MINTER in WeftModule.
 */
export const RewardsModule = buildModule("Rewards", (m) => {
  const { manager } = m.useModule(AccessModule);
  const { token } = m.useModule(TokenModule);
  const { escrow } = m.useModule(MarketModule);
  const rewards = m.contract("RewardDistributor", [
    manager,
    token,
    {
      epochLength: m.getParameter<bigint>("epochLength"),
      initialEmission: m.getParameter<bigint>("initialEmission"),
      decayBps: m.getParameter<bigint>("decayBps"),
      rewardCapBps: m.getParameter<bigint>("rewardCapBps"),
    },
  ]);
  m.call(escrow, "setWorkRecorder", [rewards]);
  return { rewards };
});

/** ComputeGovernor, made the timelock's only proposer and canceller. */
export const GovernanceModule = buildModule("Governance", (m) => {
  const { timelock } = m.useModule(TreasuryModule);
  const { token } = m.useModule(TokenModule);
  const governor = m.contract("ComputeGovernor", [
    token,
    timelock,
    {
      votingDelay: m.getParameter<bigint>("votingDelay"),
      votingPeriod: m.getParameter<bigint>("votingPeriod"),
      proposalThreshold: m.getParameter<bigint>("proposalThreshold"),
      quorumPercent: m.getParameter<bigint>("quorumPercent"),
      lateQuorumExtension: m.getParameter<bigint>("lateQuorumExtension"),
    },
  ]);
  m.call(timelock, "grantRole", [id("PROPOSER_ROLE"), governor], { id: "grantProposer" });
  m.call(timelock, "grantRole", [id("CANCELLER_ROLE"), governor], { id: "grantCanceller" });
  return { governor };
});

/**
 * Everything, wired: every restricted function mapped to its role, the escrow given ESCROW, the timelock given
 * PARAMETERS and ADMIN, and finally the deployer's powers renounced on the AccessManager and the timelock.
 */
export const WeftModule = buildModule("Weft", (m) => {
  const deployer = m.getAccount(0);
  const { manager } = m.useModule(AccessModule);
  const { timelock } = m.useModule(TreasuryModule);
  const { token } = m.useModule(TokenModule);
  const { registry } = m.useModule(StakingModule);
  const { escrow, receipt } = m.useModule(MarketModule);
  const { governor } = m.useModule(GovernanceModule);
  const { disputes, matmulChecker, mandelbrotChecker, mlpChecker } = m.useModule(DisputesModule);
  const { rewards } = m.useModule(RewardsModule);
  const vestingWallets = m.useModule(LaunchModule);
  const { securityCouncil } = m.useModule(CouncilModule);

  const targets = {
    ComputeToken: token,
    ProviderRegistry: registry,
    JobEscrow: escrow,
    DisputeManager: disputes,
    RewardDistributor: rewards,
  } as const;
  const wiring = [];
  for (const [name, target] of Object.entries(targets)) {
    for (const { role, roleName, selectors } of roleAssignments(name as keyof typeof targets)) {
      wiring.push(
        m.call(manager, "setTargetFunctionRole", [target, selectors, role], {
          id: `map_${name}_${roleName}`,
          after: [MarketModule, DisputesModule, RewardsModule],
        }),
      );
    }
  }
  wiring.push(m.call(manager, "grantRole", [Roles.ESCROW, escrow, 0n], { id: "grantEscrow" }));
  wiring.push(m.call(manager, "grantRole", [Roles.DISPUTES, disputes, 0n], { id: "grantDisputes" }));
  wiring.push(m.call(manager, "grantRole", [Roles.MINTER, rewards, 0n], { id: "grantMinter" }));
  wiring.push(m.call(manager, "grantRole", [Roles.PARAMETERS, timelock, 0n], { id: "grantParameters" }));
  wiring.push(m.call(manager, "grantRole", [Roles.ADMIN, timelock, 0n], { id: "grantAdmin" }));

  m.call(manager, "renounceRole", [Roles.ADMIN, deployer], { id: "renounceManagerAdmin", after: wiring });
  m.call(timelock, "renounceRole", [ZeroHash, deployer], {
    id: "renounceTimelockAdmin",
    after: [GovernanceModule, CouncilModule, ...wiring],
  });

  return {
    manager,
    timelock,
    token,
    registry,
    escrow,
    receipt,
    governor,
    disputes,
    matmulChecker,
    mandelbrotChecker,
    mlpChecker,
    rewards,
    securityCouncil,
    ...vestingWallets,
  };
});

export default WeftModule;
