import type { Cluster } from 'ioredis';
import { loadConfig } from '#libs/config';
import { keySlot, type RedisClient } from '#libs/redis';
import { connectTestRedis, type TestRedis } from '../../test/support/infra/test-redis';
import { createEventChannels } from './channels';
import { parseCursor } from './cursor';
import { createEventAppender, type AppendRequest } from './event-appender';

// The append script on the cluster project's Redis Cluster (REDIS_CLUSTER_NODES), under
// a prefix of this file's own.
const channels = createEventChannels(`test-cluster-publish-${process.pid}-${Date.now()}`);
let testRedis: TestRedis;
let redis: RedisClient;
let appender: ReturnType<typeof createEventAppender>;
const published: { channel: string; payload: string }[] = [];
const users: string[] = [];

beforeAll(async () => {
  testRedis = await connectTestRedis(loadConfig(process.env));
  redis = testRedis.redis;
  appender = createEventAppender(redis, channels, { logMaxEvents: 1000, logTtlSeconds: 60, cursorTtlSeconds: 120 });
  testRedis.subscriber.on('message', (channel, payload) => published.push({ channel, payload }));
});

afterAll(async () => {
  for (const user of users) await redis.del(channels.userLog(user), channels.userHead(user));
  await testRedis.close();
});

/** `count` user ids whose slots are served by every master of the cluster. */
function usersOnEveryMaster(count: number): string[] {
  const masters = new Set<string>();
  const picked: string[] = [];
  for (let id = 1; picked.length < count || masters.size < 3; id++) {
    const user = `${Date.now() % 100_000}${id}`;
    const node = (redis as Cluster).slots[keySlot(channels.userHead(user))]?.[0] ?? 'unknown';
    if (picked.length < count || !masters.has(node)) {
      picked.push(user);
      masters.add(node);
    }
  }
  users.push(...picked);
  return picked;
}

function event(userId: string, seq: number): AppendRequest {
  return { userId, seq, type: 'read', data: JSON.stringify({ n: seq }), ts: 1_700_000_000_000 + seq };
}

async function waitForPublished(count: number): Promise<void> {
  const deadline = Date.now() + 5000;
  while (published.length < count) {
    if (Date.now() > deadline) throw new Error(`${published.length} of ${count} events published`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('events on a Redis Cluster', () => {
  test("When a user's keys and channel are named, then all three are in one slot, the one Redis computes (CLUSTER KEYSLOT)", async () => {
    expect(redis.isCluster).toBe(true);
    for (const user of ['1', '42', '987654321012', 'a{b}c']) {
      const names = [channels.userChannel(user), channels.userLog(user), channels.userHead(user)];
      const slots = await Promise.all(names.map((name) => redis.cluster('KEYSLOT', name)));
      expect(new Set(slots).size).toBe(1);
      expect(names.map(keySlot)).toEqual(slots);
    }
  });

  test("When events of users on every master are appended in one batch, then each is appended on its user's shard and published there, to its shard subscribers (SPUBLISH), in order", async () => {
    const batchUsers = usersOnEveryMaster(6);
    await testRedis.subscriber.subscribe(batchUsers.map((user) => channels.userChannel(user)));
    const outcomes = await appender.appendAll(batchUsers.flatMap((user) => [event(user, 1), event(user, 2)]));
    expect(outcomes.map((outcome) => (outcome.error ? outcome.error.message : outcome.status))).toEqual(
      batchUsers.flatMap(() => ['appended', 'appended']),
    );
    await waitForPublished(batchUsers.length * 2);
    for (const user of batchUsers) {
      const seqs = published
        .filter((p) => p.channel === channels.userChannel(user))
        .map((p) => parseCursor(JSON.parse(p.payload).cursor)!.seq);
      expect(seqs).toEqual([1, 2]);
      expect((await redis.xrange(channels.userLog(user), '-', '+')).map(([id]) => id)).toEqual(['1-0', '2-0']);
    }
  });
});
