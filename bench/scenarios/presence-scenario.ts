import { Redis } from 'ioredis';
import { createEventChannels } from '#libs/events';
import type { BenchOptions } from '../harness/bench-options';
import type { ClientPool } from '../harness/client-pool';
import type { BenchEnvironment, SystemUnderTest } from '../harness/systems';
import type { TokenSigner } from './token-signer';

/**
 * Scenario 4: what presence costs Redis in a reconnect storm. N tabs (two per user)
 * connect at once, stay for a few heartbeats, and all disconnect; the same with
 * PRESENCE=on and PRESENCE=off, each on a fresh stream service. Every user is watched by
 * one other (as if each had a conversation open on the other: the worst ordinary case
 * for publishes). Measured from the bench Redis's own counts (INFO commandstats, reset
 * before each phase): commands run by scripts are counted under their names too, so a
 * phase's `evalsha` are the presence scripts and its `publish` the `presence` events.
 */
export interface PresencePhase {
  /** Calls by command, this phase only (CONFIG and INFO of the bench itself left out). */
  calls: Record<string, number>;
  /** Scripts run (EVALSHA, EVAL): each is one command sent and one round trip's worth of work. */
  scripts: number;
  publishes: number;
  /** Every command Redis ran, those inside scripts included. */
  all: number;
}

export interface PresenceRun {
  presence: 'on' | 'off';
  tabs: number;
  users: number;
  heartbeatMs: number;
  /** `ms`: how long the storm took to connect every tab. */
  connect: PresencePhase & { ms: number };
  /** The tabs held open for `heartbeats` heartbeat intervals. */
  idle: PresencePhase & { heartbeats: number };
  disconnect: PresencePhase;
}

export interface PresenceResult {
  runs: PresenceRun[];
}

// The longest heartbeat allowed, so few refreshes fall inside the connect and disconnect
// phases (a user whose wheel slot ticks while the storm is under way is refreshed there:
// at most one command per such user); the idle phase is one whole heartbeat interval.
const HEARTBEAT_MS = 25_000;
const IDLE_HEARTBEATS = 1;

export async function runPresenceStorm(
  system: SystemUnderTest,
  options: BenchOptions,
  env: BenchEnvironment,
  deps: { pool: ClientPool; signer: TokenSigner; log: (line: string) => void },
): Promise<PresenceResult> {
  const tabs = options.presence.tabs;
  const users = Math.ceil(tabs / 2);
  const runs: PresenceRun[] = [];
  for (const presence of ['off', 'on'] as const) {
    runs.push(await runOnce(system, presence, tabs, users, env, deps));
    const run = runs.at(-1)!;
    const line = (name: string, p: PresencePhase, per: number) =>
      `${name}: scripts ${perTab(p.scripts, per)}, publishes ${perTab(p.publishes, per)}, all commands ${perTab(p.all, per)}`;
    deps.log(
      `  PRESENCE=${presence} (${tabs} tabs, ${users} users; per tab) ${line('connect', run.connect, tabs)}; ` +
        `${line('disconnect', run.disconnect, tabs)}; per user and heartbeat ${line('idle', run.idle, users * run.idle.heartbeats)}; connect took ${run.connect.ms} ms`,
    );
  }
  return { runs };
}

async function runOnce(
  system: SystemUnderTest,
  presence: 'on' | 'off',
  tabs: number,
  users: number,
  env: BenchEnvironment,
  deps: { pool: ClientPool; signer: TokenSigner },
): Promise<PresenceRun> {
  const prefix = `${env.prefix}-${presence}`;
  const admin = new Redis(env.redisUrl, { maxRetriesPerRequest: 1 });
  const server = await system.start({
    ...env,
    prefix,
    streamEnv: { PRESENCE: presence, STREAM_HEARTBEAT_MS: String(HEARTBEAT_MS) },
  });
  const group = `presence-${presence}`;
  try {
    // User k is watched by user k + 1, for longer than the run.
    const channels = createEventChannels(prefix);
    const pipeline = admin.pipeline();
    const until = Date.now() + 10 * 60_000;
    for (let user = 1; user <= users; user++) {
      pipeline.zadd(channels.userWatchers(String(user)), until, String((user % users) + 1));
    }
    await pipeline.exec();

    const specs = Array.from({ length: tabs }, (_, i) => {
      const userIndex = Math.floor(i / 2);
      const userId = String(userIndex + 1);
      return system.spec(userIndex, userId, system.needsToken ? deps.signer(userId) : undefined);
    });
    await admin.config('RESETSTAT');
    const opened = await deps.pool.connect(group, system.clientKind, server.url, specs, 50);
    if (opened.opened !== tabs) throw new Error(`${opened.opened} of ${tabs} tabs opened (${opened.firstError})`);
    await untilStreams(server.url, tabs);
    await untilPublishesSettle(admin);
    const connect = { ...(await phase(admin)), ms: Math.round(opened.ms) };

    await admin.config('RESETSTAT');
    await new Promise((resolve) => setTimeout(resolve, IDLE_HEARTBEATS * HEARTBEAT_MS));
    const idle = { ...(await phase(admin)), heartbeats: IDLE_HEARTBEATS };

    await admin.config('RESETSTAT');
    await deps.pool.closeGroup(group);
    await untilStreams(server.url, 0);
    await untilPublishesSettle(admin);
    const disconnect = await phase(admin);
    return { presence, tabs, users, heartbeatMs: HEARTBEAT_MS, connect, idle, disconnect };
  } finally {
    await deps.pool.closeGroup(group).catch(() => {});
    await server.stop();
    admin.disconnect();
  }
}

async function phase(admin: Redis): Promise<PresencePhase> {
  const info = await admin.info('commandstats');
  const calls: Record<string, number> = {};
  for (const [, name, count] of info.matchAll(/^cmdstat_([\w|]+):calls=(\d+)/gm)) {
    if (!/^(config|info)\b/.test(name!)) calls[name!] = Number(count);
  }
  const all = Object.values(calls).reduce((sum, count) => sum + count, 0);
  return { calls, scripts: (calls.evalsha ?? 0) + (calls.eval ?? 0), publishes: calls.publish ?? 0, all };
}

/**
 * Waits until the phase's last presence events are out: a write follows its stream's
 * open or close within a turn of the event loop, and its publishes follow the script's
 * answer. Done when the count of publishes held still for a second.
 */
async function untilPublishesSettle(admin: Redis): Promise<void> {
  let last = -1;
  for (;;) {
    // Publishes only: while users are connected, the heartbeat's refresh scripts go on.
    const { publishes } = await phase(admin);
    if (publishes === last) return;
    last = publishes;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

/** Waits until the service holds exactly `count` streams. */
async function untilStreams(url: string, count: number): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const text = await (await fetch(`${url}/metrics`)).text();
    if (new RegExp(`^messenger_stream_connections ${count}$`, 'm').test(text)) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`the service did not reach ${count} streams within 60 s`);
}

function perTab(count: number, tabs: number): string {
  return (count / tabs).toFixed(2);
}
