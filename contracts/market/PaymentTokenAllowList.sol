// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IJobEscrow} from "../interfaces/IJobEscrow.sol";

/// @title PaymentTokenAllowList
/// @notice The escrow's allow-list of payment tokens, each with its minimum payment and a permanent 16-bit index
/// (a settled job's slot names its token by index).
/// @dev Governance-only writes; the escrow's hot paths read one entry per call.
abstract contract PaymentTokenAllowList is IJobEscrow {
    /// @notice Payment-token indexes are 16 bits.
    uint256 public constant MAX_PAYMENT_TOKENS = type(uint16).max;

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

    /// @dev Configures `token`, giving it the next index the first time it is configured; a disallowed token keeps
    /// its index, so that the receipts of jobs paid in it still name it.
    function _setPaymentToken(address token, bool allowed, uint96 minPayment) internal {
        if (token == address(0)) revert ZeroAddress();
        PaymentTokenConfig memory oldConfig = _paymentTokens[token];
        uint16 index = oldConfig.index;
        if (index == 0) {
            uint256 next = uint256(_paymentTokenCount) + 1;
            if (next > MAX_PAYMENT_TOKENS) revert PaymentTokenLimitReached(MAX_PAYMENT_TOKENS);
            index = uint16(next);
            _paymentTokenCount = index;
            _paymentTokenAt[index] = token;
        }
        PaymentTokenConfig memory newConfig = PaymentTokenConfig(allowed, minPayment, index);
        emit PaymentTokenSet(token, oldConfig, newConfig);
        _paymentTokens[token] = newConfig;
    }
}
