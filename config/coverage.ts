/**
 * `hardhat coverage` builds the contracts instrumented and unoptimized: JobEscrow alone is then above EIP-170's 24 KB.
 * solidity-coverage writes that build over the normal one (artifacts/, cache/, typechain-types/), so a deploy to a real
 * node after it failed, and the next compile started over. This override gives the coverage build folders of its own,
 * the ones solidity-coverage deletes when it ends, and afterwards generates typechain-types/ from the normal build again.
 */
import fs from "node:fs";
import path from "node:path";

import { task } from "hardhat/config";
// Hardhat 2 has no public way to point a running environment at other artifacts; solidity-coverage uses the same
// internals.
import { Artifacts } from "hardhat/internal/artifacts";

/** solidity-coverage's names: its clean-up at the end of the task (and on Ctrl-C) removes these folders. */
const DEFAULT_ARTIFACTS_DIR = ".coverage_artifacts";
const CACHE_DIR = ".coverage_cache";

task("coverage").setAction(async (args: { temp: string }, hre, runSuper) => {
  const { paths } = hre.config;
  // solidity-coverage switches the optimizer off in the configuration itself, not only in its own compiler input.
  const normal = {
    artifacts: paths.artifacts,
    cache: paths.cache,
    reader: hre.artifacts,
    solidity: structuredClone(hre.config.solidity),
  };
  paths.artifacts = path.join(paths.root, args.temp || DEFAULT_ARTIFACTS_DIR);
  paths.cache = path.join(paths.root, CACHE_DIR);
  // A run that was killed leaves its build behind, and a cache that says "compiled" would skip the instrumentation.
  for (const dir of [paths.artifacts, paths.cache]) fs.rmSync(dir, { recursive: true, force: true });
  Object.assign(hre, { artifacts: new Artifacts(paths.artifacts) });
  try {
    return await runSuper(args);
  } finally {
    Object.assign(paths, { artifacts: normal.artifacts, cache: normal.cache });
    Object.assign(hre, { artifacts: normal.reader });
    Object.assign(hre.config, { solidity: normal.solidity });
    // The tests deploy through TypeChain's factories, so during the run those carry the instrumented bytecode; a
    // deploy or test afterwards needs the normal one. Nothing is compiled here unless the normal build is missing.
    await hre.run("typechain");
  }
});
