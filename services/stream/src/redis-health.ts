import { isRedisServing, type ChannelSubscriber, type RedisClient } from '#libs/redis';

const PING_TIMEOUT_MS = 1000;

/**
 * Healthy when Redis serves every user's slot (a PING answered within a second; on a
 * cluster, `cluster_state:ok`) and the subscriber holds every subscription: without
 * either, streams cannot be caught up or fed.
 */
export async function isRedisHealthy(redis: RedisClient, subscriber: ChannelSubscriber): Promise<boolean> {
  if (!subscriber.isReady() || redis.status !== 'ready') return false;
  return isRedisServing(redis, PING_TIMEOUT_MS);
}
