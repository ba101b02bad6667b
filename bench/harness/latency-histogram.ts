import * as hdr from 'hdr-histogram-js';

/**
 * Latencies are recorded in microseconds in HDR histograms (3 significant digits).
 * Workers send theirs encoded; the coordinator decodes and adds them up, so the
 * percentiles are over every delivery of every worker, not averages of averages.
 */
export type Histogram = hdr.Histogram;

export function createHistogram(): Histogram {
  return hdr.build({
    bitBucketSize: 32,
    lowestDiscernibleValue: 1,
    highestTrackableValue: 120_000_000, // 2 minutes in µs
    numberOfSignificantValueDigits: 3,
    autoResize: true,
  });
}

export function encodeHistogram(histogram: Histogram): string {
  return hdr.encodeIntoCompressedBase64(histogram);
}

export function mergeEncoded(encoded: string[]): Histogram {
  const total = createHistogram();
  for (const text of encoded) {
    if (!text) continue;
    const part = hdr.decodeFromCompressedBase64(text, 32, false);
    total.add(part);
    part.destroy();
  }
  return total;
}

export interface LatencySummary {
  count: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
}

export function summarize(histogram: Histogram): LatencySummary {
  const ms = (us: number) => Math.round(us / 10) / 100;
  return {
    count: histogram.totalCount,
    p50Ms: ms(histogram.getValueAtPercentile(50)),
    p95Ms: ms(histogram.getValueAtPercentile(95)),
    p99Ms: ms(histogram.getValueAtPercentile(99)),
    maxMs: ms(histogram.maxValue),
  };
}

/** Wall-clock milliseconds comparable across processes on one machine. */
export function nowMs(): number {
  return performance.timeOrigin + performance.now();
}
