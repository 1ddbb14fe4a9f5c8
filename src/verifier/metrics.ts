/** The verifier's Prometheus metrics (weft_verifier_*), in a registry of their own. */
import { Counter, Gauge, Histogram, Registry } from "prom-client";

import type { FindingKind, VerdictName } from "../findings/verdict";

const PREFIX = "weft_verifier_";

export class VerifierMetrics {
  readonly registry: Registry;
  readonly jobsChecked: Counter<"verdict">;
  readonly findings: Counter<"kind">;
  readonly checkDuration: Histogram;
  readonly disputesFiled: Counter;
  readonly lastProcessedBlock: Gauge;

  constructor(registry: Registry = new Registry()) {
    this.registry = registry;
    const registers = [registry];
    this.jobsChecked = new Counter({
      name: `${PREFIX}jobs_checked_total`,
      help: "Submitted results checked, by verdict (valid, finding, inputs-unverifiable)",
      labelNames: ["verdict"],
      registers,
    });
    this.findings = new Counter({
      name: `${PREFIX}findings_total`,
      help: "Provider faults found, by kind",
      labelNames: ["kind"],
      registers,
    });
    this.checkDuration = new Histogram({
      name: `${PREFIX}check_duration_seconds`,
      help: "Time to check one result: reading the job, fetching its data and checking it",
      // From a tiny job read from disk to a 2048x2048 result fetched over the network.
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
      registers,
    });
    this.disputesFiled = new Counter({
      name: `${PREFIX}disputes_filed_total`,
      help: "Findings handed to the dispute sink",
      registers,
    });
    this.lastProcessedBlock = new Gauge({
      name: `${PREFIX}last_processed_block`,
      help: "The last block whose results have all been checked",
      registers,
    });
  }

  recordCheck(verdict: VerdictName, seconds: number, kind?: FindingKind): void {
    this.jobsChecked.inc({ verdict });
    this.checkDuration.observe(seconds);
    if (kind !== undefined) this.findings.inc({ kind });
  }
}
