import type { WriteResult, WriteRun, WriteSystem } from '../scenarios/write-scenario';
import type { TargetCheck } from './comparison';
import { table } from './text-table';

/** The write-path table: the product, the raw write baseline and PostgreSQL's ceilings, every run in run order. */
const LABELS: Record<WriteSystem, string> = {
  product: 'product (POST …/messages)',
  raw: 'raw write baseline',
  'pgbench-send': 'pgbench: send statement',
  'pgbench-insert': 'pgbench: plain insert',
};

const n = (v: number) => v.toLocaleString('en');

/** Mean sends/s of one system over its rounds, or null if it did not run. */
export function meanPerSecond(runs: WriteRun[], system: WriteSystem): number | null {
  const mine = runs.filter((r) => r.system === system);
  return mine.length ? mine.reduce((sum, r) => sum + r.perSecond, 0) / mine.length : null;
}

export function renderWrite(w: WriteResult): string {
  const out: string[] = [];
  out.push(
    `\n== Write path: sends/s at ${w.clients} concurrent clients over ${n(w.conversations)} conversations, ${w.durationMs / 1000} s each ==`,
  );
  out.push(
    table(
      [
        'system',
        'round',
        'sends/s',
        'errors',
        'p50 ms',
        'p99 ms',
        'postgres cpu %',
        'service cpu %',
        'postgres µs/send',
        'service µs/send',
        'load 1m',
      ],
      w.runs.map((r) => [
        LABELS[r.system],
        r.round,
        n(r.perSecond),
        r.errors,
        r.latency.p50Ms,
        r.latency.p99Ms,
        r.postgresCpuPercent,
        r.serviceCpuPercent,
        n(r.postgresUsPerSend),
        n(r.serviceUsPerSend),
        r.loadAverage,
      ]),
    ),
  );
  const ratio = (a: WriteSystem, b: WriteSystem) => {
    const x = meanPerSecond(w.runs, a);
    const y = meanPerSecond(w.runs, b);
    return x !== null && y ? `${(x / y).toFixed(2)}×` : 'n/a';
  };
  out.push(
    `product / raw write baseline: ${ratio('product', 'raw')}; product / pgbench send statement: ${ratio('product', 'pgbench-send')};` +
      ` send statement / plain insert: ${ratio('pgbench-send', 'pgbench-insert')} (means over rounds)`,
    'service cpu % is the messages service, the raw baseline, or pgbench itself; postgres cpu % is the bench database’s backends and the shared WAL writer, checkpointer and autovacuum',
  );
  for (const note of w.notes) out.push(`note: ${note}`);
  return out.join('\n');
}

export function writeTarget(w: WriteResult | null): TargetCheck {
  const target = 'product ≥ 0.8× the raw write baseline’s sends/s';
  const product = w && meanPerSecond(w.runs, 'product');
  const raw = w && meanPerSecond(w.runs, 'raw');
  if (!product || !raw) return { target, status: 'not measured', measured: 'write scenario not run' };
  const ratio = product / raw;
  return {
    target,
    status: ratio >= 0.8 ? 'met' : 'missed',
    measured: `${Math.round(product)} against ${Math.round(raw)} sends/s (${ratio.toFixed(2)}×)`,
  };
}
