import os from 'node:os';
import { benchDatabaseUrl, prepareBenchDatabase } from '../harness/bench-database';
import type { BenchOptions } from '../harness/bench-options';
import { spawnTsNode, stopChild } from '../harness/child-processes';
import { freePort, waitForHealthy } from '../harness/free-port';
import { mergeEncoded, summarize, type LatencySummary } from '../harness/latency-histogram';
import { adminUrlOf, databaseName, postgresCpuMark, postgresCpuPercent, postgresPids } from '../harness/postgres-cpu';
import { cpuMark, cpuPercent } from '../harness/process-sampler';
import type { BenchEnvironment } from '../harness/systems';
import { connectWorker, waitForWorker, type WorkerHandle } from '../harness/worker-rpc';
import { inParallel, postJson, spawnMessagesService, endToEndAvailable } from './end-to-end-scenario';
import {
  createScratchDatabase,
  dropScratchDatabase,
  pgbenchPath,
  plainInsertScript,
  runPgbench,
  sendScript,
} from './pgbench-ceiling';

/**
 * Scenario 4: the write path at the machine's limit. The same closed-loop load (the
 * same client count over the same conversations) against the product's
 * `POST /api/conversations/:id/messages` and the raw write baseline
 * (bench/baseline/raw-write-server.ts), one after the other on the bench database,
 * then PostgreSQL's own ceiling with pgbench: the product's send statement and a plain
 * indexed INSERT (pgbench-ceiling.ts). Full runs repeat the sequence, in another order,
 * so a drift of the shared machine's load shows as a spread between rounds.
 */
export type WriteSystem = 'product' | 'raw' | 'pgbench-send' | 'pgbench-insert';

export interface WriteRun {
  system: WriteSystem;
  round: number;
  perSecond: number;
  ok: number;
  errors: number;
  firstError?: string;
  latency: LatencySummary;
  /** PostgreSQL's processes for the bench database and the shared WAL writer etc. (postgres-cpu.ts). */
  postgresCpuPercent: number;
  /** The service (messages service, raw baseline) or pgbench itself. */
  serviceCpuPercent: number;
  /** PostgreSQL CPU per send, µs. */
  postgresUsPerSend: number;
  /** The service's (or pgbench's) CPU per send, µs: on a shared machine a single-threaded service gets a share of a core, so its cost per send compares better than its rate. */
  serviceUsPerSend: number;
  loadAverage: number;
}

export interface WriteResult {
  clients: number;
  conversations: number;
  durationMs: number;
  runs: WriteRun[];
  notes: string[];
}

export function writeAvailable(): boolean {
  return endToEndAvailable();
}

const ORDERS: WriteSystem[][] = [
  ['product', 'raw', 'pgbench-send', 'pgbench-insert'],
  ['pgbench-insert', 'pgbench-send', 'raw', 'product'],
];

export async function runWrite(
  options: BenchOptions,
  env: BenchEnvironment,
  deps: { log: (line: string) => void },
): Promise<WriteResult> {
  const { log } = deps;
  const settings = options.write;
  const databaseUrl = benchDatabaseUrl();
  const database = databaseName(databaseUrl);
  const adminUrl = adminUrlOf(databaseUrl);
  await prepareBenchDatabase(databaseUrl);
  const notes: string[] = [];
  const runs: WriteRun[] = [];
  const loader = spawnTsNode('bench/workers/write-load-worker.ts', [], { name: 'write load', ipc: true });
  const pgbench = pgbenchPath();
  if (!pgbench) notes.push('pgbench not found: the PostgreSQL ceilings were not measured');
  const scratch = `${database}_scratch`;
  try {
    const load = connectWorker(loader, 'write load worker');
    await waitForWorker(load);
    await configureConversations(env, databaseUrl, settings.conversations, load);
    const scratchUrl = pgbench ? await createScratchDatabase(adminUrl, scratch, settings.conversations) : '';

    for (let round = 1; round <= settings.rounds; round++) {
      for (const system of ORDERS[(round - 1) % ORDERS.length]!) {
        let run: WriteRun | undefined;
        if (system === 'product' || system === 'raw') {
          run = await measureService(system, round, env, databaseUrl, database, adminUrl, settings, load);
        } else if (pgbench) {
          const script =
            system === 'pgbench-send' ? sendScript(settings.conversations) : plainInsertScript(settings.conversations);
          const result = await runPgbench(
            pgbench,
            scratchUrl,
            scratch,
            adminUrl,
            script,
            settings.clients,
            Math.round(settings.durationMs / 1000),
          );
          run = {
            system,
            round,
            perSecond: Math.round(result.perSecond),
            ok: result.transactions,
            errors: result.failed,
            latency: summarize(result.latencies),
            postgresCpuPercent: Math.round(result.postgresCpuPercent),
            serviceCpuPercent: Math.round(result.clientCpuPercent),
            postgresUsPerSend: Math.round((result.postgresCpuPercent / 100 / result.perSecond) * 1e6),
            serviceUsPerSend: Math.round((result.clientCpuPercent / 100 / result.perSecond) * 1e6),
            loadAverage: Math.round(os.loadavg()[0]! * 100) / 100,
          };
          result.latencies.destroy();
        }
        if (!run) continue;
        runs.push(run);
        log(
          `  write ${system} (round ${round}): ${run.perSecond}/s, p50 ${run.latency.p50Ms} p99 ${run.latency.p99Ms} ms,` +
            ` cpu % postgres ${run.postgresCpuPercent}, service ${run.serviceCpuPercent}, load ${run.loadAverage}` +
            (run.errors ? `, ${run.errors} errors (${run.firstError ?? 'failed transactions'})` : ''),
        );
      }
    }
  } finally {
    await stopChild(loader, 2000);
    if (pgbench) await dropScratchDatabase(adminUrl, scratch).catch(() => {});
  }
  return {
    clients: settings.clients,
    conversations: settings.conversations,
    durationMs: settings.durationMs,
    runs,
    notes,
  };
}

