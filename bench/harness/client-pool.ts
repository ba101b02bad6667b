import { spawnTsNode, stopChild } from './child-processes';
import { splitConnections } from './connection-layout';
import { mergeEncoded, type Histogram } from './latency-histogram';
import { connectWorker, waitForWorker, type WorkerHandle } from './worker-rpc';

/**
 * The client load generators: a few worker processes that share the connections
 * round-robin. The coordinator only sends commands and merges their results.
 */
export interface ConnectionSpec {
  userIndex: number;
  path?: string;
  token?: string;
}

export type ClientKind = 'sse' | 'socketio';

export interface ConnectResult {
  opened: number;
  failed: number;
  firstError?: string;
  ms: number;
  perSecond: number;
}

interface WorkerStepResult {
  received: number;
  distinct: number;
  missing: number;
  duplicates: number;
  unexpected: number;
  stray: number;
  unreadable: number;
  disconnects: number;
  otherEvents: Record<string, number>;
  openConnections: number;
  histogram: string;
}

export type StepDeliveries = Omit<WorkerStepResult, 'histogram'> & { histogram: Histogram };

export interface ClientPool {
  size: number;
  pids: number[];
  /** `group` names the connections of one system; the other methods act on one group. */
  connect(
    group: string,
    kind: ClientKind,
    url: string,
    specs: ConnectionSpec[],
    lanesPerWorker: number,
  ): Promise<ConnectResult>;
  beginStep(group: string, step: number): Promise<void>;
  received(group: string): Promise<number>;
  endStep(group: string, expectedPerUser: number[]): Promise<StepDeliveries>;
  closeGroup(group: string): Promise<void>;
  stop(): Promise<void>;
}

export async function startClientPool(size: number): Promise<ClientPool> {
  const workers: WorkerHandle[] = [];
  for (let i = 0; i < size; i++) {
    const child = spawnTsNode('bench/workers/client-worker.ts', [], { name: `client-${i}`, ipc: true });
    workers.push(connectWorker(child, `client worker ${i}`));
  }
  await Promise.all(workers.map((worker) => waitForWorker(worker)));
  const all = <T>(method: string, params?: unknown, timeoutMs?: number) =>
    Promise.all(workers.map((worker) => worker.call<T>(method, params, timeoutMs)));

  return {
    size,
    pids: workers.map((w) => w.child.pid!),
    async connect(group, kind, url, specs, lanesPerWorker) {
      const parts = splitConnections(specs.length, workers.length);
      const started = performance.now();
      const results = await Promise.all(
        workers.map((worker, i) =>
          worker.call<ConnectResult>(
            'connect',
            {
              group,
              kind,
              url,
              specs: parts[i]!.map((index) => specs[index]),
              concurrency: lanesPerWorker,
              timeoutMs: 20_000,
            },
            180_000,
          ),
        ),
      );
      const ms = performance.now() - started;
      const opened = results.reduce((sum, r) => sum + r.opened, 0);
      return {
        opened,
        failed: results.reduce((sum, r) => sum + r.failed, 0),
        firstError: results.find((r) => r.firstError)?.firstError,
        ms: Math.round(ms),
        perSecond: Math.round((opened / ms) * 1000),
      };
    },
    async beginStep(group, step) {
      await all('beginStep', { group, step });
    },
    async received(group) {
      const parts = await all<{ received: number }>('progress', { group });
      return parts.reduce((sum, p) => sum + p.received, 0);
    },
    async endStep(group, expectedPerUser) {
      const parts = await all<WorkerStepResult>('endStep', { group, expectedPerUser });
      const sum = (key: keyof WorkerStepResult) => parts.reduce((total, p) => total + (p[key] as number), 0);
      const otherEvents: Record<string, number> = {};
      for (const part of parts) {
        for (const [type, count] of Object.entries(part.otherEvents))
          otherEvents[type] = (otherEvents[type] ?? 0) + count;
      }
      return {
        received: sum('received'),
        distinct: sum('distinct'),
        missing: sum('missing'),
        duplicates: sum('duplicates'),
        unexpected: sum('unexpected'),
        stray: sum('stray'),
        unreadable: sum('unreadable'),
        disconnects: sum('disconnects'),
        openConnections: sum('openConnections'),
        otherEvents,
        histogram: mergeEncoded(parts.map((p) => p.histogram)),
      };
    },
    async closeGroup(group) {
      await all('closeGroup', { group }, 60_000);
    },
    async stop() {
      await Promise.all(workers.map((w) => stopChild(w.child, 2000)));
    },
  };
}
