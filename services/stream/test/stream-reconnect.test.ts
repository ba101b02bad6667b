import { start, type StreamServer } from '../src/server';
import { openEventSource } from '../../../test/support/stream/stream-event-source';
import { createTestPublisher, sessionToken, uniqueUserId } from '../../../test/support/stream/stream-fixture';
import { testConfig } from '../../../test/support/product/test-config';

// A real EventSource across a restart of the stream service: told to reconnect, it
// comes back by itself with Last-Event-ID and gets what was published meanwhile, once.
test('When the stream service restarts while events are published, then an EventSource reconnects by itself and misses nothing', async () => {
  const config = testConfig({ STREAM_RETRY_MS: '200' });
  const publisher = createTestPublisher(config);
  let server: StreamServer | undefined = await start(config);
  const port = new URL(server.url).port;
  const userId = uniqueUserId();
  const source = openEventSource(server.url, { token: sessionToken(userId) });
  try {
    await source.opened();
    const cursors = [await publisher.publishMessage(userId, 'one'), await publisher.publishMessage(userId, 'two')];
    await source.waitFor(() => source.received.length >= 2, 'the first events');

    await server.stop();
    server = undefined;
    await source.waitFor(() => source.received.some((e) => e.type === 'reconnect'), 'the reconnect event');
    for (let i = 0; i < 5; i += 1) cursors.push(await publisher.publishMessage(userId, `during the restart ${i}`));
    server = await start(testConfig({ STREAM_RETRY_MS: '200', STREAM_PORT: port }));

    await source.waitFor(() => source.opens >= 2, 'the automatic reconnect', 15_000);
    cursors.push(await publisher.publishMessage(userId, 'after the restart'));
    const messages = () => source.received.filter((e) => e.type === 'message');
    await source.waitFor(() => messages().length >= cursors.length, `${cursors.length} messages`);
    expect(messages().map((e) => e.id)).toEqual(cursors);
    expect(source.received.map((e) => e.type).filter((t) => t !== 'message')).toEqual(['reconnect']);
  } finally {
    source.close();
    await server?.stop();
    await publisher.close();
  }
}, 30_000);

test('When an EventSource that never received an event outlives a restart of the stream service, then it reconnects with the cursor from `ready` and gets what was published meanwhile', async () => {
  const config = testConfig({ STREAM_RETRY_MS: '200' });
  const publisher = createTestPublisher(config);
  let server: StreamServer | undefined = await start(config);
  const port = new URL(server.url).port;
  const userId = uniqueUserId();
  const before = await publisher.publishMessage(userId, 'before the tab opened');
  const source = openEventSource(server.url, { token: sessionToken(userId) });
  try {
    await source.waitFor(() => source.ready.length >= 1, 'ready');
    expect(source.ready[0]).toEqual({ id: before, data: JSON.stringify({ cursor: before }) });

    await server.stop();
    server = undefined;
    await source.waitFor(() => source.received.some((e) => e.type === 'reconnect'), 'the reconnect event');
    const cursors: string[] = [];
    for (let i = 0; i < 3; i += 1) cursors.push(await publisher.publishMessage(userId, `during the restart ${i}`));
    server = await start(testConfig({ STREAM_RETRY_MS: '200', STREAM_PORT: port }));

    await source.waitFor(() => source.opens >= 2, 'the automatic reconnect', 15_000);
    const messages = () => source.received.filter((e) => e.type === 'message');
    await source.waitFor(() => messages().length >= cursors.length, `${cursors.length} messages`);
    cursors.push(await publisher.publishMessage(userId, 'after the restart'));
    await source.waitFor(() => messages().length >= cursors.length, 'the live message');
    expect(messages().map((e) => e.id)).toEqual(cursors);
    // The second stream started from the cursor the browser resent, not from a fresh baseline.
    expect(source.ready.map((r) => r.id)).toEqual([before, before]);
  } finally {
    source.close();
    await server?.stop();
    await publisher.close();
  }
}, 30_000);
