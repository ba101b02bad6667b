import { captureLogLines } from '../../../test/support/stream/stream-log-capture';
import { scrapeMetrics } from '../../../test/support/http/prometheus-scrape';
import { closedAfterEach } from '../../../test/support/stream/stream-closed-after-each';
import {
  sessionToken,
  startStreamFixture,
  uniqueUserId,
  untilOpenStreams,
  type StreamFixture,
} from '../../../test/support/stream/stream-fixture';
import { openRawStream, type RawStream } from '../../../test/support/stream/stream-raw-client';

// /metrics: the numbers an operator watches move exactly as the streams do.
let fixture: StreamFixture;
const log = captureLogLines('info', 'stream');
const MAX_BUFFERED_BYTES = 64 * 1024;
const opened = closedAfterEach<RawStream>();

beforeAll(async () => {
  fixture = await startStreamFixture({ STREAM_MAX_BUFFERED_BYTES: String(MAX_BUFFERED_BYTES) }, { logger: log.logger });
});

afterAll(() => fixture.stop());

// Streams the previous test closed may still be closing on the server: their counts must not land in this test's deltas.
beforeEach(() => untilOpenStreams(fixture, 0));

const scrape = () => scrapeMetrics(fixture.server.metricsUrl);

async function openStream(userId: string): Promise<RawStream> {
  const stream = await openRawStream(fixture.url, { token: sessionToken(userId) });
  opened.push(stream);
  await stream.waitForReady();
  return stream;
}

test('When /metrics is scraped, then it answers in the Prometheus text format with the process metrics, all named messenger_', async () => {
  const metrics = await scrape();
  expect(metrics.samples('messenger_nodejs_eventloop_lag_seconds')).toHaveLength(1);
  expect(metrics.value('messenger_nodejs_heap_size_used_bytes')).toBeGreaterThan(0);
  expect(metrics.text).toContain('# TYPE messenger_nodejs_gc_duration_seconds histogram');
  expect(metrics.text).toContain('# TYPE messenger_stream_delivery_lag_seconds histogram');
  const names = metrics.text.split('\n').filter((line) => line && !line.startsWith('#'));
  expect(names.filter((line) => !line.startsWith('messenger_'))).toEqual([]);
});

test('When streams open and close, then the connections gauge equals the open streams and returns to 0', async () => {
  const before = await scrape();
  const users = [uniqueUserId(), uniqueUserId()];
  const streams = [await openStream(users[0]!), await openStream(users[0]!), await openStream(users[1]!)];

  const open = await scrape();
  expect(open.value('messenger_stream_connections')).toBe(3);
  expect(open.value('messenger_stream_subscribed_channels')).toBe(2);
  expect(
    open.value('messenger_stream_connections_opened_total') - before.value('messenger_stream_connections_opened_total'),
  ).toBe(3);

  for (const stream of streams) stream.close();
  await untilOpenStreams(fixture, 0);
  const after = await scrape();
  expect(after.value('messenger_stream_connections')).toBe(0);
  expect(after.value('messenger_stream_subscribed_channels')).toBe(0);
  const closed = (reason: string) =>
    after.value('messenger_stream_connections_closed_total', { reason }) -
    before.value('messenger_stream_connections_closed_total', { reason });
  expect(closed('client_gone')).toBe(3);
  expect(closed('slow_consumer')).toBe(0);
});

test('When events are published to a live stream, then delivered and the lag histogram grow by exactly the events sent', async () => {
  const userId = uniqueUserId();
  const stream = await openStream(userId);
  const before = await scrape();
  const sent = 7;
  for (let i = 0; i < sent; i += 1) await fixture.publisher.publishMessage(userId, `m${i}`);
  await fixture.publisher.publishRead(userId, { conversationId: '1', userId: '2', readAt: new Date().toISOString() });
  await stream.waitForEvents(sent + 1);

  const after = await scrape();
  const delta = (name: string, labels?: Record<string, string>) =>
    after.value(name, labels) - before.value(name, labels);
  expect(delta('messenger_stream_events_delivered_total', { type: 'message' })).toBe(sent);
  expect(delta('messenger_stream_events_delivered_total', { type: 'read' })).toBe(1);
  expect(delta('messenger_stream_delivery_lag_seconds_count')).toBe(sent + 1);
  expect(delta('messenger_stream_delivery_lag_seconds_bucket', { le: '+Inf' })).toBe(sent + 1);
  // Measured from the commit time the publisher stamped: under a few seconds here, and never negative.
  const lagSum = delta('messenger_stream_delivery_lag_seconds_sum');
  expect(lagSum).toBeGreaterThanOrEqual(0);
  expect(lagSum).toBeLessThan(5 * (sent + 1));
  expect(delta('messenger_stream_catchup_events_total')).toBe(0);
});

