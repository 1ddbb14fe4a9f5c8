// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IJobEscrow} from "../../contracts/interfaces/IJobEscrow.sol";
import {IDisputeManager} from "../../contracts/interfaces/IDisputeManager.sol";
import {IProviderRegistry} from "../../contracts/interfaces/IProviderRegistry.sol";
import {VM} from "./utils/Vm.sol";
import {InvariantTargets} from "./utils/InvariantTargets.sol";
import {WeftDeployment, GENESIS_SUPPLY} from "./WeftDeployment.sol";

// forge runs every public function named invariant_* as an invariant.
// solhint-disable func-name-mixedcase
import {Ghost} from "./handlers/Ghost.sol";
import {Weft, Actors, isDisputeOpen, stakeOf} from "./handlers/HandlerBase.sol";
import {StakingHandler} from "./handlers/StakingHandler.sol";
import {MarketHandler} from "./handlers/MarketHandler.sol";
import {KeeperHandler} from "./handlers/KeeperHandler.sol";
import {HonestVerifierHandler} from "./handlers/HonestVerifierHandler.sol";
import {HonestProviderHandler} from "./handlers/HonestProviderHandler.sol";
import {CoalitionHandler} from "./handlers/CoalitionHandler.sol";
import {ArbitrationHandler} from "./handlers/ArbitrationHandler.sol";
import {RewardsHandler} from "./handlers/RewardsHandler.sol";

uint256 constant PROVIDERS = 4;
uint256 constant CLIENTS = 3;
uint256 constant CHALLENGERS = 2;
uint256 constant SYBILS = 3;
uint256 constant PROVIDER_WEFT = 2_000_000e18;
uint256 constant PROVIDER_INITIAL_STAKE = 100_000e18;
uint256 constant CLIENT_FUNDS = 1_000_000e18;
uint256 constant CHALLENGER_WEFT = 1_000_000e18;
uint256 constant VERIFIER_WEFT = 1_000_000e18;

