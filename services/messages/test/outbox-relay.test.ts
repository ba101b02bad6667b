import { Redis } from 'ioredis';
import pg from 'pg';
import { createEventChannels, parseCursor, createEventAppender, type EventAppender } from '#libs/events';
import { createDatabase, createDatabasePool, type Database } from '#libs/db';
import { createLogger } from '#libs/logger';
import { createPrivateDatabase, type PrivateDatabase } from '../../../test/support/infra/private-database';
import { createMessageRepository, type MessageRepository } from '../src/data/message-repository';
import { createOutboxRelay } from '../src/outbox/outbox-relay';
import { relayBatch } from '../src/outbox/relay-batch';

// The relay on its own, cycle by cycle, against real PostgreSQL and Redis: a database
// of this file's own (no other relay takes its rows) and the shared Redis under a
// prefix of this run's own (its user ids start at 1 again every run).
const channels = createEventChannels(`test-relay-${process.pid}-${Date.now()}`);
let database: PrivateDatabase;
let db: Database;
let pool: pg.Pool;
let redis: Redis;
let subscriber: Redis;
let appender: EventAppender;
let messages: MessageRepository;
const published = new Map<string, number[]>();

beforeAll(async () => {
  database = await createPrivateDatabase('relay');
  // The repository's pool, under Prisma too (as in the service); `pool` is the relay's.
  const databasePool = createDatabasePool(database.url, { poolSize: 4 });
  db = createDatabase(databasePool);
  pool = new pg.Pool({ connectionString: database.url, max: 4 });
  // An idle pooled connection the server ends (as an administrator's terminate does)
  // emits here; unhandled, it fails whichever test runs then. The next query opens a new one.
  for (const each of [pool, databasePool]) each.on('error', () => {});
  redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  subscriber = redis.duplicate();
  appender = createEventAppender(redis, channels, { logMaxEvents: 1000, logTtlSeconds: 60, cursorTtlSeconds: 120 });
  messages = createMessageRepository(db, databasePool);
  subscriber.on('pmessage', (_pattern: string, channel: string, payload: string) => {
    const userId = channels.userIdOf(channel)!;
    const seqs = published.get(userId) ?? [];
    seqs.push(parseCursor(JSON.parse(payload).cursor)!.seq);
    published.set(userId, seqs);
  });
  await subscriber.psubscribe(channels.userChannel('*'));
});

afterAll(async () => {
  const keys = await redis.keys(channels.userHead('*').replace(':head', ':*'));
  if (keys.length > 0) await redis.del(...keys);
  subscriber?.disconnect();
  await redis?.quit();
  await pool?.end();
  await db?.$disconnect();
  await database?.drop();
});

let userCount = 0;

/** Two users and their conversation, written straight to the database. */
async function pair(): Promise<{ a: string; b: string; conversationId: string }> {
  const [a, b] = await Promise.all(
    [0, 1].map(async () => {
      userCount += 1;
      const name = `relay_${userCount}`;
      return (await db.user.create({ data: { username: name, usernameKey: name } })).id;
    }),
  );
  const conversation = await db.conversation.create({
    data: { userLowId: a!, userHighId: b!, participants: { create: [{ userId: a! }, { userId: b! }] } },
  });
  return { a: String(a), b: String(b), conversationId: String(conversation.id) };
}

