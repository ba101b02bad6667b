import { Redis } from 'ioredis';
import { createEventChannels } from './channels';
import { formatCursor, parseCursor } from './cursor';
import { createEventAppender } from './event-appender';
import { createEventLogReader, type EventLogReader } from './event-log-reader';

// The log reader against the shared Redis, under a prefix of this file's own.
const channels = createEventChannels(`test-log-reader-${process.pid}-${Date.now()}`);
let redis: Redis;
let reader: EventLogReader;
let userSeq = 0;

beforeAll(() => {
  redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  reader = createEventLogReader(redis, channels, { cursorTtlSeconds: 120 });
});

afterAll(async () => {
  for (let id = 1; id <= userSeq; id++) await redis.del(channels.userLog(String(id)), channels.userHead(String(id)));
  await redis.quit();
});

function newUser() {
  userSeq += 1;
  return String(userSeq);
}

/** Appends the user's events `from` … `to` as the relay would; resolves with their cursors. */
async function appendRange(userId: string, from: number, to: number, maxEvents = 1000): Promise<string[]> {
  const appender = createEventAppender(redis, channels, {
    logMaxEvents: maxEvents,
    logTtlSeconds: 60,
    cursorTtlSeconds: 120,
  });
  const cursors: string[] = [];
  for (let seq = from; seq <= to; seq++) {
    const data = JSON.stringify({ conversationId: '1', userId: '2', readAt: String(seq) });
    const { cursor } = await appender.append({ userId, seq, type: 'read', data, ts: 1000 + seq, allowNewEpoch: true });
    cursors.push(cursor);
  }
  return cursors;
}

const seqsOf = (result: Awaited<ReturnType<EventLogReader['since']>>) =>
  result.kind === 'replay' ? result.events.map((e) => e.seq) : result.reason;

describe('event log reader', () => {
  test('When a cursor is inside the log, then every later event is returned in order, with its type, data and ts', async () => {
    const user = newUser();
    const cursors = await appendRange(user, 1, 5);
    const result = await reader.since(user, cursors[1]!);
    expect(result).toMatchObject({ kind: 'replay', latestCursor: cursors[4] });
    expect(result.kind === 'replay' && result.events.map((e) => e.cursor)).toEqual(cursors.slice(2));
    expect(result.kind === 'replay' && result.events[0]).toMatchObject({
      type: 'read',
      seq: 3,
      ts: 1003,
      data: JSON.stringify({ conversationId: '1', userId: '2', readAt: '3' }),
    });
  });

  test('When the cursor is the newest, then the replay is empty, also once the log itself has expired', async () => {
    const user = newUser();
    const cursors = await appendRange(user, 1, 3);
    expect(await reader.latest(user)).toBe(cursors[2]);
    expect(await reader.since(user, cursors[2]!)).toEqual({ kind: 'replay', events: [], latestCursor: cursors[2] });
    await redis.del(channels.userLog(user));
    expect(await reader.since(user, cursors[2]!)).toEqual({ kind: 'replay', events: [], latestCursor: cursors[2] });
    expect(await reader.since(user, cursors[1]!)).toMatchObject({
      kind: 'resync',
      reason: 'cursor is older than the replay window',
      latestCursor: cursors[2],
    });
  });

  test('When entries after the cursor were trimmed, then the answer is resync', async () => {
    const user = newUser();
    // MAXLEN ~ trims whole stream nodes (100 entries each), so append well past one node.
    const cursors = await appendRange(user, 1, 250, 1);
    expect(await reader.since(user, cursors[0]!)).toMatchObject({
      kind: 'resync',
      reason: 'cursor is older than the replay window',
      latestCursor: cursors[249],
    });
    // A cursor right before the log's first entry still replays, exactly; one further back cannot.
    const first = Number((await redis.xrange(channels.userLog(user), '-', '+', 'COUNT', 1))[0]![0].split('-')[0]);
    const cursorAt = (seq: number) => cursors[seq - 1]!;
    expect(seqsOf(await reader.since(user, cursorAt(first - 1)))).toEqual(
      Array.from({ length: 251 - first }, (_, i) => first + i),
    );
    expect(seqsOf(await reader.since(user, cursorAt(first - 2)))).toBe('cursor is older than the replay window');
  });

  test('When the log was started again exactly after the cursor, then the new log is replayed; from any other cursor, resync', async () => {
    const user = newUser();
    const before = await appendRange(user, 1, 4);
    // Redis lost the log and its head; the relay goes on with seq 5, under a new epoch.
    await redis.del(channels.userLog(user), channels.userHead(user));
    const after = await appendRange(user, 5, 6);
    expect(parseCursor(after[0])!.epoch).not.toBe(parseCursor(before[0])!.epoch);

    const continued = await reader.since(user, before[3]!);
    expect(continued).toMatchObject({ kind: 'replay', latestCursor: after[1] });
    expect(continued.kind === 'replay' && continued.events.map((e) => e.cursor)).toEqual(after);
    expect(await reader.since(user, before[2]!)).toMatchObject({
      kind: 'resync',
      reason: 'cursor predates the event log',
      latestCursor: after[1],
    });
  });

  test('When the cursor is "0:0", then the log is replayed only when it holds the user\'s whole sequence', async () => {
    const [whole, partial] = [newUser(), newUser()];
    await appendRange(whole, 1, 2);
    await appendRange(partial, 3, 4);
    expect(seqsOf(await reader.since(whole, '0:0'))).toEqual([1, 2]);
    expect(seqsOf(await reader.since(partial, '0:0'))).toBe('cursor predates the event log');
  });

  test('When the user has no head, then `latest` starts one without events, its cursor replays nothing, and any other cursor is told the log is gone', async () => {
    const user = newUser();
    expect(await reader.since(user, '1700000000000000:3')).toMatchObject({
      kind: 'resync',
      reason: 'event log is gone',
    });
    // That answer started the head, so the client can be proved complete from its resync cursor on.
    const started = (await reader.since(newUser(), '0:0')).latestCursor;
    const { epoch, seq } = parseCursor(started)!;
    expect(seq).toBe(0);

    const fresh = newUser();
    const cursor = await reader.latest(fresh);
    expect(await reader.latest(fresh)).toBe(cursor);
    expect(await reader.since(fresh, cursor)).toEqual({ kind: 'replay', events: [], latestCursor: cursor });
    expect(await reader.since(fresh, formatCursor(epoch, 0))).toMatchObject({
      kind: 'resync',
      reason: 'cursor predates the event log',
    });
    // The relay's first append continues that epoch: the cursor from `latest` then replays it.
    const [first] = await appendRange(fresh, 8, 8);
    expect(parseCursor(first)!.epoch).toBe(parseCursor(cursor)!.epoch);
    expect(seqsOf(await reader.since(fresh, cursor))).toEqual([8]);
  });

  test('When the cursor is newer than the log or malformed (the older <ms>-<n> format included), then the answer is resync with the newest cursor', async () => {
    const user = newUser();
    const [cursor] = await appendRange(user, 1, 1);
    const { epoch } = parseCursor(cursor)!;
    expect(await reader.since(user, `${epoch}:2`)).toEqual({
      kind: 'resync',
      reason: 'cursor is unknown',
      latestCursor: cursor,
    });
    for (const malformed of ['1764089912345-0', 'not-a-cursor', `${epoch}:-1`, `0${epoch}:1`, '0:1', '']) {
      expect(await reader.since(user, malformed)).toEqual({
        kind: 'resync',
        reason: 'malformed cursor',
        latestCursor: cursor,
      });
    }
  });
});
