import type { PrivateRedis } from '../../../test/support/infra/private-redis';
import { startStreamOnPrivateRedis, stopStreamOnPrivateRedis } from '../../../test/support/stream/stream-private-redis';
import { sessionToken, uniqueUserId, type StreamFixture } from '../../../test/support/stream/stream-fixture';
import { openRawStream, type RawStream } from '../../../test/support/stream/stream-raw-client';
import { closedAfterEach } from '../../../test/support/stream/stream-closed-after-each';

// Recovery: when the shared subscriber loses its connection, the service resubscribes
// and catches every open stream up from its last cursor: nothing lost, nothing doubled.
// A private Redis, because these tests kill its clients and restart it.
let redis: PrivateRedis;
let fixture: StreamFixture;
const opened = closedAfterEach<RawStream>();

beforeAll(async () => ({ redis, fixture } = await startStreamOnPrivateRedis()));

afterAll(() => stopStreamOnPrivateRedis(fixture, redis));

async function tab(userId: string): Promise<RawStream> {
  const stream = await openRawStream(fixture.url, { token: sessionToken(userId) });
  opened.push(stream);
  expect(stream.status).toBe(200);
  return stream;
}

test('When the subscriber connection is killed while events are published, then every stream gets every event exactly once, in order', async () => {
  const users = [uniqueUserId(), uniqueUserId()];
  const streams = [await tab(users[0]!), await tab(users[0]!), await tab(users[1]!)];
  const admin = redis.client();
  const published: Record<string, string[]> = { [users[0]!]: [], [users[1]!]: [] };

  const subscriberIsBack = async () =>
    String(await admin.call('CLIENT', 'LIST', 'TYPE', 'pubsub')).includes('cmd=subscribe');

  let kills = 0;
  // At least 300 events, and on until the second kill happened (bounded: the machine may be busy).
  for (let i = 0; i < 300 || (kills < 2 && i < 5000); i += 1) {
    const userId = users[i % 2]!;
    published[userId]!.push(await fixture.publisher.publishMessage(userId, `m${i}`));
    // Kill the subscriber twice; the second time only once it has come back (publishing all along).
    if ((i >= 60 && kills === 0) || (i >= 180 && kills === 1 && (await subscriberIsBack()))) {
      // Only the subscriber's connection is of type pubsub: the publisher and the history reader stay up.
      kills += Number(await admin.call('CLIENT', 'KILL', 'TYPE', 'pubsub'));
    }
    if (i % 10 === 0) await new Promise((resolve) => setTimeout(resolve, 2));
  }
  expect(kills).toBe(2);

  const expectations: [RawStream, string[]][] = [
    [streams[0]!, published[users[0]!]!],
    [streams[1]!, published[users[0]!]!],
    [streams[2]!, published[users[1]!]!],
  ];
  for (const [stream, cursors] of expectations) {
    await stream.waitForEvents(cursors.length, undefined, 15_000);
  }
  // A last event per user shows that nothing is queued behind what was expected.
  for (const userId of users) published[userId]!.push(await fixture.publisher.publishMessage(userId, 'marker'));
  for (const [stream, cursors] of expectations) {
    await stream.waitForEvents(cursors.length);
    expect(stream.events().map((e) => e.id)).toEqual(cursors);
    expect(stream.isEnded()).toBe(false);
  }
  const numsub = (await admin.pubsub('NUMSUB', ...users.map((u) => fixture.channels.userChannel(u)))) as (
    string | number
  )[];
  expect(numsub.filter((_, i) => i % 2 === 1).map(Number)).toEqual([1, 1]);
}, 30_000);

test('When Redis restarts empty under open streams, then they get resync and then the new live events', async () => {
  const userId = uniqueUserId();
  const stream = await tab(userId);
  const before = await fixture.publisher.publishMessage(userId, 'before the restart');
  await stream.waitForEvents(1);

  await redis.restart();
  // Published once the subscriber is back; until then the publisher may need a few tries.
  await stream.waitFor(() => stream.events('resync').length > 0, 'resync', 15_000);
  // The log is gone with its head: the resync moves the client to a head started anew (no event yet).
  const [resync] = stream.events('resync');
  expect(resync).toMatchObject({
    id: expect.stringMatching(/^\d+:0$/),
    data: JSON.stringify({ reason: 'event log is gone' }),
  });
  expect(resync!.id).not.toBe(before.replace(/:\d+$/, ':0'));

  // The user's sequence goes on (2) in that new epoch, and the stream takes it live.
  const after = await fixture.publisher.publishMessage(userId, 'after the restart');
  expect(after).toBe(resync!.id!.replace(/:0$/, ':2'));
  await stream.waitForEvents(3);
  expect(stream.frames.filter((f) => f.data !== '').map((e) => [e.event, e.id])).toEqual([
    ['ready', before.replace(/:1$/, ':0')],
    ['message', before],
    ['resync', resync!.id],
    ['message', after],
  ]);
  expect(stream.events('resync')).toHaveLength(1);
}, 30_000);
