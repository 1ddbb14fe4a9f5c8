// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {AccessManager} from "@openzeppelin/contracts/access/manager/AccessManager.sol";
import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";
import {ComputeToken} from "../../contracts/token/ComputeToken.sol";
import {CliffVestingWallet} from "../../contracts/token/CliffVestingWallet.sol";
import {ProviderRegistry} from "../../contracts/staking/ProviderRegistry.sol";
import {JobEscrow} from "../../contracts/market/JobEscrow.sol";
import {EscrowParameters} from "../../contracts/market/EscrowParameters.sol";
import {ComputeReceipt} from "../../contracts/market/ComputeReceipt.sol";
import {DisputeManager} from "../../contracts/disputes/DisputeManager.sol";
import {DisputeParameters} from "../../contracts/disputes/DisputeParameters.sol";
import {MatmulI8Checker} from "../../contracts/disputes/checkers/MatmulI8Checker.sol";
import {MandelbrotChecker} from "../../contracts/disputes/checkers/MandelbrotChecker.sol";
import {RewardDistributor} from "../../contracts/rewards/RewardDistributor.sol";
import {IDisputeManager} from "../../contracts/interfaces/IDisputeManager.sol";
import {IJobEscrow} from "../../contracts/interfaces/IJobEscrow.sol";
import {IWorkloadChecker} from "../../contracts/interfaces/IWorkloadChecker.sol";
import {TestERC20} from "../../contracts/test/TestERC20.sol";
import {VM} from "./utils/Vm.sol";

// A deployment script: every contract it calls is one it just deployed, so there is no reentrancy to fear.
// solhint-disable reentrancy

// src/access/roles.ts
uint64 constant ADMIN = 0;
uint64 constant PARAMETERS = 1;
uint64 constant ESCROW = 2;
uint64 constant DISPUTES = 3;
uint64 constant MINTER = 4;
uint64 constant ARBITER = 5;
uint64 constant GUARDIAN = 6;

// config/parameters.ts, LOCAL_PARAMETERS
uint256 constant CAP = 1_000_000_000e18;
uint256 constant GENESIS_SUPPLY = 400_000_000e18;
// config/parameters.ts, LOCAL_PARAMETERS.launch: the deployer keeps its operations allocation, three vesting wallets
// hold the founders' (the deployer's), contributors' (Hardhat account 8) and ecosystem's (account 9), and the treasury
// the rest. The SecurityCouncil is left out with the governor: it only cancels proposals.
uint256 constant OPERATIONS_ALLOCATION = 10_000_000e18;
uint256 constant FOUNDERS_ALLOCATION = 20_000_000e18;
uint256 constant CONTRIBUTORS_ALLOCATION = 50_000_000e18;
uint256 constant ECOSYSTEM_ALLOCATION = 60_000_000e18;
uint256 constant TREASURY_ALLOCATION =
    GENESIS_SUPPLY - OPERATIONS_ALLOCATION - FOUNDERS_ALLOCATION - CONTRIBUTORS_ALLOCATION - ECOSYSTEM_ALLOCATION;
address constant CONTRIBUTORS_BENEFICIARY = 0x23618e81E3f5cdF7f54C3d65f7FBc0aBf5B21E8f;
address constant ECOSYSTEM_BENEFICIARY = 0xa0Ee7A142d267C1f36714E4a8F75612F20a79720;
uint256 constant UNBONDING_PERIOD = 2 hours;
uint256 constant JAIL_DURATION = 1 days;
uint256 constant MIN_PROVIDER_STAKE = 1_000e18;
uint256 constant MIN_COLLATERAL = 1_000e18;
uint256 constant MIN_PAYMENT_WEFT = 0.01e18;
uint256 constant TIMELOCK_MIN_DELAY = 5 minutes;
/// @dev test/fixtures/weft.ts: tUSD's minimum payment and value (one WEFT per tUSD, both 18 decimals).
uint96 constant MIN_PAYMENT_USD = 1000;
uint128 constant USD_WEFT_PER_TOKEN = 1e18;
/// @dev ignition/modules/Weft.ts: WEFT values itself one for one.
uint128 constant WEFT_PER_WEFT = 1e18;

