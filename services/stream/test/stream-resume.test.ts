import { openEventSource } from '../../../test/support/stream/stream-event-source';
import { sessionToken, useStreamFixture, tokens, uniqueUserId } from '../../../test/support/stream/stream-fixture';
import { openRawStream } from '../../../test/support/stream/stream-raw-client';
import { closedAfterEach } from '../../../test/support/stream/stream-closed-after-each';

// Resume: a client coming back with its last cursor gets every missed event in order,
// exactly once, then the live ones, also while new events are published during the replay.
const fixture = useStreamFixture();
const opened = closedAfterEach<{ close(): void }>();

async function publishMany(userId: string, count: number, label: string): Promise<string[]> {
  // Sent without waiting in between: ioredis pipelines them, and Redis assigns cursors in send order.
  return Promise.all(Array.from({ length: count }, (_, i) => fixture.publisher.publishMessage(userId, `${label}${i}`)));
}

/** Publishes one at a time while a client resumes, so events land before, during and after its replay. */
async function publishDuringResume(userId: string, count: number): Promise<string[]> {
  const cursors: string[] = [];
  for (let i = 0; i < count; i += 1) {
    cursors.push(await fixture.publisher.publishMessage(userId, `live${i}`));
    if (i % 20 === 0) await new Promise((resolve) => setImmediate(resolve));
  }
  return cursors;
}

async function seenCursor(userId: string): Promise<string> {
  const stream = await openRawStream(fixture.url, { token: sessionToken(userId) });
  const cursor = await fixture.publisher.publishMessage(userId, 'seen');
  await stream.waitForEvents(1);
  stream.close();
  return cursor;
}

test('When a client reconnects with Last-Event-ID while events are being published, then it gets all 400 in order, exactly once', async () => {
  const userId = uniqueUserId();
  const last = await seenCursor(userId);
  const missed = await publishMany(userId, 200, 'offline');

  const publishing = publishDuringResume(userId, 200);
  const stream = await openRawStream(fixture.url, { token: sessionToken(userId), lastEventId: last });
  opened.push(stream);
  const live = await publishing;

  const events = await stream.waitForEvents(400);
  // Give a duplicate the chance to show up behind the last expected event.
  const marker = await fixture.publisher.publishMessage(userId, 'marker');
  await stream.waitForEvents(401);
  expect(stream.events().map((e) => e.id)).toEqual([...missed, ...live, marker]);
  expect(events.slice(0, 2).map((e) => JSON.parse(e.data).content)).toEqual(['offline0', 'offline1']);
  expect(stream.events('resync')).toEqual([]);
});

test('When a fresh EventSource resumes with ?lastEventId= and a stream token in ?token=, then it gets the missed and live events exactly once', async () => {
  const userId = uniqueUserId();
  const last = await seenCursor(userId);
  const missed = await publishMany(userId, 200, 'offline');

  const publishing = publishDuringResume(userId, 200);
  const source = openEventSource(fixture.url, {
    token: tokens.sign(userId, 'stream').token,
    tokenInHeader: false,
    query: { lastEventId: last },
  });
  opened.push(source);
  const live = await publishing;

  await source.waitFor(() => source.received.length >= 400, '400 events');
  const marker = await fixture.publisher.publishMessage(userId, 'marker');
  await source.waitFor(() => source.received.length >= 401, 'the marker');
  expect(source.received.map((e) => e.id)).toEqual([...missed, ...live, marker]);
  expect(new Set(source.received.map((e) => e.type))).toEqual(new Set(['message']));
});

test('When both Last-Event-ID and ?lastEventId= are sent, then the header wins', async () => {
  const userId = uniqueUserId();
  const [older, newer, after] = await publishMany(userId, 3, 'e');
  const stream = await openRawStream(fixture.url, {
    token: sessionToken(userId),
    lastEventId: newer,
    query: { lastEventId: older! },
  });
  opened.push(stream);
  const [event] = await stream.waitForEvents(1);
  const marker = await fixture.publisher.publishMessage(userId, 'marker');
  await stream.waitForEvents(2);
  expect(event!.id).toBe(after);
  expect(stream.events().map((e) => e.id)).toEqual([after, marker]);
});

test('When a client resumes from its newest cursor, then it gets only live events', async () => {
  const userId = uniqueUserId();
  const last = await seenCursor(userId);
  const stream = await openRawStream(fixture.url, { token: sessionToken(userId), lastEventId: last });
  opened.push(stream);
  const next = await fixture.publisher.publishMessage(userId, 'next');
  await stream.waitForEvents(1);
  expect(stream.events().map((e) => e.id)).toEqual([next]);
});
