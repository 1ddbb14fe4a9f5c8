import hre from "hardhat";

/**
 * True while solidity-coverage runs the suite. Its instrumentation records every statement, which makes each
 * contract call many times slower (the receipt's SVG art most of all). Coverage needs every path taken, not every
 * repetition: property tests draw fewer cases under it, and `npm test` keeps the full counts.
 */
export const underCoverage =
  (hre as unknown as { __SOLIDITY_COVERAGE_RUNNING?: boolean }).__SOLIDITY_COVERAGE_RUNNING === true;

/** `full` cases normally, `coverage` cases under solidity-coverage. */
export const casesFor = (full: number, coverage: number): number => (underCoverage ? coverage : full);
