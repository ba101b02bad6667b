import { SUSTAINED_P99_MS, type BenchOptions } from '../harness/bench-options';
import type { ClientPool } from '../harness/client-pool';
import { buildLayout } from '../harness/connection-layout';
import {
  cpuMark,
  cpuPercent,
  cpuSeconds,
  machineMark,
  machinePercent,
  rssBytes,
  trackPeakRss,
} from '../harness/process-sampler';
import { summarize, type LatencySummary } from '../harness/latency-histogram';
import type { PublisherHandle } from '../harness/publisher-handle';
import type { BenchEnvironment, SystemUnderTest } from '../harness/systems';
import type { TokenSigner } from './token-signer';

/**
 * Scenario 1 (and the side-by-side of scenario 4): C connections over C/2 users,
 * events published at a sweep of rates, every delivery checked and timed.
 */
export interface FanOutStep {
  targetPerSecond: number;
  targetPublishPerSecond: number;
  publishedPerSecond: number;
  deliveredPerSecond: number;
  published: number;
  expected: number;
  delivered: number;
  deliveredRatio: number;
  missing: number;
  duplicates: number;
  stray: number;
  disconnects: number;
  publishErrors: number;
  publisherMaxLagMs: number;
  drainMs: number;
  latency: LatencySummary;
  serverCpuPercent: number;
  /** The server's CPU time from the step's start until its deliveries were in, per event delivered (µs). */
  serverCpuMicrosPerEvent: number | null;
  redisCpuPercent: number;
  /** The load generators' CPU: all client workers together, and the publisher (100% = one core). */
  clientsCpuPercent: number;
  publisherCpuPercent: number;
  /** All cores of the machine, every process (other workloads' too): 100 = saturated. */
  machineCpuPercent: number;
  serverRssMb: number;
  rssPerConnectionKb: number;
  complete: boolean;
  sustained: boolean;
}

export interface FanOutResult {
  system: string;
  connections: number;
  users: number;
  connect: { opened: number; failed: number; ms: number; perSecond: number; firstError?: string };
  rssIdleMb: number;
  rssConnectedMb: number;
  rssPerConnectionKb: number;
  steps: FanOutStep[];
  stoppedBecause: string;
  maxSustainedPerSecond: number;
}

const mb = (bytes: number) => Math.round((bytes / 1048576) * 10) / 10;
const kb = (bytes: number) => Math.round((bytes / 1024) * 100) / 100;

interface FanOutSession {
  system: SystemUnderTest;
  result: FanOutResult;
  active: boolean;
  runStep(stepId: number, rate: number, durationMs: number): Promise<FanOutStep>;
  close(): Promise<void>;
}

/**
 * Runs the sweep for all systems at once, interleaved: every system holds its
 * connections for the whole sweep, and each rate is run for one system after the
 * other (in an order that rotates with the rate) before the next rate. On a shared
 * machine whose load drifts, this keeps the systems' figures at one rate minutes
 * apart at most, instead of one system's whole sweep running in a quieter minute.
 * A system leaves the sweep at its first failing step.
 */