async function outboxSize(): Promise<number> {
  const [row] = await db.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM outbox_events`;
  return row!.n;
}

/** What the user's channel got so far (a PING answered on the subscriber comes after every earlier message). */
async function publishedTo(userId: string): Promise<number[]> {
  await subscriber.ping();
  return published.get(userId) ?? [];
}

test('When three relays drain one outbox while messages keep coming, then every event reaches Redis once, in its user’s order', async () => {
  const pairs = await Promise.all(Array.from({ length: 4 }, pair));
  const silent = createLogger({ name: 'relay', level: 'silent' });
  // Small batches and separate pools, so the relays really interleave.
  const pools = Array.from({ length: 3 }, () => new pg.Pool({ connectionString: database.url, max: 2 }));
  for (const relayPool of pools) relayPool.on('error', () => {});
  const relays = pools.map((relayPool) =>
    createOutboxRelay({ pool: relayPool, appender, logger: silent, settings: { batchSize: 7, pollMs: 20 } }),
  );
  for (const relay of relays) relay.start();
  const sends = pairs.flatMap(({ a, b, conversationId }) =>
    Array.from({ length: 40 }, (_, i) => async () => {
      await messages.insert(conversationId, i % 2 ? a : b, `m${i}`);
      relays[i % 3]!.nudge();
    }),
  );
  // Eight writers at a time.
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      for (let send = sends.shift(); send; send = sends.shift()) await send();
    }),
  );
  const deadline = Date.now() + 15_000;
  while ((await outboxSize()) > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  await Promise.all(relays.map((relay) => relay.stop()));
  await Promise.all(pools.map((relayPool) => relayPool.end()));

  expect(await outboxSize()).toBe(0);
  for (const { a, b } of pairs) {
    for (const user of [a, b]) expect(await publishedTo(user)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
  }
});

test('When rows come back after Redis had them (their deletion was lost in a crash), then they are deleted without being published again', async () => {
  const { a, b, conversationId } = await pair();
  await messages.insert(conversationId, a, 'once');
  const { rows } = await pool.query('SELECT * FROM outbox_events WHERE user_id IN ($1, $2)', [a, b]);
  expect(await relayBatch(pool, appender, 100)).toMatchObject({ relayed: 2 });
  await pool.query('INSERT INTO outbox_events SELECT * FROM json_populate_recordset(NULL::outbox_events, $1)', [
    JSON.stringify(rows),
  ]);

  expect(await relayBatch(pool, appender, 100)).toMatchObject({ claimed: 2, relayed: 2, waiting: 0 });
  expect(await outboxSize()).toBe(0);
  expect(await publishedTo(a)).toEqual([1]);
  expect(await publishedTo(b)).toEqual([1]);
});

test('When an earlier row of the user is held by another relay, then the later ones wait, and follow it in order', async () => {
  const { a, b, conversationId } = await pair();
  await messages.insert(conversationId, a, 'first');
  await relayBatch(pool, appender, 100);
  await messages.insert(conversationId, a, 'second');
  await messages.insert(conversationId, b, 'third');

  // Another relay's transaction holds both users' second event.
  const other = await pool.connect();
  try {
    await other.query('BEGIN');
    await other.query('SELECT 1 FROM outbox_events WHERE seq = 2 AND user_id IN ($1, $2) FOR UPDATE', [a, b]);
    expect(await relayBatch(pool, appender, 100)).toMatchObject({ claimed: 2, relayed: 0, waiting: 2 });
    expect(await publishedTo(a)).toEqual([1]);
  } finally {
    await other.query('ROLLBACK');
    other.release();
  }
  expect(await relayBatch(pool, appender, 100)).toMatchObject({ claimed: 4, relayed: 4, waiting: 0, newEpochs: 0 });
  expect(await publishedTo(a)).toEqual([1, 2, 3]);
  expect(await publishedTo(b)).toEqual([1, 2, 3]);
});

test('When Redis lost entries it had acknowledged, then the next event starts a new epoch instead of waiting forever', async () => {
  const { a, b, conversationId } = await pair();
  await messages.insert(conversationId, a, 'first');
  await messages.insert(conversationId, a, 'second');
  await relayBatch(pool, appender, 100);
  const before = await redis.hgetall(channels.userHead(b));
  // As after a restart from an append-only file that lacked its last second: seq 2 is gone from Redis.
  await redis.hset(channels.userHead(b), 'top', 1);
  await redis.xdel(channels.userLog(b), '2-0');

  await messages.insert(conversationId, a, 'third');
  // Bob's log starts a new epoch (his streams resync); Alice's did not lose anything.
  expect(await relayBatch(pool, appender, 100)).toMatchObject({ relayed: 2, waiting: 0, newEpochs: 1 });
  const after = await redis.hgetall(channels.userHead(b));
  expect(after).toEqual({ epoch: expect.any(String), base: '2', top: '3' });
  expect(Number(after.epoch)).toBeGreaterThan(Number(before.epoch));
  // Alice's log lost nothing: it goes on in its epoch.
  expect(await redis.hgetall(channels.userHead(a))).toMatchObject({ base: '0', top: '3' });
});

test('When a message is deleted before its event is relayed, then its rows are dropped and the users’ next events start new epochs', async () => {
  const { a, b, conversationId } = await pair();
  await messages.insert(conversationId, a, 'first');
  await relayBatch(pool, appender, 100);
  const gone = await messages.insert(conversationId, a, 'deleted before relaying');
  await db.$executeRaw`DELETE FROM messages WHERE id = ${BigInt(gone!.id)}`;
  expect(await relayBatch(pool, appender, 100)).toMatchObject({ claimed: 2, relayed: 0, undeliverable: 2 });

  await messages.insert(conversationId, b, 'next');
  expect(await relayBatch(pool, appender, 100)).toMatchObject({ relayed: 2, newEpochs: 2 });
  for (const user of [a, b]) {
    expect(await redis.hgetall(channels.userHead(user))).toMatchObject({ base: '2', top: '3' });
    expect(await publishedTo(user)).toEqual([1, 3]);
  }
});
