import type { PrivateRedis } from '../../../test/support/infra/private-redis';
import { startStreamOnPrivateRedis, stopStreamOnPrivateRedis } from '../../../test/support/stream/stream-private-redis';
import {
  createTestPublisher,
  sessionToken,
  uniqueUserId,
  type StreamFixture,
} from '../../../test/support/stream/stream-fixture';
import { openRawStream, type RawStream } from '../../../test/support/stream/stream-raw-client';
import { closedAfterEach } from '../../../test/support/stream/stream-closed-after-each';
import { testConfig } from '../../../test/support/product/test-config';

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
  const smallWindow = createTestPublisher(testConfig({ REDIS_URL: redis.url, EVENTS_LOG_MAX_EVENTS: '5' }));
  try {
    const userId = uniqueUserId();
    const first = await smallWindow.publishMessage(userId, 'first');
    let newest = first;
    for (let i = 0; i < 250; i += 1) newest = await smallWindow.publishMessage(userId, `m${i}`);

    const stream = await resume(userId, first);
    const [resync] = await stream.waitForEvents(1, 'resync');
    expect(resync).toMatchObject({
      id: newest,
      data: JSON.stringify({ reason: 'cursor is older than the replay window' }),
    });
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

test('When Redis lost its data (flushed) with an event the client never got, then the client gets resync', async () => {
  const userId = uniqueUserId();
  const seen = await fixture.publisher.publishMessage(userId, 'seen');
  await fixture.publisher.publishMessage(userId, 'missed, then lost with the log');
  await redis.client().flushall();
  const after = await fixture.publisher.publishMessage(userId, 'after the loss');

  const stream = await resume(userId, seen);
  const [resync] = await stream.waitForEvents(1, 'resync');
  expect(resync).toMatchObject({ id: after, data: JSON.stringify({ reason: 'cursor predates the event log' }) });
  expect(stream.events('message')).toEqual([]);
});

test('When Redis lost its data (flushed) but the client had every event before it, then the new log is replayed without resync', async () => {
  const userId = uniqueUserId();
  const seen = await fixture.publisher.publishMessage(userId, 'seen');
  await redis.client().flushall();
  // Sequences come from PostgreSQL, not Redis: the new log starts right after the client's cursor.
  const after = [
    await fixture.publisher.publishMessage(userId, 'after the loss'),
    await fixture.publisher.publishMessage(userId, 'and another'),
  ];
  expect(after[0]!.split(':')[0]).not.toBe(seen.split(':')[0]);

  const stream = await resume(userId, seen);
  await stream.waitForEvents(2);
  expect(stream.events().map((e) => [e.event, e.id])).toEqual(after.map((id) => ['message', id]));
});

test('When Redis lost its data (flushed) and nothing was published since, then a client with a cursor gets resync to a new head, and then the next event live', async () => {
  const userId = uniqueUserId();
  const seen = await fixture.publisher.publishMessage(userId, 'before the loss');
  await redis.client().flushall();

  const stream = await resume(userId, seen);
  const [resync] = await stream.waitForEvents(1, 'resync');
  expect(resync).toMatchObject({
    id: expect.stringMatching(/^\d+:0$/),
    data: JSON.stringify({ reason: 'event log is gone' }),
  });
  const next = await fixture.publisher.publishMessage(userId, 'next');
  // The head the resync started is the epoch the next event goes into.
  expect(next).toBe(resync!.id!.replace(/:0$/, ':2'));
  const events = await stream.waitForEvents(2);
  expect(events[1]!.id).toBe(next);
});

test('When the cursor is newer than anything Redis knows, then the client gets resync', async () => {
  const userId = uniqueUserId();
  const latest = await fixture.publisher.publishMessage(userId, 'one');
  const ahead = latest.replace(/:1$/, ':99');
  const stream = await resume(userId, ahead);
  const [resync] = await stream.waitForEvents(1, 'resync');
  expect(resync).toMatchObject({ id: latest, data: JSON.stringify({ reason: 'cursor is unknown' }) });
  // `ready` repeats the client's cursor (well-formed, so the stream starts from it); the resync then moves it.
  expect(stream.frames.filter((f) => f.data !== '').map((e) => [e.event, e.id])).toEqual([
    ['ready', ahead],
    ['resync', latest],
  ]);
});

test.each(['garbage\u00e9', '1764089912345-0'])(
  'When Last-Event-ID is not a cursor (%s), then the client gets resync with the newest cursor',
  async (lastEventId) => {
    const userId = uniqueUserId();
    const latest = await fixture.publisher.publishMessage(userId, 'one');
    const stream = await resume(userId, lastEventId);
    const [resync] = await stream.waitForEvents(1, 'resync');
    expect(resync).toMatchObject({ id: latest, data: JSON.stringify({ reason: 'malformed cursor' }) });
    // No `ready` for a cursor that is not one: the resync's id is the first the client gets.
    expect(stream.frames.filter((f) => f.data !== '').map((e) => e.event)).toEqual(['resync']);
  },
);
