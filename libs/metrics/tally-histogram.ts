import type { Registry } from 'prom-client';

/**
 * A histogram for a hot path: `observe` adds to plain numbers (no allocation, no label
 * hashing), and the Prometheus text is built only when scraped. prom-client's own
 * Histogram allocates and hashes labels on every observation, which the stream
 * service's fan-out would pay once per event per open tab.
 */
export class TallyHistogram {
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  private readonly counts: Float64Array;
  private sum = 0;
  private count = 0;

  constructor(
    readonly name: string,
    readonly help: string,
    private readonly upperBounds: readonly number[],
  ) {
    this.counts = new Float64Array(upperBounds.length);
  }

  observe(value: number): void {
    this.sum += value;
    this.count += 1;
    const bounds = this.upperBounds;
    for (let i = 0; i < bounds.length; i += 1) {
      if (value <= bounds[i]!) {
        this.counts[i]! += 1;
        return;
      }
    }
  }

  /** What prom-client's registry reads at scrape time (it awaits it): cumulative buckets, then +Inf, sum and count. */
  get() {
    const bucket = `${this.name}_bucket`;
    const values: { metricName: string; labels: Record<string, string | number>; value: number }[] = [];
    let cumulative = 0;
    this.upperBounds.forEach((le, i) => {
      cumulative += this.counts[i]!;
      values.push({ metricName: bucket, labels: { le }, value: cumulative });
    });
    values.push(
      { metricName: bucket, labels: { le: '+Inf' }, value: this.count },
      { metricName: `${this.name}_sum`, labels: {}, value: this.sum },
      { metricName: `${this.name}_count`, labels: {}, value: this.count },
    );
    return Promise.resolve({ name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values });
  }

  /** Adds it to `registry`, which reads it through `get()` like any of its own metrics. */
  register(registry: Registry): this {
    // The registry only calls name and get(); its type names prom-client's own classes.
    registry.registerMetric(this as unknown as Parameters<Registry['registerMetric']>[0]);
    return this;
  }
}
