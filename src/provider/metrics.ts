/** The provider agent's Prometheus metrics (weft_provider_*), in a registry of their own. */
import { AgentMetrics } from "../agents/metrics";

export class ProviderMetrics extends AgentMetrics {
  readonly jobsAccepted = this.counter("jobs_accepted_total", "Jobs this provider accepted on-chain", ["workload"]);

  readonly jobsDeclined = this.counter("jobs_declined_total", "Jobs seen and not taken, by reason", ["reason"]);

  readonly resultsSubmitted = this.counter(
    "results_submitted_total",
    "Results submitted, by whether they were honest or which cheat was injected",
    ["workload", "submission"],
  );

  readonly jobsFinalized = this.counter(
    "jobs_finalized_total",
    "Jobs of this provider it finalized after their challenge window",
  );

  readonly computeSeconds = this.histogram(
    "compute_seconds",
    "Time to compute one job's output",
    [0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300, 1800],
    ["workload", "backend"],
  );

  readonly errors = this.counter("errors_total", "Failed steps, by stage", ["stage"]);

  readonly lastProcessedBlock = this.gauge(
    "last_processed_block",
    "The last block whose JobCreated logs were processed",
  );

  readonly stake = this.gauge("stake_weft", "WEFT this provider has staked, locked collateral included");

  readonly lockedCollateral = this.gauge(
    "locked_collateral_weft",
    "WEFT of this provider's stake locked as collateral of its running jobs",
  );

  readonly jailedUntil = this.gauge(
    "jailed_until_seconds",
    "When this provider's jail ends, unix seconds (chain time); 0 when it is not jailed",
  );

  readonly gasBalance = this.gauge(
    "gas_balance",
    "The signer's balance of the chain's native token (ether units), which pays for its transactions",
  );

  constructor() {
    super("weft_provider_");
  }
}
