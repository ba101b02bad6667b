import type { Config } from '#libs/config';
import { createLogger } from '#libs/logger';
import {
  connectRedis,
  createChannelSubscriber,
  createRedisClient,
  type ChannelSubscriber,
  type RedisClient,
} from '#libs/redis';

/**
 * A command client and a channel subscriber for the Redis a test's services use
 * (their config: REDIS_URL, or the cluster of REDIS_CLUSTER_NODES), built as the
 * services build theirs, so the same test reads and listens on either.
 */
export interface TestRedis {
  redis: RedisClient;
  subscriber: ChannelSubscriber;
  close(): Promise<void>;
}

export async function connectTestRedis(config: Pick<Config, 'redisUrl' | 'redisCluster'>): Promise<TestRedis> {
  const logger = createLogger({ name: 'test-redis', level: 'silent' });
  const redis = createRedisClient(config, logger, { maxRetriesPerRequest: 1 });
  const subscriber = createChannelSubscriber(config, redis, logger);
  await Promise.all([connectRedis(redis, config), subscriber.connect()]);
  return {
    redis,
    subscriber,
    async close() {
      await subscriber.close();
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
