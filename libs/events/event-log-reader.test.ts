import { Redis } from 'ioredis';
import { createEventChannels } from './channels';
import { createEventLogReader } from './event-log-reader';
import { createEventPublisher } from './event-publisher';

// The log reader against the shared Redis, under a prefix of this file's own.
const channels = createEventChannels(`test-log-reader-${process.pid}-${Date.now()}`);
let redis: Redis;
let userSeq = 0;

beforeAll(() => {
  redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
});
afterAll(async () => {
  await redis.quit();
});

function newUser() {
  userSeq += 1;
  return String(userSeq);
}

async function publishMany(userId: string, count: number, maxEvents = 1000): Promise<string[]> {
  const publisher = createEventPublisher(redis, channels, { maxEvents, ttlSeconds: 60 });
  const cursors: string[] = [];
  for (let i = 0; i < count; i++) {
    const { cursor } = await publisher.publish(userId, 'read', { conversationId: '1', userId: '2', readAt: String(i) });
    cursors.push(cursor);
  }
  return cursors;
}

afterEach(async () => {
  for (let id = 1; id <= userSeq; id++) await redis.del(channels.userLog(String(id)));
});

describe('event log reader', () => {
  test('When a cursor is inside the log, then every later event is returned in order', async () => {
    const user = newUser();
    const cursors = await publishMany(user, 5);
    const result = await createEventLogReader(redis, channels).since(user, cursors[1]!);
    expect(result).toEqual({ kind: 'replay', events: expect.any(Array), latestCursor: cursors[4] });
    expect(result.kind === 'replay' && result.events.map((e) => e.cursor)).toEqual(cursors.slice(2));
  });

  test('When the cursor is the newest, then the replay is empty', async () => {
    const user = newUser();
    const cursors = await publishMany(user, 3);
    const reader = createEventLogReader(redis, channels);
    expect(await reader.latest(user)).toBe(cursors[2]);
    expect(await reader.since(user, cursors[2]!)).toEqual({ kind: 'replay', events: [], latestCursor: cursors[2] });
  });

  test('When entries after the cursor were trimmed, then the answer is resync, also for "0-0"', async () => {
    const user = newUser();
    // MAXLEN ~ trims whole stream nodes (100 entries each), so publish well past one node.
    const cursors = await publishMany(user, 250, 1);
    const reader = createEventLogReader(redis, channels);
    expect(await reader.since(user, cursors[0]!)).toMatchObject({
      kind: 'resync',
      reason: 'cursor is older than the replay window',
      latestCursor: cursors[249],
    });
    expect(await reader.since(user, '0-0')).toMatchObject({
      kind: 'resync',
      reason: 'cursor is older than the replay window',
    });
  });

  test('When the log was recreated after the cursor was issued, then the answer is resync', async () => {
    const user = newUser();
    const [old] = await publishMany(user, 1);
    await redis.del(channels.userLog(user));
    await new Promise((resolve) => setTimeout(resolve, 2));
    await publishMany(user, 2);
    expect(await createEventLogReader(redis, channels).since(user, old!)).toMatchObject({
      kind: 'resync',
      reason: 'cursor predates the event log',
    });
  });

  test('When the log is gone, then a client that saw events must resync and one that saw none replays nothing', async () => {
    const user = newUser();
    const reader = createEventLogReader(redis, channels);
    expect(await reader.since(user, '1700000000000-0')).toMatchObject({ kind: 'resync', reason: 'event log is gone' });
    expect(await reader.since(user, '0-0')).toEqual({ kind: 'replay', events: [], latestCursor: '0-0' });
  });

  test('When the cursor is newer than the log or malformed, then the answer is resync', async () => {
    const user = newUser();
    const cursors = await publishMany(user, 1);
    const reader = createEventLogReader(redis, channels);
    const [ms] = cursors[0]!.split('-');
    expect(await reader.since(user, `${Number(ms) + 60_000}-0`)).toMatchObject({
      kind: 'resync',
      reason: 'cursor is unknown',
    });
    expect(await reader.since(user, 'not-a-cursor')).toMatchObject({ kind: 'resync', reason: 'malformed cursor' });
  });
});
