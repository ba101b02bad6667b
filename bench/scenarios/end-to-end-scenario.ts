import { existsSync } from 'node:fs';
import path from 'node:path';
import { benchDatabaseUrl, prepareBenchDatabase } from '../harness/bench-database';
import type { BenchOptions } from '../harness/bench-options';
import { REPO_ROOT, spawnTsNode, stopChild } from '../harness/child-processes';
import type { ClientPool } from '../harness/client-pool';
import { buildLayout } from '../harness/connection-layout';
import { freePort, waitForHealthy } from '../harness/free-port';
import { mergeEncoded, summarize, type LatencySummary } from '../harness/latency-histogram';
import { startEventSequencesAfresh } from '../harness/event-sequences';
import { databaseCpuMark, postgresCpuPercent } from '../harness/postgres-cpu';
import { scrapeMetrics } from '../../test/support/http/prometheus-scrape';
import { cpuMark, cpuPercent, machineMark, machinePercent } from '../harness/process-sampler';
import { PRODUCT_STREAM_ENTRY, SYSTEMS, type BenchEnvironment } from '../harness/systems';
import { connectWorker, waitForWorker } from '../harness/worker-rpc';

/**
 * Scenario 3: the whole write path. Users log in through the messages service,
 * every pair shares a conversation, all tabs hold the stream open, and messages are
 * POSTed at fixed rates; latency runs from the POST being sent to the receiver's
 * stream delivering it.
 */
export const MESSAGES_ENTRY = 'services/messages/src/main.ts';
const GROUP = 'e2e';

export interface EndToEndStep {
  targetPerSecond: number;
  postsPerSecond: number;
  posted: number;
  postErrors: number;
  firstPostError?: string;
  expected: number;
  delivered: number;
  missing: number;
  duplicates: number;
  disconnects: number;
  /** Frames other than `message` the tabs received, by event type (`resync`, `read`, …). */
  otherEvents: Record<string, number>;
  /**
   * Users whose log the relay started again under a new epoch (the messages service's
   * `messenger_outbox_new_epochs_total`): none in a sound run, since each run starts its
   * users' sequences afresh (harness/event-sequences.ts).
   */
  newEpochs: number;
  receiveLatency: LatencySummary;
  postLatency: LatencySummary;
  /** Commit to publish, per event (bench/harness/relay-lag.ts). */
  relayLatency: LatencySummary;
  messagesCpuPercent: number;
  streamCpuPercent: number;
  /**
   * The bench database's backends and PostgreSQL's shared background processes
   * (harness/postgres-cpu.ts): other databases' backends are left out, and a backend that
   * exits during the step drops out rather than taking its whole past CPU off the sum.
   */
  postgresCpuPercent: number;
  clientsCpuPercent: number;
  /** The POST load generator's process, its relay-lag subscriber included. */
  loadCpuPercent: number;
  machineCpuPercent: number;
  /** Every expected event delivered once, and no tab told to resync: nothing had to be refetched. */
  complete: boolean;
}

export interface EndToEndResult {
  tabs: number;
  users: number;
  conversations: number;
  setupMs: number;
  steps: EndToEndStep[];
  /** The receive p99 above which a rate counts as past the write path's limit. */
  limitP99Ms: number;
  /** The first POST rate whose receive p99 exceeded the limit, or null if none did. */
  limitPerSecond: number | null;
  stoppedBecause: string;
}

export function endToEndAvailable(): boolean {
  return existsSync(path.join(REPO_ROOT, MESSAGES_ENTRY)) && existsSync(path.join(REPO_ROOT, PRODUCT_STREAM_ENTRY));
}

export async function postJson<T>(url: string, body: unknown, token?: string): Promise<T> {
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  if (token) headers.Authorization = `Bearer ${token}`;
  const response = await fetch(url, { method: 'POST', headers, body: JSON.stringify(body) });
  const text = await response.text();
  if (!response.ok) throw new Error(`POST ${new URL(url).pathname} → ${response.status} ${text.slice(0, 200)}`);
  return JSON.parse(text) as T;
}

export async function inParallel<T>(count: number, lanes: number, task: (i: number) => Promise<T>): Promise<T[]> {
  const results = new Array<T>(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: lanes }, async () => {
      while (next < count) {
        const i = next++;
        results[i] = await task(i);
      }
    }),
  );
  return results;
}

