import { randomInt } from 'node:crypto';
import { createTokenService } from '#libs/auth';
import type { Config } from '#libs/config';
import type { Message, ReadReceipt } from '#libs/contract';
import { createEventChannels, type EventChannels, createEventAppender } from '#libs/events';
import { createLogger } from '#libs/logger';
import { createRedisClient, type RedisClient } from '#libs/redis';
import { start, type StreamDeps, type StreamServer } from '../../../services/stream/src/server';
import { TEST_JWT_SECRET, testConfig } from '../product/test-config';

/**
 * A stream service started the way production starts it (`start(config)` on port 0),
 * plus what its tests need around it: a publisher standing in for the messages
 * service's outbox relay (the same append script, with its own per-user sequence), a
 * token signer with the same secret, and unique user ids.
 */

/** A random 12-digit user id: unique enough for test files sharing one Redis. */
export function uniqueUserId(): string {
  return String(randomInt(100_000_000_000, 999_999_999_999));
}

export const tokens = createTokenService({
  jwtSecret: TEST_JWT_SECRET,
  tokenTtlSeconds: 3600,
  streamTokenTtlSeconds: 300,
});

export function sessionToken(userId: string): string {
  return tokens.sign(userId, 'session').token;
}

export interface EventPublisherFixture {
  redis: RedisClient;
  /** Appends and publishes the user's next event, as the relay would; resolves with its cursor. */
  publishMessage(userId: string, content?: string, extra?: Partial<Message>): Promise<string>;
  publishRead(userId: string, data: ReadReceipt): Promise<string>;
  /**
   * Puts the user's next event in the log without publishing it: as if its pub/sub
   * message got lost on the way. Resolves with its cursor.
   */
  appendUnpublished(userId: string, content?: string): Promise<string>;
  /** Publishes any payload on a channel as the append script would (SPUBLISH on a cluster), bypassing the log. */
  publishRaw(channel: string, payload: string): Promise<void>;
  close(): Promise<void>;
}

// Per user, shared by every publisher of the process: like PostgreSQL's event counters,
// a user's sequence goes on whichever publisher appends and whatever Redis forgot.
const lastSeq = new Map<string, number>();

export function createTestPublisher(config: Config): EventPublisherFixture {
  const redis = createRedisClient(config, createLogger({ name: 'test-publisher', level: 'silent' }), {
    maxRetriesPerRequest: 1,
  });
  const channels = createEventChannels(config.events.prefix);
  const appender = createEventAppender(redis, channels, config.events);
  let messageId = 0;
  async function publish(userId: string, type: 'message' | 'read', data: object): Promise<string> {
    // Taken at once (publishes sent together are numbered in call order, as the pipeline
    // runs them) and given back when the append fails, as a rolled-back transaction would.
    const seq = (lastSeq.get(userId) ?? 0) + 1;
    lastSeq.set(userId, seq);
    let answer;
    try {
      const event = { userId, seq, type, data: JSON.stringify(data), ts: Date.now() };
      answer = await appender.append(event);
      // As the relay does when no earlier event is queued: they were appended and Redis forgot them.
      if (answer.status === 'gap') answer = await appender.append({ ...event, allowNewEpoch: true });
    } catch (error) {
      if (lastSeq.get(userId) === seq) lastSeq.set(userId, seq - 1);
      throw error;
    }
    if (answer.status !== 'appended') throw new Error(`append of ${userId}:${seq} answered ${answer.status}`);
    return answer.cursor;
  }
  return {
    redis,
    publishMessage(userId, content = 'hello', extra = {}) {
      messageId += 1;
      const data: Message = {
        id: String(messageId),
        content,
        conversationId: '1',
        createdAt: new Date().toISOString(),
        mine: false,
        ...extra,
      };
      return publish(userId, 'message', data);
    },
    publishRead: (userId, data) => publish(userId, 'read', data),
    async appendUnpublished(userId, content = 'unpublished') {
      const seq = (lastSeq.get(userId) ?? 0) + 1;
      const epoch = await redis.hget(channels.userHead(userId), 'epoch');
      if (!epoch) throw new Error(`user ${userId} has no head to append to`);
      const data = JSON.stringify({ id: `u${seq}`, content, conversationId: '1', createdAt: '', mine: false });
      await redis.xadd(channels.userLog(userId), `${seq}-0`, 'type', 'message', 'data', data, 'ts', Date.now());
      await redis.hset(channels.userHead(userId), 'top', seq);
      lastSeq.set(userId, seq);
      return `${epoch}:${seq}`;
    },
    async publishRaw(channel, payload) {
      await (redis.isCluster ? redis.spublish(channel, payload) : redis.publish(channel, payload));
    },
    async close() {
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}

export interface StreamFixture {
  server: StreamServer;
  url: string;
  config: Config;
  /** The Redis names the service uses (its EVENTS_PREFIX). */
  channels: EventChannels;
  publisher: EventPublisherFixture;
  stop(): Promise<void>;
}

export async function startStreamFixture(
  overrides: Record<string, string> = {},
  deps?: StreamDeps,
): Promise<StreamFixture> {
  const config = testConfig(overrides);
  const server = await start(config, deps);
  const publisher = createTestPublisher(config);
  return {
    server,
    url: server.url,
    config,
    channels: createEventChannels(config.events.prefix),
    publisher,
    async stop() {
      await Promise.all([server.stop(), publisher.close()]);
    },
  };
}

export type UsedStreamFixture = Omit<StreamFixture, 'stop'>;

/**
 * One stream service (and its test publisher) for a test file: started in beforeAll,
 * stopped in afterAll, as useMessagesApp does for the messages service. Its fields are
 * read inside tests and hooks.
 */
export function useStreamFixture(overrides: Record<string, string> = {}, deps?: StreamDeps): UsedStreamFixture {
  let fixture: StreamFixture | undefined;
  const running = () => {
    if (!fixture) throw new Error('the stream fixture is not running (used outside a test or hook?)');
    return fixture;
  };
  beforeAll(async () => {
    fixture = await startStreamFixture(overrides, deps);
  });
  afterAll(() => fixture?.stop());
  return {
    get server() {
      return running().server;
    },
    get url() {
      return running().url;
    },
    get config() {
      return running().config;
    },
    get channels() {
      return running().channels;
    },
    get publisher() {
      return running().publisher;
    },
  };
}

/** Resolves once the server holds exactly `count` open streams (it sees a client's close a moment after the client). */
export async function untilOpenStreams(
  fixture: Pick<StreamFixture, 'server'>,
  count: number,
  timeoutMs = 5000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (fixture.server.stats().connections !== count) {
    if (Date.now() > deadline)
      throw new Error(`expected ${count} open streams, found ${fixture.server.stats().connections}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}
