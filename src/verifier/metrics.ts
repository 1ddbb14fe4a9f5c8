/** The verifier's Prometheus metrics (weft_verifier_*), in a registry of their own. */
import { AgentMetrics } from "../agents/metrics";
import type { FindingKind, VerdictName } from "../findings/verdict";

export class VerifierMetrics extends AgentMetrics {
  readonly jobsChecked = this.counter(
    "jobs_checked_total",
    "Submitted results checked, by verdict (valid, finding, inputs-unverifiable)",
    ["verdict"],
  );

  readonly findings = this.counter("findings_total", "Provider faults found, by kind", ["kind"]);

  readonly checkDuration = this.histogram(
    "check_duration_seconds",
    "Time to check one result: reading the job, fetching its data and checking it",
    // From a tiny job read from disk to a 2048x2048 result fetched over the network.
    [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
  );

  readonly disputesFiled = this.counter("disputes_filed_total", "Findings handed to the dispute sink");

  readonly lastProcessedBlock = this.gauge(
    "last_processed_block",
    "The last block whose results have all been checked",
  );

  constructor() {
    super("weft_verifier_");
  }

  recordCheck(verdict: VerdictName, seconds: number, kind?: FindingKind): void {
    this.jobsChecked.inc({ verdict });
    this.checkDuration.observe(seconds);
    if (kind !== undefined) this.findings.inc({ kind });
  }
}
