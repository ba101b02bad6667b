import type { PrivateRedis } from '../../../test/support/private-redis';
import { startStreamOnPrivateRedis, stopStreamOnPrivateRedis } from '../../../test/support/stream-private-redis';
import {
  createTestPublisher,
  sessionToken,
  streamTestConfig,
  uniqueUserId,
  type StreamFixture,
} from '../../../test/support/stream-fixture';
import { openRawStream, type RawStream } from '../../../test/support/stream-raw-client';
import { closedAfterEach } from '../../../test/support/stream-closed-after-each';

// Resync: when the server cannot prove the client has everything since its cursor, it
// says so (and moves the client's cursor to the newest one) instead of skipping silently.
// A private Redis, because one test flushes it.
let redis: PrivateRedis;
let fixture: StreamFixture;
const opened = closedAfterEach<RawStream>();

beforeAll(async () => ({ redis, fixture } = await startStreamOnPrivateRedis()));

afterAll(() => stopStreamOnPrivateRedis(fixture, redis));

async function resume(userId: string, lastEventId: string): Promise<RawStream> {
  const stream = await openRawStream(fixture.url, { token: sessionToken(userId), lastEventId });
  opened.push(stream);
  return stream;
}

test('When the cursor is older than the replay window, then the first event is resync with the newest cursor, and live events follow', async () => {
  // A tiny window: EVENTS_LOG_MAX_EVENTS=5. MAXLEN ~ trims whole stream nodes (100 entries each), so publish 250.
  const smallWindow = createTestPublisher(streamTestConfig({ REDIS_URL: redis.url, EVENTS_LOG_MAX_EVENTS: '5' }));
  try {
    const userId = uniqueUserId();
    const first = await smallWindow.publishMessage(userId, 'first');
    let newest = first;
    for (let i = 0; i < 250; i += 1) newest = await smallWindow.publishMessage(userId, `m${i}`);

    const stream = await resume(userId, first);
    const [resync] = await stream.waitForEvents(1, 'resync');
    expect(resync!.id).toBe(newest);
    // Redis 7.0 does not record trimmed ids in max-deleted-entry-id (only XDEL does), so the
    // reader may name this case after the log's first entry instead; either way it is a resync.
    expect(JSON.parse(resync!.data).reason).toMatch(/older than the replay window|predates the event log/);
    expect(stream.events('message')).toEqual([]);

    const next = await smallWindow.publishMessage(userId, 'next');
    await stream.waitForEvents(1, 'message');
    expect(stream.frames.filter((f) => f.data !== '').map((e) => [e.event, e.id])).toEqual([
      ['ready', first],
      ['resync', newest],
      ['message', next],
    ]);
  } finally {
    await smallWindow.close();
  }
});

test('When Redis lost its data (flushed) and new events were published since, then a client with an old cursor gets resync', async () => {
  const userId = uniqueUserId();
  const seen = await fixture.publisher.publishMessage(userId, 'before the loss');
  await redis.client().flushall();
  const after = await fixture.publisher.publishMessage(userId, 'after the loss');

  const stream = await resume(userId, seen);
  const [resync] = await stream.waitForEvents(1, 'resync');
  expect(JSON.parse(resync!.data).reason).toMatch(/predates the event log|unknown/);
  expect(resync!.id).toBe(after);
  expect(stream.events('message')).toEqual([]);
});

test('When Redis lost its data (flushed) and nothing was published since, then a client with a cursor gets resync from 0-0', async () => {
  const userId = uniqueUserId();
  const seen = await fixture.publisher.publishMessage(userId, 'before the loss');
  await redis.client().flushall();

  const stream = await resume(userId, seen);
  const [resync] = await stream.waitForEvents(1, 'resync');
  expect(resync).toMatchObject({ id: '0-0', data: JSON.stringify({ reason: 'event log is gone' }) });
  const next = await fixture.publisher.publishMessage(userId, 'next');
  const events = await stream.waitForEvents(2);
  expect(events[1]!.id).toBe(next);
});

test('When the cursor is newer than anything Redis knows, then the client gets resync', async () => {
  const userId = uniqueUserId();
  const latest = await fixture.publisher.publishMessage(userId, 'one');
  const stream = await resume(userId, '99999999999999-0');
  const [resync] = await stream.waitForEvents(1, 'resync');
  expect(resync).toMatchObject({ id: latest, data: JSON.stringify({ reason: 'cursor is unknown' }) });
  // `ready` repeats the client's cursor (well-formed, so the stream starts from it); the resync then moves it.
  expect(stream.frames.filter((f) => f.data !== '').map((e) => [e.event, e.id])).toEqual([
    ['ready', '99999999999999-0'],
    ['resync', latest],
  ]);
});

test('When Last-Event-ID is not a cursor, then the client gets resync with the newest cursor', async () => {
  const userId = uniqueUserId();
  const latest = await fixture.publisher.publishMessage(userId, 'one');
  const stream = await resume(userId, 'garbage\u00e9');
  const [resync] = await stream.waitForEvents(1, 'resync');
  expect(resync).toMatchObject({ id: latest, data: JSON.stringify({ reason: 'malformed cursor' }) });
  // No `ready` for a cursor that is not one: the resync's id is the first the client gets.
  expect(stream.frames.filter((f) => f.data !== '').map((e) => e.event)).toEqual(['resync']);
});
