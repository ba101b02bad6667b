import type { Redis } from 'ioredis';
import { withTimeout } from '#libs/async';

const PING_TIMEOUT_MS = 1000;

/**
 * Healthy when the command connection answers a PING within a second and the
 * subscriber is connected: without either, streams cannot be caught up or fed.
 */
export async function isRedisHealthy(redis: Redis, subscriber: Redis): Promise<boolean> {
  if (subscriber.status !== 'ready' || redis.status !== 'ready') return false;
  try {
    return (await withTimeout(redis.ping(), PING_TIMEOUT_MS)) === 'PONG';
  } catch {
    return false;
  }
}
