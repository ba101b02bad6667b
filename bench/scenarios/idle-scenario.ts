import { execFileSync } from 'node:child_process';
import type { BenchOptions } from '../harness/bench-options';
import type { ClientPool } from '../harness/client-pool';
import { rssBytes } from '../harness/process-sampler';
import type { BenchEnvironment, SystemUnderTest } from '../harness/systems';
import type { TokenSigner } from './token-signer';

/**
 * Scenario 2: open N idle connections (two tabs per user on average, as in the
 * fan-out), then more up to the next count; RSS per connection is (RSS with N − RSS
 * at 0) / N, with a fresh server per system.
 */
export interface IdlePoint {
  requested: number;
  opened: number;
  failed: number;
  firstError?: string;
  connectMs: number;
  connectPerSecond: number;
  rssMb: number;
  rssPerConnectionKb: number;
  /** (RSS here − RSS at the previous count) / the connections added: the marginal cost, without fixed overheads. */
  marginalKbPerConnection: number | null;
  /**
   * The same RSS per connection after the connections sat idle for `settleMs`: by then
   * V8's memory reducer has given back the heap that the connect burst's garbage grew
   * (at 1 s most of the difference between product and raw is that slack, not live objects).
   */
  settledRssPerConnectionKb: number;
}

export interface IdleResult {
  system: string;
  rssAtZeroMb: number;
  points: IdlePoint[];
  note?: string;
}

/** A process may hold at most `ulimit -Hn` descriptors; the server needs a few dozen besides its sockets. */
export function maxConnectionsPerProcess(): number {
  const hard = Number(execFileSync('bash', ['-c', 'ulimit -Hn']).toString().trim());
  return Number.isFinite(hard) ? hard - 100 : Number.MAX_SAFE_INTEGER;
}

/** Bytes spread over `connections`, in KB to two decimals. */
function kbPerConnection(bytes: number, connections: number): number {
  return Math.round((bytes / Math.max(1, connections) / 1024) * 100) / 100;
}

export async function runIdle(
  system: SystemUnderTest,
  options: BenchOptions,
  env: BenchEnvironment,
  deps: { pool: ClientPool; signer: TokenSigner; log: (line: string) => void },
): Promise<IdleResult> {
  const { pool, log } = deps;
  const cap = maxConnectionsPerProcess();
  const server = await system.start(env);
  try {
    await new Promise((r) => setTimeout(r, 300));
    const rssAtZero = rssBytes(server.pid);
    const points: IdlePoint[] = [];
    let open = 0;
    let note: string | undefined;
    let previous: { rss: number; open: number } | undefined;
    for (const requested of options.idle.counts) {
      const target = Math.min(requested, cap);
      if (target < requested) {
        note = `${requested} requested; ${target} is the most one process can hold here (ulimit -Hn ${cap + 100}, not raisable in this container)`;
      }
      const specs = [];
      for (let i = open; i < target; i++) {
        const userIndex = Math.floor(i / 2);
        const userId = String(userIndex + 1);
        specs.push(system.spec(userIndex, userId, system.needsToken ? deps.signer(userId) : undefined));
      }
      const result = await pool.connect(
        `idle-${system.id}`,
        system.clientKind,
        server.url,
        specs,
        options.connectLanes,
      );
      open += result.opened;
      // Let the server finish the connections' bookkeeping and the GC settle.
      await new Promise((r) => setTimeout(r, 1000));
      const rss = rssBytes(server.pid);
      await new Promise((r) => setTimeout(r, options.idle.settleMs));
      const settled = rssBytes(server.pid);
      const point: IdlePoint = {
        requested,
        opened: open,
        failed: result.failed,
        firstError: result.firstError,
        connectMs: result.ms,
        connectPerSecond: result.perSecond,
        rssMb: Math.round((rss / 1048576) * 10) / 10,
        rssPerConnectionKb: kbPerConnection(rss - rssAtZero, open),
        marginalKbPerConnection: previous ? kbPerConnection(rss - previous.rss, open - previous.open) : null,
        settledRssPerConnectionKb: kbPerConnection(settled - rssAtZero, open),
      };
      previous = { rss, open };
      points.push(point);
      log(
        `  ${system.id}: ${open} idle connections (${result.failed} failed), +${result.opened} at ${result.perSecond}/s,` +
          ` RSS ${point.rssMb} MB, ${point.rssPerConnectionKb} KB/connection;` +
          ` after ${options.idle.settleMs / 1000} s idle ${point.settledRssPerConnectionKb} KB/connection`,
      );
      if (result.failed > 0) log(`  ${system.id}: first connect error: ${result.firstError}`);
    }
    return { system: system.id, rssAtZeroMb: Math.round((rssAtZero / 1048576) * 10) / 10, points, note };
  } finally {
    await pool.closeGroup(`idle-${system.id}`).catch(() => {});
    await server.stop();
  }
}
