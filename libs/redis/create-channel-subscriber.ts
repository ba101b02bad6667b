import type { Cluster } from 'ioredis';
import type { Logger } from '#libs/logger';
import type { ChannelSubscriber } from './channel-subscriber';
import type { RedisClient, RedisTarget } from './redis-client-factory';
import { createShardedSubscriber } from './sharded-subscriber';
import { createStandaloneSubscriber } from './standalone-subscriber';

/**
 * The subscriber for the target: sharded, on a cluster (with `commands`, the cluster
 * client, for its slot map), or one connection of its own to a standalone Redis.
 */
export function createChannelSubscriber(target: RedisTarget, commands: RedisClient, logger: Logger): ChannelSubscriber {
  return target.redisCluster
    ? createShardedSubscriber(commands as Cluster, target.redisCluster, logger)
    : createStandaloneSubscriber(target, logger);
}
