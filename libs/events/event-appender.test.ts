import { Redis } from 'ioredis';
import { createEventChannels } from './channels';
import { parseCursor } from './cursor';
import { createEventAppender, type AppendRequest } from './event-appender';
import { createEventLogReader } from './event-log-reader';

// The append script against the shared Redis, under a prefix of this file's own.
const channels = createEventChannels(`test-appender-${process.pid}-${Date.now()}`);
const options = { logMaxEvents: 1000, logTtlSeconds: 60, cursorTtlSeconds: 120 };
let redis: Redis;
let subscriber: Redis;
let appender: ReturnType<typeof createEventAppender>;
let userSeq = 0;
const published: { channel: string; payload: string }[] = [];

beforeAll(async () => {
  redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  subscriber = redis.duplicate();
  appender = createEventAppender(redis, channels, options);
  await subscriber.psubscribe(channels.userChannel('*'));
  subscriber.on('pmessage', (_pattern: string, channel: string, payload: string) =>
    published.push({ channel, payload }),
  );
});

afterAll(async () => {
  for (let id = 1; id <= userSeq; id++) await redis.del(channels.userLog(String(id)), channels.userHead(String(id)));
  subscriber.disconnect();
  await redis.quit();
});

function newUser() {
  userSeq += 1;
  return String(userSeq);
}

function event(userId: string, seq: number, extra: Partial<AppendRequest> = {}): AppendRequest {
  return { userId, seq, type: 'read', data: JSON.stringify({ n: seq }), ts: 1_700_000_000_000 + seq, ...extra };
}

/** What the user's channel got so far: a PING answered on the subscriber comes after every earlier message. */
async function publishedTo(userId: string): Promise<unknown[]> {
  await subscriber.ping();
  return published.filter((p) => p.channel === channels.userChannel(userId)).map((p) => JSON.parse(p.payload));
}

async function head(userId: string) {
  return redis.hgetall(channels.userHead(userId));
}