test('When a stream resumes from an older cursor, then the replayed events count as catch-up, not as live deliveries', async () => {
  const userId = uniqueUserId();
  const first = await openStream(userId);
  const cursor = await fixture.publisher.publishMessage(userId, 'seen');
  await first.waitForEvents(1);
  first.close();
  await untilOpenStreams(fixture, 0);
  await fixture.publisher.publishMessage(userId, 'missed 1');
  await fixture.publisher.publishMessage(userId, 'missed 2');

  const before = await scrape();
  const resumed = await openRawStream(fixture.url, { token: sessionToken(userId), lastEventId: cursor });
  opened.push(resumed);
  await resumed.waitForEvents(2);
  const after = await scrape();
  expect(
    after.value('messenger_stream_catchup_events_total') - before.value('messenger_stream_catchup_events_total'),
  ).toBe(2);
  expect(
    after.value('messenger_stream_events_delivered_total') - before.value('messenger_stream_events_delivered_total'),
  ).toBe(0);
});

test('When a stream resumes from a malformed cursor, then a resync is counted with its reason', async () => {
  const userId = uniqueUserId();
  const before = await scrape();
  const stream = await openRawStream(fixture.url, { token: sessionToken(userId), lastEventId: 'not-a-cursor' });
  opened.push(stream);
  await stream.waitForEvents(1, 'resync');
  const after = await scrape();
  const resyncs = (reason: string) =>
    after.value('messenger_stream_resyncs_total', { reason }) -
    before.value('messenger_stream_resyncs_total', { reason });
  expect(resyncs('malformed_cursor')).toBe(1);
});

test('When a tab stops reading and is cut, then slow_consumer grows by one and the close is logged with its reason', async () => {
  const userId = uniqueUserId();
  const before = await scrape();
  const slow = await openStream(userId);
  // Live first (one event received): a stream still catching up when the flood starts is
  // cut too, but from its catch-up buffer, before it has sent anything.
  await fixture.publisher.publishMessage(userId, 'first');
  await slow.waitForEvents(1, 'message');
  slow.pause();
  const content = 'x'.repeat(4000);
  // Until the slow tab is cut (kernel socket buffers absorb some megabytes first), bounded at 4,000 events (16 MB).
  for (let i = 0; fixture.server.stats().connections === 1 && i < 400; i += 1) {
    await Promise.all(Array.from({ length: 10 }, () => fixture.publisher.publishMessage(userId, content)));
    await new Promise((resolve) => setImmediate(resolve));
  }
  await untilOpenStreams(fixture, 0);

  const after = await scrape();
  const closed = (reason: string) =>
    after.value('messenger_stream_connections_closed_total', { reason }) -
    before.value('messenger_stream_connections_closed_total', { reason });
  expect(closed('slow_consumer')).toBe(1);
  expect(closed('client_gone')).toBe(0);
  const line = log.lines
    .map((text) => JSON.parse(text))
    .find((entry) => entry.msg === 'stream closed' && entry.userId === userId);
  expect(line).toMatchObject({ level: 30, reason: 'slow_consumer' });
  expect(line.durationMs).toBeGreaterThanOrEqual(0);
  expect(line.events).toBeGreaterThan(0);
}, 60_000);

test('When a stream closes, then one info line gives its duration, the events sent and the reason, and never its token', async () => {
  const userId = uniqueUserId();
  const token = sessionToken(userId);
  const stream = await openRawStream(fixture.url, { token, tokenInHeader: false });
  opened.push(stream);
  await stream.waitForReady();
  await fixture.publisher.publishMessage(userId, 'one');
  await fixture.publisher.publishMessage(userId, 'two');
  await stream.waitForEvents(2);
  stream.close();
  await untilOpenStreams(fixture, 0);

  const lines = log.lines.filter((text) => text.includes('"stream closed"') && text.includes(`"userId":"${userId}"`));
  expect(lines).toHaveLength(1);
  expect(JSON.parse(lines[0]!)).toMatchObject({ level: 30, reason: 'client_gone', events: 2 });
  expect(log.lines.join('')).not.toContain(token);
});
