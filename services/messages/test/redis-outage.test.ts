import { Writable } from 'node:stream';
import pino from 'pino';
import { useMessagesApp } from '../../../test/support/messages-app';
import { loginUser, sendMessage, startConversation } from '../../../test/support/messages-client';
import { startPrivateRedis, type PrivateRedis } from '../../../test/support/private-redis';

// This file kills Redis, so it runs the service against a redis-server of its own.
let redis: PrivateRedis;
const logLines: string[] = [];
const logger = pino(
  { level: 'debug' },
  new Writable({
    write(chunk, _encoding, done) {
      logLines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  }),
);

beforeAll(async () => {
  redis = await startPrivateRedis();
});

// Hooks run in the order declared: Redis starts before the app and stops after it.
const { api } = useMessagesApp(() => ({ env: { REDIS_URL: redis.url }, deps: { logger } }));

afterAll(() => redis?.stop());

async function health() {
  return api.get('/healthz');
}

test('When PostgreSQL and Redis answer, then /healthz is 200 naming both ok', async () => {
  const response = await health();
  expect(response.status).toBe(200);
  expect(response.body).toEqual({ status: 'ok', postgres: 'ok', redis: 'ok' });
});

test('When Redis is down, then sending still answers 201, keeps the message, logs the failed publish, and /healthz is 503 naming Redis', async () => {
  const [alice, bob] = await Promise.all([loginUser(api), loginUser(api)]);
  const conversationId = await startConversation(api, alice, bob);
  await redis.kill();

  const started = Date.now();
  const response = await api.post(`/api/conversations/${conversationId}/messages`, {
    token: alice.token,
    json: { content: 'during the outage' },
  });
  expect(response.status).toBe(201);
  // The publish wait is capped (event-notifier.ts): a dead Redis does not hold the response.
  expect(Date.now() - started).toBeLessThan(2000);

  const listed = await api.get(`/api/conversations/${conversationId}/messages`, { token: bob.token });
  expect(listed.status).toBe(200);
  expect(listed.body.map((m: { id: string }) => m.id)).toEqual([response.body.id]);

  const unhealthy = await health();
  expect(unhealthy.status).toBe(503);
  expect(unhealthy.body).toEqual({ status: 'unavailable', postgres: 'ok', redis: 'unavailable' });

  // Each failed publish is logged with the user it was for.
  const deadline = Date.now() + 5000;
  const failures = () => logLines.map((l) => JSON.parse(l)).filter((l) => l.msg === 'event publish failed');
  while (failures().length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  expect(failures().map((l) => l.userId)).toEqual(expect.arrayContaining([alice.id, bob.id]));

  await redis.restart();
  let healthy = await health();
  for (let i = 0; i < 50 && healthy.status !== 200; i++) {
    await new Promise((r) => setTimeout(r, 100));
    healthy = await health();
  }
  expect(healthy.status).toBe(200);

  // Back to normal: the next message is published again.
  const subscriber = redis.client();
  await subscriber.subscribe(`messenger:user:{${bob.id}}:events`);
  const got = new Promise<string>((resolve) =>
    subscriber.once('message', (_channel: string, payload: string) => resolve(payload)),
  );
  const after = await sendMessage(api, alice, conversationId, 'after the outage');
  expect(JSON.parse(await got)).toMatchObject({ type: 'message', data: { id: after.id, mine: false } });
});

test('When requests carried tokens, then no token appears in any log line', async () => {
  const user = await loginUser(api);
  await api.get('/api/auth_user', { token: user.token });
  await api.get(`/api/auth_user?token=${user.token}`);
  await api.post('/api/stream_token', { token: user.token });
  expect(logLines.length).toBeGreaterThan(0);
  const signature = user.token.split('.')[2]!;
  expect(logLines.filter((line) => line.includes(signature))).toEqual([]);
});

test('When requests fail, then each request log line carries the status that was sent', async () => {
  const marker = `status_probe_${Date.now()}`;
  await api.get(`/api/conversations?${marker}=1`);
  await api.post(`/api/login?${marker}=2`, { json: { username: '' } });
  const lines = logLines.map((l) => JSON.parse(l)).filter((l) => l.msg === 'request' && String(l.url).includes(marker));
  expect(lines.map((l) => [l.method, l.status])).toEqual([
    ['GET', 401],
    ['POST', 422],
  ]);
});
