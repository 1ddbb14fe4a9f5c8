// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {IJobEscrow} from "../interfaces/IJobEscrow.sol";

/// @title PaymentTokenAllowList
/// @notice The escrow's allow-list of payment tokens, each with its minimum payment, its value in ComputeToken and a
/// permanent 16-bit index (a settled job's slot names its token by index). The value is the protocol's one valuation
/// of the token: collateral, the liveness penalty, the slash and the reward weight of a job paid in it all follow from
/// it, so a fault costs the same in ComputeToken whatever token paid for the job.
/// @dev Governance-only writes; the escrow's hot paths read one entry (one slot) per call.
abstract contract PaymentTokenAllowList is IJobEscrow {
    /// @notice Payment-token indexes are 16 bits.
    uint256 public constant MAX_PAYMENT_TOKENS = type(uint16).max;
    /// @notice The most decimals a payment token may have (10^36 base units per token still values exactly).
    uint256 public constant MAX_PAYMENT_TOKEN_DECIMALS = 36;
    /// @notice An allowed token is worth at least one ComputeToken base unit per whole token.
    uint256 public constant MIN_WEFT_PER_TOKEN = 1;
    /// @notice An allowed token is worth at most a billion ComputeToken per whole token (ComputeToken's whole cap).
    uint256 public constant MAX_WEFT_PER_TOKEN = 1e27;

    uint16 private _paymentTokenCount;
    mapping(address token => PaymentTokenConfig) private _paymentTokens;
    mapping(uint256 index => address) private _paymentTokenAt;

    /// @inheritdoc IJobEscrow
    function paymentTokenConfig(address token) public view returns (PaymentTokenConfig memory) {
        return _paymentTokens[token];
    }

    /// @inheritdoc IJobEscrow
    function paymentTokenAt(uint256 index) public view returns (address) {
        return _paymentTokenAt[index];
    }

    /// @inheritdoc IJobEscrow
    function paymentValue(address token, uint256 amount) external view returns (uint256) {
        return _valueOf(_paymentTokens[token], amount);
    }

    /// @dev `amount` base units valued at `config`'s rate, rounded down. mulDiv keeps the product exact for any amount
    /// the public view is asked about; it reverts only when the value itself exceeds 2^256.
    function _valueOf(PaymentTokenConfig memory config, uint256 amount) internal pure returns (uint256) {
        return Math.mulDiv(amount, config.weftPerToken, 10 ** config.decimals);
    }

    /// @dev Configures `token`, giving it the next index the first time it is configured; a disallowed token keeps
    /// its index, so that the receipts of jobs paid in it still name it. An allowed token needs a rate within bounds
    /// and decimals the token reports.
    function _setPaymentToken(address token, bool allowed, uint96 minPayment, uint128 weftPerToken) internal {
        if (token == address(0)) revert ZeroAddress();
        if (allowed && (weftPerToken < MIN_WEFT_PER_TOKEN || weftPerToken > MAX_WEFT_PER_TOKEN)) {
            revert PaymentTokenRateOutOfBounds(token, weftPerToken, MIN_WEFT_PER_TOKEN, MAX_WEFT_PER_TOKEN);
        }
        PaymentTokenConfig memory oldConfig = _paymentTokens[token];
        uint16 index = oldConfig.index;
        if (index == 0) {
            uint256 next = uint256(_paymentTokenCount) + 1;
            if (next > MAX_PAYMENT_TOKENS) revert PaymentTokenLimitReached(MAX_PAYMENT_TOKENS);
            index = uint16(next);
            _paymentTokenCount = index;
            _paymentTokenAt[index] = token;
        }
        uint8 decimals = allowed ? _decimalsOf(token) : oldConfig.decimals;
        PaymentTokenConfig memory newConfig = PaymentTokenConfig(allowed, minPayment, index, decimals, weftPerToken);
        emit PaymentTokenSet(token, oldConfig, newConfig);
        _paymentTokens[token] = newConfig;
    }

    /// @dev The token's own `decimals()`: a rate per whole token only means something with the token's decimals. A
    /// low-level call, so that an account without code or a token without the function gets this contract's error.
    function _decimalsOf(address token) private view returns (uint8) {
        (bool ok, bytes memory data) = token.staticcall(abi.encodeCall(IERC20Metadata.decimals, ()));
        if (!ok || data.length != 32) revert PaymentTokenDecimalsUnsupported(token);
        uint256 decimals = abi.decode(data, (uint256));
        if (decimals > MAX_PAYMENT_TOKEN_DECIMALS) revert PaymentTokenDecimalsUnsupported(token);
        return uint8(decimals);
    }
}
