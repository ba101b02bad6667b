import { Emitter } from '@socket.io/redis-emitter';
import { Redis } from 'ioredis';
import { createEventChannels, createEventAppender } from '#libs/events';
import { seededRandom } from '../harness/connection-layout';
import { fanOutPayload } from '../harness/probe';
import { serveRpc } from '../harness/worker-rpc';

/**
 * The publisher, in a process of its own. Each system gets events the way its users
 * would publish them:
 *  - product: the product's own append script (libs/events/event-appender.ts: the
 *    user's head, XADD to the capped log, EXPIREs and PUBLISH, in one Lua script), with
 *    a per-user sequence as the messages service's outbox relay gives it;
 *  - raw: a bare PUBLISH of the same JSON on the user's channel;
 *  - socketio: @socket.io/redis-emitter to the user's room.
 * Events go to users drawn from the same seeded sequence for every system, at a
 * fixed rate, ticking every millisecond. The send time is taken right before each
 * publish call.
 */
export type PublisherMode = 'product' | 'raw' | 'socketio';

export interface PublisherConfiguration {
  mode: PublisherMode;
  redisUrl: string;
  prefix: string;
  tabsPerUser: number[];
  /** The product's event log settings (its defaults). */
  maxEvents: number;
  ttlSeconds: number;
  headTtlSeconds: number;
  seed: number;
}

const MAX_IN_FLIGHT = 20_000;

let publishOne: ((userIndex: number, step: number, seq: number) => Promise<unknown> | void) | undefined;
let flush: () => Promise<unknown> = async () => {};
let config: PublisherConfiguration | undefined;
let random = seededRandom(1);
let redis: Redis | undefined;

/** Users are numbered from 1 (the product's user ids are positive integers). */
export const userIdOf = (userIndex: number) => String(userIndex + 1);

async function configure(params: PublisherConfiguration) {
  config = params;
  random = seededRandom(params.seed);
  redis?.disconnect();
  redis = new Redis(params.redisUrl, { maxRetriesPerRequest: 1 });
  await redis.ping();
  const client = redis;
  const channels = createEventChannels(params.prefix);
  if (params.mode === 'product') {
    const appender = createEventAppender(client, channels, {
      maxEvents: params.maxEvents,
      logTtlSeconds: params.ttlSeconds,
      headTtlSeconds: params.headTtlSeconds,
    });
    // Numbered in call order, which is the order ioredis sends the scripts in.
    const lastSeq = new Map<number, number>();
    publishOne = async (userIndex, step, seq) => {
      const userId = userIdOf(userIndex);
      const userSeq = (lastSeq.get(userIndex) ?? 0) + 1;
      lastSeq.set(userIndex, userSeq);
      const data = JSON.stringify(fanOutPayload(step, seq, userId));
      const { status } = await appender.append({ userId, seq: userSeq, type: 'message', data, ts: Date.now() });
      if (status !== 'appended') throw new Error(`append answered ${status}`);
    };
  } else if (params.mode === 'raw') {
    publishOne = (userIndex, step, seq) => {
      const userId = userIdOf(userIndex);
      return client.publish(channels.userChannel(userId), JSON.stringify(fanOutPayload(step, seq, userId)));
    };
  } else {
    const emitter = new Emitter(client);
    publishOne = (userIndex, step, seq) => {
      const userId = userIdOf(userIndex);
      emitter.to(`user:${userId}`).emit('message', fanOutPayload(step, seq, userId));
    };
  }
  // The emitter does not return the PUBLISH promise: a PING after the last publish
  // resolves once Redis has taken everything before it.
  flush = () => client.ping();
  return { ok: true };
}

async function run(params: { step: number; deliveriesPerSecond: number; durationMs: number }) {
  if (!publishOne || !config) throw new Error('not configured');
  const { tabsPerUser } = config;
  const users = tabsPerUser.length;
  const connections = tabsPerUser.reduce((a, b) => a + b, 0);
  const publishesPerMs = params.deliveriesPerSecond / (connections / users) / 1000;
  const expectedPerUser = new Array<number>(users).fill(0);
  let sent = 0;
  let inFlight = 0;
  let errors = 0;
  let firstError: string | undefined;
  let maxLagMs = 0;
  const started = performance.now();
  for (;;) {
    const elapsed = performance.now() - started;
    if (elapsed >= params.durationMs) break;
    const due = Math.floor(elapsed * publishesPerMs) + 1;
    while (sent < due && inFlight < MAX_IN_FLIGHT) {
      const userIndex = Math.floor(random() * users);
      const seq = ++sent;
      expectedPerUser[userIndex]!++;
      const pending = publishOne(userIndex, params.step, seq);
      if (pending) {
        inFlight++;
        pending.then(
          () => inFlight--,
          (error: Error) => {
            inFlight--;
            errors++;
            expectedPerUser[userIndex]!--;
            firstError ??= error.message;
          },
        );
      }
    }
    maxLagMs = Math.max(maxLagMs, (due - sent) / publishesPerMs);
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  const publishingMs = performance.now() - started;
  await flush();
  while (inFlight > 0) await new Promise((resolve) => setTimeout(resolve, 5));
  const expectedDeliveries = expectedPerUser.reduce((sum, count, user) => sum + count * tabsPerUser[user]!, 0);
  return {
    published: sent - errors,
    errors,
    firstError,
    expectedPerUser,
    expectedDeliveries,
    publishedPerSecond: (sent / publishingMs) * 1000,
    maxLagMs: Math.round(maxLagMs),
  };
}

serveRpc({
  ping: () => ({ pid: process.pid }),
  configure,
  run,
  close: async () => {
    await redis?.quit();
    return { ok: true };
  },
});
