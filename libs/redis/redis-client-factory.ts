import { Redis, type RedisOptions } from 'ioredis';
import { redactUrl } from '#libs/config';
import type { Logger } from '#libs/logger';

/**
 * A Redis connection (not yet connected: see connectRedis) that logs its errors instead of crashing the process on an
 * unhandled 'error' event, and keeps retrying with a capped backoff. Callers own it
 * and close it with `quit()`.
 */
export function createRedisClient(url: string, logger: Logger, options: RedisOptions = {}): Redis {
  const redis = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 2,
    retryStrategy: (attempt) => Math.min(50 * 2 ** attempt, 2000),
    ...options,
  });
  let lastError = '';
  redis.on('error', (error: Error) => {
    // A down Redis errors on every retry; log each distinct failure once.
    if (error.message === lastError) return;
    lastError = error.message;
    logger.warn({ err: error.message }, 'redis connection error');
  });
  redis.on('ready', () => {
    lastError = '';
  });
  return redis;
}

/** Connects now and fails fast with a clear error instead of queueing commands. */
export async function connectRedis(redis: Redis, url: string): Promise<void> {
  try {
    await redis.connect();
  } catch {
    // connect() resolves once even while retrying, so probe explicitly below.
  }
  try {
    await Promise.race([
      redis.ping(),
      new Promise((_, reject) => setTimeout(() => reject(new Error('timed out')), 3000).unref()),
    ]);
  } catch (error) {
    throw new Error(
      `Cannot reach Redis at ${redactUrl(url)} (${(error as Error).message}). ` +
        'Start one with: docker compose up -d postgres redis',
      { cause: error },
    );
  }
}
