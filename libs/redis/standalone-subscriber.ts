import { EventEmitter } from 'node:events';
import type { Redis } from 'ioredis';
import type { ChannelSubscriber, SubscriberEvents } from './channel-subscriber';
import { connectRedis, createRedisClient, type RedisTarget } from './redis-client-factory';
import type { Logger } from '#libs/logger';

/**
 * The subscriber on one standalone Redis connection. ioredis reconnects it, without
 * resubscribing (autoResubscribe off: the caller decides what is still needed), and
 * subscribes issued while Redis is away wait for it rather than failing. Every
 * reconnect after the first connect loses all subscriptions: `lost('all')`.
 */
export function createStandaloneSubscriber(target: RedisTarget, logger: Logger): ChannelSubscriber {
  const redis: Redis = createRedisClient({ redisUrl: target.redisUrl, redisCluster: null }, logger, {
    autoResubscribe: false,
    maxRetriesPerRequest: null,
  }) as Redis;
  const emitter = new EventEmitter<SubscriberEvents>();
  let connected = false;
  redis.on('message', (channel: string, payload: string) => emitter.emit('message', channel, payload));
  redis.on('ready', () => {
    if (connected) emitter.emit('lost', 'all');
  });
  return Object.assign(emitter, {
    async subscribe(channels: readonly string[]) {
      await redis.subscribe(...channels);
    },
    async unsubscribe(channel: string) {
      await redis.unsubscribe(channel);
    },
    isReady: () => redis.status === 'ready',
    async connect() {
      try {
        await connectRedis(redis, target);
        connected = true;
      } catch (error) {
        redis.disconnect();
        throw error;
      }
    },
    async close() {
      await redis.quit().catch(() => redis.disconnect());
    },
  });
}
