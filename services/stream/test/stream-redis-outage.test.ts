import type { PrivateRedis } from '../../../test/support/infra/private-redis';
import { startStreamOnPrivateRedis, stopStreamOnPrivateRedis } from '../../../test/support/stream/stream-private-redis';
import { sessionToken, uniqueUserId, type StreamFixture } from '../../../test/support/stream/stream-fixture';
import { openRawStream } from '../../../test/support/stream/stream-raw-client';

// Redis unavailable: health says so, new streams get a clear 503 (nothing half-open),
// and both recover when Redis is back. A private Redis, because this test stops it.
let redis: PrivateRedis;
let fixture: StreamFixture;

beforeAll(async () => ({ redis, fixture } = await startStreamOnPrivateRedis()));

afterAll(() => stopStreamOnPrivateRedis(fixture, redis));

async function eventually(condition: () => Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

test('When Redis is down, then /healthz answers 503 and a new stream gets a 503 JSON error; when it is back, both recover', async () => {
  const userId = uniqueUserId();
  await redis.kill();

  await eventually(async () => (await fetch(`${fixture.url}/healthz`)).status === 503, '/healthz to answer 503');
  const refused = await openRawStream(fixture.url, { token: sessionToken(userId) });
  await refused.ended;
  expect(refused.status).toBe(503);
  expect(JSON.parse(refused.text())).toEqual({ error: { code: 'unavailable', message: expect.any(String) } });
  expect(fixture.server.stats()).toMatchObject({ connections: 0, users: 0 });

  await redis.restart();
  await eventually(async () => (await fetch(`${fixture.url}/healthz`)).status === 200, '/healthz to answer 200');
  const stream = await openRawStream(fixture.url, { token: sessionToken(userId) });
  try {
    expect(stream.status).toBe(200);
    const cursor = await fixture.publisher.publishMessage(userId, 'back');
    const [event] = await stream.waitForEvents(1);
    expect(event!.id).toBe(cursor);
  } finally {
    stream.close();
  }
}, 40_000);
