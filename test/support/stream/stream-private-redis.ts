import { startPrivateRedis, type PrivateRedis } from '../infra/private-redis';
import { startStreamFixture, type StreamFixture } from './stream-fixture';

/**
 * A stream service on a Redis of its own, for stream tests that stop, flush or kill
 * clients of Redis (or read PUBSUB CHANNELS and must see this process's only).
 */
export async function startStreamOnPrivateRedis(): Promise<{ redis: PrivateRedis; fixture: StreamFixture }> {
  const redis = await startPrivateRedis();
  const fixture = await startStreamFixture({ REDIS_URL: redis.url });
  return { redis, fixture };
}

export async function stopStreamOnPrivateRedis(fixture: StreamFixture, redis: PrivateRedis): Promise<void> {
  await fixture.stop();
  await redis.stop();
}
