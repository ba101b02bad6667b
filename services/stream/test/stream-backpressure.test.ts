import { sessionToken, useStreamFixture, uniqueUserId } from '../../../test/support/stream/stream-fixture';
import { openRawStream } from '../../../test/support/stream/stream-raw-client';

// Backpressure: a client that stops reading is cut once its outgoing buffer passes the
// bound, and never delays the other tabs of the same user.
const MAX_BUFFERED_BYTES = 64 * 1024;
const fixture = useStreamFixture({ STREAM_MAX_BUFFERED_BYTES: String(MAX_BUFFERED_BYTES) });

test('When one tab stops reading, then it is disconnected while a fast tab of the same user receives everything', async () => {
  const userId = uniqueUserId();
  const slow = await openRawStream(fixture.url, { token: sessionToken(userId) });
  const fast = await openRawStream(fixture.url, { token: sessionToken(userId) });
  const content = 'x'.repeat(4000);
  const published: string[] = [];
  try {
    // Both live first: a tab still catching up when the flood starts would be cut from its
    // catch-up buffer (the same bound), whichever tab it is.
    published.push(await fixture.publisher.publishMessage(userId, 'first'));
    await Promise.all([slow.waitForEvents(1), fast.waitForEvents(1)]);
    slow.pause();
    // Until the slow tab is cut (kernel socket buffers absorb some megabytes first), bounded at 4,000 events (16 MB).
    while (fixture.server.stats().connections === 2 && published.length < 4000) {
      const batch = await Promise.all(
        Array.from({ length: 10 }, () => fixture.publisher.publishMessage(userId, content)),
      );
      published.push(...batch);
      // Let the fast tab read and the server notice the slow one.
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(fixture.server.stats()).toMatchObject({ connections: 1, users: 1 });
    published.push(...(await Promise.all([1, 2, 3].map(() => fixture.publisher.publishMessage(userId, 'after')))));

    await fast.waitForEvents(published.length, undefined, 20_000);
    expect(fast.events().map((e) => e.id)).toEqual(published);
    expect(fast.isEnded()).toBe(false);

    // The slow tab, reading again, finds its stream cut short after an exact prefix of the
    // events: it resumes by its last cursor when it reconnects.
    slow.resume();
    await slow.waitFor(() => slow.isEnded(), 'the slow stream to end');
    const slowIds = slow.events().map((e) => e.id);
    expect(slowIds.length).toBeLessThan(published.length);
    expect(slowIds).toEqual(published.slice(0, slowIds.length));
  } finally {
    slow.close();
    fast.close();
  }
}, 60_000);