/// @notice Weft's conservation, accounting, lifecycle and dispute-game invariants under random sequences of staking,
/// jobs, disputes, rewards and time, over the real system wired as in production, with the adversary of
/// docs/DESIGN.md: a coalition of cheating providers and the addresses they control (CoalitionHandler) against one
/// honest verifier that disputes every wrong result in time (HonestVerifierHandler) and providers that answer for
/// their correct results (HonestProviderHandler).
contract WeftInvariants is WeftDeployment, InvariantTargets {
    /// @notice An invariant does not hold, or a handler saw an expectation broken mid-sequence.
    error InvariantViolated(string what);

    Actors private _actors;
    Ghost internal _ghost;
    IERC20[2] private _paymentTokens;
    address[] private _holders;

    function setUp() public {
        _actors.arbiter = _actor("arbiter", 0);
        _deployWeft(_actors.arbiter);
        _paymentTokens = [IERC20(address(_token)), IERC20(address(_usd))];

        for (uint256 i = 0; i < PROVIDERS; ++i) _actors.providers.push(_actor("provider", 0x100 + i));
        for (uint256 i = 0; i < CLIENTS; ++i) _actors.clients.push(_actor("client", 0x200 + i));
        for (uint256 i = 0; i < CHALLENGERS; ++i) _actors.challengers.push(_actor("challenger", 0x300 + i));
        for (uint256 i = 0; i < SYBILS; ++i) _actors.sybils.push(_actor("sybil", 0x400 + i));
        _actors.verifier = _actor("verifier", 0x500);

        _ghost = new Ghost();
        for (uint256 i = 0; i < PROVIDERS; ++i) _setUpProvider(_actors.providers[i]);
        for (uint256 i = 0; i < CLIENTS; ++i) _setUpClient(_actors.clients[i]);
        for (uint256 i = 0; i < CHALLENGERS; ++i) _grantFromTreasury(_actors.challengers[i], CHALLENGER_WEFT);
        for (uint256 i = 0; i < SYBILS; ++i) _grantFromTreasury(_actors.sybils[i], CHALLENGER_WEFT);
        _grantFromTreasury(_actors.verifier, VERIFIER_WEFT);

        Weft memory weft = Weft(_token, _registry, _escrow, _receipt, _disputes, _rewards, _usd);
        _targetStaking(new StakingHandler(weft, _actors, _ghost));
        _targetMarket(new MarketHandler(weft, _actors, _ghost));
        HonestVerifierHandler verifier = new HonestVerifierHandler(weft, _actors, _ghost);
        HonestProviderHandler honestProvider = new HonestProviderHandler(weft, _actors, _ghost);
        _targetHonest(verifier, honestProvider);
        _targetKeeper(new KeeperHandler(weft, _actors, _ghost, verifier, honestProvider));
        _targetCoalition(new CoalitionHandler(weft, _actors, _ghost));
        _targetArbitration(new ArbitrationHandler(weft, _actors, _ghost));
        _targetRewards(new RewardsHandler(weft, _actors, _ghost));
        _listHolders();
    }

    // ---------------------------------------------------------------- token conservation

    /// @notice The escrow holds, per payment token, exactly the payments of its unsettled jobs, and exactly what the
    /// handlers paid in minus what it paid out.
    function invariant_escrowHoldsExactlyTheUnsettledPayments() public view {
        uint256 count = _escrow.jobCount();
        for (uint256 t = 0; t < _paymentTokens.length; ++t) {
            address paymentToken = address(_paymentTokens[t]);
            uint256 owed;
            for (uint256 jobId = 1; jobId <= count; ++jobId) {
                IJobEscrow.Job memory j = _ghost.termsOf(jobId);
                if (j.paymentToken == paymentToken && _isUnsettled(_escrow.jobStatus(jobId))) owed += j.payment;
            }
            uint256 balance = _paymentTokens[t].balanceOf(address(_escrow));
            _check(balance == owed, "escrow balance differs from the payments of its unsettled jobs");
            _check(balance == _ghost.escrowIn(paymentToken) - _ghost.escrowOut(paymentToken), "escrow flows differ");
        }
        _requireNone(Ghost.Kind.Escrow);
    }

    /// @notice The registry holds exactly the total stake (free, locked and unbonding), which is what was staked
    /// minus what was withdrawn, forfeited and slashed.
    function invariant_registryHoldsExactlyTheTotalStake() public view {
        uint256 balance = _token.balanceOf(address(_registry));
        _check(balance == _registry.totalStake(), "registry balance differs from totalStake");
        _check(balance == _ghost.stakedIn() - _ghost.stakeOut(), "registry flows differ");
        _requireNone(Ghost.Kind.Stake);
    }

    /// @notice The DisputeManager holds exactly the bonds of its open disputes, which is every bond taken minus those
    /// paid back to challengers and to providers; each job counts exactly its open disputes, and is Disputed exactly
    /// while one is open and no other has slashed it.
    function invariant_disputeManagerHoldsExactlyTheOpenBonds() public view {
        uint256 disputes = _disputes.disputeCount();
        uint256[] memory openOf = new uint256[](_escrow.jobCount() + 1);
        uint256 bonds;
        for (uint256 disputeId = 1; disputeId <= disputes; ++disputeId) {
            IDisputeManager.Dispute memory d = _disputes.dispute(disputeId);
            if (!isDisputeOpen(d.status)) continue;
            bonds += d.bond;
            ++openOf[d.jobId];
        }
        uint256 balance = _token.balanceOf(address(_disputes));
        _check(balance == bonds, "dispute manager balance differs from open bonds");
        _check(balance == _ghost.bondsIn() - _ghost.bondsReturned() - _ghost.bondsForfeited(), "bond flows differ");
        for (uint256 jobId = 1; jobId < openOf.length; ++jobId) {
            _check(_disputes.openDisputes(jobId) == openOf[jobId], "a job's open disputes are miscounted");
            _check(_ghost.job(jobId).openDisputes == openOf[jobId], "a job's open disputes differ from the ghost's");
            IJobEscrow.JobStatus status = _escrow.jobStatus(jobId);
            if (status != IJobEscrow.JobStatus.Slashed) {
                _check((status == IJobEscrow.JobStatus.Disputed) == (openOf[jobId] != 0), "Disputed without a dispute");
            }
        }
    }

    // ---------------------------------------------------------------- stake accounting

    function invariant_totalStakeIsTheSumOfProviderStakes() public view {
        uint256 sum;
        for (uint256 i = 0; i < PROVIDERS; ++i) sum += stakeOf(_registry, _actors.providers[i]);
        _check(sum == _registry.totalStake(), "totalStake differs from the sum of provider stakes");
    }

    /// @notice No provider has more locked than staked, and its lock plus its debt is exactly its running jobs'
    /// collateral (what a slash took from other jobs' locks is owed, and paid back out of their releases).
    function invariant_lockedNeverExceedsStaked() public view {
        uint256 count = _escrow.jobCount();
        for (uint256 i = 0; i < PROVIDERS; ++i) {
            address provider = _actors.providers[i];
            IProviderRegistry.ProviderState memory s = _registry.providerState(provider);
            _check(s.locked <= s.staked, "a provider has more locked than staked");
            uint256 collateral;
            for (uint256 jobId = 1; jobId <= count; ++jobId) {
                IJobEscrow.Job memory j = _ghost.termsOf(jobId);
                if (j.provider == provider && _holdsCollateral(_escrow.jobStatus(jobId))) collateral += j.collateral;
            }
            _check(s.locked + s.debt == collateral, "a provider's lock and debt differ from its jobs' collateral");
        }
    }

    // ---------------------------------------------------------------- lifecycle

    /// @notice Every job moved only along the lifecycle graph, and none changed without a step on it.
    function invariant_jobsFollowTheLifecycle() public view {
        uint256 count = _escrow.jobCount();
        for (uint256 jobId = 1; jobId <= count; ++jobId) {
            _check(
                _escrow.jobStatus(jobId) == _ghost.job(jobId).lastStatus,
                "a job changed status without a step on it"
            );
        }
        _requireNone(Ghost.Kind.Lifecycle);
    }

    // ---------------------------------------------------------------- disputes

    /// @notice Each slash took exactly slashAmount, never more than the provider's stake, and the total slashed
    /// never exceeds what was ever staked.
    function invariant_slashesNeverExceedStake() public view {
        _check(_ghost.slashed() <= _ghost.stakedIn(), "more was slashed than was ever staked");
        _requireNone(Ghost.Kind.Slash);
    }

    /// @notice No correct result ever ends Slashed, whatever disputes the coalition opened against it, and a proof
    /// against a correct word (committed and revealed, or after a revealed chunk) is refused with ResultChecksOut.
    function invariant_honestResultsAreNeverSlashed() public view {
        uint256 count = _escrow.jobCount();
        for (uint256 jobId = 1; jobId <= count; ++jobId) {
            if (_ghost.job(jobId).cheated) continue;
            _check(_escrow.jobStatus(jobId) != IJobEscrow.JobStatus.Slashed, "a correct result was slashed");
        }
        _requireNone(Ghost.Kind.HonestResult);
    }

    /// @notice The honest verifier disputes every wrong checkable result inside its challenge window, and every one it
    /// disputed is slashed or still in dispute: never back to Submitted, never finalized. Its disputes never fail, so
    /// it never loses a bond (what it holds plus its open bonds is at least what it started with), and what the
    /// coalition does to take its place fails: its commitment copied to another address stays unrevealable
    /// (ProofNotCommitted), and a proof revealed in the block of its commit is refused (RevealTooEarly).
    function invariant_wrongResultsDisputedInTimeAreSlashed() public view {
        uint256 count = _escrow.jobCount();
        for (uint256 jobId = 1; jobId <= count; ++jobId) {
            Ghost.JobGhost memory g = _ghost.job(jobId);
            if (!g.checkable || !g.cheated) continue;
            IJobEscrow.JobStatus status = _escrow.jobStatus(jobId);
            bool slashedOrDisputed = status == IJobEscrow.JobStatus.Slashed || status == IJobEscrow.JobStatus.Disputed;
            if (g.honestDispute != 0) {
                _check(slashedOrDisputed, "a wrong result the honest verifier disputed was not slashed");
            } else if (status != IJobEscrow.JobStatus.Slashed) {
                bool inWindow = block.timestamp < _ghost.termsOf(jobId).deadline;
                _check(inWindow, "the honest verifier let a wrong result's challenge window pass");
            }
        }
        uint256 disputes = _disputes.disputeCount();
        uint256 bonds;
        for (uint256 disputeId = 1; disputeId <= disputes; ++disputeId) {
            IDisputeManager.Dispute memory d = _disputes.dispute(disputeId);
            if (d.challenger == _actors.verifier && isDisputeOpen(d.status)) bonds += d.bond;
        }
        _check(_token.balanceOf(_actors.verifier) + bonds >= VERIFIER_WEFT, "the honest verifier lost a bond");
        _requireNone(Ghost.Kind.WrongResult);
    }

    /// @notice A failed dispute pays its bond to the provider (and a moot one back to its challenger), checked on
    /// every settlement against the balances.
    function invariant_failedDisputesPayTheirBondToTheProvider() public view {
        _requireNone(Ghost.Kind.Bond);
    }

    /// @notice maxDisputeDuration covers the longest game the windows allow (both chess clocks and the follow-up, or
    /// the arbitration window); every move set the deadline the chess clocks allow; every open dispute opened inside
    /// its job's challenge window and ends by its opening plus maxDisputeDuration; and once the keeper has settled
    /// everything due, no job submitted challengeWindow + maxDisputeDuration or more before is still Submitted or
    /// Disputed.
    function invariant_everyJobSettlesWithinTheBound() public view {
        uint256 maxDuration = _disputes.maxDisputeDuration();
        uint256 longestGame = 2 * _disputes.responseWindow() + _disputes.followUpWindow();
        _check(maxDuration >= longestGame, "maxDisputeDuration is shorter than a withheld-data dispute can last");
        _check(maxDuration >= _disputes.arbitrationWindow(), "maxDisputeDuration is shorter than arbitration");
        _requireNone(Ghost.Kind.Clock);
        uint256 disputes = _disputes.disputeCount();
        for (uint256 disputeId = 1; disputeId <= disputes; ++disputeId) {
            IDisputeManager.Dispute memory d = _disputes.dispute(disputeId);
            if (!isDisputeOpen(d.status)) continue;
            Ghost.DisputeGhost memory opened = _ghost.disputeOf(disputeId);
            _check(opened.openedAt < _ghost.termsOf(d.jobId).deadline, "a dispute opened after the challenge window");
            _check(d.deadline <= opened.openedAt + maxDuration, "a dispute can outlast maxDisputeDuration");
        }
        uint256 bound = _escrow.challengeWindow() + maxDuration;
        uint256 sweptAt = _ghost.sweptAt();
        uint256 count = _escrow.jobCount();
        for (uint256 jobId = 1; jobId <= count; ++jobId) {
            IJobEscrow.JobStatus status = _escrow.jobStatus(jobId);
            if (status != IJobEscrow.JobStatus.Submitted && status != IJobEscrow.JobStatus.Disputed) continue;
            _check(_ghost.job(jobId).submittedAt + bound > sweptAt, "a job outlived its settlement bound");
        }
    }

    // ---------------------------------------------------------------- rewards

    /// @notice What each epoch minted stays within its emission, the supply within the cap, the supply grew only by
    /// claimed rewards, and every WEFT is held by an account the suite knows (nothing moved anywhere unseen).
    function invariant_mintedRewardsStayWithinEmissionAndCap() public view {
        uint256 epochs = _ghost.epochsMintedCount();
        for (uint256 i = 0; i < epochs; ++i) {
            uint256 epoch = _ghost.epochsMinted(i);
            _check(_ghost.mintedInEpoch(epoch) <= _rewards.epochTotals(epoch).emission, "an epoch minted too much");
        }
        _check(_token.totalSupply() <= _token.cap(), "supply above the cap");
        _check(_token.totalSupply() == GENESIS_SUPPLY + _ghost.minted(), "supply grew other than by claimed rewards");
        uint256 held;
        for (uint256 i = 0; i < _holders.length; ++i) held += _token.balanceOf(_holders[i]);
        _check(held == _token.totalSupply(), "WEFT held outside the known accounts");
        _requireNone(Ghost.Kind.Rewards);
    }

    // ---------------------------------------------------------------- receipts

    /// @notice A receipt exists, owned by the client, exactly for each finalized job.
    function invariant_receiptsExistExactlyForFinalizedJobs() public view {
        uint256 count = _escrow.jobCount();
        uint256 finalized;
        for (uint256 jobId = 1; jobId <= count; ++jobId) {
            bool isFinalized = _escrow.jobStatus(jobId) == IJobEscrow.JobStatus.Finalized;
            try _receipt.ownerOf(jobId) returns (address owner) {
                _check(isFinalized, "a receipt exists for a job that is not finalized");
                _check(owner == _ghost.termsOf(jobId).client, "a receipt is not owned by the job's client");
                ++finalized;
            } catch {
                _check(!isFinalized, "a finalized job has no receipt");
            }
        }
        uint256 receipts;
        // Clients, and the sybils whose shield jobs their providers may complete.
        for (uint256 i = 0; i < CLIENTS; ++i) receipts += _receipt.balanceOf(_actors.clients[i]);
        for (uint256 i = 0; i < SYBILS; ++i) receipts += _receipt.balanceOf(_actors.sybils[i]);
        _check(receipts == finalized, "receipts held by clients differ from finalized jobs");
    }

    // ---------------------------------------------------------------- job terms

    /// @notice The escrow commits to exactly the terms the handlers derived from their own calls: every job not
    /// finalized has terms hashing to what the escrow stores, and every finalized job's settlement shows its workload,
    /// provider, token, payment and result, settled once its challenge window had ended.
    function invariant_escrowCommitsToEachJobsTerms() public view {
        uint256 count = _escrow.jobCount();
        for (uint256 jobId = 1; jobId <= count; ++jobId) {
            IJobEscrow.Job memory j = _ghost.termsOf(jobId);
            IJobEscrow.JobStatus status = _escrow.jobStatus(jobId);
            if (status == IJobEscrow.JobStatus.Finalized) {
                _checkSettlement(jobId, j);
                continue;
            }
            try _escrow.verifiedStatus(jobId, j) returns (IJobEscrow.JobStatus verified) {
                _check(verified == status, "verifiedStatus differs from jobStatus");
            } catch {
                revert InvariantViolated("a job's terms do not hash to what the escrow stores");
            }
        }
    }

    // ---------------------------------------------------------------- set-up

    function _actor(string memory role, uint256 index) private returns (address account) {
        account = address(uint160(uint256(keccak256(abi.encode(role, index)))));
        VM.label(account, role);
    }

    function _setUpProvider(address provider) private {
        _grantFromTreasury(provider, PROVIDER_WEFT);
        VM.startPrank(provider);
        _registry.register(IProviderRegistry.Profile("RTX 4090", 24, "ipfs://provider"));
        _token.approve(address(_registry), type(uint256).max);
        _registry.stake(PROVIDER_INITIAL_STAKE);
        VM.stopPrank();
        _ghost.staked(PROVIDER_INITIAL_STAKE);
    }

    function _setUpClient(address client) private {
        _grantFromTreasury(client, CLIENT_FUNDS);
        _usd.mint(client, CLIENT_FUNDS);
        VM.startPrank(client);
        _token.approve(address(_escrow), type(uint256).max);
        _usd.approve(address(_escrow), type(uint256).max);
        VM.stopPrank();
    }

    function _targetStaking(StakingHandler h) private {
        _target(address(h), h.stake.selector, 1);
        _target(address(h), h.requestUnbond.selector, 1);
        _target(address(h), h.withdraw.selector, 1);
    }

    /// @dev Weighted towards the steps that feed the others: every dispute, settlement and claim needs a job that
    /// was created, accepted and submitted first, and time to pass.
    function _targetMarket(MarketHandler h) private {
        _target(address(h), h.createJob.selector, 3);
        _target(address(h), h.acceptJob.selector, 5);
        _target(address(h), h.submitResult.selector, 6);
        _target(address(h), h.finalize.selector, 1);
        _target(address(h), h.cancelJob.selector, 1);
        _target(address(h), h.claimTimeout.selector, 1);
        _target(address(h), h.shieldStake.selector, 1);
    }

    function _targetKeeper(KeeperHandler h) private {
        _target(address(h), h.warp.selector, 3);
        _target(address(h), h.resolve.selector, 1);
        _target(address(h), h.settleDue.selector, 1);
    }

    /// @dev Besides what KeeperHandler.warp makes them do before time passes.
    function _targetHonest(HonestVerifierHandler verifier, HonestProviderHandler provider) private {
        _target(address(verifier), verifier.dispute.selector, 2);
        _target(address(verifier), verifier.play.selector, 3);
        _target(address(provider), provider.respond.selector, 3);
    }

    /// @dev Weighted towards the moves of games already open, so bisections run to their end.
    function _targetCoalition(CoalitionHandler h) private {
        _target(address(h), h.disputeFirst.selector, 2);
        _target(address(h), h.shadowHonest.selector, 1);
        _target(address(h), h.providerMove.selector, 5);
        _target(address(h), h.challengerMove.selector, 4);
        _target(address(h), h.grief.selector, 2);
        _target(address(h), h.disputeLate.selector, 1);
    }

    function _targetArbitration(ArbitrationHandler h) private {
        _target(address(h), h.disputeForArbitration.selector, 2);
        _target(address(h), h.arbitrate.selector, 1);
    }

    function _targetRewards(RewardsHandler h) private {
        _target(address(h), h.claim.selector, 1);
    }

    /// @dev Every account that can hold WEFT: this deployer, the treasury, the vesting wallets, the contracts and every
    /// actor.
    function _listHolders() private {
        _holders.push(address(this));
        _holders.push(address(_timelock));
        for (uint256 i = 0; i < _vestingWallets.length; ++i) _holders.push(address(_vestingWallets[i]));
        _holders.push(address(_registry));
        _holders.push(address(_escrow));
        _holders.push(address(_disputes));
        _holders.push(address(_rewards));
        _holders.push(_actors.verifier);
        _holders.push(_actors.arbiter);
        _pushAll(_actors.providers);
        _pushAll(_actors.clients);
        _pushAll(_actors.challengers);
        _pushAll(_actors.sybils);
    }

    function _pushAll(address[] storage accounts) private {
        for (uint256 i = 0; i < accounts.length; ++i) _holders.push(accounts[i]);
    }

    function _requireNone(Ghost.Kind kind) private view {
        if (_ghost.violations(kind) != 0) revert InvariantViolated(_ghost.firstViolation(kind));
    }

    function _check(bool holds, string memory what) private pure {
        if (!holds) revert InvariantViolated(what);
    }

    function _checkSettlement(uint256 jobId, IJobEscrow.Job memory j) private view {
        IJobEscrow.Settlement memory s = _escrow.settlement(jobId);
        _check(s.workloadId == j.workloadId, "a settlement shows another workload");
        _check(s.provider == j.provider, "a settlement shows another provider");
        _check(s.paymentToken == j.paymentToken, "a settlement shows another payment token");
        _check(s.payment == j.payment, "a settlement shows another payment");
        _check(s.resultRoot == j.resultRoot, "a settlement shows another result");
        _check(s.settledAt >= j.deadline, "a job settled inside its challenge window");
        _check(s.settledAt <= block.timestamp, "a job settled in the future");
    }

    /// @dev The escrow still holds the payment: the job is open, or running and holding collateral.
    function _isUnsettled(IJobEscrow.JobStatus status) private pure returns (bool) {
        return status == IJobEscrow.JobStatus.Open || _holdsCollateral(status);
    }

    function _holdsCollateral(IJobEscrow.JobStatus status) private pure returns (bool) {
        return
            status == IJobEscrow.JobStatus.Assigned ||
            status == IJobEscrow.JobStatus.Submitted ||
            status == IJobEscrow.JobStatus.Disputed;
    }
}
