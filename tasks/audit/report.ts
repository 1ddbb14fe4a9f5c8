import { task } from "hardhat/config";

import { userFacing } from "../../src/cli/action";

task(
  "audit:report",
  "AUDIT.md: contracts, roles, parameters, invariants, coverage and attacks, every figure computed",
).setAction(
  userFacing(async (_args: Record<string, never>, hre) => {
    // A fresh clone has no artifacts or typechain-types yet, which the report reads and imports.
    await hre.run("compile", { quiet: true });
    const { writeAuditReport } = await import("../../apps/audit/report");
    const { file, warnings } = await writeAuditReport(hre);
    for (const warning of warnings) console.warn(`warning: ${warning}`);
    console.log(`wrote ${file}`);
  }),
);
