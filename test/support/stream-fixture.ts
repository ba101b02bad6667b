import { randomInt } from 'node:crypto';
import { Redis } from 'ioredis';
import { createTokenService } from '../../libs/auth/token-service';
import { loadConfig, type Config } from '../../libs/config/config';
import { createEventChannels } from '../../libs/events/channels';
import { createEventPublisher } from '../../libs/events/event-publisher';
import type { MessageEventData, ReadEventData } from '../../libs/events/event-types';
import { start, type StreamDeps, type StreamServer } from '../../services/stream/src/server';

/**
 * A stream service started the way production starts it (`start(config)` on port 0),
 * plus what its tests need around it: a publisher using the messages service's own
 * publishing code, a token signer with the same secret, and unique user ids.
 */
export const TEST_JWT_SECRET = 'stream-tests-secret-0123456789abcdef';

export function streamTestConfig(overrides: Record<string, string> = {}): Config {
  return loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    STREAM_PORT: '0',
    REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    JWT_SECRET: TEST_JWT_SECRET,
    // Tests stop servers with streams open; spreading the goodbyes over seconds would only slow them.
    STREAM_SHUTDOWN_SPREAD_MS: '100',
    ...overrides,
  });
}

/** A random 12-digit user id: unique enough for test files sharing one Redis. */
export function uniqueUserId(): string {
  return String(randomInt(100_000_000_000, 999_999_999_999));
}

export const tokens = createTokenService({ secret: TEST_JWT_SECRET, sessionTtlSeconds: 3600, streamTtlSeconds: 300 });

export function sessionToken(userId: string): string {
  return tokens.sign(userId, 'session').token;
}

export interface EventPublisherFixture {
  redis: Redis;
  publishMessage(userId: string, content?: string, extra?: Partial<MessageEventData>): Promise<string>;
  publishRead(userId: string, data: ReadEventData): Promise<string>;
  close(): Promise<void>;
}

export function createTestPublisher(config: Config): EventPublisherFixture {
  const redis = new Redis(config.redisUrl, { maxRetriesPerRequest: 1 });
  const publisher = createEventPublisher(redis, createEventChannels(config.events.prefix), {
    maxEvents: config.events.logMaxEvents,
    ttlSeconds: config.events.logTtlSeconds,
  });
  let messageId = 0;
  return {
    redis,
    async publishMessage(userId, content = 'hello', extra = {}) {
      messageId += 1;
      const data: MessageEventData = {
        id: String(messageId),
        content,
        conversationId: '1',
        createdAt: new Date().toISOString(),
        mine: false,
        ...extra,
      };
      return (await publisher.publish(userId, 'message', data)).cursor;
    },
    async publishRead(userId, data) {
      return (await publisher.publish(userId, 'read', data)).cursor;
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
  publisher: EventPublisherFixture;
  stop(): Promise<void>;
}

export async function startStreamFixture(
  overrides: Record<string, string> = {},
  deps?: StreamDeps,
): Promise<StreamFixture> {
  const config = streamTestConfig(overrides);
  const server = await start(config, deps);
  const publisher = createTestPublisher(config);
  return {
    server,
    url: server.url,
    config,
    publisher,
    async stop() {
      await Promise.all([server.stop(), publisher.close()]);
    },
  };
}
