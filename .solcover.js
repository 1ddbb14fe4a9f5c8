module.exports = {
  // Mocks exist only for tests; Dependencies.sol only imports OpenZeppelin for its artifacts.
  skipFiles: ["test/", "governance/Dependencies.sol"],
  istanbulReporter: ["html", "lcov", "text", "json-summary"],
};
