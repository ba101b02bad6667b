import jwt from 'jsonwebtoken';
import { useStreamFixture, uniqueUserId } from '../../../test/support/stream/stream-fixture';
import { openRawStream } from '../../../test/support/stream/stream-raw-client';
import { TEST_JWT_SECRET } from '../../../test/support/product/test-config';

// Token expiry: a stream does not outlive its token; the client is told to reauthenticate.
const fixture = useStreamFixture();

test('When the token expires, then the stream receives `event: reauth` and is ended', async () => {
  const userId = uniqueUserId();
  const exp = Math.floor(Date.now() / 1000) + 2;
  const token = jwt.sign({ sub: userId, aud: 'stream', exp }, TEST_JWT_SECRET, { algorithm: 'HS256' });
  const stream = await openRawStream(fixture.url, { token, tokenInHeader: false });
  expect(stream.status).toBe(200);
  const cursor = await fixture.publisher.publishMessage(userId, 'before expiry');
  await stream.waitForEvents(1);

  await stream.waitFor(() => stream.isEnded(), 'the end of the stream', 5000);
  const endedAt = Date.now();
  expect(endedAt).toBeGreaterThanOrEqual(exp * 1000 - 50);
  expect(endedAt).toBeLessThan(exp * 1000 + 3000);
  expect(stream.frames.filter((f) => f.data !== '').map((e) => e.event)).toEqual(['ready', 'message', 'reauth']);
  expect(stream.events()[0]!.id).toBe(cursor);
  expect(stream.text().endsWith('event: reauth\ndata: {"reason":"token expired"}\n\n')).toBe(true);
  expect(fixture.server.stats()).toMatchObject({ connections: 0, users: 0 });
});
