import type { Redis } from 'ioredis';
import { createEventChannels, createPresenceStore } from '#libs/events';
import { startCountingProxy, type CountingProxy } from '../../../test/support/infra/counting-proxy';
import { useMessagesApp } from '../../../test/support/messages/messages-app';
import { loginUser, startConversation } from '../../../test/support/messages/messages-client';
import { createPrivateDatabase, type PrivateDatabase } from '../../../test/support/infra/private-database';
import { startPrivateRedis, type PrivateRedis } from '../../../test/support/infra/private-redis';

// The list page reads its participants' presence in one Redis round trip, whatever its
// length. Counted on a redis-server of this file's own (INFO commandstats), reached
// through a proxy that counts the service's writes; on a database of its own, so no
// other test's outbox comes through this Redis.
let redis: PrivateRedis;
let database: PrivateDatabase;
let proxy: CountingProxy;
let admin: Redis;

beforeAll(async () => {
  [redis, database] = await Promise.all([startPrivateRedis(), createPrivateDatabase('presence_round_trip')]);
  proxy = await startCountingProxy({ host: '127.0.0.1', port: redis.port });
  admin = redis.client();
  await admin.ping();
});
const service = useMessagesApp(() => ({ env: { REDIS_URL: proxy.url, DATABASE_URL: database.url } }));
const { api } = service;
afterAll(async () => {
  await proxy?.stop();
  await redis?.stop();
  await database?.drop();
});

/** Calls per command since the last CONFIG RESETSTAT, without the admin's own INFO. */
async function commandCalls(): Promise<Record<string, number>> {
  const info = await admin.info('commandstats');
  const calls: Record<string, number> = {};
  for (const [, name, count] of info.matchAll(/^cmdstat_(\w+):calls=(\d+)/gm)) {
    if (name !== 'info') calls[name!] = Number(count);
  }
  return calls;
}

test('When a page of 12 conversations is listed, then the presence of every partner is read in one round trip of one command per partner, and each reads right', async () => {
  const alice = await loginUser(api);
  const partners = await Promise.all(Array.from({ length: 12 }, () => loginUser(api)));
  for (const partner of partners) await startConversation(api, alice, partner);
  // A third online (an instance keeps them alive), a third seen an hour ago, a third never seen.
  const store = createPresenceStore(admin, createEventChannels(service.app.config.events.prefix));
  const now = Date.now();
  const hourAgo = now - 3_600_000;
  await store.update(
    'instance-a',
    partners.slice(0, 4).map((p) => ({ userId: p.id, aliveUntil: now + 60_000 })),
  );
  await store.update(
    'instance-b',
    partners.slice(4, 8).map((p) => ({ userId: p.id, aliveUntil: hourAgo + 1 })),
    hourAgo,
  );
  await store.update(
    'instance-b',
    partners.slice(4, 8).map((p) => ({ userId: p.id, aliveUntil: 0 })),
    hourAgo,
  );

  await admin.config('RESETSTAT');
  proxy.reset();
  const page = await api.get('/api/conversations?limit=50', { token: alice.token });
  const writes = proxy.writes();
  const calls = await commandCalls();

  expect(page.status).toBe(200);
  expect(page.body).toHaveLength(12);
  expect(writes).toBe(1);
  expect(calls).toEqual({ zrevrange: 12 });
  const byId = new Map(
    page.body.map((c: { otherParticipant: { id: string } }) => [c.otherParticipant.id, c.otherParticipant]),
  );
  for (const [i, partner] of partners.entries()) {
    const expected =
      i < 4
        ? { online: true, lastSeenAt: null }
        : i < 8
          ? { online: false, lastSeenAt: new Date(hourAgo).toISOString() }
          : { online: false, lastSeenAt: null };
    expect(byId.get(partner.id)).toMatchObject(expected);
  }
});

test('When Redis cannot answer, then the page is still served, without the presence fields', async () => {
  const alice = await loginUser(api);
  const bob = await loginUser(api);
  await startConversation(api, alice, bob);
  await proxy.stop();
  try {
    const page = await api.get('/api/conversations', { token: alice.token });
    expect(page.status).toBe(200);
    expect(page.body[0].otherParticipant).toEqual({ id: bob.id, username: bob.username, avatarUrl: null });
  } finally {
    proxy = await startCountingProxy({ host: '127.0.0.1', port: redis.port });
  }
});
