// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

// solhint-disable no-unused-import
// Weft deploys these OpenZeppelin contracts unchanged. Importing them here makes Hardhat compile them,
// so deploy modules, tests and TypeChain get their artifacts from this project's own pinned compiler.
import {AccessManager} from "@openzeppelin/contracts/access/manager/AccessManager.sol";
import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";