export async function runFanOutSweep(
  systems: SystemUnderTest[],
  options: BenchOptions,
  envFor: (system: SystemUnderTest) => BenchEnvironment,
  deps: {
    pool: ClientPool;
    startPublisher: () => Promise<PublisherHandle>;
    /** The Redis processes serving `system`: the standalone server, or every node of the cluster. */
    redisPids: (system: SystemUnderTest) => number[];
    signer: TokenSigner;
    log: (line: string) => void;
  },
): Promise<FanOutResult[]> {
  const settings = options.fanOut;
  const sessions: FanOutSession[] = [];
  // A step that throws (the server died, a worker failed) ends that system's sweep, not the run.
  async function guarded<T>(session: FanOutSession, run: () => Promise<T>): Promise<T | undefined> {
    if (!session.active) return undefined;
    try {
      return await run();
    } catch (error) {
      session.active = false;
      session.result.stoppedBecause = `error: ${(error as Error).message}`;
      deps.log(`  ${session.system.id}: ${session.result.stoppedBecause}`);
      return undefined;
    }
  }
  try {
    for (const system of systems) {
      try {
        sessions.push(await openSession(system, options, envFor(system), deps));
      } catch (error) {
        // One system failing to start must not cost the others their figures.
        deps.log(`  ${system.id}: could not start: ${(error as Error).message}`);
      }
    }
    // Warm-up: JIT, Redis scripts and buffers; not reported.
    for (const session of sessions)
      await guarded(session, () => session.runStep(0, settings.warmupRate, settings.warmupMs));
    for (const [i, rate] of settings.rates.entries()) {
      const order = sessions.map((_, k) => sessions[(k + i) % sessions.length]!);
      for (const session of order) {
        if (!session.active) continue;
        const step = await guarded(session, () => session.runStep(i + 1, rate, settings.stepMs));
        if (!step) continue;
        session.result.steps.push(step);
        deps.log(
          `  ${session.system.id} @ ${rate}/s: delivered ${step.delivered}/${step.expected}` +
            ` p50 ${step.latency.p50Ms} p99 ${step.latency.p99Ms} max ${step.latency.maxMs} ms;` +
            ` cpu % server ${step.serverCpuPercent}, redis ${step.redisCpuPercent}, clients ${step.clientsCpuPercent},` +
            ` publisher ${step.publisherCpuPercent}; machine ${step.machineCpuPercent}% busy`,
        );
        const stop = stopReason(step, rate, settings.stopP99Ms);
        if (stop) {
          session.result.stoppedBecause = stop;
          session.active = false;
        }
      }
      if (!sessions.some((s) => s.active)) break;
    }
  } finally {
    for (const session of sessions) await session.close().catch(() => {});
  }
  return sessions.map(({ result }) => {
    const sustained = result.steps.filter((s) => s.sustained);
    result.maxSustainedPerSecond = sustained.length ? Math.max(...sustained.map((s) => s.targetPerSecond)) : 0;
    return result;
  });
}

function stopReason(step: FanOutStep, rate: number, stopP99Ms: number): string | undefined {
  if (!step.complete) {
    return `delivery fell behind at ${rate}/s (${step.missing} missing, ${step.duplicates} duplicates, ${step.disconnects} disconnects)`;
  }
  if (step.latency.p99Ms > stopP99Ms) return `p99 ${step.latency.p99Ms} ms > ${stopP99Ms} ms at ${rate}/s`;
  if (step.publishedPerSecond < 0.9 * step.targetPublishPerSecond) {
    return `the publisher could not keep ${rate}/s (reached ${step.deliveredPerSecond}/s delivered)`;
  }
  return undefined;
}

