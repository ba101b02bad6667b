import type { EndToEndResult } from '../scenarios/end-to-end-scenario';
import type { FanOutResult } from '../scenarios/fan-out-scenario';
import type { IdleResult } from '../scenarios/idle-scenario';
import type { WriteResult } from '../scenarios/write-scenario';
import type { Comparison, TargetCheck } from './comparison';
import { table } from './text-table';
import { renderWrite } from './write-table';

/** The human-readable report printed at the end of a run. */

const n = (v: number) => v.toLocaleString('en');

export function renderReport(report: {
  fanOut: FanOutResult[];
  idle: IdleResult[];
  endToEnd: EndToEndResult | null;
  write: WriteResult | null;
  comparison: Comparison;
  targets: TargetCheck[];
  notes: string[];
}): string {
  const out: string[] = [];
  if (report.fanOut.length) {
    out.push('\n== Fan-out: publish → SSE/WebSocket receipt ==');
    for (const r of report.fanOut) {
      out.push(
        `\n${r.system}: ${n(r.connections)} connections over ${n(r.users)} users, connected at ${n(r.connect.perSecond)}/s,` +
          ` ${r.rssPerConnectionKb} KB RSS/connection; stopped: ${r.stoppedBecause}`,
      );
      out.push(
        table(
          [
            'rate/s',
            'published/s',
            'delivered/expected',
            'missing',
            'dup',
            'p50 ms',
            'p95 ms',
            'p99 ms',
            'max ms',
            'cpu %',
            'µs/event',
            'redis %',
            'clients %',
            'pub %',
            'machine %',
            'RSS MB',
            'KB/conn',
          ],
          r.steps.map((s) => [
            n(s.targetPerSecond),
            n(s.publishedPerSecond),
            `${n(s.delivered)}/${n(s.expected)} (${s.deliveredRatio.toFixed(4)})`,
            s.missing,
            s.duplicates,
            s.latency.p50Ms,
            s.latency.p95Ms,
            s.latency.p99Ms,
            s.latency.maxMs,
            s.serverCpuPercent,
            s.serverCpuMicrosPerEvent ?? 'n/a',
            s.redisCpuPercent,
            s.clientsCpuPercent,
            s.publisherCpuPercent,
            s.machineCpuPercent,
            s.serverRssMb,
            s.rssPerConnectionKb,
          ]),
        ),
      );
    }
  }
  if (report.idle.length) {
    out.push('\n== Idle connections ==');
    out.push(
      table(
        ['system', 'connections', 'connect/s', 'RSS MB', 'KB/conn', 'marginal KB/conn', 'KB/conn idle', 'failed'],
        report.idle.flatMap((r) =>
          r.points.map((p) => [
            r.system,
            n(p.opened),
            n(p.connectPerSecond),
            p.rssMb,
            p.rssPerConnectionKb,
            p.marginalKbPerConnection ?? '',
            p.settledRssPerConnectionKb,
            p.failed,
          ]),
        ),
      ),
    );
    for (const r of report.idle) if (r.note) out.push(`${r.system}: ${r.note}`);
  }
  if (report.endToEnd) {
    const e = report.endToEnd;
    out.push(`\n== End to end: POST → receiver's stream (${n(e.tabs)} tabs, ${n(e.conversations)} conversations) ==`);
    out.push(
      table(
        [
          'POST/s',
          'achieved',
          'errors',
          'delivered/expected',
          'missing',
          'dup',
          'resyncs',
          'new epochs',
          'p50 ms',
          'p95 ms',
          'p99 ms',
          'max ms',
          'POST p50',
          'POST p99',
          'relay p50',
          'relay p99',
          'messages cpu %',
          'stream cpu %',
          'postgres cpu %',
          'tabs cpu %',
          'load cpu %',
          'machine %',
        ],
        e.steps.map((s) => [
          n(s.targetPerSecond),
          n(s.postsPerSecond),
          s.postErrors,
          `${n(s.delivered)}/${n(s.expected)}`,
          s.missing,
          s.duplicates,
          s.otherEvents.resync ?? 0,
          s.newEpochs,
          s.receiveLatency.p50Ms,
          s.receiveLatency.p95Ms,
          s.receiveLatency.p99Ms,
          s.receiveLatency.maxMs,
          s.postLatency.p50Ms,
          s.postLatency.p99Ms,
          s.relayLatency.p50Ms,
          s.relayLatency.p99Ms,
          s.messagesCpuPercent,
          s.streamCpuPercent,
          s.postgresCpuPercent,
          s.clientsCpuPercent,
          s.loadCpuPercent,
          s.machineCpuPercent,
        ]),
      ),
    );
    out.push(
      `write-path limit (p99 > 100 ms): ${e.limitPerSecond === null ? `not reached up to ${n(Math.max(...e.steps.map((s) => s.targetPerSecond), 0))} POST/s` : `${n(e.limitPerSecond)} POST/s`}; stopped: ${e.stoppedBecause}`,
    );
  }
  if (report.write) out.push(renderWrite(report.write));
  const c = report.comparison;
  if (Object.keys(c.systems).length) {
    out.push('\n== Side by side ==');
    out.push(
      table(
        [
          'system',
          'max rate with p99 < 50 ms',
          `p99 at ${c.commonRate === null ? 'n/a' : n(c.commonRate) + '/s'}`,
          'idle KB/conn',
        ],
        Object.entries(c.systems).map(([id, s]) => [
          id,
          s.maxSustainedPerSecond === null ? 'n/a' : `${s.sustainedTopRate ? '≥ ' : ''}${n(s.maxSustainedPerSecond)}/s`,
          c.p99AtCommonRate[id] === undefined ? 'n/a' : `${c.p99AtCommonRate[id]} ms`,
          s.idleRssPerConnectionKb ?? 'n/a',
        ]),
      ),
    );
    const r = c.ratios;
    const fmt = (v: number | null) => (v === null ? 'n/a' : `${v}×`);
    out.push(
      `product / raw baseline:  throughput ${fmt(r.throughputVsRaw)}, p99 ${fmt(r.p99VsRaw)}, RSS per idle connection ${fmt(r.idleRssVsRaw)}`,
      `product / Socket.IO:     throughput ${fmt(r.throughputVsSocketIo)}, p99 ${fmt(r.p99VsSocketIo)}, RSS per idle connection ${fmt(r.idleRssVsSocketIo)}`,
    );
  }
  out.push('\n== Targets ==');
  for (const t of report.targets) out.push(`${t.status.padEnd(12)} ${t.target}: ${t.measured}`);
  for (const note of report.notes) out.push(`note: ${note}`);
  return out.join('\n') + '\n';
}
