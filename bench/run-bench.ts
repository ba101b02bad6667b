import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { benchDatabaseUrl, lockBenchDatabase } from './harness/bench-database';
import { DEFAULT_SCENARIOS, parseOptions } from './harness/bench-options';
import { startBenchRedis } from './harness/bench-redis';
import { startLocalCluster, type LocalCluster } from '../test/support/infra/local-cluster';
import { installExitHooks, killAllChildren, REPO_ROOT } from './harness/child-processes';
import { startClientPool } from './harness/client-pool';
import { startPublisher } from './harness/publisher-handle';
import { productAvailable, SYSTEMS, type BenchEnvironment } from './harness/systems';
import { checkTargets, compare } from './report/comparison';
import { renderLatencyChart } from './report/latency-chart';
import { updateReadmeFigures } from './report/readme-figures';
import { renderReport } from './report/results-table';
import { endToEndAvailable, runEndToEnd, type EndToEndResult } from './scenarios/end-to-end-scenario';
import { runFanOutSweep, type FanOutResult } from './scenarios/fan-out-scenario';
import { runIdle, type IdleResult } from './scenarios/idle-scenario';
import { runPresenceStorm, type PresenceResult } from './scenarios/presence-scenario';
import { runWrite, writeAvailable, type WriteResult } from './scenarios/write-scenario';
import { writeTarget } from './report/write-table';
import { createTokenSigner } from './scenarios/token-signer';

/**
 * `npm run bench [-- --quick] [--profile] [--systems=product,cluster,raw,socketio] [--scenarios=fanout,idle,e2e,write,presence]`
 *
 * The coordinator: starts a private redis-server, the systems under test, the
 * publisher and the client workers as separate processes, runs the scenarios, and
 * writes the table, the JSON and the chart. Everything it starts is killed when it
 * ends, however it ends.
 */
const RESULTS_DIR = path.join(REPO_ROOT, 'bench', 'results');

function log(line: string) {
  process.stdout.write(`${line}\n`);
}

function packageVersion(name: string): string {
  try {
    return JSON.parse(readFileSync(path.join(REPO_ROOT, 'node_modules', name, 'package.json'), 'utf8')).version;
  } catch {
    return 'not installed';
  }
}

function command(cmd: string, args: string[]): string {
  try {
    return execFileSync(cmd, args, { cwd: REPO_ROOT }).toString().trim();
  } catch {
    return 'unknown';
  }
}