async function openSession(
  system: SystemUnderTest,
  options: BenchOptions,
  env: BenchEnvironment,
  deps: {
    pool: ClientPool;
    startPublisher: () => Promise<PublisherHandle>;
    /** The Redis processes serving `system`: the standalone server, or every node of the cluster. */
    redisPids: (system: SystemUnderTest) => number[];
    signer: TokenSigner;
    log: (line: string) => void;
  },
): Promise<FanOutSession> {
  const { pool, log } = deps;
  const redisPids = deps.redisPids(system);
  const settings = options.fanOut;
  const layout = buildLayout(settings.connections);
  const group = `fanout-${system.id}`;
  const server = await system.start(env);
  let publisher: PublisherHandle | undefined;
  try {
    publisher = await deps.startPublisher();
    await publisher.configure({
      mode: system.publisherMode,
      redisUrl: env.redisUrl,
      redisClusterNodes: system.onCluster ? env.redisClusterNodes : undefined,
      prefix: env.prefix,
      tabsPerUser: layout.tabsPerUser,
      maxEvents: 1000,
      ttlSeconds: 24 * 60 * 60,
      headTtlSeconds: 30 * 24 * 60 * 60,
      seed: 42,
    });
    const rssIdle = rssBytes(server.pid);
    const specs = layout.connectionUsers.map((userIndex) => {
      const userId = String(userIndex + 1);
      return system.spec(userIndex, userId, system.needsToken ? deps.signer(userId) : undefined);
    });
    const connect = await pool.connect(group, system.clientKind, server.url, specs, options.connectLanes);
    log(`  ${system.id}: ${connect.opened}/${specs.length} connected in ${connect.ms} ms (${connect.perSecond}/s)`);
    if (connect.failed > 0) log(`  ${system.id}: ${connect.failed} connections failed: ${connect.firstError}`);
    await new Promise((r) => setTimeout(r, 500));
    const rssConnected = rssBytes(server.pid);
    const pub = publisher;
    const result: FanOutResult = {
      system: system.id,
      connections: settings.connections,
      users: layout.users,
      connect,
      rssIdleMb: mb(rssIdle),
      rssConnectedMb: mb(rssConnected),
      rssPerConnectionKb: kb((rssConnected - rssIdle) / Math.max(1, connect.opened)),
      steps: [],
      stoppedBecause: 'all rates done',
      maxSustainedPerSecond: 0,
    };
    return {
      system,
      result,
      active: connect.failed === 0,
      runStep,
      async close() {
        await pool.closeGroup(group).catch(() => {});
        await pub.stop();
        await server.stop();
      },
    };

    async function runStep(stepId: number, rate: number, durationMs: number): Promise<FanOutStep> {
      await pool.beginStep(group, stepId);
      const peak = trackPeakRss(server.pid);
      const serverFrom = cpuMark(server.pid);
      const redisFrom = redisPids.map(cpuMark);
      const clientsFrom = pool.pids.map(cpuMark);
      const publisherFrom = cpuMark(pub.pid);
      const machineFrom = machineMark();
      const published = await pub.run(stepId, rate, durationMs);
      const serverTo = cpuMark(server.pid);
      const redisTo = redisPids.map(cpuMark);
      const clientsTo = pool.pids.map(cpuMark);
      const publisherTo = cpuMark(pub.pid);
      const machineTo = machineMark();
      const drainStarted = performance.now();
      while (performance.now() - drainStarted < settings.drainMs) {
        if ((await pool.received(group)) >= published.expectedDeliveries) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      const drainMs = Math.round(performance.now() - drainStarted);
      // Per delivery, the server's CPU counts until the last delivery is in (the drain too).
      const serverDrained = cpuMark(server.pid);
      const peakRss = peak.stop();
      const deliveries = await pool.endStep(group, published.expectedPerUser);
      const latency = summarize(deliveries.histogram);
      deliveries.histogram.destroy();
      const complete =
        deliveries.missing === 0 &&
        deliveries.duplicates === 0 &&
        deliveries.unexpected === 0 &&
        deliveries.distinct === published.expectedDeliveries &&
        published.errors === 0;
      const publishSeconds = durationMs / 1000;
      return {
        targetPerSecond: rate,
        targetPublishPerSecond: Math.round(rate / (settings.connections / layout.users)),
        publishedPerSecond: Math.round(published.publishedPerSecond),
        deliveredPerSecond: Math.round(deliveries.distinct / publishSeconds),
        published: published.published,
        expected: published.expectedDeliveries,
        delivered: deliveries.distinct,
        deliveredRatio: published.expectedDeliveries
          ? Math.round((deliveries.distinct / published.expectedDeliveries) * 10000) / 10000
          : 1,
        missing: deliveries.missing,
        duplicates: deliveries.duplicates,
        stray: deliveries.stray,
        disconnects: deliveries.disconnects,
        publishErrors: published.errors,
        publisherMaxLagMs: published.maxLagMs,
        drainMs,
        latency,
        serverCpuPercent: Math.round(cpuPercent(serverFrom, serverTo)),
        serverCpuMicrosPerEvent: deliveries.distinct
          ? Math.round((cpuSeconds(serverFrom, serverDrained) * 1e6) / deliveries.distinct)
          : null,
        redisCpuPercent: Math.round(redisFrom.reduce((sum, from, i) => sum + cpuPercent(from, redisTo[i]!), 0)),
        clientsCpuPercent: Math.round(clientsFrom.reduce((sum, from, i) => sum + cpuPercent(from, clientsTo[i]!), 0)),
        publisherCpuPercent: Math.round(cpuPercent(publisherFrom, publisherTo)),
        machineCpuPercent: machinePercent(machineFrom, machineTo),
        serverRssMb: mb(peakRss),
        rssPerConnectionKb: kb((peakRss - rssIdle) / Math.max(1, connect.opened)),
        complete,
        sustained: complete && latency.p99Ms < SUSTAINED_P99_MS,
      };
    }
  } catch (error) {
    await pool.closeGroup(group).catch(() => {});
    await publisher?.stop();
    await server.stop();
    throw error;
  }
}
