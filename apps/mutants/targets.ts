/**
 * Which tests guard which contract: the one place the mutation runner reads it from. A mutant of a contract runs
 * the tests listed for it, in order (the quickest and closest first: the run stops at the first failure), each entry
 * a test file or a folder of `*.test.ts`. Every production contract is listed; a contract with no entry fails the run.
 *
 * The conservation property (test/integration/Conservation.test.ts) is left out on purpose: it catches accounting
 * mutants only at some of its random runs and takes a minute, so a mutant it alone kills is a gap in the direct tests.
 */
import fs from "node:fs";
import path from "node:path";

const ESCROW_UNIT = "test/unit/JobEscrow";
const DISPUTE_UNIT = "test/unit/DisputeManager";
const REGISTRY_UNIT = "test/unit/ProviderRegistry";
const RECEIPT_TESTS = ["test/unit/ReceiptText.test.ts", "test/unit/ComputeReceipt.test.ts"];
const CHECKER_TESTS = [
  "test/unit/WorkloadCheckers.test.ts",
  "test/unit/Int8DotProduct.test.ts",
  `${DISPUTE_UNIT}/proof-path.test.ts`,
  "test/security/Attacks/fraud-proofs.test.ts",
];
const REWARD_TESTS = [
  "test/unit/RewardDistributor.test.ts",
  "test/integration/Rewards.test.ts",
  "test/security/Economics.test.ts",
];
const GOVERNANCE_TESTS = [
  "test/security/Attacks/governance.test.ts",
  "test/security/Launch.test.ts",
  "test/integration/Governance.test.ts",
];

export const MUTATION_TESTS: Readonly<Record<string, readonly string[]>> = {
  "contracts/market/JobEscrow.sol": [
    ESCROW_UNIT,
    "test/security/Attacks/jobs.test.ts",
    "test/security/Attacks/settlement.test.ts",
    "test/security/Attacks/payment-tokens.test.ts",
  ],
  "contracts/market/EscrowParameters.sol": [
    `${ESCROW_UNIT}/parameters.test.ts`,
    ESCROW_UNIT,
    "test/security/Attacks/jobs.test.ts",
  ],
  "contracts/market/PaymentTokenAllowList.sol": [
    `${ESCROW_UNIT}/payment-tokens.test.ts`,
    ESCROW_UNIT,
    "test/security/Attacks/payment-tokens.test.ts",
  ],
  "contracts/market/ComputeReceipt.sol": ["test/unit/ComputeReceipt.test.ts", ESCROW_UNIT],
  "contracts/disputes/DisputeManager.sol": [
    DISPUTE_UNIT,
    "test/security/Attacks/fraud-proofs.test.ts",
    "test/security/Attacks/withheld.test.ts",
    "test/security/Attacks/slashing.test.ts",
    "test/security/Attacks/settlement.test.ts",
    "test/integration/Disputes.test.ts",
  ],
  "contracts/disputes/DisputeParameters.sol": [`${DISPUTE_UNIT}/parameters.test.ts`, DISPUTE_UNIT],
  "contracts/disputes/checkers/MatmulI8Checker.sol": CHECKER_TESTS,
  "contracts/disputes/checkers/MandelbrotChecker.sol": CHECKER_TESTS,
  "contracts/disputes/checkers/MlpI8Checker.sol": [
    "test/unit/MlpI8Checker.test.ts",
    `${DISPUTE_UNIT}/mlp-proof-path.test.ts`,
  ],
  "contracts/staking/ProviderRegistry.sol": [REGISTRY_UNIT, "test/security/Attacks/slashing.test.ts"],
  "contracts/rewards/RewardDistributor.sol": REWARD_TESTS,
  "contracts/token/ComputeToken.sol": ["test/unit/ComputeToken.test.ts", "test/security/Launch.test.ts"],
  "contracts/token/CliffVestingWallet.sol": ["test/security/Launch.test.ts"],
  "contracts/governance/SecurityCouncil.sol": ["test/unit/SecurityCouncil.test.ts", ...GOVERNANCE_TESTS],
  "contracts/governance/ComputeGovernor.sol": GOVERNANCE_TESTS,
  "contracts/governance/Dependencies.sol": GOVERNANCE_TESTS,
  "contracts/libraries/Bounds.sol": [
    `${ESCROW_UNIT}/parameters.test.ts`,
    `${DISPUTE_UNIT}/parameters.test.ts`,
    `${REGISTRY_UNIT}/parameters.test.ts`,
    "test/unit/RewardDistributor.test.ts",
    "test/unit/SecurityCouncil.test.ts",
  ],
  "contracts/libraries/BpsMath.sol": [
    ESCROW_UNIT,
    `${DISPUTE_UNIT}/settlement.test.ts`,
    REGISTRY_UNIT,
    "test/unit/RewardDistributor.test.ts",
  ],
  "contracts/libraries/EmissionMath.sol": REWARD_TESTS,
  "contracts/libraries/Int8DotProduct.sol": CHECKER_TESTS,
  "contracts/libraries/JobSlot.sol": [ESCROW_UNIT, "test/unit/ComputeReceipt.test.ts"],
  "contracts/libraries/ReceiptArt.sol": RECEIPT_TESTS,
  "contracts/libraries/TokenText.sol": RECEIPT_TESTS,
  "contracts/libraries/UtcDate.sol": RECEIPT_TESTS,
  "contracts/libraries/ResultTreeLayout.sol": [
    `${DISPUTE_UNIT}/bisection.test.ts`,
    `${DISPUTE_UNIT}/withheld.test.ts`,
    "test/security/Attacks/withheld.test.ts",
  ],
  "contracts/libraries/UnbondingQueue.sol": [REGISTRY_UNIT],
  "contracts/libraries/WorkloadLeaves.sol": [
    "test/offchain/commitments.test.ts",
    ...CHECKER_TESTS,
    `${DISPUTE_UNIT}/withheld.test.ts`,
  ],
};

/** The contracts whose mutants are generated: every source under contracts/ but the interfaces and test doubles. */
export function productionContracts(root: string): string[] {
  return projectSources(root).filter(
    (source) => !source.startsWith("contracts/test/") && !source.startsWith("contracts/interfaces/"),
  );
}

/** Every Solidity source name of the project (`contracts/...`), sorted. */
export function projectSources(root: string): string[] {
  const found: string[] = [];
  const walk = (directory: string): void => {
    for (const entry of fs.readdirSync(path.join(root, directory), { withFileTypes: true })) {
      const name = path.posix.join(directory, entry.name);
      if (entry.isDirectory()) walk(name);
      else if (entry.name.endsWith(".sol")) found.push(name);
    }
  };
  walk("contracts");
  return found.sort();
}

/** The test files guarding `contract`, folders expanded, each once, in the mapping's order. */
export function testsFor(root: string, contract: string): string[] {
  const entries = MUTATION_TESTS[contract];
  if (entries === undefined) {
    throw new Error(`${contract} has no tests in apps/mutants/targets.ts: list the tests that guard it there.`);
  }
  const files: string[] = [];
  for (const entry of entries) {
    const absolute = path.join(root, entry);
    if (!fs.existsSync(absolute)) throw new Error(`apps/mutants/targets.ts lists ${entry}, which does not exist.`);
    const expanded = fs.statSync(absolute).isDirectory()
      ? fs
          .readdirSync(absolute)
          .filter((name) => name.endsWith(".test.ts"))
          .sort()
          .map((name) => path.posix.join(entry, name))
      : [entry];
    for (const file of expanded) if (!files.includes(file)) files.push(file);
  }
  return files;
}