/** The messages service as the bench runs it (production mode, development login), not yet waited for. */
export async function spawnMessagesService(env: BenchEnvironment, databaseUrl: string) {
  const messagesPort = await freePort();
  const messages = spawnTsNode(MESSAGES_ENTRY, [], {
    name: 'messages service',
    // One profile per thread (tsx runs a loader thread too): the main thread's is the large one.
    nodeFlags: env.cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${path.join(env.cpuProfileDir, 'messages')}`] : [],
    showOutput: true,
    env: {
      NODE_ENV: 'production',
      DEV_LOGIN: 'true',
      LOG_LEVEL: 'warn',
      HOST: '127.0.0.1',
      MESSAGES_PORT: String(messagesPort),
      DATABASE_URL: databaseUrl,
      REDIS_URL: env.redisUrl,
      JWT_SECRET: env.jwtSecret,
      EVENTS_PREFIX: env.prefix,
    },
  });
  return { child: messages, url: `http://127.0.0.1:${messagesPort}` };
}

export async function runEndToEnd(
  options: BenchOptions,
  env: BenchEnvironment,
  deps: { pool: ClientPool; log: (line: string) => void },
): Promise<EndToEndResult> {
  const { pool, log } = deps;
  const settings = options.endToEnd;
  const setupStarted = performance.now();
  const databaseUrl = benchDatabaseUrl();
  await prepareBenchDatabase(databaseUrl);
  await startEventSequencesAfresh(databaseUrl, env.redisUrl, env.prefix);
  const phases: Record<string, number> = {
    'migrate, vacuum, reset events': Math.round(performance.now() - setupStarted),
  };
  let mark = performance.now();
  const phase = (name: string) => {
    phases[name] = Math.round(performance.now() - mark);
    mark = performance.now();
  };

  const { child: messages, url: messagesUrl } = await spawnMessagesService(env, databaseUrl);
  const stream = await SYSTEMS.product.start(env);
  const poster = spawnTsNode('bench/workers/post-load-worker.ts', [], { name: 'post load', ipc: true });
  try {
    await waitForHealthy(`${messagesUrl}/healthz`, 60_000, () => messages.exitCode === null);
    const postLoad = connectWorker(poster, 'post load worker');
    await waitForWorker(postLoad);
    phase('start services');

    const layout = buildLayout(settings.tabs);
    // Fixed usernames: a rerun logs the same users in again instead of adding more.
    const logins = await inParallel(layout.users, 16, (i) =>
      postJson<{ authUser: { id: string }; token: string }>(`${messagesUrl}/api/login`, { username: `bench_e2e_${i}` }),
    );
    phase('log in');
    const pairCount = Math.floor(layout.users / 2);
    const pairs = await inParallel(pairCount, 16, async (p) => {
      const a = 2 * p;
      const b = a + 1;
      const conversation = await postJson<{ id: string }>(
        `${messagesUrl}/api/conversations`,
        { username: `bench_e2e_${b}` },
        logins[a]!.token,
      );
      return {
        conversationId: conversation.id,
        users: [
          { userIndex: a, token: logins[a]!.token },
          { userIndex: b, token: logins[b]!.token },
        ],
      };
    });
    phase('start conversations');
    await postLoad.call('configure', {
      baseUrl: messagesUrl,
      pairs,
      users: layout.users,
      seed: 7,
      redisUrl: env.redisUrl,
      prefix: env.prefix,
    });
    const specs = layout.connectionUsers.map((userIndex) =>
      SYSTEMS.product.spec(userIndex, logins[userIndex]!.authUser.id, logins[userIndex]!.token),
    );
    const connect = await pool.connect(GROUP, 'sse', stream.url, specs, options.connectLanes);
    if (connect.failed > 0) log(`  e2e: ${connect.failed} tabs failed to connect: ${connect.firstError}`);
    phase('connect tabs');
    const setupMs = Math.round(performance.now() - setupStarted);
    log(
      `  e2e: ${layout.users} users, ${pairs.length} conversations, ${connect.opened} tabs ready in ${setupMs} ms (${Object.entries(
        phases,
      )
        .map(([k, v]) => `${k} ${v} ms`)
        .join(', ')})`,
    );

    // Warm-up (JIT, Prisma's query compiler, connection pools): not reported.
    await runStep(999, settings.rates[0]!, settings.warmupMs);

    const steps: EndToEndStep[] = [];
    let limitPerSecond: number | null = null;
    let stoppedBecause = 'all rates done';
    for (const [i, rate] of settings.rates.entries()) {
      const step = await runStep(1000 + i, rate, settings.stepMs);
      steps.push(step);
      log(
        `  e2e @ ${rate} POST/s: ${step.posted} posted (${step.postErrors} errors), delivered ${step.delivered}/${step.expected}` +
          ` (${step.duplicates} twice, ${step.otherEvents.resync ?? 0} resyncs, ${step.newEpochs} new epochs),` +
          ` receive p50 ${step.receiveLatency.p50Ms} p99 ${step.receiveLatency.p99Ms} ms, POST p99 ${step.postLatency.p99Ms} ms,` +
          ` relay p50 ${step.relayLatency.p50Ms} p99 ${step.relayLatency.p99Ms} ms;` +
          ` cpu % messages ${step.messagesCpuPercent}, stream ${step.streamCpuPercent}, postgres ${step.postgresCpuPercent},` +
          ` tabs ${step.clientsCpuPercent}, POST load ${step.loadCpuPercent}, machine ${step.machineCpuPercent}% busy`,
      );
      if (step.receiveLatency.p99Ms > settings.limitP99Ms) {
        limitPerSecond = rate;
        stoppedBecause = `p99 ${step.receiveLatency.p99Ms} ms > ${settings.limitP99Ms} ms at ${rate} POST/s`;
        break;
      }
      if (step.postsPerSecond < 0.9 * rate) {
        limitPerSecond = rate;
        stoppedBecause = `the write path could not take ${rate} POST/s (reached ${step.postsPerSecond}/s)`;
        break;
      }
      if (!step.complete || step.postErrors > 0) {
        stoppedBecause = `delivery incomplete, resyncs or POST errors at ${rate} POST/s`;
        break;
      }
    }
    async function newEpochsSoFar(): Promise<number> {
      return (await scrapeMetrics(`${messagesUrl}/metrics`)).value('messenger_outbox_new_epochs_total');
    }
    async function runStep(stepId: number, rate: number, durationMs: number): Promise<EndToEndStep> {
      await pool.beginStep(GROUP, stepId);
      const messagesFrom = cpuMark(messages.pid!);
      const streamFrom = cpuMark(stream.pid);
      const postgresFrom = await databaseCpuMark(databaseUrl);
      const clientsFrom = pool.pids.map(cpuMark);
      const loadFrom = cpuMark(poster.pid!);
      const machineFrom = machineMark();
      const epochsFrom = await newEpochsSoFar();
      const posted = await postLoad.call<{
        sent: number;
        ok: number;
        errors: number;
        firstError?: string;
        postsPerSecond: number;
        expectedPerUser: number[];
        responseTimes: string;
      }>('run', { step: stepId, rate, durationMs }, durationMs + 120_000);
      const messagesTo = cpuMark(messages.pid!);
      const streamTo = cpuMark(stream.pid);
      const postgresTo = await databaseCpuMark(databaseUrl);
      const clientsTo = pool.pids.map(cpuMark);
      const loadTo = cpuMark(poster.pid!);
      const machineTo = machineMark();
      const expected = posted.expectedPerUser.reduce((sum, count, user) => sum + count * layout.tabsPerUser[user]!, 0);
      const drainStarted = performance.now();
      while (performance.now() - drainStarted < settings.drainMs) {
        if ((await pool.received(GROUP)) >= expected) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      const deliveries = await pool.endStep(GROUP, posted.expectedPerUser);
      const newEpochs = (await newEpochsSoFar()) - epochsFrom;
      const postHistogram = mergeEncoded([posted.responseTimes]);
      const relayHistogram = mergeEncoded([(await postLoad.call<{ lags: string }>('takeRelayLag')).lags]);
      const step: EndToEndStep = {
        targetPerSecond: rate,
        postsPerSecond: Math.round(posted.postsPerSecond),
        posted: posted.ok,
        postErrors: posted.errors,
        firstPostError: posted.firstError,
        expected,
        delivered: deliveries.distinct,
        missing: deliveries.missing,
        duplicates: deliveries.duplicates,
        disconnects: deliveries.disconnects,
        otherEvents: deliveries.otherEvents,
        newEpochs,
        receiveLatency: summarize(deliveries.histogram),
        postLatency: summarize(postHistogram),
        relayLatency: summarize(relayHistogram),
        messagesCpuPercent: Math.round(cpuPercent(messagesFrom, messagesTo)),
        streamCpuPercent: Math.round(cpuPercent(streamFrom, streamTo)),
        postgresCpuPercent: Math.round(postgresCpuPercent(postgresFrom, postgresTo)),
        clientsCpuPercent: Math.round(clientsFrom.reduce((sum, from, i) => sum + cpuPercent(from, clientsTo[i]!), 0)),
        loadCpuPercent: Math.round(cpuPercent(loadFrom, loadTo)),
        machineCpuPercent: machinePercent(machineFrom, machineTo),
        complete:
          deliveries.missing === 0 &&
          deliveries.duplicates === 0 &&
          deliveries.distinct === expected &&
          (deliveries.otherEvents.resync ?? 0) === 0 &&
          newEpochs === 0,
      };
      deliveries.histogram.destroy();
      postHistogram.destroy();
      relayHistogram.destroy();
      return step;
    }

    return {
      tabs: connect.opened,
      users: layout.users,
      conversations: pairs.length,
      setupMs,
      steps,
      limitP99Ms: settings.limitP99Ms,
      limitPerSecond,
      stoppedBecause,
    };
  } finally {
    await pool.closeGroup(GROUP).catch(() => {});
    await stopChild(poster, 2000);
    await stream.stop();
    await stopChild(messages, 10_000);
  }
}
