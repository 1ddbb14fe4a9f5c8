import type { HardhatUserConfig } from "hardhat/config";
import { vars } from "hardhat/config";
import "@nomicfoundation/hardhat-toolbox";

import "./tasks";
import "./config/coverage";
import "./config/transport-retry";
import { SOLIDITY_VERSION } from "./config/solc";
import { assertRequestedNetworkConfigured, configuredPublicNetworks } from "./config/networks";

assertRequestedNetworkConfigured();

const config: HardhatUserConfig = {
  solidity: {
    version: SOLIDITY_VERSION,
    settings: {
      evmVersion: "prague",
      // Weft's contracts are deployed once and called for every job, so runtime gas matters more
      // than deployment size: optimize for many calls.
      optimizer: { enabled: true, runs: 10_000 },
      // Hardhat adds its own outputs (abi, bytecode, metadata, ...) to these. The storage layout goes into the build
      // info for test/unit/StorageLayout.test.ts, which holds every production contract's slots to a snapshot.
      outputSelection: { "*": { "*": ["storageLayout"] } },
    },
  },
  networks: {
    hardhat: {},
    // LOCALHOST_RPC_URL lets tests run a node on a free port without touching a developer's own node.
    localhost: { url: process.env.LOCALHOST_RPC_URL ?? "http://127.0.0.1:8545" },
    ...configuredPublicNetworks(),
  },
  etherscan: {
    apiKey: vars.get("ETHERSCAN_API_KEY", ""),
  },
  sourcify: { enabled: false },
  typechain: {
    outDir: "typechain-types",
    target: "ethers-v6",
  },
  gasReporter: {
    enabled: process.env.REPORT_GAS !== undefined,
    currency: "USD",
    offline: true,
    outputFile: process.env.REPORT_GAS_FILE,
    noColors: process.env.REPORT_GAS_FILE !== undefined,
  },
  mocha: {
    // The slowest tests run the CLI as subprocesses against a local node.
    timeout: 180_000,
  },
};

export default config;
