import { ConfigError } from '#libs/config';
import { closedAfterEach } from '../../../test/support/stream/stream-closed-after-each';
import {
  sessionToken,
  startStreamFixture,
  uniqueUserId,
  untilOpenStreams,
  type StreamFixture,
} from '../../../test/support/stream/stream-fixture';
import { openRawStream, type RawStream } from '../../../test/support/stream/stream-raw-client';
import { testConfig } from '../../../test/support/product/test-config';

// Connection limits: one user cannot take a whole instance, and a full instance sends
// new streams elsewhere with a spread-out Retry-After.
const opened = closedAfterEach<RawStream>();

/** HEAD /api/messages as a user: what a GET would be answered, without opening a stream. */
function head(fixture: StreamFixture, userId: string): Promise<Response> {
  return fetch(`${fixture.url}/api/messages`, {
    method: 'HEAD',
    headers: { Accept: 'text/event-stream', Authorization: `Bearer ${sessionToken(userId)}` },
  });
}

async function open(fixture: StreamFixture, userId: string): Promise<RawStream> {
  const stream = await openRawStream(fixture.url, { token: sessionToken(userId) });
  opened.push(stream);
  return stream;
}

describe('per user', () => {
  let fixture: StreamFixture;
  beforeAll(async () => {
    fixture = await startStreamFixture({ STREAM_MAX_CONNECTIONS_PER_USER: '2' });
  });
  afterAll(() => fixture.stop());

  test('When a user opens one stream more than the limit, then it is refused with 429 too_many_streams and Retry-After, and the open ones go on', async () => {
    const userId = uniqueUserId();
    const first = await open(fixture, userId);
    const second = await open(fixture, userId);
    expect([first.status, second.status]).toEqual([200, 200]);

    const refused = await open(fixture, userId);
    await refused.ended;
    expect(refused.status).toBe(429);
    expect(refused.headers['content-type']).toMatch(/^application\/json/);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(JSON.parse(refused.text())).toEqual({
      error: { code: 'too_many_streams', message: expect.stringContaining('2 open streams') },
    });

    const cursor = await fixture.publisher.publishMessage(userId, 'still live');
    await first.waitForEvents(1);
    await second.waitForEvents(1);
    expect([first.events()[0]!.id, second.events()[0]!.id]).toEqual([cursor, cursor]);
  });

  test('When a refused client asks with HEAD (an EventSource cannot read the status), then it gets the same 429 and Retry-After, and 200 once under the limit', async () => {
    const userId = uniqueUserId();
    expect((await head(fixture, userId)).status).toBe(200);
    const first = await open(fixture, userId);
    await open(fixture, userId);
    const refused = await head(fixture, userId);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);

    first.close();
    await untilOpenStreams(fixture, 1);
    expect((await head(fixture, userId)).status).toBe(200);
  });

  test('When another user opens a stream, or the user closes one, then a stream opens again', async () => {
    const userId = uniqueUserId();
    const first = await open(fixture, userId);
    await open(fixture, userId);
    expect((await open(fixture, uniqueUserId())).status).toBe(200);

    first.close();
    await untilOpenStreams(fixture, 2);
    expect((await open(fixture, userId)).status).toBe(200);
  });
});

describe('per instance', () => {
  let fixture: StreamFixture;
  beforeAll(async () => {
    fixture = await startStreamFixture({ STREAM_MAX_CONNECTIONS: '2' });
  });
  afterAll(() => fixture.stop());

  test('When the instance holds STREAM_MAX_CONNECTIONS streams, then a new one gets 503 with a Retry-After of 2 to 6 seconds', async () => {
    await open(fixture, uniqueUserId());
    await open(fixture, uniqueUserId());
    const refusals = await Promise.all([1, 2, 3, 4, 5].map(() => open(fixture, uniqueUserId())));
    for (const refused of refusals) {
      await refused.ended;
      expect(refused.status).toBe(503);
      expect(JSON.parse(refused.text()).error.code).toBe('over_capacity');
      const retryAfter = Number(refused.headers['retry-after']);
      expect(retryAfter).toBeGreaterThanOrEqual(2);
      expect(retryAfter).toBeLessThanOrEqual(6);
    }
    expect(fixture.server.stats().connections).toBe(2);
    const asked = await head(fixture, uniqueUserId());
    expect(asked.status).toBe(503);
    expect(Number(asked.headers.get('retry-after'))).toBeGreaterThanOrEqual(2);
  });

  test('When streams are refused or opened at the same moment, then no more than the limit ever open', async () => {
    await untilOpenStreams(fixture, 0);
    const statuses = (await Promise.all([1, 2, 3, 4, 5, 6].map(() => open(fixture, uniqueUserId())))).map(
      (stream) => stream.status,
    );
    expect(statuses.filter((status) => status === 200)).toHaveLength(2);
    expect(statuses.filter((status) => status === 503)).toHaveLength(4);
  });
});

test('When a limit is not a positive integer, then the configuration is refused naming it', () => {
  expect(() => testConfig({ STREAM_MAX_CONNECTIONS_PER_USER: '0' })).toThrow(ConfigError);
  expect(() => testConfig({ STREAM_MAX_CONNECTIONS_PER_USER: '0' })).toThrow(/STREAM_MAX_CONNECTIONS_PER_USER/);
  expect(() => testConfig({ STREAM_MAX_CONNECTIONS: 'many' })).toThrow(/STREAM_MAX_CONNECTIONS/);
  expect(testConfig().stream).toMatchObject({ maxConnections: Infinity, maxConnectionsPerUser: 20 });
});
