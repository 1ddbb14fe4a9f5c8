import fs from "node:fs";
import path from "node:path";

import { parse } from "@solidity-parser/parser";
import { expect } from "chai";

import { MutantCompiler } from "../../apps/mutants/compiler";
import {
  MUTATION_OPERATORS,
  applyMutant,
  generateMutants,
  mutantDiff,
  type Mutant,
} from "../../apps/mutants/operators";
import { titleMatcher } from "../../apps/mutants/protocol";
import { readEquivalents, tally, type MutantRecord } from "../../apps/mutants/record";
import { MUTATION_TESTS, productionContracts, projectSources, testsFor } from "../../apps/mutants/targets";

const ROOT = path.resolve(__dirname, "..", "..");
const read = (file: string): string => fs.readFileSync(path.join(ROOT, file), "utf8");

function mutantsOf(file: string): Mutant[] {
  return generateMutants(file, read(file));
}

describe("mutation testing", function () {
  describe("mutant generation", function () {
    it("changes exactly the text each mutant names, and a mutant of each operator still parses", function () {
      const parsed = new Set<string>();
      for (const file of productionContracts(ROOT)) {
        const source = read(file);
        const mutants = generateMutants(file, source);
        expect(new Set(mutants.map((mutant) => mutant.id)).size, `${file}: ids are unique`).to.equal(mutants.length);
        for (const mutant of mutants) {
          expect(source.slice(mutant.start, mutant.end), mutant.id).to.equal(mutant.original);
          // Parsing is slow (ANTLR): one mutant per operator shows its edits keep the syntax; the run compiles them all.
          if (parsed.has(mutant.operator)) continue;
          expect(() => parse(applyMutant(source, mutant)), mutant.id).not.to.throw();
          parsed.add(mutant.operator);
        }
      }
      expect([...parsed].sort()).to.deep.equal(Object.keys(MUTATION_OPERATORS).sort());
    });

    it("mutates the comparison of a matured unbonding entry at its maturity second", function () {
      const mutated = mutantsOf("contracts/libraries/UnbondingQueue.sol").filter(
        (mutant) => mutant.original === ">" && mutant.line === 53,
      );
      expect(mutated.map((mutant) => mutant.replacement)).to.deep.equal([">=", "<="]);
      expect(mutantDiff(read("contracts/libraries/UnbondingQueue.sol"), mutated[0])).to.equal(
        "- if (entry.maturesAt > timestamp) break;\n+ if (entry.maturesAt >= timestamp) break;",
      );
    });

    it("rounds a basis-point share up instead of down", function () {
      const [rounding] = mutantsOf("contracts/libraries/BpsMath.sol");
      expect(rounding.operator).to.equal("rounding-direction");
      expect(rounding.replacement).to.equal("(((amount * bps)) + (BPS) - 1) / (BPS)");
    });

    it("drops every modifier of a function but no base constructor call", function () {
      const removed = mutantsOf("contracts/disputes/DisputeManager.sol").filter(
        (mutant) => mutant.operator === "modifier-removal",
      );
      expect(removed.map((mutant) => mutant.original)).to.include("nonReentrant");
      expect(removed.map((mutant) => mutant.original)).not.to.include.members([
        "DisputeParameters(authority, escrow_, parameters, checkers)",
      ]);
      expect(removed.every((mutant) => mutant.replacement === "")).to.equal(true);
    });

    it("removes an event with its semicolon, leaving an empty block", function () {
      const source = "contract C { event E(uint256 a); function f() external { emit E(1); } }";
      const [removal] = generateMutants("C.sol", source).filter((mutant) => mutant.operator === "emit-removal");
      expect(applyMutant(source, removal)).to.equal("contract C { event E(uint256 a); function f() external { {} } }");
    });

    it("moves a bound both ways, flips the sign of stored sums, and drops checks", function () {
      const source = [
        "contract C {",
        "  uint256 constant MAX_FEE = 10; uint256 constant SCALE = 3; uint256 _total; error E();",
        "  function f(uint256 a) external { if (a > MAX_FEE) revert E(); require(a != 1); _total = _total + a; _total -= 1; }",
        "}",
      ].join("\n");
      const replaced = generateMutants("C.sol", source).map(
        (mutant) => `${mutant.operator} ${mutant.original} -> ${mutant.replacement}`,
      );
      expect(replaced).to.deep.equal([
        "bound-constant 10 -> (10) + 1",
        "bound-constant 10 -> (10) - 1",
        "check-removal a > MAX_FEE -> false",
        "comparison-boundary > -> >=",
        "comparison-negation > -> <=",
        "check-removal a != 1 -> true",
        "comparison-negation != -> ==",
        "accounting-sign + -> -",
        "accounting-sign -= -> +=",
      ]);
    });

    it("refuses to apply a mutant to a file that has changed since", function () {
      const [mutant] = generateMutants("C.sol", "contract C { function f(uint a) external { a < 1; } }");
      expect(() => applyMutant("contract C { function f(uint a) external { a + 1; } }", mutant)).to.throw(
        /no longer matches its file/,
      );
    });
  });

  describe("the tests mapped to each contract", function () {
    it("lists tests for every production contract, and only files that exist", function () {
      for (const contract of productionContracts(ROOT)) expect(testsFor(ROOT, contract), contract).not.to.be.empty;
      expect(Object.keys(MUTATION_TESTS).sort()).to.deep.equal(productionContracts(ROOT));
    });

    it("expands a folder to its test files, each listed once", function () {
      const tests = testsFor(ROOT, "contracts/market/EscrowParameters.sol");
      expect(tests[0]).to.equal("test/unit/JobEscrow/parameters.test.ts");
      expect(tests.filter((file) => file === "test/unit/JobEscrow/parameters.test.ts")).to.have.length(1);
      expect(tests).to.include("test/unit/JobEscrow/lifecycle.test.ts");
    });
  });

  describe("rerunning the test that killed a mutant first", function () {
    it("matches the failed test's full title, whatever ': ' its title and its error hold", function () {
      const matcher = titleMatcher("ProviderRegistry: staking withdraw pays (a) [b]: expected 1 to equal 0: at x");
      expect(matcher.test("ProviderRegistry: staking withdraw pays (a) [b]")).to.equal(true);
      expect(matcher.test("ProviderRegistry: staking withdraw pays (a) [b] and more")).to.equal(false);
      expect(matcher.test("ProviderRegistry")).to.equal(true); // a describe's title alone never names a test
      expect(matcher.test("Registry: staking withdraw pays (a) [b]")).to.equal(false);
    });
  });

  describe("the score", function () {
    const record = (status: MutantRecord["status"], equivalent?: string): MutantRecord => ({
      id: `x ${status}`,
      file: "contracts/x.sol",
      operator: "emit-removal",
      line: 1,
      diff: "",
      key: status,
      status,
      equivalent,
      deployments: 1,
      ms: 1,
    });

    it("counts a timeout as killed and leaves equivalent, identical and uncompiled mutants out", function () {
      const counted = tally([
        record("killed"),
        record("killed"),
        record("timeout"),
        record("survived"),
        record("survived", "cannot change behaviour"),
        record("identical", "compiles to the same code"),
        record("no-compile"),
      ]);
      expect(counted).to.deep.include({
        mutants: 7,
        killed: 2,
        timeout: 1,
        survived: 1,
        noCompile: 1,
        identical: 1,
        equivalent: 2,
      });
      expect(counted.score).to.equal(3 / 4);
    });

    it("reads the equivalent mutants listed in docs/known-limitations.md", function () {
      const equivalents = readEquivalents(
        [
          "# Known limitations",
          "- `not a mutant`: outside the section",
          "## Equivalent mutants",
          "- `contracts/a.sol:1:2 comparison-boundary`: equal values assign the same value.",
          "  A wrapped line of the reason.",
          "## Another section",
          "- `contracts/b.sol:3:4 emit-removal`: not in the section",
        ].join("\n"),
      );
      expect([...equivalents]).to.deep.equal([
        ["contracts/a.sol:1:2 comparison-boundary", "equal values assign the same value."],
      ]);
    });
  });

  describe("compiling a mutant", function () {
    this.timeout(120_000);

    it("builds only the mutated contract and what imports it, and sees a change the EVM runs", function () {
      const compiler = new MutantCompiler(
        ROOT,
        { evmVersion: "prague", optimizer: { enabled: true, runs: 10_000 } },
        projectSources(ROOT),
      );
      const file = "contracts/governance/SecurityCouncil.sol";
      expect(compiler.affectedSources(file)).to.deep.equal([file]);
      const source = read(file);
      const baseline = compiler.baseline(file);
      expect([...baseline.keys()]).to.deep.equal([`${file}:SecurityCouncil`]);

      const commentOnly = compiler.build(file, `${source}\n// a comment changes no code\n`);
      expect(commentOnly.compiled && commentOnly.code.get(`${file}:SecurityCouncil`)).to.equal(
        baseline.get(`${file}:SecurityCouncil`),
      );
      const [mutant] = generateMutants(file, source).filter((candidate) => candidate.operator === "check-removal");
      const mutated = compiler.build(file, applyMutant(source, mutant));
      expect(mutated.compiled && mutated.code.get(`${file}:SecurityCouncil`)).to.not.equal(
        baseline.get(`${file}:SecurityCouncil`),
      );
      const broken = compiler.build(file, source.replace("pragma solidity", "pragma solidity_"));
      expect(broken.compiled).to.equal(false);
    });

    it("finds every contract a library reaches", function () {
      const compiler = new MutantCompiler(ROOT, {}, projectSources(ROOT));
      const affected = compiler.affectedSources("contracts/libraries/BpsMath.sol");
      expect(affected).to.include.members([
        "contracts/market/JobEscrow.sol",
        "contracts/staking/ProviderRegistry.sol",
        "contracts/rewards/RewardDistributor.sol",
      ]);
    });
  });
});