/// @notice Weft deployed in Solidity as ignition/modules/Weft.ts deploys it, with LOCAL_PARAMETERS of
/// config/parameters.ts and the role table of src/access/permissions.ts, plus what test/fixtures/weft.ts adds (a
/// tUSD payment token weighing one WEFT, granted by the timelock as a DAO vote would) and an ARBITER.
/// @dev forge cannot read the TypeScript sources, so the parameters and roles are restated here; keep them in step.
/// The governor is left out: no invariant here involves voting, and the timelock's powers are exercised directly.
abstract contract WeftDeployment {
    AccessManager internal _manager;
    TimelockController internal _timelock;
    ComputeToken internal _token;
    ProviderRegistry internal _registry;
    JobEscrow internal _escrow;
    ComputeReceipt internal _receipt;
    DisputeManager internal _disputes;
    MatmulI8Checker internal _matmulChecker;
    MandelbrotChecker internal _mandelbrotChecker;
    RewardDistributor internal _rewards;
    TestERC20 internal _usd;
    /// @dev The launch's vesting wallets: founders, contributors, ecosystem.
    CliffVestingWallet[3] internal _vestingWallets;

    function _deployWeft(address arbiter) internal {
        _manager = new AccessManager(address(this));
        address[] memory noProposers = new address[](0);
        address[] memory anyExecutor = new address[](1);
        _timelock = new TimelockController(TIMELOCK_MIN_DELAY, noProposers, anyExecutor, address(this));

        _token = new ComputeToken(address(_manager), CAP, address(this), GENESIS_SUPPLY);
        _launch();

        _registry = new ProviderRegistry(
            address(_manager),
            address(_token),
            UNBONDING_PERIOD,
            JAIL_DURATION,
            MIN_PROVIDER_STAKE
        );
        _escrow = new JobEscrow(
            address(_manager),
            _registry,
            address(_timelock),
            EscrowParameters.Parameters({
                protocolFeeBps: 300,
                collateralRatioBps: 100_000,
                minCollateral: MIN_COLLATERAL,
                challengeWindow: 10 minutes,
                disputeWindow: 30 minutes,
                livenessPenaltyBps: 1_000
            })
        );
        _receipt = ComputeReceipt(_escrow.receipt());
        _registry.setDisputeWindowsSource(address(_escrow));
        _escrow.setPaymentToken(address(_token), true, uint96(MIN_PAYMENT_WEFT), WEFT_PER_WEFT);

        _matmulChecker = new MatmulI8Checker();
        _mandelbrotChecker = new MandelbrotChecker();
        IWorkloadChecker[] memory checkers = new IWorkloadChecker[](2);
        (checkers[0], checkers[1]) = (_matmulChecker, _mandelbrotChecker);
        _disputes = new DisputeManager(
            address(_manager),
            _escrow,
            DisputeParameters.Parameters({
                bond: 100e18,
                responseWindow: 10 minutes,
                followUpWindow: 10 minutes,
                arbitrationWindow: 20 minutes,
                slashSplit: IDisputeManager.SlashSplit({challengerBps: 5_000, clientBps: 3_000, treasuryBps: 2_000}),
                stakeShareBps: 5_000
            }),
            checkers
        );

        _rewards = new RewardDistributor(
            address(_manager),
            _token,
            RewardDistributor.Parameters({
                epochLength: 1 hours,
                initialEmission: 100_000e18,
                decayBps: 200,
                rewardCapBps: 8_000
            })
        );
        _escrow.setWorkRecorder(address(_rewards));

        _mapRoles();
        _manager.grantRole(ESCROW, address(_escrow), 0);
        _manager.grantRole(DISPUTES, address(_disputes), 0);
        _manager.grantRole(MINTER, address(_rewards), 0);
        _manager.grantRole(PARAMETERS, address(_timelock), 0);
        _manager.grantRole(ADMIN, address(_timelock), 0);
        _manager.renounceRole(ADMIN, address(this));
        _timelock.renounceRole(_timelock.DEFAULT_ADMIN_ROLE(), address(this));

        _daoSetup(arbiter);
    }

    /// @dev src/access/permissions.ts, PERMISSIONS.
    function _mapRoles() private {
        _map(address(_token), MINTER, _selectors(ComputeToken.mint.selector));

        _map(
            address(_registry),
            ESCROW,
            _selectors(
                ProviderRegistry.lockCollateral.selector,
                ProviderRegistry.unlockCollateral.selector,
                ProviderRegistry.forfeitCollateral.selector
            )
        );
        _map(address(_registry), DISPUTES, _selectors(ProviderRegistry.slash.selector));
        _map(
            address(_registry),
            PARAMETERS,
            _selectors(
                ProviderRegistry.setUnbondingPeriod.selector,
                ProviderRegistry.setJailDuration.selector,
                ProviderRegistry.setMinProviderStake.selector,
                ProviderRegistry.setDisputeWindowsSource.selector
            )
        );

        _map(
            address(_escrow),
            DISPUTES,
            _selectors(IJobEscrow.markDisputed.selector, IJobEscrow.resolveDispute.selector)
        );
        _map(address(_escrow), GUARDIAN, _selectors(IJobEscrow.pause.selector));
        bytes4[] memory escrowParameters = new bytes4[](10);
        escrowParameters[0] = IJobEscrow.unpause.selector;
        escrowParameters[1] = IJobEscrow.setProtocolFeeBps.selector;
        escrowParameters[2] = IJobEscrow.setCollateralRatioBps.selector;
        escrowParameters[3] = IJobEscrow.setMinCollateral.selector;
        escrowParameters[4] = IJobEscrow.setChallengeWindow.selector;
        escrowParameters[5] = IJobEscrow.setDisputeWindow.selector;
        escrowParameters[6] = IJobEscrow.setLivenessPenaltyBps.selector;
        escrowParameters[7] = IJobEscrow.setPaymentToken.selector;
        escrowParameters[8] = IJobEscrow.setTreasury.selector;
        escrowParameters[9] = IJobEscrow.setWorkRecorder.selector;
        _map(address(_escrow), PARAMETERS, escrowParameters);

        _map(address(_disputes), ARBITER, _selectors(DisputeManager.arbitrate.selector));
        bytes4[] memory disputeParameters = new bytes4[](7);
        disputeParameters[0] = DisputeParameters.setChecker.selector;
        disputeParameters[1] = DisputeParameters.setBond.selector;
        disputeParameters[2] = DisputeParameters.setResponseWindow.selector;
        disputeParameters[3] = DisputeParameters.setFollowUpWindow.selector;
        disputeParameters[4] = DisputeParameters.setArbitrationWindow.selector;
        disputeParameters[5] = DisputeParameters.setSlashSplit.selector;
        disputeParameters[6] = DisputeParameters.setStakeShareBps.selector;
        _map(address(_disputes), PARAMETERS, disputeParameters);

        _map(address(_rewards), ESCROW, _selectors(RewardDistributor.recordWork.selector));
        bytes4[] memory rewardParameters = new bytes4[](3);
        rewardParameters[0] = RewardDistributor.setEpochLength.selector;
        rewardParameters[1] = RewardDistributor.setEmissionSchedule.selector;
        rewardParameters[2] = RewardDistributor.setRewardCapBps.selector;
        _map(address(_rewards), PARAMETERS, rewardParameters);
    }

    /// @dev The genesis split of ignition/modules/Weft.ts's LaunchModule, at the local schedules.
    function _launch() private {
        _vestingWallets[0] = new CliffVestingWallet(address(this), 0, 4 days, 1 days);
        _vestingWallets[1] = new CliffVestingWallet(CONTRIBUTORS_BENEFICIARY, 0, 4 days, 1 days);
        _vestingWallets[2] = new CliffVestingWallet(ECOSYSTEM_BENEFICIARY, 0, 3 days, 12 hours);
        _token.transfer(address(_vestingWallets[0]), FOUNDERS_ALLOCATION);
        _token.transfer(address(_vestingWallets[1]), CONTRIBUTORS_ALLOCATION);
        _token.transfer(address(_vestingWallets[2]), ECOSYSTEM_ALLOCATION);
        _token.transfer(address(_timelock), TREASURY_ALLOCATION);
    }

    /// @dev WEFT for the actors beyond the deployer's operations allocation: a grant from the treasury, as a vote
    /// would make it (test/fixtures/voters.ts does the same).
    function _grantFromTreasury(address to, uint256 amount) internal {
        VM.prank(address(_timelock));
        _token.transfer(to, amount);
    }

    /// @dev What the DAO votes in after the hand-over, executed as the timelock (test/fixtures/weft.ts does the same).
    function _daoSetup(address arbiter) private {
        _usd = new TestERC20("Test USD", "tUSD");
        VM.startPrank(address(_timelock));
        _manager.grantRole(ARBITER, arbiter, 0);
        _escrow.setPaymentToken(address(_usd), true, MIN_PAYMENT_USD, USD_WEFT_PER_TOKEN);
        VM.stopPrank();
    }

    function _map(address target, uint64 role, bytes4[] memory selectors) private {
        _manager.setTargetFunctionRole(target, selectors, role);
    }

    function _selectors(bytes4 a) private pure returns (bytes4[] memory s) {
        s = new bytes4[](1);
        s[0] = a;
    }

    function _selectors(bytes4 a, bytes4 b) private pure returns (bytes4[] memory s) {
        s = new bytes4[](2);
        (s[0], s[1]) = (a, b);
    }

    function _selectors(bytes4 a, bytes4 b, bytes4 c) private pure returns (bytes4[] memory s) {
        s = new bytes4[](3);
        (s[0], s[1], s[2]) = (a, b, c);
    }

    function _selectors(bytes4 a, bytes4 b, bytes4 c, bytes4 d) private pure returns (bytes4[] memory s) {
        s = new bytes4[](4);
        (s[0], s[1], s[2], s[3]) = (a, b, c, d);
    }
}
