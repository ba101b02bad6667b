import { sessionToken, useStreamFixture, uniqueUserId } from '../../../test/support/stream/stream-fixture';
import { openRawStream, type RawStream } from '../../../test/support/stream/stream-raw-client';
import { closedAfterEach } from '../../../test/support/stream/stream-closed-after-each';

// `ready`: every stream tells its client the cursor it starts from, right after `retry:`.
// Its id becomes the client's Last-Event-ID, so a tab that saw no event before losing
// its connection still resumes by cursor instead of starting fresh past a gap.
const fixture = useStreamFixture({ STREAM_RETRY_MS: '1500' });
const opened = closedAfterEach<RawStream>();

async function tab(userId: string, lastEventId?: string): Promise<RawStream> {
  const stream = await openRawStream(fixture.url, { token: sessionToken(userId), lastEventId });
  opened.push(stream);
  expect(stream.status).toBe(200);
  return stream;
}

test('When a fresh stream opens for a user with past events, then its first frame after `retry:` is `ready` with the newest cursor, and no past event follows', async () => {
  const userId = uniqueUserId();
  await fixture.publisher.publishMessage(userId, 'old');
  const newest = await fixture.publisher.publishMessage(userId, 'newest');

  const stream = await tab(userId);
  await stream.waitForReady();
  expect(stream.text()).toBe(`retry: 1500\n\nid: ${newest}\nevent: ready\ndata: {"cursor":"${newest}"}\n\n`);

  const next = await fixture.publisher.publishMessage(userId, 'next');
  await stream.waitForEvents(1);
  expect(stream.frames.filter((f) => f.data !== '').map((f) => [f.event, f.id])).toEqual([
    ['ready', newest],
    ['message', next],
  ]);
});

test('When a client resumes with a cursor, then `ready` carries that cursor and the missed events follow it', async () => {
  const userId = uniqueUserId();
  const seen = await fixture.publisher.publishMessage(userId, 'seen');
  const missed = await fixture.publisher.publishMessage(userId, 'missed');

  const stream = await tab(userId, seen);
  await stream.waitForEvents(1);
  expect(
    stream.frames.filter((f) => f.data !== '').map((f) => [f.event, f.id, f.event === 'ready' ? f.data : '']),
  ).toEqual([
    ['ready', seen, JSON.stringify({ cursor: seen })],
    ['message', missed, ''],
  ]);
});

test('When a tab that received no event reconnects with the cursor from `ready`, then it gets every event published while it was away, exactly once, then live ones', async () => {
  const userId = uniqueUserId();
  await fixture.publisher.publishMessage(userId, 'before the tab opened');
  const idle = await tab(userId);
  const ready = await idle.waitForReady();
  idle.close();
  await idle.ended;

  const missed: string[] = [];
  for (let i = 0; i < 5; i += 1) missed.push(await fixture.publisher.publishMessage(userId, `while away ${i}`));

  // What a browser does on its own: it reconnects with Last-Event-ID set from the last id it saw.
  const back = await tab(userId, ready.id);
  await back.waitForEvents(missed.length);
  const live = await fixture.publisher.publishMessage(userId, 'live');
  await back.waitForEvents(missed.length + 1);
  expect(back.events().map((e) => e.id)).toEqual([...missed, live]);
  expect(back.ready()!.id).toBe(ready.id);
  expect(back.events('resync')).toEqual([]);
});
