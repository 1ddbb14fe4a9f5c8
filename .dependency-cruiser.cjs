/**
 * The import rules of README's "Layers", checked by `npm run lint:layers` (dependency-cruiser). Every rule is an
 * error: a new import that breaks one fails lint. `npm run layers` draws the folder graph these rules keep acyclic.
 */
const NODE_IO = "^(node:)?(fs|fs/promises|http|https|net|child_process|worker_threads|os|path|crypto)$";

module.exports = {
  forbidden: [
    {
      name: "library-below-apps",
      comment: "src is the library: it never imports the apps, tasks, scripts, benchmarks or tests built on it.",
      severity: "error",
      from: { path: "^src/" },
      to: { path: "^(apps|tasks|scripts|bench|test)/" },
    },
    {
      name: "ignition-below-library",
      comment: "The deployment module is what src/deploy and the test fixtures deploy: it reads config only.",
      severity: "error",
      from: { path: "^ignition/" },
      to: { path: "^(src|apps|tasks|scripts|bench|test)/" },
    },
    {
      name: "config-below-everything",
      comment: "config holds the parameters, networks and access tables that ignition and src both read.",
      severity: "error",
      from: { path: "^config/" },
      to: { path: "^(src|apps|tasks|scripts|bench|test|ignition)/" },
    },
    {
      name: "apps-below-tasks",
      comment: "apps (demo, audit, composition roots) sit under the Hardhat tasks, never the other way.",
      severity: "error",
      from: { path: "^apps/" },
      to: { path: "^(tasks|test)/" },
    },
    {
      name: "agents-independent",
      comment:
        "The provider, the verifier and the dispute client share only the library below them (findings, chain, " +
        "agents); the composition roots in apps/roots wire them together.",
      severity: "error",
      from: { path: "^src/(provider|verifier|disputes)/" },
      to: { path: "^src/(provider|verifier|disputes)/", pathNot: "^src/$1/" },
    },
    {
      name: "services-below-agents",
      comment: "jobs, tokens, dao and rewards serve the agents and the tasks; they never reach up into an agent.",
      severity: "error",
      from: { path: "^src/(jobs|tokens|dao|rewards|models)/" },
      to: { path: "^src/(provider|verifier|disputes)/" },
    },
    {
      name: "runtime-below-services",
      comment: "The runtime (agents, cli, deploy, store, state, compute) knows no service and no agent.",
      severity: "error",
      from: { path: "^src/(agents|cli|deploy|store|state|compute)/" },
      to: { path: "^src/(jobs|tokens|dao|rewards|models|provider|verifier|disputes)/" },
    },
    {
      name: "chain-below-runtime",
      comment: "src/chain reads the contracts; it builds on the pure core only.",
      severity: "error",
      from: { path: "^src/chain/" },
      to: {
        path: "^src/(agents|cli|deploy|store|state|compute|jobs|tokens|dao|rewards|models|provider|verifier|disputes)/",
      },
    },
    {
      name: "pure-core",
      comment:
        "workloads, commitments and findings are pure: no file, network, process or worker I/O and no chain " +
        "access, so that the verifier, the provider, the tests and a browser can run them alike.",
      severity: "error",
      from: { path: "^src/(workloads|commitments|findings)/" },
      to: {
        path: [
          NODE_IO,
          "^src/(chain|agents|store|state|metrics|compute|deploy|dao|cli|jobs|rewards|models|provider|verifier|disputes)/",
          "^typechain-types/",
        ],
      },
    },
    {
      name: "no-folder-cycle",
      comment: "Folders depend on each other one way: a cycle means two folders are one concern or a layer is missing.",
      severity: "error",
      scope: "folder",
      from: {},
      to: { circular: true },
    },
    {
      name: "no-module-cycle",
      severity: "error",
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "^(node_modules|typechain-types|artifacts|cache|coverage)/" },
    tsConfig: { fileName: "tsconfig.json" },
    tsPreCompilationDeps: true,
    reporterOptions: {
      archi: { collapsePattern: "^(src|apps|tasks|bench|config|ignition|scripts|test)/[^/]+" },
    },
  },
};