describe('event appender', () => {
  test("When a user's first event (seq 1) is appended, then a new epoch starts before it, the log holds it as <seq>-0, and it is published with its cursor", async () => {
    const user = newUser();
    const { status, cursor } = await appender.append(event(user, 1));
    expect(status).toBe('appended');
    const { epoch, seq } = parseCursor(cursor)!;
    expect(seq).toBe(1);
    // The Redis TIME in microseconds.
    expect(Math.abs(Number(epoch) / 1000 - Date.now())).toBeLessThan(60_000);
    expect(await head(user)).toEqual({ epoch, base: '0', top: '1' });
    expect(await redis.xrange(channels.userLog(user), '-', '+')).toEqual([
      ['1-0', ['type', 'read', 'data', '{"n":1}', 'ts', '1700000000001']],
    ]);
    expect(await publishedTo(user)).toEqual([{ type: 'read', cursor, ts: 1_700_000_000_001, data: { n: 1 } }]);
    const [logTtl, headTtl] = [await redis.ttl(channels.userLog(user)), await redis.ttl(channels.userHead(user))];
    expect(logTtl).toBeGreaterThan(55);
    expect(logTtl).toBeLessThanOrEqual(60);
    expect(headTtl).toBeGreaterThan(115);
  });

  test('When the same sequence number is appended again, then it is a duplicate: nothing written, nothing published', async () => {
    const user = newUser();
    const first = await appender.append(event(user, 1));
    await appender.append(event(user, 2));
    expect(await appender.append(event(user, 1, { data: '{"again":true}' }))).toEqual({
      status: 'duplicate',
      cursor: first.cursor,
    });
    expect(await redis.xlen(channels.userLog(user))).toBe(2);
    expect(await publishedTo(user)).toHaveLength(2);
  });

  test('When a sequence number skips ahead, then it is a gap (nothing written) unless a new epoch is allowed, which replaces the log', async () => {
    const user = newUser();
    const first = await appender.append(event(user, 1));
    expect((await appender.append(event(user, 3))).status).toBe('gap');
    expect(await redis.xlen(channels.userLog(user))).toBe(1);

    const restarted = await appender.append(event(user, 3, { allowNewEpoch: true }));
    expect(restarted.status).toBe('appended');
    const [before, after] = [parseCursor(first.cursor)!, parseCursor(restarted.cursor)!];
    expect(Number(after.epoch)).toBeGreaterThan(Number(before.epoch));
    expect(await head(user)).toEqual({ epoch: after.epoch, base: '2', top: '3' });
    expect((await redis.xrange(channels.userLog(user), '-', '+')).map(([id]) => id)).toEqual(['3-0']);
    // Allowing a new epoch changes nothing for the next event in order.
    expect((await appender.append(event(user, 4, { allowNewEpoch: true }))).cursor).toBe(`${after.epoch}:4`);
  });

  test('When a stream started the head of a user without events, then an append of seq 1 keeps that epoch and starts the log there', async () => {
    const user = newUser();
    const started = await createEventLogReader(redis, channels, { cursorTtlSeconds: 120 }).latest(user);
    const { epoch, seq } = parseCursor(started)!;
    expect(seq).toBe(0);
    expect((await appender.append(event(user, 1))).cursor).toBe(`${epoch}:1`);
    expect(await head(user)).toEqual({ epoch, base: '0', top: '1' });
  });

  test('When a log has no event yet and a seq above 1 comes (the earlier ones may still be on their way), then it is a gap, nothing written or published, unless they are known gone', async () => {
    const [fresh, streamed] = [newUser(), newUser()];
    const started = await createEventLogReader(redis, channels, { cursorTtlSeconds: 120 }).latest(streamed);
    expect((await appender.append(event(fresh, 4))).status).toBe('gap');
    expect((await appender.append(event(streamed, 4))).status).toBe('gap');
    expect(await redis.exists(channels.userLog(fresh), channels.userHead(fresh), channels.userLog(streamed))).toBe(0);
    expect(await publishedTo(fresh)).toEqual([]);
    expect(await publishedTo(streamed)).toEqual([]);

    // Known gone: a new epoch after them, or the stream's epoch continued from there.
    const restarted = await appender.append(event(fresh, 4, { allowNewEpoch: true }));
    expect(restarted.status).toBe('appended');
    expect(await head(fresh)).toEqual({ epoch: parseCursor(restarted.cursor)!.epoch, base: '3', top: '4' });
    expect((await appender.append(event(streamed, 4, { allowNewEpoch: true }))).cursor).toBe(
      `${parseCursor(started)!.epoch}:4`,
    );
    expect(await head(streamed)).toEqual({ epoch: parseCursor(started)!.epoch, base: '3', top: '4' });
  });

  test('When the log key holds entries written by something else (an older format), then the append starts a new epoch over it', async () => {
    const user = newUser();
    await redis.xadd(channels.userLog(user), '*', 'type', 'read', 'data', '{}');
    const first = await appender.append(event(user, 1));
    expect(first.status).toBe('appended');
    expect((await redis.xrange(channels.userLog(user), '-', '+')).map(([id]) => id)).toEqual(['1-0']);

    // The head is there, but the log was written over since: the entry cannot go in after its last id.
    await redis.xadd(channels.userLog(user), '*', 'type', 'read', 'data', '{}');
    const second = await appender.append(event(user, 2));
    expect(second.status).toBe('appended');
    expect(parseCursor(second.cursor)!.epoch).not.toBe(parseCursor(first.cursor)!.epoch);
    expect((await redis.xrange(channels.userLog(user), '-', '+')).map(([id]) => id)).toEqual(['2-0']);
  });

  test('When many events go in one pipeline, then each gets its own outcome, in order', async () => {
    const [a, b] = [newUser(), newUser()];
    const outcomes = await appender.appendAll([event(a, 1), event(a, 2), event(a, 2), event(b, 1), event(b, 3)]);
    expect(outcomes.map((o) => ('status' in o ? o.status : o.error.message))).toEqual([
      'appended',
      'appended',
      'duplicate',
      'appended',
      'gap',
    ]);
    expect((await publishedTo(a)).map((e: any) => parseCursor(e.cursor)!.seq)).toEqual([1, 2]);
  });
});
