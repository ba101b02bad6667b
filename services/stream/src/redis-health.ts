import type { Redis } from 'ioredis';

const PING_TIMEOUT_MS = 1000;

/**
 * Healthy when the command connection answers a PING within a second and the
 * subscriber is connected: without either, streams cannot be caught up or fed.
 */
export async function isRedisHealthy(redis: Redis, subscriber: Redis): Promise<boolean> {
  if (subscriber.status !== 'ready' || redis.status !== 'ready') return false;
  let timer: NodeJS.Timeout | undefined;
  try {
    const answered = await Promise.race([
      redis.ping().then((reply) => reply === 'PONG'),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), PING_TIMEOUT_MS);
      }),
    ]);
    return answered;
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}
