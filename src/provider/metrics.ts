/** The provider agent's Prometheus metrics (weft_provider_*), in a registry of their own. */
import { Counter, Gauge, Histogram, Registry } from "prom-client";

export class ProviderMetrics {
  readonly registry = new Registry();

  readonly jobsAccepted = new Counter({
    name: "weft_provider_jobs_accepted_total",
    help: "Jobs this provider accepted on-chain",
    labelNames: ["workload"] as const,
    registers: [this.registry],
  });

  readonly jobsDeclined = new Counter({
    name: "weft_provider_jobs_declined_total",
    help: "Jobs seen and not taken, by reason",
    labelNames: ["reason"] as const,
    registers: [this.registry],
  });

  readonly resultsSubmitted = new Counter({
    name: "weft_provider_results_submitted_total",
    help: "Results submitted, by whether they were honest or which cheat was injected",
    labelNames: ["workload", "submission"] as const,
    registers: [this.registry],
  });

  readonly jobsFinalized = new Counter({
    name: "weft_provider_jobs_finalized_total",
    help: "Jobs of this provider it finalized after their challenge window",
    registers: [this.registry],
  });

  readonly computeSeconds = new Histogram({
    name: "weft_provider_compute_seconds",
    help: "Time to compute one job's output",
    labelNames: ["workload", "backend"] as const,
    buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300, 1800],
    registers: [this.registry],
  });

  readonly errors = new Counter({
    name: "weft_provider_errors_total",
    help: "Failed steps, by stage",
    labelNames: ["stage"] as const,
    registers: [this.registry],
  });

  readonly lastProcessedBlock = new Gauge({
    name: "weft_provider_last_processed_block",
    help: "The last block whose JobCreated logs were processed",
    registers: [this.registry],
  });
}
