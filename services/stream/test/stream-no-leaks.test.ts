import type { PrivateRedis } from '../../../test/support/infra/private-redis';
import { startStreamOnPrivateRedis, stopStreamOnPrivateRedis } from '../../../test/support/stream/stream-private-redis';
import { sessionToken, uniqueUserId, type StreamFixture } from '../../../test/support/stream/stream-fixture';
import { openRawStream } from '../../../test/support/stream/stream-raw-client';

// Reference counting: after many connects and disconnects (racing each other on the
// same users), the process holds no connection, no subscription and no extra listener.
// A private Redis, so PUBSUB CHANNELS shows this process's subscriptions only.
let redis: PrivateRedis;
let fixture: StreamFixture;

beforeAll(async () => ({ redis, fixture } = await startStreamOnPrivateRedis()));

afterAll(() => stopStreamOnPrivateRedis(fixture, redis));

// The figure is 10,000: STREAM_LEAK_CONNECTIONS=10000 runs it (about 12 s here, alone);
// 1,000 keeps the default suite lean.
const CONNECTIONS = Number(process.env.STREAM_LEAK_CONNECTIONS ?? 1000);
const CONCURRENCY = 50;
const USERS = 40;

async function eventually(
  condition: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

test(`When ${CONNECTIONS} streams connect and disconnect, 50 at a time over ${USERS} users, then no connection, subscription or listener is left`, async () => {
  const admin = redis.client();
  const users = Array.from({ length: USERS }, () => uniqueUserId());
  const listenersBefore = process.listenerCount('SIGTERM') + process.listenerCount('exit');
  let next = 0;
  let opened = 0;

  async function worker(): Promise<void> {
    while (next < CONNECTIONS) {
      const i = next++;
      const stream = await openRawStream(fixture.url, { token: sessionToken(users[i % USERS]!) });
      if (stream.status === 200) opened += 1;
      // Some leave at once (while their catch-up may still be running), some once live.
      if (i % 3 === 0) await stream.waitFor(() => stream.frames.length > 0, 'the retry line');
      stream.close();
    }
  }
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  expect(opened).toBe(CONNECTIONS);

  await eventually(() => fixture.server.stats().connections === 0, 'all streams to close');
  expect(fixture.server.stats()).toEqual({
    connections: 0,
    users: 0,
    expiryBuckets: 0,
    heartbeats: 0,
    subscriberListeners: 1,
    presenceUsers: 0,
  });
  await eventually(async () => (await admin.pubsub('CHANNELS')).length === 0, 'every channel to be unsubscribed');
  expect(process.listenerCount('SIGTERM') + process.listenerCount('exit')).toBe(listenersBefore);

  // The bookkeeping is still right after all that: a new tab subscribes again and gets events.
  const userId = users[0]!;
  const stream = await openRawStream(fixture.url, { token: sessionToken(userId) });
  try {
    const cursor = await fixture.publisher.publishMessage(userId, 'still works');
    const [event] = await stream.waitForEvents(1);
    expect(event!.id).toBe(cursor);
    expect(await admin.pubsub('CHANNELS')).toEqual([fixture.channels.userChannel(userId)]);
  } finally {
    stream.close();
  }
}, 60_000);

test('When one tab closes while another tab of the same user opens, over and over, then the open tab is always subscribed', async () => {
  const admin = redis.client();
  const userId = uniqueUserId();
  for (let i = 0; i < 30; i += 1) {
    const before = await openRawStream(fixture.url, { token: sessionToken(userId) });
    // Closing the only tab (UNSUBSCRIBE) and opening the next (SUBSCRIBE) race each other.
    const closing = new Promise<void>((resolve) => {
      before.close();
      resolve();
    });
    const after = await openRawStream(fixture.url, { token: sessionToken(userId) });
    await closing;
    const cursor = await fixture.publisher.publishMessage(userId, `round ${i}`);
    const [event] = await after.waitForEvents(1);
    expect(event!.id).toBe(cursor);
    after.close();
  }
  await eventually(() => fixture.server.stats().users === 0, 'the last tab to leave');
  await eventually(async () => (await admin.pubsub('CHANNELS')).length === 0, 'the channel to be unsubscribed');
}, 30_000);
