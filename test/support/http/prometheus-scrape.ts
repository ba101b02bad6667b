/**
 * Reads a service's `/metrics` (the Prometheus text format) so tests can assert exact
 * values and deltas: `value(name, labels)` sums every sample of `name` whose labels
 * include `labels` (0 when there is none).
 */
export interface Scrape {
  text: string;
  value(name: string, labels?: Record<string, string>): number;
  /** Every sample of `name`, with its labels. */
  samples(name: string): { labels: Record<string, string>; value: number }[];
}

const SAMPLE = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)$/;
const LABEL = /([a-zA-Z_]\w*)="((?:[^"\\]|\\.)*)"/g;

export function parsePrometheusText(text: string): Scrape {
  const all: { name: string; labels: Record<string, string>; value: number }[] = [];
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const match = SAMPLE.exec(line);
    if (!match) throw new Error(`not a Prometheus sample: ${line}`);
    const labels: Record<string, string> = {};
    for (const [, key, raw] of (match[2] ?? '').matchAll(LABEL)) {
      labels[key!] = raw!.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
    }
    all.push({ name: match[1]!, labels, value: Number(match[3]) });
  }
  const samples = (name: string) => all.filter((s) => s.name === name).map(({ labels, value }) => ({ labels, value }));
  return {
    text,
    samples,
    value: (name, labels = {}) =>
      samples(name)
        .filter((s) => Object.entries(labels).every(([k, v]) => s.labels[k] === v))
        .reduce((sum, s) => sum + s.value, 0),
  };
}

/** GET `metricsUrl`; throws unless it answers 200 in the Prometheus text format. */
export async function scrapeMetrics(metricsUrl: string): Promise<Scrape> {
  const response = await fetch(metricsUrl);
  const text = await response.text();
  if (response.status !== 200) throw new Error(`${metricsUrl} answered ${response.status}: ${text}`);
  if (!(response.headers.get('content-type') ?? '').startsWith('text/plain; version=0.0.4')) {
    throw new Error(`${metricsUrl} answered ${response.headers.get('content-type')}`);
  }
  return parsePrometheusText(text);
}
