import { sessionToken, startStreamFixture, uniqueUserId } from '../../../test/support/stream/stream-fixture';
import { startStreamProcess } from '../../../test/support/stream/stream-process';
import { openRawStream } from '../../../test/support/stream/stream-raw-client';
import { testConfig } from '../../../test/support/product/test-config';

// Graceful shutdown: open streams are told to reconnect (spread out, with jittered
// retry hints) and ended; no new stream is accepted; the process exits in time.
test('When the service stops, then each open stream gets a `reconnect` frame with a jittered retry and ends, and new streams are refused', async () => {
  const fixture = await startStreamFixture({ STREAM_SHUTDOWN_SPREAD_MS: '600', STREAM_RETRY_MS: '1000' });
  const userId = uniqueUserId();
  const streams = await Promise.all(
    Array.from({ length: 6 }, () => openRawStream(fixture.url, { token: sessionToken(userId) })),
  );
  const cursor = await fixture.publisher.publishMessage(userId, 'before the stop');
  await Promise.all(streams.map((stream) => stream.waitForEvents(1)));

  const stopping = fixture.stop();
  const refused = await openRawStream(fixture.url, { token: sessionToken(userId) }).then(
    (stream) => stream.status,
    (error: NodeJS.ErrnoException) => error.code,
  );
  expect([503, 'ECONNREFUSED']).toContain(refused);

  await Promise.all(streams.map((stream) => stream.ended));
  await stopping;
  const retries = new Set<number>();
  for (const stream of streams) {
    // The user had no event when the streams opened: they start at a head started for it, "<epoch>:0".
    expect(stream.frames.filter((f) => f.data !== '').map((e) => [e.event, e.id ?? ''])).toEqual([
      ['ready', cursor.replace(/:\d+$/, ':0')],
      ['message', cursor],
      ['reconnect', ''],
    ]);
    const goodbye = stream.frames.at(-1)!;
    expect(goodbye.data).toBe('{}');
    expect(goodbye.retry).toBeGreaterThanOrEqual(1000);
    expect(goodbye.retry).toBeLessThan(2000);
    retries.add(goodbye.retry!);
    expect(stream.text()).toMatch(/\n\nretry: \d+\nevent: reconnect\ndata: \{\}\n\n$/);
  }
  expect(retries.size).toBeGreaterThan(1);
  expect(fixture.server.stats()).toMatchObject({ connections: 0, users: 0, subscriberListeners: 0 });
});

test('When the process gets SIGTERM, then open streams get `reconnect` and it exits with code 0 within 10 s', async () => {
  const service = await startStreamProcess(testConfig(), { STREAM_SHUTDOWN_SPREAD_MS: '1000' });
  try {
    const stream = await openRawStream(service.url, { token: sessionToken(uniqueUserId()) });
    expect(stream.status).toBe(200);

    const signalled = Date.now();
    service.child.kill('SIGTERM');
    await stream.ended;
    expect(stream.events().map((e) => e.event)).toEqual(['reconnect']);
    expect(await service.exited).toBe(0);
    expect(Date.now() - signalled).toBeLessThan(10_000);
  } finally {
    await service.kill('SIGKILL');
  }
}, 30_000);