/** Logs the users in and starts the conversations through the product, and gives the loader their tokens. */
async function configureConversations(
  env: BenchEnvironment,
  databaseUrl: string,
  conversations: number,
  load: WorkerHandle,
): Promise<void> {
  const { child, url } = await spawnMessagesService(env, databaseUrl);
  try {
    await waitForHealthy(`${url}/healthz`, 60_000, () => child.exitCode === null);
    // Fixed usernames: a rerun logs the same users in again instead of adding more.
    const logins = await inParallel(2 * conversations, 16, (i) =>
      postJson<{ token: string }>(`${url}/api/login`, { username: `bench_write_${i}` }),
    );
    const pairs = await inParallel(conversations, 16, async (p) => {
      const conversation = await postJson<{ id: string }>(
        `${url}/api/conversations`,
        { username: `bench_write_${2 * p + 1}` },
        logins[2 * p]!.token,
      );
      return { conversationId: conversation.id, tokens: [logins[2 * p]!.token, logins[2 * p + 1]!.token] };
    });
    await load.call('configure', { pairs });
  } finally {
    await stopChild(child, 10_000);
  }
}

async function startService(system: 'product' | 'raw', env: BenchEnvironment, databaseUrl: string) {
  if (system === 'product') {
    const { child, url } = await spawnMessagesService(env, databaseUrl);
    await waitForHealthy(`${url}/healthz`, 60_000, () => child.exitCode === null);
    return { child, url };
  }
  const port = await freePort();
  const child = spawnTsNode('bench/baseline/raw-write-server.ts', [], {
    name: 'raw write baseline',
    showOutput: true,
    env: {
      PORT: String(port),
      DATABASE_URL: databaseUrl,
      REDIS_URL: env.redisUrl,
      JWT_SECRET: env.jwtSecret,
      EVENTS_PREFIX: env.prefix,
    },
  });
  const url = `http://127.0.0.1:${port}`;
  await waitForHealthy(`${url}/healthz`, 30_000, () => child.exitCode === null);
  return { child, url };
}

/** One system, started fresh (so only its own relay drains the outbox), warmed up, then measured. */
async function measureService(
  system: 'product' | 'raw',
  round: number,
  env: BenchEnvironment,
  databaseUrl: string,
  database: string,
  adminUrl: string,
  settings: BenchOptions['write'],
  load: WorkerHandle,
): Promise<WriteRun> {
  const { child, url } = await startService(system, env, databaseUrl);
  try {
    const runParams = { baseUrl: url, concurrency: settings.clients, seed: round };
    // Warm-up (JIT, Prisma's query compiler, the pool's connections): not reported.
    await load.call('run', { ...runParams, durationMs: settings.warmupMs }, settings.warmupMs + 60_000);
    const pids = await postgresPids(adminUrl, database);
    const running = load.call<{
      ok: number;
      errors: number;
      firstError?: string;
      perSecond: number;
      latencies: string;
    }>('run', { ...runParams, durationMs: settings.durationMs }, settings.durationMs + 60_000);
    // CPU over the middle of the run, as for pgbench.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const pgFrom = postgresCpuMark(pids);
    const serviceFrom = cpuMark(child.pid!);
    await new Promise((resolve) => setTimeout(resolve, settings.durationMs - 1000));
    const pgTo = postgresCpuMark(await postgresPids(adminUrl, database));
    const serviceTo = cpuMark(child.pid!);
    const loadAverage = Math.round(os.loadavg()[0]! * 100) / 100;
    const result = await running;
    const histogram = mergeEncoded([result.latencies]);
    const postgresCpu = postgresCpuPercent(pgFrom, pgTo);
    const serviceCpu = cpuPercent(serviceFrom, serviceTo);
    const run: WriteRun = {
      system,
      round,
      perSecond: Math.round(result.perSecond),
      ok: result.ok,
      errors: result.errors,
      firstError: result.firstError,
      latency: summarize(histogram),
      postgresCpuPercent: Math.round(postgresCpu),
      serviceCpuPercent: Math.round(serviceCpu),
      postgresUsPerSend: Math.round((postgresCpu / 100 / result.perSecond) * 1e6),
      serviceUsPerSend: Math.round((serviceCpu / 100 / result.perSecond) * 1e6),
      loadAverage,
    };
    histogram.destroy();
    return run;
  } finally {
    await stopChild(child, 10_000);
  }
}