async function main() {
  installExitHooks();
  const options = parseOptions(process.argv.slice(2));
  const started = new Date();
  const startedAt = performance.now();
  const notes: string[] = [];
  log(
    `bench: ${options.quick ? 'quick' : 'full'} run, systems ${options.systems.join(', ')}, scenarios ${options.scenarios.join(', ')}`,
  );

  // The end-to-end and write scenarios use the bench database: one run at a time.
  const usesDatabase =
    options.systems.includes('product') && options.scenarios.some((s) => s === 'e2e' || s === 'write');
  const databaseLock = usesDatabase ? await lockBenchDatabase(benchDatabaseUrl()) : undefined;
  const redis = await startBenchRedis();
  const env: BenchEnvironment = {
    redisUrl: redis.url,
    jwtSecret: randomBytes(32).toString('hex'),
    prefix: 'bench',
    cpuProfileDir: options.profile ? path.join(RESULTS_DIR, 'profiles') : undefined,
  };
  if (env.cpuProfileDir) mkdirSync(env.cpuProfileDir, { recursive: true });
  // The cluster variant: the same stream service on three masters (no replicas: the
  // bench measures the sharded path, not failover), started only when it runs.
  let cluster: LocalCluster | undefined;
  if (options.systems.includes('cluster')) {
    cluster = await startLocalCluster({ replicasPerMaster: 0 });
    env.redisClusterNodes = cluster.nodesEnv;
    log(`bench: Redis Cluster of three masters on ${cluster.nodesEnv}`);
  }
  const signer = createTokenSigner(env.jwtSecret);
  const pool = await startClientPool(options.clientWorkers);
  // Each system publishes on channels of its own prefix, so no server sees another's events.
  const envFor = (system: { id: string }): BenchEnvironment => ({ ...env, prefix: `bench-${system.id}` });

  const systems = options.systems.filter((id) => {
    if (id === 'product' && !productAvailable()) {
      notes.push('the product was skipped: services/stream/src/main.ts does not exist yet');
      return false;
    }
    return true;
  });

  const fanOut: FanOutResult[] = [];
  const idle: IdleResult[] = [];
  let endToEnd: EndToEndResult | null = null;
  let write: WriteResult | null = null;
  const loadBefore = os.loadavg();

  if (options.scenarios.includes('fanout')) {
    log(
      `\n-- fan-out: ${options.fanOut.connections} connections, rates ${options.fanOut.rates.join(', ')}/s, ${options.fanOut.stepMs} ms per step`,
    );
    fanOut.push(
      ...(await runFanOutSweep(
        systems.map((id) => SYSTEMS[id]),
        options,
        envFor,
        {
          pool,
          startPublisher,
          redisPids: (system) => (system.id === 'cluster' && cluster ? cluster.pids() : [redis.pid]),
          signer,
          log,
        },
      )),
    );
    for (const id of systems) {
      if (!fanOut.some((r) => r.system === id)) notes.push(`${id}: the fan-out could not start (see the log above)`);
    }
    await redis.flush();
  }
  if (options.scenarios.includes('idle')) {
    log(`\n-- idle connections: ${options.idle.counts.join(', ')}`);
    // Idle connections never touch Redis: the cluster variant would only repeat the product's figures.
    for (const id of systems.filter((system) => system !== 'cluster')) {
      try {
        idle.push(await runIdle(SYSTEMS[id], options, envFor(SYSTEMS[id]), { pool, signer, log }));
      } catch (error) {
        notes.push(`${id}: idle connections failed: ${(error as Error).message}`);
        log(`  ${id}: idle connections failed: ${(error as Error).message}`);
      }
      await redis.flush();
    }
  }
  if (options.scenarios.includes('e2e')) {
    if (!systems.includes('product')) notes.push('end to end skipped: the product was not run');
    else if (!endToEndAvailable()) notes.push('end to end skipped: services/messages/src/main.ts does not exist yet');
    else {
      log(`\n-- end to end: ${options.endToEnd.tabs} tabs, POST rates ${options.endToEnd.rates.join(', ')}/s`);
      try {
        endToEnd = await runEndToEnd(options, { ...env, prefix: 'bench-e2e' }, { pool, log });
      } catch (error) {
        notes.push(`end to end failed: ${(error as Error).message}`);
        log(`  e2e failed: ${(error as Error).message}`);
      }
    }
  }
  if (options.scenarios.includes('write')) {
    if (!systems.includes('product')) notes.push('write path skipped: the product was not run');
    else if (!writeAvailable()) notes.push('write path skipped: services/messages/src/main.ts does not exist yet');
    else {
      log(
        `\n-- write path: ${options.write.clients} clients over ${options.write.conversations} conversations, ${options.write.rounds} round(s)`,
      );
      try {
        write = await runWrite(options, { ...env, prefix: 'bench-write' }, { log });
      } catch (error) {
        notes.push(`write path failed: ${(error as Error).message}`);
        log(`  write failed: ${(error as Error).message}`);
      }
      await redis.flush();
    }
  }
  let presence: PresenceResult | null = null;
  if (options.scenarios.includes('presence')) {
    if (!systems.includes('product')) notes.push('presence skipped: the product was not run');
    else {
      log(`\n-- presence: a reconnect storm of ${options.presence.tabs} tabs, PRESENCE=off then on`);
      try {
        presence = await runPresenceStorm(SYSTEMS.product, options, envFor(SYSTEMS.product), { pool, signer, log });
      } catch (error) {
        notes.push(`presence failed: ${(error as Error).message}`);
        log(`  presence failed: ${(error as Error).message}`);
      }
      await redis.flush();
    }
  }
  const loadAfter = os.loadavg();
  await pool.stop();
  const redisVersion = await redis.version();
  await redis.stop();
  await cluster?.stop();
  await databaseLock?.release();

  if (options.quick)
    notes.push('quick run: reduced connection counts and step durations; targets are stated for the full run');
  const comparison = compare(fanOut, idle, options.fanOut.rates);
  const targets = [...checkTargets(fanOut, idle, endToEnd, comparison), writeTarget(write)];
  const machine = {
    nproc: Number(command('nproc', [])),
    cpuModel: /Model name:\s*(.+)/.exec(command('lscpu', []))?.[1]?.trim() ?? 'unknown',
    memoryGb: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    redis: redisVersion,
    kernel: os.release(),
    loadAverageBefore: loadBefore.map((v) => Math.round(v * 100) / 100),
    loadAverageAfter: loadAfter.map((v) => Math.round(v * 100) / 100),
    openFilesLimit: Number(command('bash', ['-c', 'ulimit -Hn'])),
  };
  const packages = Object.fromEntries(
    [
      'ioredis',
      'koa',
      'jsonwebtoken',
      'socket.io',
      'socket.io-client',
      '@socket.io/redis-adapter',
      '@socket.io/redis-emitter',
      'hdr-histogram-js',
      'undici',
      'tsx',
      'typescript',
    ].map((name) => [name, packageVersion(name)]),
  );
  const results = {
    startedAt: started.toISOString(),
    durationSeconds: Math.round((performance.now() - startedAt) / 1000),
    mode: options.quick ? 'quick' : 'full',
    commit: command('git', ['rev-parse', '--short', 'HEAD']),
    machine,
    packages,
    settings: {
      fanOut: options.fanOut,
      idle: options.idle,
      endToEnd: options.endToEnd,
      write: options.write,
      clientWorkers: options.clientWorkers,
      redis:
        'private redis-server 127.0.0.1, --save "" --appendonly no, default client-output-buffer-limit for all systems',
      tabsLayout: 'per 4 users: 1, 1, 2 and 4 tabs (2 connections per user on average)',
    },
    fanOut,
    idle,
    endToEnd,
    presence,
    write,
    comparison,
    targets,
    notes,
  };

  const report = renderReport({ fanOut, idle, endToEnd, write, comparison, targets, notes });
  log(report);
  mkdirSync(RESULTS_DIR, { recursive: true });
  const stamp = started.toISOString().replace(/[:.]/g, '-');
  // Only a complete, unmodified full run may replace the committed figures.
  const complete =
    (['product', 'raw', 'socketio'] as const).every((id) => options.systems.includes(id)) &&
    DEFAULT_SCENARIOS.every((scenario) => options.scenarios.includes(scenario)) &&
    !options.probing;
  const suffix = options.quick ? '-quick' : complete ? '' : '-partial';
  const json = JSON.stringify(results, null, 2) + '\n';
  writeFileSync(path.join(RESULTS_DIR, `${stamp}${suffix}.json`), json);
  writeFileSync(path.join(RESULTS_DIR, `latest${suffix}.json`), json);
  writeFileSync(path.join(RESULTS_DIR, `report${suffix}.txt`), report);
  if (fanOut.length) {
    const title = `Fan-out latency vs rate, ${options.fanOut.connections.toLocaleString('en')} connections, ${machine.nproc} cores (${results.mode} run ${results.startedAt.slice(0, 16)}Z)`;
    writeFileSync(path.join(RESULTS_DIR, `latency${suffix}.svg`), renderLatencyChart(fanOut, title));
  }
  if (!options.quick && complete) {
    if (updateReadmeFigures(path.join(REPO_ROOT, 'bench', 'README.md'), results, report))
      log('bench/README.md: latest figures updated');
  }
  log(
    `results: bench/results/${stamp}${suffix}.json, latest${suffix}.json, latency${suffix}.svg (${results.durationSeconds} s)`,
  );
}

main().then(
  () => {
    killAllChildren();
    process.exit(0);
  },
  (error: Error) => {
    process.stderr.write(`bench failed: ${error.stack ?? error}\n`);
    killAllChildren();
    process.exit(1);
  },
);
