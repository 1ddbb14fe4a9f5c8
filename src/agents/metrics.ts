/** The Prometheus metrics of an agent: one registry of its own, every name under the agent's prefix. */
import { Counter, Gauge, Histogram, Registry } from "prom-client";

export abstract class AgentMetrics {
  /** A registry per agent, so that two agents in one process (the demo, the tests) never share counters. */
  readonly registry = new Registry();

  /** @param prefix e.g. "weft_verifier_": prepended to every metric name, and to Node's default metrics if collected. */
  protected constructor(readonly prefix: string) {}

  protected counter<Label extends string = never>(
    name: string,
    help: string,
    labelNames: readonly Label[] = [],
  ): Counter<Label> {
    return new Counter({ name: this.prefix + name, help, labelNames, registers: [this.registry] });
  }

  protected gauge(name: string, help: string): Gauge {
    return new Gauge({ name: this.prefix + name, help, registers: [this.registry] });
  }

  protected histogram<Label extends string = never>(
    name: string,
    help: string,
    buckets: readonly number[],
    labelNames: readonly Label[] = [],
  ): Histogram<Label> {
    return new Histogram({
      name: this.prefix + name,
      help,
      buckets: [...buckets],
      labelNames,
      registers: [this.registry],
    });
  }
}
